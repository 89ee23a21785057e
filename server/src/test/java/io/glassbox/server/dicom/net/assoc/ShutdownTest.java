package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.service.DimseStatus;
import io.glassbox.server.dicom.net.service.RecordingStoreHandler;
import io.glassbox.server.dicom.net.service.TestAcceptor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing the acceptor: no new connections, idle associations aborted at once, a store in progress finished. */
class ShutdownTest {

    @TempDir
    Path directory;

    @Test
    void closingAbortsIdleAssociationsAndLetsAStoreInProgressFinish() throws Exception {
        RecordingStoreHandler handler = new RecordingStoreHandler(directory);
        CountDownLatch storeStarted = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        handler.beforeReading = request -> {
            storeStarted.countDown();
            try {
                mayFinish.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        };
        String sopClass = "1.2.840.10008.5.1.4.1.1.7";
        TestAcceptor scp = new TestAcceptor(handler, Set.of("*"), 4, 16384, Duration.ofSeconds(30));
        int port = scp.acceptor.localPort();
        Association idle = Requests.open(port, Requests.verification("IDLE", TestAcceptor.AE_TITLE));
        Association busy = Requests.open(port, Requests.request("BUSY", TestAcceptor.AE_TITLE, 16384,
                Requests.context(1, sopClass, TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN)));
        CompletableFuture<Command> response = CompletableFuture.supplyAsync(() -> {
            try {
                busy.send(busy.presentationContext(1), Command.storeRequest(1, sopClass, "1.2.3.9", Command.PRIORITY_MEDIUM),
                        new ByteArrayInputStream(new byte[50_000]));
                return busy.readMessage().command();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(storeStarted.await(10, TimeUnit.SECONDS));

        long start = System.nanoTime();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> scp.acceptor.close(Duration.ofSeconds(10)));
        AssociationAbortedException aborted = assertThrows(AssociationAbortedException.class, idle::readMessage);
        assertTrue(aborted.getMessage().contains("A-ABORT"), aborted.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0,
                "the idle association is aborted at once, not after the grace period");
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), "no longer listening");

        mayFinish.countDown();
        assertEquals(DimseStatus.SUCCESS, response.get(10, TimeUnit.SECONDS).status(), "the store in progress completes");
        closed.get(10, TimeUnit.SECONDS);
        assertEquals(1, handler.received().size());
        assertEquals(0, scp.acceptor.activeAssociations());
        busy.close();
    }
}
