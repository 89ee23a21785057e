package io.glassbox.server.dicom.net.pdu;

/**
 * One presentation data value item of a P-DATA-TF (PS3.8 9.3.5.1): a command or data fragment.
 * The bytes live in the PDU buffer, valid until the next PDU is read.
 */
public record Pdv(int contextId, boolean command, boolean last, byte[] buffer, int offset, int length) {

    /** Message control header bits (PS3.8 E.2). */
    public static final int COMMAND_BIT = 0x01;
    public static final int LAST_BIT = 0x02;

    /** PDU header (6) plus PDV item length (4), presentation context ID and message control header. */
    public static final int HEADERS_LENGTH = Pdu.HEADER_LENGTH + 6;
}
