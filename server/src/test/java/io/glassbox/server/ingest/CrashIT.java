package io.glassbox.server.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TransferSyntax;
import io.glassbox.server.dispatch.DispatchFixture;
import io.glassbox.server.forward.StoreScu;
import io.glassbox.server.forward.StoreScu.Outcome;
import io.glassbox.server.forward.StoreScu.StoredObject;
import io.glassbox.server.testing.EmbeddedPostmaster;
import io.glassbox.server.testing.MultipartResponse;
import io.glassbox.server.testing.Part10;
import io.glassbox.server.testing.ServerProcesses;
import io.glassbox.server.testing.ServerProcesses.Server;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The crash test: the packaged server on its embedded PostgreSQL (the first-run default) takes C-STOREs from several
 * concurrent associations while it is killed with SIGKILL again and again (and started again on the same data
 * directory), and so is its database's postmaster (which the server's supervision brings back). Afterwards every
 * instance that was acknowledged with success (0x0000) is found by QIDO-RS and retrieved over WADO-RS byte for byte
 * as it was sent; an instance that was not acknowledged may be there or not, but if it is, it is whole; nothing is
 * there twice, and nothing is there that was not sent.
 *
 * <p>The senders are the project's own C-STORE SCU ({@link StoreScu}), which reports each instance's status, so
 * the test knows exactly which instances were acknowledged.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CrashIT {

    private static final int SENDERS = 4;
    private static final int BATCH = 3;
    /** The order of the kills: S the server, D the database's postmaster. */
    private static final String KILLS = "SDSDS";
    /** Acknowledgements to wait for between kills, so that each kill lands among stores in flight. */
    private static final int ACKNOWLEDGED_BETWEEN_KILLS = 12;
    private static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";

    /** One instance that went out over an association, and what the server answered. */
    private record Sent(String series, String sopInstanceUid, Path file, Outcome outcome) {
        boolean acknowledged() {
            return outcome.dimseStatus() != null && outcome.dimseStatus() == 0x0000;
        }
    }

    private ServerProcesses servers;
    private final Map<String, String> environment = Map.of(
            "GLASSBOX_DB_URL", "", // blank: the embedded PostgreSQL under the data directory
            "GLASSBOX_DISPATCH_ENABLED", "false"); // no AI here: the CPU goes to the stores
    private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final ConcurrentLinkedQueue<Throwable> senderFailures = new ConcurrentLinkedQueue<>();
    private volatile Server current;
    private volatile boolean sending = true;

    @BeforeEach
    void fresh() throws Exception {
        servers = new ServerProcesses("glassbox_it_crash", "it-crash");
    }

    @AfterEach
    void stop() throws Exception {
        sending = false;
        servers.close();
        EmbeddedPostmaster.stopOrphan(servers.work());
    }

    @Test
    void everyAcknowledgedInstanceSurvivesRepeatedKillsOfTheServerAndOfItsDatabase() throws Exception {
        String study = DispatchFixture.uid();
        int starts = 0;
        current = servers.start("server-" + starts++, environment);
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            Thread sender = new Thread(sender(i, study), "crash-sender-" + i);
            sender.start();
            senders.add(sender);
        }
        long began = System.nanoTime();
        int serverKills = 0;
        int databaseKills = 0;
        for (char kill : KILLS.toCharArray()) {
            assertTrue(senderFailures.isEmpty(), () -> "a sender failed: " + senderFailures);
            awaitAcknowledged(acknowledged.get() + ACKNOWLEDGED_BETWEEN_KILLS);
            if (kill == 'S') {
                current.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                serverKills++;
                current = servers.start("server-" + starts++, environment);
            } else {
                EmbeddedPostmaster.kill(servers.work());
                databaseKills++;
                awaitDatabaseRestarted(current);
            }
        }
        awaitAcknowledged(acknowledged.get() + ACKNOWLEDGED_BETWEEN_KILLS); // and it still takes stores
        sending = false;
        for (Thread sender : senders) {
            sender.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(!sender.isAlive(), sender.getName() + " did not stop");
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
        assertTrue(senderFailures.isEmpty(), () -> "a sender failed: " + senderFailures);

        Map<String, JsonNode> indexed = new HashMap<>();
        for (JsonNode instance : ServerProcesses.get(current, "/dicomweb/studies/" + study + "/instances")) {
            String sop = instance.path("00080018").path("Value").path(0).asText();
            assertTrue(indexed.put(sop, instance) == null, "indexed twice: " + sop);
        }
        Set<String> sentUids = new HashSet<>();
        int acknowledgedCount = 0;
        int unacknowledgedKept = 0;
        int unacknowledgedAbsent = 0;
        for (Sent s : sent) {
            sentUids.add(s.sopInstanceUid());
            boolean found = indexed.containsKey(s.sopInstanceUid());
            if (s.acknowledged()) {
                acknowledgedCount++;
                assertTrue(found, "acknowledged but not found by QIDO-RS: " + s);
            }
            if (found) {
                assertArrayEquals(Part10.dataSet(s.file()), retrieveDataSet(study, s),
                        "WADO-RS answers the data set as it was sent: " + s);
                unacknowledgedKept += s.acknowledged() ? 0 : 1;
            } else {
                assertEquals(404, retrieve(study, s).statusCode(), "not indexed, so not served: " + s);
                unacknowledgedAbsent++;
            }
        }
        assertTrue(sentUids.containsAll(indexed.keySet()), "only what was sent is indexed");
        assertEquals(KILLS.length(), serverKills + databaseKills);
        int unacknowledged = sent.size() - acknowledgedCount;
        assertTrue(unacknowledged > 0, "the kills interrupted stores in flight (else this test proves little)");
        System.out.printf("CrashIT: %d server kills, %d database kills in %d s; %d instances sent over %d"
                        + " associations at a time: %d acknowledged (all found whole), %d not acknowledged (%d kept whole,"
                        + " %d absent)%n", serverKills, databaseKills, seconds, sent.size(), SENDERS, acknowledgedCount,
                unacknowledged, unacknowledgedKept, unacknowledgedAbsent);
    }

    /**
     * Sends batches of new instances over one association each, to whichever server runs, until told to stop. A
     * batch that found no server to associate with was never sent: it is tried again as it is.
     */
    private Runnable sender(int index, String study) {
        return () -> {
            StoreScu scu = new StoreScu("CRASH" + index, Duration.ofSeconds(20));
            String series = DispatchFixture.uid();
            List<StoredObject> batch = new ArrayList<>();
            Map<String, Path> files = new HashMap<>();
            try {
                while (sending) {
                    while (batch.size() < BATCH) {
                        String sop = DispatchFixture.uid();
                        Path file = servers.work().resolve("sent").resolve(sop + ".dcm");
                        write(file, study, series, sop);
                        batch.add(new StoredObject(CT_IMAGE_STORAGE, sop, TransferSyntax.ExplicitVRLittleEndian, file,
                                Part10.dataSetOffset(Files.readAllBytes(file))));
                        files.put(sop, file);
                    }
                    List<Outcome> outcomes = scu.send("127.0.0.1", current.dicomPort(), "GLASSBOX", batch);
                    if (outcomes.stream().allMatch(o -> o.error() != null && o.error().startsWith("cannot associate"))) {
                        Thread.sleep(100); // the server is down or starting
                        continue;
                    }
                    for (int i = 0; i < batch.size(); i++) {
                        String sop = batch.get(i).sopInstanceUid();
                        Sent s = new Sent(series, sop, files.remove(sop), outcomes.get(i));
                        sent.add(s);
                        if (s.acknowledged()) {
                            acknowledged.incrementAndGet();
                        }
                    }
                    batch.clear();
                    if (outcomes.stream().noneMatch(Outcome::delivered)) {
                        Thread.sleep(100); // the database is down: do not spin
                    }
                }
            } catch (Exception | AssertionError e) {
                senderFailures.add(e);
            }
        };
    }

    /** pydicom's CT_small.dcm under a new identity, as a Part 10 file. */
    private static void write(Path file, String study, String series, String sop) throws Exception {
        AttributeList list = DispatchFixture.instance(study, series, sop, "CT", "crash test");
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "CRASHIT");
        Files.createDirectories(file.getParent());
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
    }

    private void awaitAcknowledged(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (acknowledged.get() < count) {
            assertTrue(System.nanoTime() < deadline, "only " + acknowledged.get() + " of " + count
                    + " instances acknowledged within 90 s");
            Thread.sleep(50);
        }
    }

    /** Readiness UP again, with the embedded database restarted once by this server process. */
    private static void awaitDatabaseRestarted(Server server) throws Exception {
        ServerProcesses.await(server, "/q/health/ready", Duration.ofSeconds(90), "the database restarted", health -> {
            for (JsonNode check : health.path("checks")) {
                if ("embedded-database".equals(check.path("name").asText())) {
                    return "UP".equals(check.path("status").asText()) && check.path("data").path("restarts").asInt() == 1;
                }
            }
            return false;
        });
    }

    private byte[] retrieveDataSet(String study, Sent s) throws Exception {
        HttpResponse<byte[]> r = retrieve(study, s);
        assertEquals(200, r.statusCode(), () -> "WADO-RS " + s + ": " + new String(r.body()));
        List<MultipartResponse.Part> parts = MultipartResponse.parse(
                r.headers().firstValue("Content-Type").orElseThrow(), r.body());
        assertEquals(1, parts.size());
        byte[] file = parts.get(0).body();
        return java.util.Arrays.copyOfRange(file, Part10.dataSetOffset(file), file.length);
    }

    private HttpResponse<byte[]> retrieve(String study, Sent s) throws Exception {
        return ServerProcesses.send(HttpRequest.newBuilder(URI.create(current.url("/dicomweb/studies/" + study
                        + "/series/" + s.series() + "/instances/" + s.sopInstanceUid())))
                .header("Accept", "multipart/related; type=\"application/dicom\"").build());
    }
}
