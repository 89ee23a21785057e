package io.glassbox.server.dicom.net.pdu;

import java.io.IOException;
import java.io.InputStream;

/** Reads whole PDUs from a connection, refusing unknown types and lengths beyond what was negotiated. */
public final class PduReader {

    /**
     * Largest PDU other than P-DATA-TF accepted. An A-ASSOCIATE-RQ proposing the maximum 128 presentation
     * contexts, each with a dozen transfer syntaxes, stays well under this.
     */
    public static final int MAX_CONTROL_PDU_LENGTH = 1 << 20;

    private final InputStream in;
    private final byte[] header = new byte[Pdu.HEADER_LENGTH];
    private byte[] buffer = new byte[16 * 1024];

    public PduReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads the next PDU; its body stays valid until the following call.
     *
     * @param maxPDataLength largest P-DATA-TF variable field accepted (the maximum length we announced)
     * @return the PDU, or null when the peer closed the connection cleanly between PDUs
     */
    public Pdu read(int maxPDataLength) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        header[0] = (byte) first;
        readFully(header, 1, Pdu.HEADER_LENGTH - 1, "PDU header");
        int type = first;
        if (type < Pdu.A_ASSOCIATE_RQ || type > Pdu.A_ABORT) {
            throw new DicomProtocolException(Abort.REASON_UNRECOGNIZED_PDU,
                    String.format("unrecognised PDU type 0x%02X (first bytes %s): not a DICOM peer?", type, hex(header)));
        }
        long length = ((long) (header[2] & 0xFF) << 24) | ((header[3] & 0xFF) << 16) | ((header[4] & 0xFF) << 8)
                | (header[5] & 0xFF);
        long max = type == Pdu.P_DATA_TF ? maxPDataLength : MAX_CONTROL_PDU_LENGTH;
        if (length > max) {
            throw new DicomProtocolException(Abort.REASON_INVALID_PDU_PARAMETER_VALUE,
                    Pdu.typeName(type) + " of " + length + " bytes exceeds the maximum of " + max);
        }
        int bodyLength = (int) length;
        if (buffer.length < bodyLength) {
            // grow geometrically, never past the largest allowed, so a stream of growing PDUs costs few copies
            buffer = new byte[Math.max(bodyLength, (int) Math.min(2L * buffer.length, max))];
        }
        readFully(buffer, 0, bodyLength, Pdu.typeName(type) + " of " + bodyLength + " bytes");
        return new Pdu(type, buffer, bodyLength);
    }

    private void readFully(byte[] into, int offset, int length, String what) throws IOException {
        int done = 0;
        while (done < length) {
            int n = in.read(into, offset + done, length - done);
            if (n < 0) {
                throw new DicomProtocolException(Abort.REASON_NOT_SPECIFIED,
                        "truncated " + what + ": the connection closed after " + done + " of " + length + " bytes");
            }
            done += n;
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02X", b & 0xFF));
        }
        return s.toString();
    }
}
