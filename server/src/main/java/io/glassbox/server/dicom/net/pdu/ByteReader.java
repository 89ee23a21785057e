package io.glassbox.server.dicom.net.pdu;

import java.nio.charset.StandardCharsets;

/** Bounds-checked big-endian reader over part of a PDU; running past the end is a malformed PDU. */
public final class ByteReader {

    private final byte[] bytes;
    private int position;
    private final int end;

    public ByteReader(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.position = offset;
        this.end = offset + length;
    }

    public int remaining() {
        return end - position;
    }

    boolean hasRemaining() {
        return position < end;
    }

    public int u8() throws DicomProtocolException {
        require(1);
        return bytes[position++] & 0xFF;
    }

    int u16() throws DicomProtocolException {
        require(2);
        int value = ((bytes[position] & 0xFF) << 8) | (bytes[position + 1] & 0xFF);
        position += 2;
        return value;
    }

    public long u32() throws DicomProtocolException {
        require(4);
        long value = ((long) (bytes[position] & 0xFF) << 24) | ((bytes[position + 1] & 0xFF) << 16)
                | ((bytes[position + 2] & 0xFF) << 8) | (bytes[position + 3] & 0xFF);
        position += 4;
        return value;
    }

    void skip(int count) throws DicomProtocolException {
        require(count);
        position += count;
    }

    /** A sub-reader over the next {@code length} bytes, which this reader skips. */
    ByteReader slice(int length) throws DicomProtocolException {
        require(length);
        ByteReader slice = new ByteReader(bytes, position, length);
        position += length;
        return slice;
    }

    /**
     * ASCII text of {@code length} bytes without its padding: UIDs are padded with NUL, AE titles and names with
     * spaces (PS3.8 9.3.2, Annex F).
     */
    String text(int length) throws DicomProtocolException {
        require(length);
        int from = position;
        int to = position + length;
        position = to;
        while (to > from && (bytes[to - 1] == 0 || bytes[to - 1] == ' ')) {
            to--;
        }
        while (from < to && bytes[from] == ' ') {
            from++;
        }
        return new String(bytes, from, to - from, StandardCharsets.US_ASCII);
    }

    private void require(int count) throws DicomProtocolException {
        if (count < 0 || count > end - position) {
            throw new DicomProtocolException(Abort.REASON_INVALID_PDU_PARAMETER_VALUE,
                    "an item claims " + count + " bytes where " + (end - position) + " remain in the PDU");
        }
    }
}
