package io.glassbox.server.dicom.net.pdu;

import io.glassbox.server.dicom.net.assoc.Command;
import io.glassbox.server.dicom.net.assoc.Requests;
import io.glassbox.server.dicom.net.assoc.TransferSyntaxes;
import io.glassbox.server.dicom.net.service.DimseStatus;
import io.glassbox.server.dicom.net.service.VerificationService;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.Glassbox;
import io.glassbox.server.testing.Dcmtk;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PDU and command codecs, checked against bytes dcmtk produced and by round trips. */
class PduCodecTest {

    @Test
    void dcmtksAssociateRequestParsesAndReencodesToTheSameRequest() throws Exception {
        byte[] captured;
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(10_000);
            Dcmtk.Background echoscu = new Dcmtk.Background(Dcmtk.command("echoscu", "-aet", "CALLER", "-aec", "CALLED",
                    "--max-pdu", "32768", "127.0.0.1", listener.getLocalPort()));
            try (Socket socket = listener.accept()) {
                socket.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] header = new byte[6];
                in.readFully(header);
                int length = ((header[2] & 0xFF) << 24) | ((header[3] & 0xFF) << 16) | ((header[4] & 0xFF) << 8)
                        | (header[5] & 0xFF);
                captured = Arrays.copyOf(header, 6 + length);
                in.readFully(captured, 6, length);
            } finally {
                echoscu.close(); // it waits for an answer that will not come
            }
        }
        AssociateRequest request = AssociateRequest.parse(pdu(captured));
        assertEquals(1, request.protocolVersion());
        assertEquals("CALLER", request.callingAeTitle());
        assertEquals("CALLED", request.calledAeTitle());
        assertEquals(AssociateRequest.DICOM_APPLICATION_CONTEXT, request.applicationContextName());
        assertEquals(32768, request.userInformation().maxPduLength());
        assertTrue(request.userInformation().implementationClassUid().startsWith("1.2.276.0.7230010.3"),
                request.userInformation().implementationClassUid());
        assertTrue(request.userInformation().implementationVersionName().startsWith("OFFIS_DCMTK"));
        assertEquals(VerificationService.SOP_CLASS, request.presentationContexts().get(0).abstractSyntax());
        assertTrue(request.presentationContexts().get(0).transferSyntaxes().contains(TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN));
        // dcmtk fills reserved bytes with 0xFF where we write zeros (receivers must not test them): equal up to those
        byte[] ours = request.toPdu();
        assertEquals(captured.length, ours.length);
        assertEquals(request, AssociateRequest.parse(pdu(ours)));
    }

    @Test
    void associateAcceptRoundTrips() throws Exception {
        AssociateAccept accept = new AssociateAccept("CALLED", "CALLER", AssociateRequest.DICOM_APPLICATION_CONTEXT,
                List.of(new PresentationContextResult(1, PresentationContextResult.ACCEPTANCE, "1.2.840.10008.1.2.4.91"),
                        new PresentationContextResult(3, PresentationContextResult.ABSTRACT_SYNTAX_NOT_SUPPORTED,
                                TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN)),
                new UserInformation(65536, Glassbox.IMPLEMENTATION_CLASS_UID, Glassbox.IMPLEMENTATION_VERSION_NAME,
                        new UserInformation.AsyncOperationsWindow(1, 1),
                        List.of(new UserInformation.RoleSelection("1.2.840.10008.5.1.4.1.1.2", true, false))));
        assertEquals(accept, AssociateAccept.parse(pdu(accept.toPdu())));
    }

    @Test
    void rejectAndAbortRoundTrip() throws Exception {
        AssociateReject reject = AssociateReject.localLimitExceeded();
        assertArrayEquals(new byte[] {3, 0, 0, 0, 0, 4, 0, 2, 3, 2}, reject.toPdu());
        assertEquals(reject, AssociateReject.parse(pdu(reject.toPdu())));
        assertEquals("local-limit-exceeded", reject.reasonName());
        Abort abort = new Abort(Abort.SOURCE_SERVICE_PROVIDER, Abort.REASON_UNEXPECTED_PDU);
        assertArrayEquals(new byte[] {7, 0, 0, 0, 0, 4, 0, 0, 2, 2}, abort.toPdu());
        assertEquals(abort, Abort.parse(pdu(abort.toPdu())));
    }

    @Test
    void anItemRunningPastItsPduIsAProtocolError() {
        byte[] request = Requests.verification("A", "B").toPdu();
        byte[] cut = Arrays.copyOf(request, request.length - 3);
        cut[5] -= 3; // a consistent PDU length, but the last item claims bytes that are not there
        DicomProtocolException error = assertThrows(DicomProtocolException.class, () -> AssociateRequest.parse(pdu(cut)));
        assertEquals(Abort.REASON_INVALID_PDU_PARAMETER_VALUE, error.abortReason());
    }

    @Test
    void aStoreResponseCarriesTheRequestsUidsAndAnErrorCommentThatFitsLo() throws Exception {
        Command request = Command.storeRequest(42, "1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.5", Command.PRIORITY_MEDIUM);
        Command parsedRequest = Command.parse(request.toBytes());
        assertEquals(Command.C_STORE_RQ, parsedRequest.commandField());
        assertTrue(parsedRequest.hasDataSet());

        String comment = "disk\\full\n" + "y".repeat(100);
        byte[] bytes = Command.response(parsedRequest, DimseStatus.OUT_OF_RESOURCES, comment).toBytes();
        long groupLength = (bytes[8] & 0xFFL) | (bytes[9] & 0xFFL) << 8 | (bytes[10] & 0xFFL) << 16 | (bytes[11] & 0xFFL) << 24;
        assertEquals(bytes.length - 12, groupLength, "Command Group Length counts what follows it");
        Command response = Command.parse(bytes);
        assertEquals(Command.C_STORE_RSP, response.commandField());
        assertEquals(42, response.messageIdBeingRespondedTo());
        assertEquals(DimseStatus.OUT_OF_RESOURCES, response.status());
        assertEquals("1.2.840.10008.5.1.4.1.1.2", response.affectedSopClassUid());
        assertEquals("1.2.3.4.5", response.affectedSopInstanceUid());
        assertEquals(("disk/full " + "y".repeat(100)).substring(0, 64), response.errorComment());
        assertEquals(false, response.hasDataSet());
    }

    /** The PDU a byte array holds, as PduReader would return it. */
    private static Pdu pdu(byte[] bytes) {
        return new Pdu(bytes[0] & 0xFF, Arrays.copyOfRange(bytes, 6, bytes.length), bytes.length - 6);
    }
}
