package io.glassbox.server.dicom.net.pdu;

/**
 * A-ASSOCIATE-RJ (PS3.8 9.3.4).
 *
 * @param result {@link #PERMANENT} or {@link #TRANSIENT}
 * @param source {@link #SOURCE_SERVICE_USER}, {@link #SOURCE_SERVICE_PROVIDER_ACSE} or
 *               {@link #SOURCE_SERVICE_PROVIDER_PRESENTATION}
 * @param reason meaning depends on the source (the {@code REASON_*} constants name them)
 */
public record AssociateReject(int result, int source, int reason) {

    public static final int PERMANENT = 1;
    public static final int TRANSIENT = 2;

    public static final int SOURCE_SERVICE_USER = 1;
    public static final int SOURCE_SERVICE_PROVIDER_ACSE = 2;
    public static final int SOURCE_SERVICE_PROVIDER_PRESENTATION = 3;

    /** Source service user. */
    public static final int REASON_NO_REASON_GIVEN = 1;
    public static final int REASON_APPLICATION_CONTEXT_NOT_SUPPORTED = 2;
    public static final int REASON_CALLING_AE_NOT_RECOGNIZED = 3;
    public static final int REASON_CALLED_AE_NOT_RECOGNIZED = 7;
    /** Source service provider (ACSE). */
    public static final int REASON_PROTOCOL_VERSION_NOT_SUPPORTED = 2;
    /** Source service provider (presentation). */
    public static final int REASON_TEMPORARY_CONGESTION = 1;
    public static final int REASON_LOCAL_LIMIT_EXCEEDED = 2;

    public static AssociateReject calledAeNotRecognized() {
        return new AssociateReject(PERMANENT, SOURCE_SERVICE_USER, REASON_CALLED_AE_NOT_RECOGNIZED);
    }

    public static AssociateReject callingAeNotRecognized() {
        return new AssociateReject(PERMANENT, SOURCE_SERVICE_USER, REASON_CALLING_AE_NOT_RECOGNIZED);
    }

    public static AssociateReject applicationContextNotSupported() {
        return new AssociateReject(PERMANENT, SOURCE_SERVICE_USER, REASON_APPLICATION_CONTEXT_NOT_SUPPORTED);
    }

    public static AssociateReject protocolVersionNotSupported() {
        return new AssociateReject(PERMANENT, SOURCE_SERVICE_PROVIDER_ACSE, REASON_PROTOCOL_VERSION_NOT_SUPPORTED);
    }

    public static AssociateReject localLimitExceeded() {
        return new AssociateReject(TRANSIENT, SOURCE_SERVICE_PROVIDER_PRESENTATION, REASON_LOCAL_LIMIT_EXCEEDED);
    }

    public byte[] toPdu() {
        return new PduBuilder(Pdu.A_ASSOCIATE_RJ).u8(0).u8(result).u8(source).u8(reason).toByteArray();
    }

    public static AssociateReject parse(Pdu pdu) throws DicomProtocolException {
        ByteReader in = pdu.reader();
        in.skip(1);
        return new AssociateReject(in.u8(), in.u8(), in.u8());
    }

    /** A short stable name for logs and metric tags, e.g. "called-ae-title-not-recognized". */
    public String reasonName() {
        return switch (source) {
            case SOURCE_SERVICE_USER -> switch (reason) {
                case REASON_NO_REASON_GIVEN -> "no-reason-given";
                case REASON_APPLICATION_CONTEXT_NOT_SUPPORTED -> "application-context-name-not-supported";
                case REASON_CALLING_AE_NOT_RECOGNIZED -> "calling-ae-title-not-recognized";
                case REASON_CALLED_AE_NOT_RECOGNIZED -> "called-ae-title-not-recognized";
                default -> "service-user-reason-" + reason;
            };
            case SOURCE_SERVICE_PROVIDER_ACSE -> reason == REASON_PROTOCOL_VERSION_NOT_SUPPORTED
                    ? "protocol-version-not-supported" : "acse-reason-" + reason;
            case SOURCE_SERVICE_PROVIDER_PRESENTATION -> switch (reason) {
                case REASON_TEMPORARY_CONGESTION -> "temporary-congestion";
                case REASON_LOCAL_LIMIT_EXCEEDED -> "local-limit-exceeded";
                default -> "presentation-reason-" + reason;
            };
            default -> "source-" + source + "-reason-" + reason;
        };
    }

    @Override
    public String toString() {
        return "A-ASSOCIATE-RJ (" + (result == PERMANENT ? "permanent" : result == TRANSIENT ? "transient" : "result " + result)
                + ", " + reasonName() + ")";
    }
}
