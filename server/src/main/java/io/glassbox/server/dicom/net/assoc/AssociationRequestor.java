package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.pdu.Abort;
import io.glassbox.server.dicom.net.pdu.AssociateAccept;
import io.glassbox.server.dicom.net.pdu.AssociateReject;
import io.glassbox.server.dicom.net.pdu.AssociateRequest;
import io.glassbox.server.dicom.net.pdu.DicomProtocolException;
import io.glassbox.server.dicom.net.pdu.Pdu;
import io.glassbox.server.dicom.net.pdu.PduReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * The requesting side of association establishment: connects, sends an A-ASSOCIATE-RQ, and returns the
 * established {@link Association} (the same class the acceptor serves with).
 */
public final class AssociationRequestor {

    private AssociationRequestor() {
    }

    /**
     * @param request what to propose; P-DATA-TF PDUs longer than its maximum length are refused
     * @param timeout             connect timeout, and read timeout on the association afterwards
     * @throws AssociationRejectedException the peer rejected the association
     */
    public static Association open(InetSocketAddress peer, AssociateRequest request, Duration timeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(peer, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(request.toPdu());
            PduReader reader = new PduReader(socket.getInputStream());
            Pdu pdu = reader.read(PduReader.MAX_CONTROL_PDU_LENGTH);
            if (pdu == null) {
                throw new AssociationAbortedException("the peer closed the connection instead of answering A-ASSOCIATE-RQ");
            }
            switch (pdu.type()) {
                case Pdu.A_ASSOCIATE_AC -> {
                    AssociateAccept accept = AssociateAccept.parse(pdu);
                    long announced = request.userInformation().maxPduLength();
                    int receiveMax = announced <= 0 || announced > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) announced;
                    return new Association(socket, reader, true, request, accept, receiveMax, timeout);
                }
                case Pdu.A_ASSOCIATE_RJ -> throw new AssociationRejectedException(AssociateReject.parse(pdu));
                case Pdu.A_ABORT -> throw new AssociationAbortedException("the peer sent " + Abort.parse(pdu));
                default -> throw new DicomProtocolException(Abort.REASON_UNEXPECTED_PDU,
                        "unexpected " + pdu.name() + " in answer to A-ASSOCIATE-RQ");
            }
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
