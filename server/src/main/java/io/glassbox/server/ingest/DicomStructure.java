package io.glassbox.server.ingest;

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
            r.implicit = ts.equals(IMPLICIT_VR_LE) || (!r.bigEndian && startsImplicit(r.in));
            walk = new Walk(r, true);
        }
        walk.elements(Long.MAX_VALUE, 0, false);
        return new Layout(ts, datasetOffset, walk.pixelOffset, walk.pixelLength, walk.pixelVr, walk.pixelTag);
    }

    /**
     * Whether a data set declared explicit VR little endian really starts in implicit VR: the two bytes after the
     * first tag are not a VR. Writers that get this wrong exist (pydicom's SC_rgb_jpeg.dcm); pydicom and PixelMed
     * read such files by the same test, so Glassbox stores them rather than refusing a modality's images.
     */
    private static boolean startsImplicit(InputStream in) throws IOException {
        in.mark(6);
        byte[] b = new byte[6];
        int n = in.readNBytes(b, 0, 6);
        in.reset();
        return n == 6 && !VRS.contains(new String(b, 4, 2, StandardCharsets.US_ASCII));
    }

    /** Reads group 0002 (always explicit VR little endian) and returns the transfer syntax UID. */
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
            long length = LONG_LENGTH_VRS.contains(vr) ? r.skipReservedAndReadU32() : r.u16();
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
         * Reads elements until {@code end} (a position) is reached, or, when {@code untilItemDelimiter}, until an
         * item delimiter; at top level ({@code end == MAX_VALUE}, depth 0) the end of the stream is the end.
         */
        void elements(long end, int depth, boolean untilItemDelimiter) throws IOException, MalformedException {
            while (r.position < end) {
                if (depth == 0 && !untilItemDelimiter && r.atEof()) {
                    return;
                }
                long elementStart = r.position;
                int tag = r.tag();
                if (tag == ITEM_DELIMITER) {
                    r.u32();
                    if (untilItemDelimiter) {
                        return;
                    }
                    throw r.malformed("an item delimiter outside an item", elementStart);
                }
                if (tag == ITEM || tag == SEQUENCE_DELIMITER) {
                    throw r.malformed(String.format("unexpected (%04X,%04X) among data elements", tag >>> 16,
                            tag & 0xFFFF), elementStart);
                }
                String vr;
                long length;
                if (r.implicit) {
                    vr = null;
                    length = r.u32();
                } else {
                    vr = r.vr(tag);
                    length = LONG_LENGTH_VRS.contains(vr) ? r.skipReservedAndReadU32() : r.u16();
                }
                boolean topLevelPixelData = depth == 0
                        && (tag == PIXEL_DATA || tag == FLOAT_PIXEL_DATA || tag == DOUBLE_FLOAT_PIXEL_DATA);
                if (topLevelPixelData) {
                    pixelOffset = offsetsMeaningful ? r.position : null;
                    pixelLength = length == UNDEFINED ? -1L : length;
                    pixelVr = vr != null ? vr : tag == PIXEL_DATA ? "OW" : tag == FLOAT_PIXEL_DATA ? "OF" : "OD";
                    pixelTag = tag;
                }
                if (length == UNDEFINED) {
                    if (tag == PIXEL_DATA || ("OB".equals(vr) && depth > 0)) {
                        fragments(tag);
                    } else if (vr == null || "SQ".equals(vr) || "UN".equals(vr)) {
                        // An undefined-length UN is a sequence encoded in implicit VR little endian (PS3.5 6.2.2).
                        boolean wasImplicit = r.implicit;
                        boolean wasBig = r.bigEndian;
                        if ("UN".equals(vr)) {
                            r.implicit = true;
                            r.bigEndian = false;
                        }
                        items(Long.MAX_VALUE, depth + 1, tag);
                        r.implicit = wasImplicit;
                        r.bigEndian = wasBig;
                    } else {
                        throw r.malformed(String.format("(%04X,%04X) %s has an undefined length", tag >>> 16,
                                tag & 0xFFFF, vr), elementStart);
                    }
                } else if ("SQ".equals(vr)) {
                    items(r.position + length, depth + 1, tag);
                } else {
                    r.skip(length, tag);
                }
            }
            if (r.position != end && end != Long.MAX_VALUE) {
                throw r.malformed("an element runs past the end of its item", r.position);
            }
        }

        /** Sequence items up to {@code end} (defined length) or up to the sequence delimiter. */
        void items(long end, int depth, int sequenceTag) throws IOException, MalformedException {
            if (depth > MAX_DEPTH) {
                throw r.malformed("sequences nested deeper than " + MAX_DEPTH, r.position);
            }
            while (r.position < end) {
                long itemStart = r.position;
                int tag = r.tag();
                long length = r.u32();
                if (tag == SEQUENCE_DELIMITER) {
                    if (end != Long.MAX_VALUE) {
                        throw r.malformed("a sequence delimiter in a sequence of defined length", itemStart);
                    }
                    return;
                }
                if (tag != ITEM) {
                    throw r.malformed(String.format("expected an item in sequence (%04X,%04X), found (%04X,%04X)",
                            sequenceTag >>> 16, sequenceTag & 0xFFFF, tag >>> 16, tag & 0xFFFF), itemStart);
                }
                if (length == UNDEFINED) {
                    elements(Long.MAX_VALUE, depth, true);
                } else {
                    elements(r.position + length, depth, false);
                }
            }
            if (end != Long.MAX_VALUE && r.position != end) {
                throw r.malformed("an item runs past the end of its sequence", r.position);
            }
        }

        /** Encapsulated pixel data: items (offset table, fragments) until the sequence delimiter. */
        void fragments(int tag) throws IOException, MalformedException {
            while (true) {
                long itemStart = r.position;
                int itemTag = r.tag();
                long length = r.u32();
                if (itemTag == SEQUENCE_DELIMITER) {
                    return;
                }
                if (itemTag != ITEM || length == UNDEFINED) {
                    throw r.malformed("malformed fragment in encapsulated pixel data", itemStart);
                }
                r.skip(length, tag);
            }
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

        long skipReservedAndReadU32() throws IOException, MalformedException {
            fill(2);
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
