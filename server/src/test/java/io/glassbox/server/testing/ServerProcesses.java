package io.glassbox.server.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * The packaged server ({@code target/quarkus-app/quarkus-run.jar}, built by {@code package}) run as real
 * processes for integration tests, on loopback, on one real PostgreSQL database of their own that each test
 * starts afresh. {@link #close} kills whatever is still running.
 */
public final class ServerProcesses implements AutoCloseable {

    private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String database;
    private final Path work;
    private final List<Process> processes = new ArrayList<>();

    /** One server process: its HTTP and DICOM ports. */
    public record Server(String name, Process process, int httpPort, int dicomPort) {
        public String url(String path) {
            return "http://127.0.0.1:" + httpPort + path;
        }
    }

    /** A fresh database {@code database} and an empty work directory {@code target/<work>}. */
    public ServerProcesses(String database, String work) throws SQLException, IOException {
        this.database = database;
        this.work = Path.of("target", work).toAbsolutePath();
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        }
        IndexFixture.deleteTree(this.work);
        Files.createDirectories(this.work);
    }

    public Path work() {
        return work;
    }

    public String databaseUrl() {
        return "jdbc:postgresql://127.0.0.1:5432/" + database;
    }

    /**
     * Starts a server on free loopback ports with data under {@code work/data} and the given extra environment,
     * and waits until it is ready.
     */
    public Server start(String name, Map<String, String> environment) throws Exception {
        int http = freePort();
        int dicom = freePort();
        Path jar = Path.of(System.getProperty("glassbox.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        assertTrue(Files.exists(jar), "build the server first (mvn package): " + jar);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString());
        Map<String, String> env = pb.environment();
        env.put("GLASSBOX_DB_URL", databaseUrl());
        env.put("GLASSBOX_DATA_DIR", work.resolve("data").toString());
        env.put("GLASSBOX_HTTP_PORT", Integer.toString(http));
        env.put("GLASSBOX_HTTP_HOST", "127.0.0.1");
        env.put("GLASSBOX_DICOM_PORT", Integer.toString(dicom));
        env.put("GLASSBOX_DICOM_BIND_ADDRESS", "127.0.0.1");
        env.putAll(environment);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()));
        Process p = pb.start();
        processes.add(p);
        Server server = new Server(name, p, http, dicom);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError(name + " exited: " + Files.readString(log(name)));
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

    public Path log(String name) {
        return work.resolve(name + ".log");
    }

    /** GET as JSON; the status must be 200. */
    public static JsonNode get(Server server, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url(path)))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    public static HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Polls {@code path} (JSON) until {@code condition} holds; fails after {@code timeout}. */
    public static JsonNode await(Server server, String path, Duration timeout, String what,
                                 Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url(path))).build(),
                    HttpResponse.BodyHandlers.ofString());
            last = r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
            if (last != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not seen within " + timeout.toSeconds() + " s: " + what + "; last: " + last);
    }

    public long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(databaseUrl(), "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first column of every row. */
    public List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(databaseUrl(), "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    public static long count(JsonNode array, Predicate<JsonNode> p) {
        long n = 0;
        for (JsonNode j : array) {
            n += p.test(j) ? 1 : 0;
        }
        return n;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
    }
}
