package io.glassbox.server.ingest;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.ValueRepresentation;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Checks that a Part 10 file is well-formed to its last byte, element by element, and finds where its data set and
 * top-level Pixel Data start.
 *
 * <p>Why not only PixelMed: {@code AttributeList.read} logs and swallows a premature end of stream inside a
 * sequence (pydicom's {@code rtplan_truncated.dcm} reads "successfully" with half its plan missing), and it has no
 * way to report file offsets. A server that must never acknowledge a truncated object needs a strict check of
 * its own; values are still parsed by PixelMed. This walks tags, VRs, lengths, items and delimiters only.
 */
public final class DicomStructure {

    public static final String IMPLICIT_VR_LE = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_BE = "1.2.840.10008.1.2.2";
    public static final String DEFLATED_EXPLICIT_VR_LE = "1.2.840.10008.1.2.1.99";

    private static final Set<String> VRS = Set.of("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS",
            "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC",
            "UI", "UL", "UN", "UR", "US", "UT", "UV");
    private static final Set<String> LONG_LENGTH_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC",
            "UN", "UR", "UT", "UV");
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int ITEM = 0xFFFEE000;
    private static final int ITEM_DELIMITER = 0xFFFEE00D;
    private static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;
    private static final int PIXEL_DATA = 0x7FE00010;
    private static final int FLOAT_PIXEL_DATA = 0x7FE00008;
    private static final int DOUBLE_FLOAT_PIXEL_DATA = 0x7FE00009;
    private static final int MAX_DEPTH = 64;

    /**
     * What the walk found.
     *
     * @param transferSyntaxUid  from the file meta
     * @param datasetOffset      file offset of the first data set element
     * @param pixelDataOffset    file offset of the top-level pixel data value, or null when there is none or the
     *                           data set is deflated (offsets inside a deflated stream mean nothing in the file)
     * @param pixelDataLength    its value length, -1 when encapsulated (undefined length), null when none
     * @param pixelDataVr        its VR (OB/OW/OF/OD) or null
     * @param pixelDataTag       which element holds the pixels: Pixel Data (7FE0,0010), or Float (7FE0,0008) or
     *                           Double Float Pixel Data (7FE0,0009) as Parametric Maps carry them; 0 when none
     */
    public record Layout(String transferSyntaxUid, long datasetOffset, Long pixelDataOffset, Long pixelDataLength,
            String pixelDataVr, int pixelDataTag) {

        /** The pixel data element's tag as DICOM JSON writes it ("7FE00010"), or null when there is none. */
        public String pixelDataKey() {
            return pixelDataTag == 0 ? null : String.format("%08X", pixelDataTag);
        }
    }

    /** The object is not well-formed; the message says where and why. */
    public static class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedException(String message) {
            super(message);
        }
    }

    private DicomStructure() {}

    public static Layout check(Path file) throws IOException, MalformedException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            return check(in, Files.size(file));
        }
    }

    static Layout check(InputStream raw, long fileSize) throws IOException, MalformedException {
        Reader r = new Reader(raw, fileSize, false, false);
        byte[] preamble = new byte[132];
        if (!r.readFullyOrEof(preamble)
                || !"DICM".equals(new String(preamble, 128, 4, StandardCharsets.US_ASCII))) {
            throw new MalformedException("not a DICOM Part 10 file: no 128-byte preamble followed by \"DICM\"");
        }
        String ts = readMeta(r);
        long datasetOffset = r.position;
        if (ts == null || ts.isEmpty()) {
            throw new MalformedException("the file meta information has no Transfer Syntax UID (0002,0010)");
        }
        Walk walk;
        if (ts.equals(DEFLATED_EXPLICIT_VR_LE)) {
            InputStream inflated = new BufferedInputStream(new InflaterInputStream(raw, new Inflater(true), 64 * 1024));
            walk = new Walk(new Reader(inflated, Long.MAX_VALUE, false, false), false);
        } else {
            r.bigEndian = ts.equals(EXPLICIT_VR_BE);
            // A data set is read in the transfer syntax its meta declares, as dcmtk reads it: one declared explicit
            // VR but written in implicit VR (pydicom's SC_rgb_jpeg.dcm) is refused at its first element, not
            // guessed at (PixelMed's guessing then fails further on).
            r.implicit = ts.equals(IMPLICIT_VR_LE);
            walk = new Walk(r, true);
        }
        try {
            walk.elements(walk.r.size, false, 0);
        } catch (ZipException | EOFException e) {
            // only the inflater throws these: the deflated data set is not a whole, valid deflate stream
            throw new MalformedException("the deflated data set cannot be inflated: " + e.getMessage());
        }
        return new Layout(ts, datasetOffset, walk.pixelOffset, walk.pixelLength, walk.pixelVr, walk.pixelTag);
    }

    /**
     * Reads group 0002 (always explicit VR little endian) element by element and returns the transfer syntax UID.
     * The group ends at the first element of another group, whatever File Meta Information Group Length (0002,0000)
     * says: writers that edit a file's meta often leave a stale count (PixelMed does), and dcmtk and PixelMed read
     * such files.
     */
    private static String readMeta(Reader r) throws IOException, MalformedException {
        String ts = null;
        while (true) {
            r.in.mark(8);
            int b0 = r.in.read();
            if (b0 < 0) {
                throw new MalformedException("the file ends inside its file meta information");
            }
            int b1 = r.in.read();
            r.in.reset();
            if (b0 != 0x02 || b1 != 0x00) {
                return ts;
            }
            int tag = r.tag();
            String vr = r.vr(tag);
            if (vr.equals("SQ")) {
                // PS3.10 7.1 defines every file meta element, and none is a sequence; readers parse one as a sequence
                throw new MalformedException(String.format("file meta element (%04X,%04X) is a sequence (VR SQ); the "
                        + "file meta information has none", tag >>> 16, tag & 0xFFFF));
            }
            long length = LONG_LENGTH_VRS.contains(vr) ? r.reservedThenU32(tag) : r.u16();
            if (length == UNDEFINED || length > 65536) {
                throw new MalformedException(String.format("file meta element (%04X,%04X) has an implausible length %d",
                        tag >>> 16, tag & 0xFFFF, length));
            }
            byte[] value = r.bytes((int) length, tag);
            if (tag == 0x00020010) {
                ts = new String(value, StandardCharsets.US_ASCII).replace("\0", "").trim();
            }
        }
    }

    /**
     * One walk over the data set, holding every container to its bounds (PS3.5 7.5): a defined-length sequence or
     * item ends exactly at its declared length and nothing inside it (element header, value, nested item) may run
     * past that end; an undefined-length item ends at its item delimiter and an undefined-length sequence at its
     * sequence delimiter, and either must come before the end of whatever encloses it (the end of the file at top
     * level). Undefined length is allowed only where PS3.5 7.1 allows it: sequences (SQ, or in implicit VR a tag
     * whose dictionary VR is SQ, or one the dictionary does not know, which dcmtk also reads as a sequence), UN
     * holding a sequence in implicit VR little endian (PS3.5 6.2.2), and encapsulated Pixel Data (A.4).
     */
    private static final class Walk {
        final Reader r;
        final boolean offsetsMeaningful;
        Long pixelOffset;
        Long pixelLength;
        String pixelVr;
        int pixelTag;

        Walk(Reader r, boolean offsetsMeaningful) {
            this.r = r;
            this.offsetsMeaningful = offsetsMeaningful;
        }

        /**
         * Reads the data elements of the data set ({@code depth} 0) or of one item. When {@code delimited} the
         * item has undefined length and ends at its item delimiter, which must come before {@code end} (the end of
         * the enclosing container); otherwise the elements must fill exactly up to {@code end}. At top level the
         * end of the stream also ends the data set (a deflated stream's length is not known in advance).
         */
        void elements(long end, boolean delimited, int depth) throws IOException, MalformedException {
            while (true) {
                if (!delimited && r.position == end) {
                    return;
                }
                if (depth == 0 && !delimited && r.atEof()) {
                    return;
                }
                long elementStart = r.position;
                if (elementStart + 8 > end) {
                    throw r.malformed(delimited
                            ? "an item of undefined length has no item delimiter before the end of what holds it"
                            : "an element header runs past the end of its item", elementStart);
                }
                int tag = r.tag();
                if (tag == ITEM_DELIMITER) {
                    r.u32();
                    if (delimited) {
                        return;
                    }
                    throw r.malformed("an item delimiter outside an item of undefined length", elementStart);
                }
                if (tag == ITEM || tag == SEQUENCE_DELIMITER) {
                    throw r.malformed(String.format("unexpected %s among data elements", name(tag)), elementStart);
                }
                String explicitVr = null;
                long length;
                if (r.implicit) {
                    length = r.u32();
                } else {
                    explicitVr = r.vr(tag);
                    length = LONG_LENGTH_VRS.contains(explicitVr) ? r.reservedThenU32(tag) : r.u16();
                }
                if (r.position > end) {
                    throw r.malformed(String.format("the header of %s runs past the end of its item", name(tag)),
                            elementStart);
                }
                boolean pixelDataTag = tag == PIXEL_DATA || tag == FLOAT_PIXEL_DATA || tag == DOUBLE_FLOAT_PIXEL_DATA;
                if (depth == 0 && pixelDataTag) {
                    pixelOffset = offsetsMeaningful ? r.position : null;
                    pixelLength = length == UNDEFINED ? -1L : length;
                    pixelVr = explicitVr != null ? explicitVr
                            : tag == PIXEL_DATA ? "OW" : tag == FLOAT_PIXEL_DATA ? "OF" : "OD";
                    pixelTag = tag;
                }
                if (length == UNDEFINED) {
                    undefinedLengthValue(tag, explicitVr, end, depth, elementStart);
                } else if (r.position + length > end) {
                    throw r.malformed(String.format("%s declares %d bytes, more than the %d left in its %s",
                            name(tag), length, end - r.position, depth == 0 ? "data set" : "item"), elementStart);
                } else if (isSequence(tag, explicitVr)) {
                    items(r.position + length, false, depth + 1, tag);
                } else {
                    r.skip(length, tag);
                }
            }
        }

        /** The value of an element of undefined length, which must end before {@code end}. */
        private void undefinedLengthValue(int tag, String explicitVr, long end, int depth, long elementStart)
                throws IOException, MalformedException {
            if (tag == PIXEL_DATA && (explicitVr == null || "OB".equals(explicitVr) || "OW".equals(explicitVr))) {
                fragments(end, tag);
            } else if ("UN".equals(explicitVr)) {
                // An undefined-length UN is a sequence whose content is in implicit VR little endian (PS3.5 6.2.2).
                boolean wasImplicit = r.implicit;
                boolean wasBig = r.bigEndian;
                r.implicit = true;
                r.bigEndian = false;
                items(end, true, depth + 1, tag);
                r.implicit = wasImplicit;
                r.bigEndian = wasBig;
            } else if (isSequence(tag, explicitVr) || (explicitVr == null && dictionaryVr(tag) == null)) {
                // Implicit VR: a tag the dictionary does not know (private ones) is read as a sequence, as dcmtk does.
                items(end, true, depth + 1, tag);
            } else {
                String vr = explicitVr != null ? explicitVr : new String(dictionaryVr(tag), StandardCharsets.US_ASCII);
                throw r.malformed(String.format("%s %s has an undefined length, which only sequences and "
                        + "encapsulated pixel data may have", name(tag), vr), elementStart);
            }
        }

        /**
         * Sequence items: up to exactly {@code end} (defined length) or, when {@code delimited}, up to the sequence
         * delimiter, which must come before {@code end}.
         */
        void items(long end, boolean delimited, int depth, int sequenceTag) throws IOException, MalformedException {
            if (depth > MAX_DEPTH) {
                throw r.malformed("sequences nested deeper than " + MAX_DEPTH, r.position);
            }
            while (true) {
                if (!delimited && r.position == end) {
                    return;
                }
                long itemStart = r.position;
                if (itemStart + 8 > end) {
                    throw r.malformed(String.format(delimited
                            ? "sequence %s of undefined length has no sequence delimiter before the end of what holds it"
                            : "an item header runs past the end of sequence %s", name(sequenceTag)), itemStart);
                }
                int tag = r.tag();
                long length = r.u32();
                if (tag == SEQUENCE_DELIMITER) {
                    if (!delimited) {
                        throw r.malformed("a sequence delimiter in a sequence of defined length", itemStart);
                    }
                    return;
                }
                if (tag != ITEM) {
                    throw r.malformed(String.format("expected an item in sequence %s, found %s", name(sequenceTag),
                            name(tag)), itemStart);
                }
                if (length == UNDEFINED) {
                    elements(end, true, depth);
                } else if (r.position + length > end) {
                    throw r.malformed(String.format("an item of sequence %s declares %d bytes, more than the %d left "
                            + "in what holds it", name(sequenceTag), length, end - r.position), itemStart);
                } else {
                    elements(r.position + length, false, depth);
                }
            }
        }

        /** Encapsulated pixel data: items (offset table, fragments) until the sequence delimiter, before {@code end}. */
        void fragments(long end, int tag) throws IOException, MalformedException {
            while (true) {
                long itemStart = r.position;
                if (itemStart + 8 > end) {
                    throw r.malformed("encapsulated pixel data has no sequence delimiter before the end of what "
                            + "holds it", itemStart);
                }
                int itemTag = r.tag();
                long length = r.u32();
                if (itemTag == SEQUENCE_DELIMITER) {
                    return;
                }
                if (itemTag != ITEM || length == UNDEFINED || r.position + length > end) {
                    throw r.malformed("malformed fragment in encapsulated pixel data", itemStart);
                }
                r.skip(length, tag);
            }
        }

        /** Explicit VR SQ, or in implicit VR a tag whose dictionary VR is SQ. */
        private static boolean isSequence(int tag, String explicitVr) {
            if (explicitVr != null) {
                return "SQ".equals(explicitVr);
            }
            byte[] vr = dictionaryVr(tag);
            return vr != null && ValueRepresentation.isSequenceVR(vr);
        }

        /** The dictionary VR of a standard tag; null for private tags and tags the dictionary does not know. */
        private static byte[] dictionaryVr(int tag) {
            if (((tag >>> 16) & 1) == 1) {
                return null;
            }
            return DicomDictionary.StandardDictionary.getValueRepresentationFromTag(
                    new AttributeTag(tag >>> 16, tag & 0xFFFF));
        }

        private static String name(int tag) {
            return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
        }
    }

    /** Byte-level reading with position tracking; EOF anywhere inside an element is a truncated object. */
    private static final class Reader {
        final InputStream in;
        final long size;
        boolean implicit;
        boolean bigEndian;
        long position;
        final byte[] scratch = new byte[8];

        Reader(InputStream in, long size, boolean implicit, boolean bigEndian) {
            this.in = in;
            this.size = size;
            this.implicit = implicit;
            this.bigEndian = bigEndian;
        }

        boolean atEof() throws IOException {
            in.mark(1);
            int b = in.read();
            in.reset();
            return b < 0;
        }

        boolean readFullyOrEof(byte[] b) throws IOException {
            int off = 0;
            while (off < b.length) {
                int n = in.read(b, off, b.length - off);
                if (n < 0) {
                    return false;
                }
                off += n;
            }
            position += b.length;
            return true;
        }

        void fill(int n) throws IOException, MalformedException {
            int off = 0;
            while (off < n) {
                int k = in.read(scratch, off, n - off);
                if (k < 0) {
                    throw malformed("the object is truncated", position + off);
                }
                off += k;
            }
            position += n;
        }

        int tag() throws IOException, MalformedException {
            fill(4);
            int g = bigEndian ? ((scratch[0] & 0xFF) << 8) | (scratch[1] & 0xFF)
                    : ((scratch[1] & 0xFF) << 8) | (scratch[0] & 0xFF);
            int e = bigEndian ? ((scratch[2] & 0xFF) << 8) | (scratch[3] & 0xFF)
                    : ((scratch[3] & 0xFF) << 8) | (scratch[2] & 0xFF);
            // Item and delimiter tags follow the data set's byte order too (PS3.5 7.5), so no special case.
            return (g << 16) | e;
        }

        String vr(int tag) throws IOException, MalformedException {
            fill(2);
            String vr = new String(scratch, 0, 2, StandardCharsets.US_ASCII);
            if (!VRS.contains(vr)) {
                throw malformed(String.format("unknown VR \"%s\" in element (%04X,%04X)", printable(vr),
                        tag >>> 16, tag & 0xFFFF), position - 6);
            }
            return vr;
        }

        int u16() throws IOException, MalformedException {
            fill(2);
            return bigEndian ? ((scratch[0] & 0xFF) << 8) | (scratch[1] & 0xFF)
                    : ((scratch[1] & 0xFF) << 8) | (scratch[0] & 0xFF);
        }

        long u32() throws IOException, MalformedException {
            fill(4);
            long v = bigEndian
                    ? ((long) (scratch[0] & 0xFF) << 24) | ((scratch[1] & 0xFF) << 16) | ((scratch[2] & 0xFF) << 8)
                            | (scratch[3] & 0xFF)
                    : ((long) (scratch[3] & 0xFF) << 24) | ((scratch[2] & 0xFF) << 16) | ((scratch[1] & 0xFF) << 8)
                            | (scratch[0] & 0xFF);
            return v;
        }

        /**
         * The two reserved bytes after a VR with a 32-bit length, which PS3.5 7.1.2 says shall be 0000H, then the
         * length. Other values are refused: dcmtk ignores them but PixelMed, which reads the object next, does not.
         */
        long reservedThenU32(int tag) throws IOException, MalformedException {
            fill(2);
            if (scratch[0] != 0 || scratch[1] != 0) {
                throw malformed(String.format("the reserved bytes of (%04X,%04X) are %02X%02X, not 0000H",
                        tag >>> 16, tag & 0xFFFF, scratch[0] & 0xFF, scratch[1] & 0xFF), position - 2);
            }
            return u32();
        }

        byte[] bytes(int n, int tag) throws IOException, MalformedException {
            byte[] b = new byte[n];
            int off = 0;
            while (off < n) {
                int k = in.read(b, off, n - off);
                if (k < 0) {
                    throw malformed(String.format("the object is truncated inside (%04X,%04X)", tag >>> 16,
                            tag & 0xFFFF), position + off);
                }
                off += k;
            }
            position += n;
            return b;
        }

        void skip(long n, int tag) throws IOException, MalformedException {
            if (position + n > size) {
                throw malformed(String.format("element (%04X,%04X) declares %d bytes but only %d remain",
                        tag >>> 16, tag & 0xFFFF, n, Math.max(0, size - position)), position);
            }
            long left = n;
            while (left > 0) {
                long k = in.skip(left);
                if (k <= 0) {
                    if (in.read() < 0) {
                        throw malformed(String.format("the object is truncated inside (%04X,%04X)", tag >>> 16,
                                tag & 0xFFFF), position + (n - left));
                    }
                    k = 1;
                }
                left -= k;
            }
            position += n;
        }

        MalformedException malformed(String what, long at) {
            return new MalformedException(what + " (at byte " + at + ")");
        }

        private static String printable(String s) {
            StringBuilder b = new StringBuilder();
            for (char c : s.toCharArray()) {
                b.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02X", (int) c));
            }
            return b.toString();
        }
    }
}
