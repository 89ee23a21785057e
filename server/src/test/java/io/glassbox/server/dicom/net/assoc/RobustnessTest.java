package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.pdu.Abort;
import io.glassbox.server.dicom.net.pdu.AssociateRequest;
import io.glassbox.server.dicom.net.pdu.Pdu;
import io.glassbox.server.dicom.net.pdu.PduBuilder;
import io.glassbox.server.dicom.net.pdu.Pdv;
import io.glassbox.server.dicom.net.pdu.PresentationContextProposal;
import io.glassbox.server.dicom.net.service.RecordingStoreHandler;
import io.glassbox.server.dicom.net.service.StoreRequest;
import io.glassbox.server.dicom.net.service.TestAcceptor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.testing.Dcmtk;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Misbehaving peers, on raw sockets: each costs only its own connection (with an A-ABORT where one can still be
 * sent), and the acceptor keeps answering dcmtk's echoscu afterwards.
 */
class RobustnessTest {

    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration ARTIM = Duration.ofSeconds(1);
    private static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";

    @TempDir
    Path directory;
    private RecordingStoreHandler handler;
    private TestAcceptor scp;

    @BeforeEach
    void start() throws IOException {
        handler = new RecordingStoreHandler(directory);
        scp = new TestAcceptor(handler, new AcceptorSettings("127.0.0.1", 0, TestAcceptor.AE_TITLE, Set.of("*"), 4, 16384,
                IDLE_TIMEOUT, ARTIM, 4), AssociationObserver.NONE);
    }

