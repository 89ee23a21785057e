package io.glassbox.server.dicom.net.pdu;

/**
 * A-ABORT (PS3.8 9.3.8).
 *
 * @param source {@link #SOURCE_SERVICE_USER} or {@link #SOURCE_SERVICE_PROVIDER}
 * @param reason for the service provider, one of the {@code REASON_*} codes; 0 for the service user
 */
public record Abort(int source, int reason) {

    public static final int SOURCE_SERVICE_USER = 0;
    public static final int SOURCE_SERVICE_PROVIDER = 2;

    public static final int REASON_NOT_SPECIFIED = 0;
    public static final int REASON_UNRECOGNIZED_PDU = 1;
    public static final int REASON_UNEXPECTED_PDU = 2;
    public static final int REASON_UNRECOGNIZED_PDU_PARAMETER = 4;
    public static final int REASON_UNEXPECTED_PDU_PARAMETER = 5;
    public static final int REASON_INVALID_PDU_PARAMETER_VALUE = 6;

    public byte[] toPdu() {
        return new PduBuilder(Pdu.A_ABORT).zeros(2).u8(source).u8(reason).toByteArray();
    }

    public static Abort parse(Pdu pdu) throws DicomProtocolException {
        ByteReader in = pdu.reader();
        in.skip(2);
        return new Abort(in.u8(), in.u8());
    }

    @Override
    public String toString() {
        String who = source == SOURCE_SERVICE_USER ? "service user"
                : source == SOURCE_SERVICE_PROVIDER ? "service provider" : "source " + source;
        String why = switch (reason) {
            case REASON_NOT_SPECIFIED -> "reason not specified";
            case REASON_UNRECOGNIZED_PDU -> "unrecognised PDU";
            case REASON_UNEXPECTED_PDU -> "unexpected PDU";
            case REASON_UNRECOGNIZED_PDU_PARAMETER -> "unrecognised PDU parameter";
            case REASON_UNEXPECTED_PDU_PARAMETER -> "unexpected PDU parameter";
            case REASON_INVALID_PDU_PARAMETER_VALUE -> "invalid PDU parameter value";
            default -> "reason " + reason;
        };
        return "A-ABORT (" + who + ", " + why + ")";
    }
}
