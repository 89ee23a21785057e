package io.glassbox.server.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glassbox.server.testing.Dcmtk;
import io.glassbox.server.testing.IndexFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real server jar ({@code server/target/quarkus-app/quarkus-run.jar}, built by {@code package}) as separate
 * processes on one real PostgreSQL database, studies sent with dcmtk's storescu, jobs run by the diagnostic
 * checksum executor (slowed down so a job is caught while running):
 * <ul>
 * <li>kill -9 of the process running a job: after a restart the job completes exactly once (one job row,
 * succeeded, second attempt, by the new process);</li>
 * <li>two processes sharing the database and data directory process a batch of studies with no job claimed
 * twice.</li>
 * </ul>
 */
class DispatchProcessesIT {
    private static final String DB = "glassbox_it_dispatch";
    private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final String DB_URL = "jdbc:postgresql://127.0.0.1:5432/" + DB;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<Process> processes = new ArrayList<>();
    private Path work;

    @BeforeEach
    void freshDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DB);
        }
        work = Path.of("target", "it-dispatch").toAbsolutePath();
        IndexFixture.deleteTree(work);
        Files.createDirectories(work);
        Files.writeString(work.resolve("rules.yaml"), """
                rules:
                  - name: checksum-ct
                    match: {modality: [CT]}
                    plugin: {id: glassbox-checksum, version: "1"}
                    parameters: {delayMillisPerInput: 700}
                """);
    }

    @AfterEach
    void stopAll() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
    }

    @Test
    void aJobInterruptedByKillDashNineCompletesExactlyOnceAfterRestart() throws Exception {
        Server first = start("first");
        sendStudy(first, 4);
        JsonNode running = await(first, "a running job with progress", jobs -> jobs.size() == 1
                && jobs.get(0).get("state").asText().equals("running")
                && jobs.get(0).get("progress").get("done").asInt() >= 1);
        long id = running.get(0).get("id").asLong();
        String firstOwner = running.get(0).get("leaseOwner").asText();
        first.process.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no lease released

        Server second = start("second");
        JsonNode done = await(second, "the job succeeded", jobs -> jobs.size() == 1
                && jobs.get(0).get("state").asText().equals("succeeded"));
        JsonNode job = done.get(0);
        assertEquals(id, job.get("id").asLong(), "the same job, not a new one");
        assertEquals(2, job.get("attempts").asInt(), "the killed attempt and the one that finished");
        assertEquals(4, job.get("result").get("checked").asInt());
        assertEquals(0, job.get("result").get("mismatches").asInt());
        assertEquals(1, count("SELECT count(*) FROM job"));
        assertTrue(firstOwner.contains("/" + first.process.pid() + "/"), firstOwner);
        assertNotEquals(first.process.pid(), second.process.pid());
        Thread.sleep(2500);
        assertEquals(1, count("SELECT count(*) FROM job"), "nothing queued again after it succeeded");
        assertEquals(1, count("SELECT count(*) FROM job WHERE state = 'succeeded'"));
    }

    @Test
    void twoProcessesOnOneDatabaseRunEveryJobOnce() throws Exception {
        Server a = start("a");
        Server b = start("b");
        int studies = 8;
        for (int i = 0; i < studies; i++) {
            sendStudy(i % 2 == 0 ? a : b, 2);
        }
        await(a, "every job succeeded", jobs -> jobs.size() == studies
                && count(jobs, j -> j.get("state").asText().equals("succeeded")) == studies);
        assertEquals(studies, count("SELECT count(*) FROM job"));
        assertEquals(studies, count("SELECT count(*) FROM job WHERE attempts = 1"), "no job claimed twice");
        assertEquals(studies, count("SELECT count(DISTINCT study_instance_uid) FROM job"));
        // Both processes worked (the per-plugin limit of 4 across both, 2 workers each, 1.4 s jobs).
        assertEquals(2, count("SELECT count(DISTINCT split_part(worked_by, '/', 2)) FROM job"),
                "jobs were run by both processes");
    }

    private record Server(String name, Process process, int httpPort, int dicomPort) {
        String url(String path) {
            return "http://127.0.0.1:" + httpPort + path;
        }
    }

    private Server start(String name) throws Exception {
        int http = freePort();
        int dicom = freePort();
        Path jar = Path.of(System.getProperty("glassbox.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        assertTrue(Files.exists(jar), "build the server first (mvn package): " + jar);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString());
        Map<String, String> env = pb.environment();
        env.put("GLASSBOX_DB_URL", DB_URL);
        env.put("GLASSBOX_DATA_DIR", work.resolve("data").toString());
        env.put("GLASSBOX_HTTP_PORT", Integer.toString(http));
        env.put("GLASSBOX_HTTP_HOST", "127.0.0.1");
        env.put("GLASSBOX_DICOM_PORT", Integer.toString(dicom));
        env.put("GLASSBOX_DICOM_BIND_ADDRESS", "127.0.0.1");
        env.put("GLASSBOX_QUIET_SECONDS", "1");
        env.put("GLASSBOX_JOB_LEASE_SECONDS", "3");
        env.put("GLASSBOX_MAX_CONCURRENT_PER_PLUGIN", "4");
        env.put("GLASSBOX_ROUTING_RULES", work.resolve("rules.yaml").toString());
        pb.redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile());
        Process p = pb.start();
        processes.add(p);
        Server server = new Server(name, p, http, dicom);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError(name + " exited: " + Files.readString(work.resolve(name + ".log")));
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(server.url("/q/health/ready"))).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return server;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " not ready within 60 s");
    }

    private void sendStudy(Server server, int instances) throws Exception {
        String study = DispatchFixture.uid();
        String series = DispatchFixture.uid();
        List<Object> command = new ArrayList<>(List.of("storescu", "-aet", "IT", "-aec", "GLASSBOX", "127.0.0.1",
                server.dicomPort()));
        for (int i = 0; i < instances; i++) {
            Path f = work.resolve("send-" + series + "-" + i + ".dcm");
            DispatchFixture.writeFile(f, study, series, "CT");
            command.add(f.toString());
        }
        Dcmtk.Result r = Dcmtk.run(Duration.ofSeconds(30), Dcmtk.command(command.toArray()));
        assertTrue(r.succeeded(), r::toString);
    }

    private JsonNode await(Server server, String what, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url("/api/jobs"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            last = JSON.readTree(r.body());
            if (r.statusCode() == 200 && condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not seen within 60 s: " + what + "; last: " + last);
    }

    private static long count(JsonNode array, Predicate<JsonNode> p) {
        long n = 0;
        for (JsonNode j : array) {
            n += p.test(j) ? 1 : 0;
        }
        return n;
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(DB_URL, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