    @AfterEach
    void stillServesAndStop() {
        try {
            Dcmtk.Result echo = Dcmtk.run("echoscu", "-aec", TestAcceptor.AE_TITLE, "127.0.0.1", scp.port());
            assertTrue(echo.succeeded(), "the acceptor must keep serving: " + echo);
            NegotiationTest.awaitActive(scp.acceptor, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scp.close();
        }
    }

    @Test
    void garbageIsAbortedAsAnUnrecognisedPdu() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: glassbox\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(abort(Abort.REASON_UNRECOGNIZED_PDU), readToEnd(socket));
        }
    }

    @Test
    void aTruncatedPduIsAbortedAndTheConnectionClosed() throws Exception {
        try (Socket socket = connect()) {
            byte[] request = Requests.verification("TRUNCATED", TestAcceptor.AE_TITLE).toPdu();
            socket.getOutputStream().write(request, 0, request.length / 2);
            socket.shutdownOutput(); // the peer goes away in the middle of its PDU
            assertArrayEquals(abort(Abort.REASON_NOT_SPECIFIED), readToEnd(socket));
        }
    }

    @Test
    void aMalformedAssociateRequestIsAborted() throws Exception {
        try (Socket socket = connect()) {
            byte[] request = Requests.verification("MALFORMED", TestAcceptor.AE_TITLE).toPdu();
            // the presentation context item follows the fixed part and the application context item
            int item = Pdu.HEADER_LENGTH + 68 + 4 + AssociateRequest.DICOM_APPLICATION_CONTEXT.length();
            assertEquals(PresentationContextProposal.ITEM_TYPE, request[item]);
            request[item + 2] = 0x7F; // its length now runs past the end of the PDU
            socket.getOutputStream().write(request);
            assertArrayEquals(abort(Abort.REASON_INVALID_PDU_PARAMETER_VALUE), readToEnd(socket));
        }
    }

    @Test
    void anUnexpectedPduOnAnEstablishedAssociationIsAborted() throws Exception {
        try (Socket socket = connect()) {
            byte[] request = Requests.verification("TWICE", TestAcceptor.AE_TITLE).toPdu();
            socket.getOutputStream().write(request);
            assertEquals(Pdu.A_ASSOCIATE_AC, readPduType(socket));
            socket.getOutputStream().write(request); // A-ASSOCIATE-RQ again
            assertArrayEquals(abort(Abort.REASON_UNEXPECTED_PDU), readToEnd(socket));
        }
    }

    @Test
    void aPduLongerThanOurMaximumIsAborted() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(Requests.verification("TOOLONG", TestAcceptor.AE_TITLE).toPdu());
            assertEquals(Pdu.A_ASSOCIATE_AC, readPduType(socket));
            socket.getOutputStream().write(new byte[] {0x04, 0, 0, 1, 0, 0}); // P-DATA-TF of 65536 bytes > 16384
            assertArrayEquals(abort(Abort.REASON_INVALID_PDU_PARAMETER_VALUE), readToEnd(socket));
        }
    }

    @Test
    void aSilentConnectionIsClosedAfterTheArtimTimeout() throws Exception {
        try (Socket socket = connect()) {
            long start = System.nanoTime();
            assertEquals(0, readToEnd(socket).length, "closed without a word before an A-ASSOCIATE-RQ (ARTIM)");
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(ARTIM.multipliedBy(5)) < 0);
        }
    }

    @Test
    void anAbsurdLengthOnTheAssociateRequestIsAborted() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(new byte[] {0x01, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            assertArrayEquals(abort(Abort.REASON_INVALID_PDU_PARAMETER_VALUE), readToEnd(socket));
        }
    }

    @Test
    void anAbsurdPDataLengthIsAbortedAndTheAbortArrivesThoughThePeerKeepsSending() throws Exception {
        try (Socket socket = connect()) {
            associate(socket, storageRequest("FLOODER"));
            socket.getOutputStream().write(new byte[] {0x04, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            // the body the header announced keeps coming: the server must drain it while it waits for us to close,
            // so that its A-ABORT is not lost to a reset
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 16; i++) {
                socket.getOutputStream().write(chunk);
            }
            assertArrayEquals(abort(Abort.REASON_INVALID_PDU_PARAMETER_VALUE), readToEnd(socket));
        }
    }

    @Test
    void anUnknownPduTypeOnAnEstablishedAssociationIsAborted() throws Exception {
        try (Socket socket = connect()) {
            associate(socket, storageRequest("UNKNOWN"));
            socket.getOutputStream().write(new byte[] {0x08, 0, 0, 0, 0, 4, 0, 0, 0, 0});
            assertArrayEquals(abort(Abort.REASON_UNRECOGNIZED_PDU), readToEnd(socket));
        }
    }

    @Test
    void aPDataBeforeTheAssociationIsAborted() throws Exception {
        try (Socket socket = connect()) {
            byte[] command = Command.echoRequest(1).toBytes();
            socket.getOutputStream().write(pData(1, Pdv.COMMAND_BIT | Pdv.LAST_BIT, command));
            assertArrayEquals(abort(Abort.REASON_UNEXPECTED_PDU), readToEnd(socket));
        }
    }

    @Test
    void aDataFragmentWhereACommandIsExpectedIsAborted() throws Exception {
        try (Socket socket = connect()) {
            associate(socket, storageRequest("NOCOMMAND"));
            socket.getOutputStream().write(pData(1, Pdv.LAST_BIT, new byte[100])); // message control header 0x02
            assertArrayEquals(abort(Abort.REASON_UNEXPECTED_PDU_PARAMETER), readToEnd(socket));
        }
        assertEquals(0, handler.received().size());
    }

    @Test
    void aCommandFragmentInTheMiddleOfADataSetIsAbortedAndNothingStored() throws Exception {
        try (Socket socket = connect()) {
            associate(socket, storageRequest("INTERLEAVE"));
            socket.getOutputStream().write(pData(1, Pdv.COMMAND_BIT | Pdv.LAST_BIT, storeCommand("1.2.3.4.5.6.8")));
            socket.getOutputStream().write(pData(1, 0, new byte[1000])); // first data fragment, not the last
            socket.getOutputStream().write(pData(1, Pdv.COMMAND_BIT | Pdv.LAST_BIT, storeCommand("1.2.3.4.5.6.9")));
            assertArrayEquals(abort(Abort.REASON_UNEXPECTED_PDU_PARAMETER), readToEnd(socket));
        }
        assertEquals("1.2.3.4.5.6.8", awaitFailedWhileReading().sopInstanceUid());
        assertEquals(0, handler.received().size());
    }

    @Test
    void aTcpResetInTheMiddleOfADataSetReachesTheHandlerAsAFailedStreamAndNothingIsStored() throws Exception {
        try (Socket socket = connect()) {
            associate(socket, storageRequest("RESETTER"));
            socket.getOutputStream().write(pData(1, Pdv.COMMAND_BIT | Pdv.LAST_BIT, storeCommand("1.2.3.4.5.6.10")));
            socket.getOutputStream().write(pData(1, 0, new byte[1000]));
            socket.setSoLinger(true, 0); // close with a reset instead of a FIN
        }
        assertEquals("1.2.3.4.5.6.10", awaitFailedWhileReading().sopInstanceUid());
        assertEquals(0, handler.received().size());
    }

    @Test
    void anIdleAssociationIsAborted() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(Requests.verification("IDLE", TestAcceptor.AE_TITLE).toPdu());
            assertEquals(Pdu.A_ASSOCIATE_AC, readPduType(socket));
            assertArrayEquals(abort(Abort.REASON_NOT_SPECIFIED), readToEnd(socket));
        }
    }

    @Test
    void anObjectCutShortByAPeerAbortReachesTheHandlerAsAFailedStreamAndIsNotStored() throws Exception {
        try (Socket socket = connect()) {
            associate(socket, storageRequest("ABORTER"));
            socket.getOutputStream().write(pData(1, Pdv.COMMAND_BIT | Pdv.LAST_BIT, storeCommand("1.2.3.4.5.6.7")));
            socket.getOutputStream().write(pData(1, 0, new byte[1000])); // first data fragment, not the last
            socket.getOutputStream().write(new Abort(Abort.SOURCE_SERVICE_USER, 0).toPdu());
            assertEquals(0, readToEnd(socket).length, "nothing is answered to an aborted association");
        }
        assertEquals("1.2.3.4.5.6.7", awaitFailedWhileReading().sopInstanceUid());
        assertEquals(0, handler.received().size());
    }

    private static AssociateRequest storageRequest(String callingAeTitle) {
        return Requests.request(callingAeTitle, TestAcceptor.AE_TITLE, 16384,
                Requests.context(1, SECONDARY_CAPTURE, TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN));
    }

    private static byte[] storeCommand(String sopInstanceUid) {
        return Command.storeRequest(1, SECONDARY_CAPTURE, sopInstanceUid, Command.PRIORITY_MEDIUM).toBytes();
    }

    private static void associate(Socket socket, AssociateRequest request) throws IOException {
        socket.getOutputStream().write(request.toPdu());
        assertEquals(Pdu.A_ASSOCIATE_AC, readPduType(socket));
    }

    private StoreRequest awaitFailedWhileReading() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (handler.failedWhileReading().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, handler.failedWhileReading().size(), "the handler saw its stream fail");
        return handler.failedWhileReading().get(0);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", scp.acceptor.localPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] abort(int reason) {
        return new Abort(Abort.SOURCE_SERVICE_PROVIDER, reason).toPdu();
    }

    private static int readPduType(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int type = in.readUnsignedByte();
        in.readUnsignedByte();
        in.readFully(new byte[in.readInt()]);
        return type;
    }

    /** Everything the server sends until it closes the connection. */
    private static byte[] readToEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            in.transferTo(bytes);
        } catch (java.net.SocketException e) {
            // a reset after the server's last bytes: what arrived before it counts
        }
        return bytes.toByteArray();
    }

    private static byte[] pData(int contextId, int controlHeader, byte[] fragment) {
        PduBuilder pdu = new PduBuilder(Pdu.P_DATA_TF);
        pdu.u32(fragment.length + 2L).u8(contextId).u8(controlHeader).bytes(fragment);
        return pdu.toByteArray();
    }
}
