package io.glassbox.server.ingest;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.ValueRepresentation;
import io.glassbox.server.testing.Part10;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where the structure of a well-formed, uncompressed Part 10 file lives inside its sequences: the byte offsets of
 * every length field of a sequence, of an item, of an element inside an item, and of every delimiter. The places a
 * structural mutation aims at. Only ever run on files dcmtk reads without complaint, so it trusts what it reads.
 */
final class StructureSites {

    enum Kind { SEQUENCE_LENGTH, ITEM_LENGTH, ELEMENT_IN_ITEM_LENGTH, ITEM_DELIMITER, SEQUENCE_DELIMITER }

    /** A length field ({@code width} 2 or 4 bytes at {@code offset}) or a delimiter (8 bytes at {@code offset}). */
    record Site(Kind kind, int offset, int width, boolean bigEndian) {
    }

    private static final Set<String> LONG_LENGTH_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC",
            "UN", "UR", "UT", "UV");
    private static final long UNDEFINED = 0xFFFFFFFFL;

    private final byte[] b;
    private final List<Site> sites = new ArrayList<>();
    private boolean implicit;
    private boolean bigEndian;
    private int p;

    private StructureSites(byte[] file, String transferSyntaxUid) {
        this.b = file;
        this.implicit = transferSyntaxUid.equals(DicomStructure.IMPLICIT_VR_LE);
        this.bigEndian = transferSyntaxUid.equals(DicomStructure.EXPLICIT_VR_BE);
        this.p = Part10.dataSetOffset(file);
    }

    static List<Site> of(byte[] file, String transferSyntaxUid) {
        StructureSites s = new StructureSites(file, transferSyntaxUid);
        s.elements(file.length, false, 0);
        return s.sites;
    }

    /** The Transfer Syntax UID (0002,0010) of the file meta information. */
    static String transferSyntax(byte[] file) {
        return metaText(file, 0x0010);
    }

    /** A text element (0002,{@code element}) of the file meta information (always explicit VR little endian). */
    static String metaText(byte[] file, int element) {
        int end = Part10.dataSetOffset(file);
        int at = 132;
        while (at < end) {
            int found = (file[at + 2] & 0xFF) | (file[at + 3] & 0xFF) << 8;
            String vr = new String(file, at + 4, 2, StandardCharsets.US_ASCII);
            int header = LONG_LENGTH_VRS.contains(vr) ? 12 : 8;
            int length = header == 12 ? (int) ((file[at + 8] & 0xFFL) | (file[at + 9] & 0xFFL) << 8
                    | (file[at + 10] & 0xFFL) << 16 | (file[at + 11] & 0xFFL) << 24)
                    : (file[at + 6] & 0xFF) | (file[at + 7] & 0xFF) << 8;
            if (found == element) {
                return new String(file, at + header, length, StandardCharsets.US_ASCII).replace("\0", "").trim();
            }
            at += header + length;
        }
        throw new IllegalArgumentException(String.format("no (0002,%04X) in the file meta information", element));
    }

    private void elements(int end, boolean delimited, int depth) {
        while (delimited || p < end) {
            int tag = tag();
            if (tag == 0xFFFEE00D) {
                sites.add(new Site(Kind.ITEM_DELIMITER, p - 4, 8, bigEndian));
                p += 4;
                return;
            }
            String vr;
            long length;
            int lengthAt;
            int width;
            if (implicit) {
                byte[] dict = ((tag >>> 16) & 1) == 1 ? null
                        : DicomDictionary.StandardDictionary.getValueRepresentationFromTag(
                                new AttributeTag(tag >>> 16, tag & 0xFFFF));
                vr = dict == null ? "UN" : ValueRepresentation.isSequenceVR(dict) ? "SQ" : "XX";
                lengthAt = p;
                width = 4;
            } else {
                vr = new String(b, p, 2, StandardCharsets.US_ASCII);
                p += 2;
                if (LONG_LENGTH_VRS.contains(vr)) {
                    p += 2;
                    width = 4;
                } else {
                    width = 2;
                }
                lengthAt = p;
            }
            length = width == 4 ? u32(lengthAt) : u16(lengthAt);
            p += width;
            boolean sequence = "SQ".equals(vr) || (length == UNDEFINED && tag != 0x7FE00010);
            if (sequence) {
                sites.add(new Site(Kind.SEQUENCE_LENGTH, lengthAt, width, bigEndian));
            } else if (depth > 0) {
                sites.add(new Site(Kind.ELEMENT_IN_ITEM_LENGTH, lengthAt, width, bigEndian));
            }
            if (length == UNDEFINED) {
                if (tag == 0x7FE00010) {
                    fragments();
                } else {
                    boolean wasImplicit = implicit;
                    boolean wasBig = bigEndian;
                    if ("UN".equals(vr) && !wasImplicit) {
                        implicit = true;
                        bigEndian = false;
                    }
                    items(Integer.MAX_VALUE, true, depth + 1);
                    implicit = wasImplicit;
                    bigEndian = wasBig;
                }
            } else if (sequence) {
                items(p + (int) length, false, depth + 1);
            } else {
                p += (int) length;
            }
        }
    }

    private void items(int end, boolean delimited, int depth) {
        while (delimited || p < end) {
            int tag = tag();
            if (tag == 0xFFFEE0DD) {
                sites.add(new Site(Kind.SEQUENCE_DELIMITER, p - 4, 8, bigEndian));
                p += 4;
                return;
            }
            sites.add(new Site(Kind.ITEM_LENGTH, p, 4, bigEndian));
            long length = u32(p);
            p += 4;
            if (length == UNDEFINED) {
                elements(Integer.MAX_VALUE, true, depth);
            } else {
                elements(p + (int) length, false, depth);
            }
        }
    }

    private void fragments() {
        while (true) {
            int tag = tag();
            long length = u32(p);
            p += 4;
            if (tag == 0xFFFEE0DD) {
                return;
            }
            p += (int) length;
        }
    }

    private int tag() {
        int g = u16(p);
        int e = u16(p + 2);
        p += 4;
        return (g << 16) | e;
    }

    private int u16(int at) {
        return bigEndian ? (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF) : (b[at + 1] & 0xFF) << 8 | (b[at] & 0xFF);
    }

    private long u32(int at) {
        return bigEndian
                ? (b[at] & 0xFFL) << 24 | (b[at + 1] & 0xFFL) << 16 | (b[at + 2] & 0xFFL) << 8 | (b[at + 3] & 0xFFL)
                : (b[at + 3] & 0xFFL) << 24 | (b[at + 2] & 0xFFL) << 16 | (b[at + 1] & 0xFFL) << 8 | (b[at] & 0xFFL);
    }
}
