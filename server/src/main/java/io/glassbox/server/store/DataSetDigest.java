package io.glassbox.server.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * The SHA-256 of a Part 10 stream's data set, taken while the stream passes by: it finds where the data set begins
 * (after the 128-byte preamble, "DICM" and the file meta group 0002, ended by the first element of another group,
 * the rule {@code ingest/DicomStructure} reads files by) and hashes every byte from there to the end.
 *
 * <p>This is the object's identity for the write-once rule: the data set is what the sender sent; the file meta is
 * what the door wrote (for C-STORE Glassbox writes it, with the calling AE title as Source AE Title). A stream this
 * cannot follow (no "DICM", an implausible meta element) has no data set digest; the structure check refuses it.
 */
final class DataSetDigest {
    private static final int PREAMBLE_AND_MAGIC = 132;
    /** A file meta group is a few hundred bytes; past this much of it the stream is not one Glassbox stores. */
    private static final int MAX_META_BYTES = 1 << 20;
    private static final int NEED_MORE = -1;
    private static final int NOT_PART10 = -2;
    private static final Set<String> LONG_LENGTH_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC",
            "UN", "UR", "UT", "UV");

    private final MessageDigest sha = ObjectStore.sha256();
    /** The stream's first bytes, kept until the data set's start is known. */
    private byte[] head = new byte[1024];
    private int headLength;
    private long dataSetOffset = -1;
    private boolean notPart10;

    void update(byte[] bytes, int offset, int length) {
        if (dataSetOffset >= 0) {
            sha.update(bytes, offset, length);
            return;
        }
        if (notPart10) {
            return;
        }
        if (headLength + length > head.length) {
            head = Arrays.copyOf(head, Math.max(head.length * 2, headLength + length));
        }
        System.arraycopy(bytes, offset, head, headLength, length);
        headLength += length;
        int start = dataSetStart();
        if (start >= 0) {
            dataSetOffset = start;
            sha.update(head, start, headLength - start);
            head = null;
        } else if (start == NOT_PART10 || headLength > MAX_META_BYTES) {
            notPart10 = true;
            head = null;
        }
    }

    /** Where the data set starts in the stream, or -1 when the stream ended before that was known. */
    long dataSetOffset() {
        return dataSetOffset;
    }

    /** Hex SHA-256 of the data set, or null when the stream ended before its start was found. Call once, at the end. */
    String hex() {
        return dataSetOffset < 0 ? null : HexFormat.of().formatHex(sha.digest());
    }

    /** Walks the file meta elements (explicit VR little endian) in {@link #head}. */
    private int dataSetStart() {
        if (headLength < PREAMBLE_AND_MAGIC) {
            return NEED_MORE;
        }
        if (!"DICM".equals(new String(head, 128, 4, StandardCharsets.US_ASCII))) {
            return NOT_PART10;
        }
        long pos = PREAMBLE_AND_MAGIC;
        while (true) {
            if (headLength < pos + 2) {
                return NEED_MORE;
            }
            int p = (int) pos;
            if (head[p] != 0x02 || head[p + 1] != 0x00) {
                return p; // the first element outside group 0002
            }
            if (headLength < pos + 8) {
                return NEED_MORE;
            }
            String vr = new String(head, p + 4, 2, StandardCharsets.US_ASCII);
            long length;
            if (LONG_LENGTH_VRS.contains(vr)) {
                if (headLength < pos + 12) {
                    return NEED_MORE;
                }
                length = u32(p + 8);
                pos += 12;
            } else {
                length = (head[p + 6] & 0xFF) | (head[p + 7] & 0xFF) << 8;
                pos += 8;
            }
            if (length > 65536) { // also the undefined length: the structure check refuses both
                return NOT_PART10;
            }
            pos += length;
        }
    }

    private long u32(int p) {
        return (head[p] & 0xFFL) | (head[p + 1] & 0xFFL) << 8 | (head[p + 2] & 0xFFL) << 16
                | (head[p + 3] & 0xFFL) << 24;
    }
}
