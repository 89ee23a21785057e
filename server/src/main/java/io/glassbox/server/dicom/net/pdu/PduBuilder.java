package io.glassbox.server.dicom.net.pdu;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Assembles one whole PDU in memory, so that it leaves in a single write (a PDU split over several small
 * writes costs a round trip each with Nagle's algorithm, and is slower even without it).
 */
public final class PduBuilder {

    private byte[] bytes = new byte[256];
    private int length;

    public PduBuilder(int pduType) {
        u8(pduType);
        u8(0);
        u32(0); // patched by toByteArray
    }

    public PduBuilder u8(int value) {
        ensure(1);
        bytes[length++] = (byte) value;
        return this;
    }

    PduBuilder u16(int value) {
        ensure(2);
        bytes[length++] = (byte) (value >>> 8);
        bytes[length++] = (byte) value;
        return this;
    }

    public PduBuilder u32(long value) {
        ensure(4);
        putU32(length, value);
        length += 4;
        return this;
    }

    public PduBuilder zeros(int count) {
        ensure(count);
        length += count; // the array is zero-filled
        return this;
    }

    public PduBuilder bytes(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, bytes, length, value.length);
        length += value.length;
        return this;
    }

    /** An AE title field: 16 bytes, space padded (PS3.8 9.3.2). */
    PduBuilder aeTitle(String aeTitle) {
        byte[] field = new byte[16];
        Arrays.fill(field, (byte) ' ');
        byte[] value = aeTitle.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(value, 0, field, 0, Math.min(16, value.length));
        return bytes(field);
    }

    /** An item (or sub-item) with a 16-bit length whose value is ASCII text, e.g. a UID (unpadded, PS3.8 9.3.2.2). */
    PduBuilder textItem(int itemType, String text) {
        byte[] value = text.getBytes(StandardCharsets.US_ASCII);
        return u8(itemType).u8(0).u16(value.length).bytes(value);
    }

    /** Starts an item with a 16-bit length; {@link #endItem} fills the length in. */
    int beginItem(int itemType) {
        u8(itemType);
        u8(0);
        int lengthPosition = length;
        u16(0);
        return lengthPosition;
    }

    void endItem(int lengthPosition) {
        int itemLength = length - lengthPosition - 2;
        if (itemLength > 0xFFFF) {
            throw new IllegalArgumentException("item of " + itemLength + " bytes does not fit a 16-bit length");
        }
        bytes[lengthPosition] = (byte) (itemLength >>> 8);
        bytes[lengthPosition + 1] = (byte) itemLength;
    }

    public byte[] toByteArray() {
        putU32(2, length - Pdu.HEADER_LENGTH);
        return Arrays.copyOf(bytes, length);
    }

    private void putU32(int at, long value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
