package io.glassbox.server.dicom.net.pdu;

/**
 * One protocol data unit as read from the wire (PS3.8 9.3): its type and its variable field.
 * {@code body} may be a buffer reused by the reader: it is valid until the next PDU is read.
 */
public record Pdu(int type, byte[] body, int length) {

    public static final int A_ASSOCIATE_RQ = 0x01;
    public static final int A_ASSOCIATE_AC = 0x02;
    public static final int A_ASSOCIATE_RJ = 0x03;
    public static final int P_DATA_TF = 0x04;
    public static final int A_RELEASE_RQ = 0x05;
    public static final int A_RELEASE_RP = 0x06;
    public static final int A_ABORT = 0x07;

    /** Bytes before the variable field: type, reserved, 32-bit length. */
    public static final int HEADER_LENGTH = 6;

    static String typeName(int type) {
        return switch (type) {
            case A_ASSOCIATE_RQ -> "A-ASSOCIATE-RQ";
            case A_ASSOCIATE_AC -> "A-ASSOCIATE-AC";
            case A_ASSOCIATE_RJ -> "A-ASSOCIATE-RJ";
            case P_DATA_TF -> "P-DATA-TF";
            case A_RELEASE_RQ -> "A-RELEASE-RQ";
            case A_RELEASE_RP -> "A-RELEASE-RP";
            case A_ABORT -> "A-ABORT";
            default -> String.format("unknown PDU type 0x%02X", type);
        };
    }

    ByteReader reader() {
        return new ByteReader(body, 0, length);
    }

    public String name() {
        return typeName(type);
    }
}
