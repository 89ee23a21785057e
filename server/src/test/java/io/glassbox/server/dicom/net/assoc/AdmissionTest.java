package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.pdu.AssociateReject;
import io.glassbox.server.dicom.net.pdu.AssociateRequest;
import io.glassbox.server.dicom.net.pdu.Pdu;
import io.glassbox.server.dicom.net.pdu.PduBuilder;
import io.glassbox.server.dicom.net.service.RecordingStoreHandler;
import io.glassbox.server.dicom.net.service.TestAcceptor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.testing.Dcmtk;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who gets in ({@link ConnectionAdmission}), on real loopback sockets: silent connections are closed by the ARTIM
 * timer and never keep out a sender that speaks (dcmtk's echoscu), and one address gets no more than its share.
 * Peers other than echoscu connect from other loopback addresses (127.0.0.2 and up), so that the per-address
 * limit sees them as different peers.
 */
class AdmissionTest {

    /** Long enough that the newest silent connections are certainly still open when echoscu is done. */
    private static final Duration ARTIM = Duration.ofSeconds(5);

    @TempDir
    Path directory;
    private final List<Socket> sockets = new ArrayList<>();
    private final RecordingObserver observer = new RecordingObserver();
    private TestAcceptor scp;

    @AfterEach
    void stop() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (scp != null) {
            scp.close();
        }
    }

    @Test
    void silentConnectionsBeyondMaxAssociationsDoNotKeepOutASenderAndAreClosedByArtim() throws Exception {
        start(4, 2);
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < 40; i++) { // ten times max-associations, from 20 addresses
            silent.add(connectFrom("127.0.0." + (2 + i % 20)));
        }

        echoSucceeds();
        assertStillOpen(silent.get(silent.size() - 1), "the newest silent connection, while echoscu was served");

        for (Socket socket : silent) {
            assertEquals(0, readToEnd(socket).length, "closed without a PDU, as it never sent an A-ASSOCIATE-RQ");
        }
        Map<String, Integer> closed = observer.awaitClosed(40);
        assertTrue(closed.getOrDefault("artim-expired", 0) >= 1, closed::toString);
        assertEquals(40, closed.getOrDefault("artim-expired", 0) + closed.getOrDefault("displaced", 0), closed::toString);
        NegotiationTest.awaitActive(scp.acceptor, 0);
    }

    @Test
    void aFloodFromOneAddressDisplacesOnlyItsOwnConnections() throws Exception {
        start(8, 2);
        Socket bystander1 = connectFrom("127.0.0.3");
        Socket bystander2 = connectFrom("127.0.0.3");
        List<Socket> flood = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            flood.add(connectFrom("127.0.0.2"));
        }

        echoSucceeds(); // accepted after every connection above, so admission has seen them all
        assertStillOpen(bystander1, "another address's connection");
        assertStillOpen(bystander2, "another address's connection");
        assertStillOpen(flood.get(19), "the flooding address's newest connection");
        assertStillOpen(flood.get(18), "the flooding address's second newest connection");
        for (Socket displaced : flood.subList(0, 18)) {
            assertEquals(0, readToEnd(displaced).length);
        }
        assertEquals(18, observer.awaitClosed(18).get("displaced"));
    }

    @Test
    void associationsBeyondThePerPeerLimitAreRejectedTransientlyAndOtherPeersAreServed() throws Exception {
        start(8, 2);
        Socket first = associateFrom("127.0.0.2", "PEER1");
        Socket second = associateFrom("127.0.0.2", "PEER2");

        Socket third = connectFrom("127.0.0.2");
        third.getOutputStream().write(Requests.verification("PEER3", TestAcceptor.AE_TITLE).toPdu());
        assertArrayEquals(AssociateReject.localLimitExceeded().toPdu(), readPdu(third),
                "A-ASSOCIATE-RJ transient, service provider (presentation), local limit exceeded");
        assertEquals(0, readToEnd(third).length, "nothing follows the A-ASSOCIATE-RJ: the server ends its side");
        assertEquals(List.of("local-limit-exceeded"), observer.rejections, "reported before the server closed");

        echoSucceeds(); // another address is served meanwhile
        Socket elsewhere = associateFrom("127.0.0.3", "OTHER");

        release(first); // a released association frees its place for the same address
        NegotiationTest.awaitActive(scp.acceptor, 2);
        Socket again = associateFrom("127.0.0.2", "PEER4");
        release(second);
        release(elsewhere);
        release(again);
        NegotiationTest.awaitActive(scp.acceptor, 0);
    }

    @Test
    void anAssociateRequestTrickledSlowerThanArtimIsCutOff() throws Exception {
        start(4, 2);
        byte[] request = Requests.verification("TRICKLE", TestAcceptor.AE_TITLE).toPdu();
        Socket socket = connectFrom("127.0.0.2");
        socket.setSoTimeout(200);
        // one byte every 200 ms keeps every single read short, but the whole request would take far longer than
        // ARTIM; the ARTIM timer bounds the whole request, so the connection is closed after about 5 s
        boolean closed = false;
        for (int i = 0; i < request.length && !closed; i++) {
            try {
                socket.getOutputStream().write(request[i]);
                closed = socket.getInputStream().read() < 0;
            } catch (SocketTimeoutException e) {
                // nothing from the server yet: go on trickling
            } catch (SocketException e) {
                closed = true; // reset: our bytes arrived after the server closed
            }
        }
        assertTrue(closed, "still open after " + request.length + " bytes in " + request.length / 5 + " s");
        assertEquals(Map.of("artim-expired", 1), observer.awaitClosed(1));
    }

    private void start(int maxAssociations, int maxConnectionsPerPeer) throws IOException {
        scp = new TestAcceptor(new RecordingStoreHandler(directory),
                TestAcceptor.settings(maxAssociations, maxConnectionsPerPeer, ARTIM), observer);
    }

    private void echoSucceeds() {
        Dcmtk.Result echo = Dcmtk.run("echoscu", "-aec", TestAcceptor.AE_TITLE, "127.0.0.1", scp.port());
        assertTrue(echo.succeeded(), echo.toString());
    }

    private Socket connectFrom(String address) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(address, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", scp.acceptor.localPort()), 5000);
        socket.setSoTimeout(Math.toIntExact(ARTIM.multipliedBy(3).toMillis()));
        return socket;
    }

    private Socket associateFrom(String address, String callingAeTitle) throws IOException {
        Socket socket = connectFrom(address);
        socket.getOutputStream().write(Requests.verification(callingAeTitle, TestAcceptor.AE_TITLE).toPdu());
        assertEquals(Pdu.A_ASSOCIATE_AC, readPdu(socket)[0]);
        return socket;
    }

    private static void release(Socket socket) throws IOException {
        socket.getOutputStream().write(new PduBuilder(Pdu.A_RELEASE_RQ).zeros(4).toByteArray());
        assertEquals(Pdu.A_RELEASE_RP, readPdu(socket)[0]);
        socket.close();
    }

    /** Open: nothing to read within 100 ms, and no end of stream. */
    private static void assertStillOpen(Socket socket, String what) throws IOException {
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout(100);
        try {
            assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read(), what + " was closed");
        } finally {
            socket.setSoTimeout(timeout);
        }
    }

    /** One whole PDU, header included. */
    private static byte[] readPdu(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] header = new byte[Pdu.HEADER_LENGTH];
        in.readFully(header);
        int length = ((header[2] & 0xFF) << 24) | ((header[3] & 0xFF) << 16) | ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
        byte[] pdu = new byte[Pdu.HEADER_LENGTH + length];
        System.arraycopy(header, 0, pdu, 0, header.length);
        in.readFully(pdu, Pdu.HEADER_LENGTH, length);
        return pdu;
    }

    /** Everything the server sends until it closes the connection. */
    private static byte[] readToEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            in.transferTo(bytes);
        } catch (SocketException e) {
            // a reset after the server's last bytes: what arrived before it counts
        }
        return bytes.toByteArray();
    }

    /** What the acceptor reports to its observer (the metrics in the application). */
    private static final class RecordingObserver implements AssociationObserver {
        final List<String> rejections = new CopyOnWriteArrayList<>();
        private final Map<String, Integer> closed = new ConcurrentHashMap<>();

        @Override
        public void rejected(AssociateRequest request, AssociateReject reject, String remoteAddress) {
            rejections.add(reject.reasonName());
        }

        @Override
        public void connectionClosed(String remoteAddress, String reason) {
            closed.merge(reason, 1, Integer::sum);
        }

        /** The closures by reason, once at least {@code count} were reported (or after ten seconds). */
        Map<String, Integer> awaitClosed(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (closed.values().stream().mapToInt(Integer::intValue).sum() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return Map.copyOf(closed);
        }
    }
}
