package io.glassbox.server.dicom.net.pdu;

import java.io.IOException;

/**
 * The peer broke the upper-layer protocol (a malformed, truncated, oversized or unexpected PDU). The association
 * is aborted with {@link #abortReason()} as the A-ABORT reason (source: service provider).
 */
public class DicomProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int abortReason;

    public DicomProtocolException(int abortReason, String message) {
        super(message);
        this.abortReason = abortReason;
    }

    /** One of the {@code Abort.REASON_*} codes. */
    public int abortReason() {
        return abortReason;
    }
}
