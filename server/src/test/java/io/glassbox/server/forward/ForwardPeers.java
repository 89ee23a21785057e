package io.glassbox.server.forward;

import io.glassbox.server.dicom.net.assoc.AcceptorSettings;
import io.glassbox.server.dicom.net.assoc.AssociationAcceptor;
import io.glassbox.server.dicom.net.assoc.AssociationObserver;
import io.glassbox.server.dicom.net.service.DimseServiceRegistry;
import io.glassbox.server.dicom.net.service.DimseStatus;
import io.glassbox.server.dicom.net.service.StorageService;
import io.glassbox.server.dicom.net.service.StoreResult;
import io.glassbox.server.testing.Dcmtk;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.Orthanc;
import io.glassbox.server.testing.ServerProcesses;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The real peers the forwarding tests send to, all on 127.0.0.1 with free ports: Debian's Orthanc as the PACS,
 * dcmtk's storescp (bit-preserving, one file per reception), a storescp that refuses every association, and a
 * storescp that takes implicit VR little endian only. Each can be stopped and started again on the same port.
 */
public class ForwardPeers implements QuarkusTestResourceLifecycleManager {


    static Path root;
    static Orthanc orthanc;
    static Peer archive;
    static Peer refusing;
    static Peer implicitOnly;
    static AssociationAcceptor failing;
    static final String FAILING_COMMENT = "test peer: storage full";

    /** A peer process that can be stopped and started again with the same command (same port, same storage). */
    static final class Peer {
        final String name;
        final int port;
        final List<String> command;
        final Path directory;
        Process process;

        Peer(String name, int port, Path directory, List<String> command) {
            this.name = name;
            this.port = port;
            this.directory = directory;
            this.command = command;
        }

        synchronized void start() {
            try {
                process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve(name + ".log").toFile()))
                        .start();
                Dcmtk.awaitListening(port);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + command.get(0), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        synchronized void stop() {
            if (process == null) {
                return;
            }
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            process = null;
        }

        String log() throws IOException {
            Path log = directory.resolve(name + ".log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("glassbox-forward");
            orthanc = Orthanc.start(root.resolve("orthanc"));

            archive = storescp("archive", "STORESCP", "+B", "+uf", "+xa");
            refusing = storescp("refusing", "REFUSER", "--refuse");
            implicitOnly = storescp("implicit", "IMPLICIT", "+B", "+uf", "+xi");
            // A peer that accepts the association and answers every C-STORE with a failure status and comment,
            // which no dcmtk or Orthanc option does on demand: Glassbox's own acceptor (tested against dcmtk).
            failing = new AssociationAcceptor(new AcceptorSettings("127.0.0.1", 0, "FAILING",
                    Set.of(AcceptorSettings.ANY_CALLING_AE_TITLE), 4, 16384, Duration.ofSeconds(10)),
                    new DimseServiceRegistry().register(new StorageService((request, dataSet) -> {
                        dataSet.transferTo(OutputStream.nullOutputStream());
                        return StoreResult.failure(DimseStatus.OUT_OF_RESOURCES, FAILING_COMMENT);
                    })), AssociationObserver.NONE);
            failing.start();
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            stop();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String destinations = String.join(";",
                "pacs=ORTHANC@127.0.0.1:" + orthanc.dicomPort() + "?kinds=SC,PM,SR&source=results",
                "archive=STORESCP@127.0.0.1:" + archive.port + "?source=none",
                "refusing=REFUSER@127.0.0.1:" + refusing.port + "?source=none",
                "implicit=IMPLICIT@127.0.0.1:" + implicitOnly.port + "?source=none",
                "failing=FAILING@127.0.0.1:" + failing.localPort() + "?source=none");
        // Short waits so that a whole retry sequence fits in a test: attempts at 0, 0.4, 1.2, 2.8, 4.8, 6.8 s.
        return Map.of(
                "glassbox.forward.destinations", destinations,
                "glassbox.forward.max-attempts", "6",
                "glassbox.forward.initial-backoff", "0.4s",
                "glassbox.forward.max-backoff", "2s",
                "glassbox.forward.poll-interval", "0.1s",
                "glassbox.forward.timeout", "5s");
    }

    /** Stops the refusing storescp and starts an accepting one with the same AE title on the same port. */
    static Peer replaceRefusingWithAccepting() throws IOException {
        refusing.stop();
        Path dir = refusing.directory;
        Path received = Files.createDirectories(dir.resolve("received"));
        refusing = new Peer("accepting", refusing.port, dir, Dcmtk.command("storescp", "-aet", "REFUSER", "-od",
                received.toString(), "+B", "+uf", String.valueOf(refusing.port)));
        refusing.start();
        return refusing;
    }

    private static Peer storescp(String name, String aeTitle, String... options) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        Path received = Files.createDirectories(dir.resolve("received"));
        int port = ServerProcesses.freePort();
        List<String> command = Dcmtk.command("storescp", "-aet", aeTitle, "-od", received.toString(), List.of(options),
                String.valueOf(port));
        Peer peer = new Peer(name, port, dir, command);
        peer.start();
        return peer;
    }

    @Override
    public void stop() {
        if (orthanc != null) {
            orthanc.close();
        }
        for (Peer peer : new Peer[] {archive, refusing, implicitOnly}) {
            if (peer != null) {
                peer.stop();
            }
        }
        if (failing != null) {
            failing.close();
        }
        if (root != null) {
            IndexFixture.deleteTree(root);
        }
    }
}
