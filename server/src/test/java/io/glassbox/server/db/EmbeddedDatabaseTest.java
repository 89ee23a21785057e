package io.glassbox.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embedded PostgreSQL itself: kept across restarts, durable settings, one owner, recovery after kill -9. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedDatabaseTest {

    private Path home;

    @BeforeEach
    void createHome() throws IOException {
        home = Files.createTempDirectory(EmbeddedPostgresTestResource.HOME_PREFIX);
    }

    @AfterEach
    void deleteHome() throws IOException {
        EmbeddedPostgresTestResource.deleteTree(home);
    }

    @Test
    void dataSurvivesARestartOnTheSameDirectory() throws Exception {
        try (EmbeddedDatabase first = start()) {
            execute(first.jdbcUrl(), "CREATE TABLE kept (note TEXT); INSERT INTO kept VALUES ('written before the restart')");
        }
        assertFalse(Files.exists(home.resolve("data").resolve("postmaster.pid")), "stopped cleanly");
        try (EmbeddedDatabase second = start()) {
            assertEquals("written before the restart", queryText(second.jdbcUrl(), "SELECT note FROM kept"));
        }
    }

    @Test
    void commitsAreDurable() throws Exception {
        // zonky's defaults (postgres -F, synchronous_commit=off) would lose acknowledged commits on a crash.
        try (EmbeddedDatabase database = start()) {
            assertEquals("on", queryText(database.jdbcUrl(), "SHOW fsync"));
            assertEquals("on", queryText(database.jdbcUrl(), "SHOW synchronous_commit"));
            assertEquals("127.0.0.1", queryText(database.jdbcUrl(), "SHOW listen_addresses"));
        }
    }

    @Test
    void aSecondOwnerOfTheSameClusterIsRefusedAndTheFirstKeepsWorking() throws Exception {
        try (EmbeddedDatabase owner = start()) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, this::start);
            assertTrue(refused.getMessage().contains("in use by another process"), refused.getMessage());
            assertEquals("1", queryText(owner.jdbcUrl(), "SELECT 1"));
        }
    }

    @Test
    void aStalePidFileNamingAnotherLiveProcessDoesNotBlockTheStart() throws Exception {
        try (EmbeddedDatabase database = start()) {
            execute(database.jdbcUrl(), "CREATE TABLE kept (n INT); INSERT INTO kept VALUES (7)");
        }
        // As after a power loss: the pid file remains and its PID now belongs to some other process (this JVM),
        // which PostgreSQL on its own would take for a running postmaster and refuse to start.
        Path pidFile = home.resolve("data").resolve("postmaster.pid");
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n" + home.resolve("data") + "\n");
        try (EmbeddedDatabase database = start()) {
            assertEquals("7", queryText(database.jdbcUrl(), "SELECT n FROM kept"));
        }
    }

    @Test
    void aServerKilledWithSigkillLeavesPostgresRunningAndTheNextStartTakesOver() throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EmbeddedDatabaseHolder.class.getName(),
                home.toString(), EmbeddedPostgresTestResource.sharedBinaries().toString())
                .redirectError(home.resolve("holder.log").toFile())
                .start();
        long orphanPid;
        try {
            int port = awaitReadyPort(holder);
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + EmbeddedDatabase.DATABASE_NAME;
            execute(url, "CREATE TABLE kept (n INT); INSERT INTO kept VALUES (9)");
            orphanPid = Long.parseLong(Files.readAllLines(home.resolve("data").resolve("postmaster.pid")).get(0).trim());
        } finally {
            holder.destroyForcibly(); // SIGKILL: no shutdown hook runs
            holder.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false),
                "postgres outlives the killed JVM (this is the case being tested)");

        try (EmbeddedDatabase database = start()) {
            assertFalse(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false), "orphan stopped");
            assertEquals("9", queryText(database.jdbcUrl(), "SELECT n FROM kept"));
        }
    }

    private EmbeddedDatabase start() throws IOException {
        return EmbeddedDatabase.start(home, EmbeddedPostgresTestResource.sharedBinaries());
    }

    private static int awaitReadyPort(Process holder) throws Exception {
        BufferedReader output = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return output.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(120, TimeUnit.SECONDS);
        if (line == null || !line.startsWith("READY ")) {
            throw new AssertionError("the holder JVM did not start the database; it said: " + line);
        }
        return Integer.parseInt(line.substring("READY ".length()));
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, EmbeddedDatabase.USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String queryText(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, EmbeddedDatabase.USER, "");
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            assertTrue(row.next(), "one row from " + sql);
            return row.getString(1);
        }
    }
}
