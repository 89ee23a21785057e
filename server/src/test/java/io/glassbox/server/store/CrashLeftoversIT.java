package io.glassbox.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.glassbox.server.testing.Multipart;
import io.glassbox.server.testing.ServerProcesses;
import io.glassbox.server.testing.ServerProcesses.Server;
import io.glassbox.server.testing.TestCorpus;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged server killed with SIGKILL while it receives an object, then started again on the same data directory
 * and database: the temporary file the kill left is removed at start, a stored file without an index row (as a kill
 * between rename and commit leaves it, aged past the safe age) is removed by the first reconciliation pass, and an
 * index row whose file was lost is reported in the readiness detail and kept.
 */
class CrashLeftoversIT {
    private ServerProcesses servers;

    @BeforeEach
    void freshDatabase() throws Exception {
        servers = new ServerProcesses("glassbox_it_leftovers_store", "it-leftovers-store");
    }

    @AfterEach
    void stopAll() {
        servers.close();
    }

    @Test
    void leftoversOfAKillDashNineAreCleanedAndALostFileReportedAfterRestart() throws Exception {
        Server first = servers.start("first", Map.of());
        Path data = servers.work().resolve("data");
        // Two acknowledged objects; one of them will lose its file.
        assertEquals(200, stow(first, Files.readAllBytes(TestCorpus.file("CT_small.dcm"))));
        assertEquals(200, stow(first, Files.readAllBytes(TestCorpus.file("MR_small.dcm"))));
        String lostSop = servers.strings("SELECT sop_instance_uid FROM instance ORDER BY pk").get(1);
        Path lost = data.resolve(servers.strings("SELECT storage_path FROM instance ORDER BY pk").get(1));

        // A STOW-RS request cut off mid-object, the server killed while it waits for the rest.
        byte[] file = Files.readAllBytes(TestCorpus.file("rtdose.dcm"));
        try (Socket socket = new Socket("127.0.0.1", first.httpPort())) {
            OutputStream out = socket.getOutputStream();
            byte[] head = ("--b\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            out.write(("POST /dicomweb/studies HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: multipart/related; type=\"application/dicom\"; boundary=b\r\n"
                    + "Content-Length: " + (head.length + file.length + 8) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(head);
            out.write(file, 0, file.length / 2);
            out.flush();
            Path incoming = data.resolve("incoming");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (temporaryFiles(incoming).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1, temporaryFiles(incoming).size(), "the half-received object is in a temporary file");
            first.process().destroyForcibly().waitFor(); // SIGKILL
        }
        Path part = temporaryFiles(data.resolve("incoming")).get(0);

        // What a kill between rename and commit leaves (made by hand: that window is microseconds wide), aged
        // past the safe age; and the lost file.
        Path orphan = data.resolve("objects/2.25.100/2.25.101/2.25.102-0123456789abcdef.dcm");
        Files.createDirectories(orphan.getParent());
        Files.write(orphan, file);
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Files.delete(lost);

        Server second = servers.start("second", Map.of());
        assertFalse(Files.exists(part), "the temporary file is removed at start");
        assertTrue(Files.readString(servers.log("second")).contains("Removed 1 temporary file(s)"));
        JsonNode integrity = ServerProcesses.await(second, "/q/health/ready", Duration.ofSeconds(30),
                "the first reconciliation pass", health -> check(health).path("data").path("lastPass").asText()
                        .startsWith("20"));
        JsonNode report = check(integrity).path("data");
        assertEquals("UP", check(integrity).path("status").asText());
        assertEquals(1, report.path("missingFiles").asInt(), report::toString);
        assertFalse(integrity.toString().contains(lostSop), "health is open: counts only, the log names the object");
        assertEquals(1, report.path("orphanFilesRemoved").asInt(), report::toString);
        assertFalse(Files.exists(orphan), "the orphan older than the safe age is removed");
        assertEquals(2, servers.count("SELECT count(*) FROM instance"), "no row is dropped");
        String log = Files.readString(servers.log("second"));
        assertTrue(log.contains("ERROR") && log.contains(lostSop), "the lost file is logged at ERROR");
        assertTrue(log.contains("Removed objects/2.25.100/2.25.101/2.25.102-0123456789abcdef.dcm"), log);
    }

    private static List<Path> temporaryFiles(Path incoming) throws Exception {
        if (!Files.isDirectory(incoming)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(incoming)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }

    private static int stow(Server server, byte[] file) throws Exception {
        Multipart m = Multipart.of(List.of(file));
        return ServerProcesses.send(HttpRequest.newBuilder(URI.create(server.url("/dicomweb/studies")))
                .header("Content-Type", m.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(m.close()))
                .build()).statusCode();
    }

    private static JsonNode check(JsonNode health) {
        for (JsonNode c : health.path("checks")) {
            if (c.path("name").asText().equals("store-integrity")) {
                return c;
            }
        }
        return ServerProcesses.JSON.createObjectNode();
    }
}
