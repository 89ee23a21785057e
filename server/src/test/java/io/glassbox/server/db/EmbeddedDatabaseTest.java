package io.glassbox.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded PostgreSQL itself: kept across restarts, durable settings, one owner, recovery after kill -9 of the
 * server, supervision (restart) after kill -9 of its postmaster.
 */
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

    @Test
    void aPostmasterKilledWithSigkillIsRestartedOnTheSamePortWithItsCommittedData() throws Exception {
        try (EmbeddedDatabase database = start()) {
            String url = database.jdbcUrl();
            execute(url, "CREATE TABLE kept (n INT); INSERT INTO kept VALUES (11)");
            long killed = database.postmasterPid();

            killAndAwaitExit(killed);

            EmbeddedDatabase.Status status = awaitStatus(database, s -> s.up() && s.restarts() == 1);
            assertEquals(0, status.restartFailures());
            assertEquals(url, database.jdbcUrl(), "same port: the datasource's URL stays right");
            assertTrue(database.postmasterPid() != killed, "a new postmaster");
            assertEquals("11", queryText(url, "SELECT n FROM kept"), "crash recovery kept the committed row");
            execute(url, "INSERT INTO kept VALUES (12)");
        }
        assertFalse(Files.exists(home.resolve("data").resolve("postmaster.pid")), "close() stopped it, not restarted");
    }

    @Test
    void aProcessOfTheDeadPostmasterThatLingersIsKilledSoThatTheRestartCanTakeTheSharedMemory() throws Exception {
        try (EmbeddedDatabase database = start()) {
            execute(database.jdbcUrl(), "CREATE TABLE kept (n INT); INSERT INTO kept VALUES (14)");
            long postmaster = database.postmasterPid();
            // A stopped process cannot notice that its postmaster died; it keeps the old shared memory attached,
            // which makes a new postmaster refuse to start on the cluster until it is gone.
            ProcessHandle lingering = ProcessHandle.of(postmaster).orElseThrow().children().findFirst()
                    .orElseThrow(() -> new AssertionError("the postmaster has no child processes"));
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(lingering.pid())).start().waitFor());

            killAndAwaitExit(postmaster);

            EmbeddedDatabase.Status status = awaitStatus(database, s -> s.up() && s.restarts() == 1);
            assertEquals(0, status.restartFailures(), "no attempt started while the old process held on");
            assertFalse(lingering.isAlive() && Files.exists(Path.of("/proc", Long.toString(lingering.pid()), "cwd", ".")),
                    "the lingering process was killed");
            assertEquals("14", queryText(database.jdbcUrl(), "SELECT n FROM kept"));
        }
    }

    @Test
    void whileARestartFailsTheStatusSaysWhyAndSupervisionKeepsTryingWithBackoff() throws Exception {
        try (EmbeddedDatabase database = start()) {
            execute(database.jdbcUrl(), "CREATE TABLE kept (n INT); INSERT INTO kept VALUES (13)");
            killAndAwaitExit(database.postmasterPid());
            // Take the port the moment the postmaster has let it go, so that restarting on it fails.
            ServerSocket squatter = bindWhenFree(database.port());
            try {
                EmbeddedDatabase.Status down = awaitStatus(database, s -> s.restartFailures() >= 1);
                assertFalse(down.up());
                assertTrue(down.reason().startsWith("embedded database restarting after its process exited; attempt 1"
                        + " failed ("), down.reason());
                assertTrue(down.reason().matches(".*\\), next in [01] s"), down.reason());
                assertEquals(0, down.restarts());
            } finally {
                squatter.close(); // the port is free again: the next attempt succeeds
            }
            EmbeddedDatabase.Status up = awaitStatus(database, EmbeddedDatabase.Status::up);
            assertEquals(1, up.restarts());
            assertEquals("13", queryText(database.jdbcUrl(), "SELECT n FROM kept"));
        }
    }

    @Test
    void restartDelaysDoubleUpToTheirCeiling() {
        assertEquals(1_000, EmbeddedDatabase.restartDelayMillis(1));
        assertEquals(2_000, EmbeddedDatabase.restartDelayMillis(2));
        assertEquals(16_000, EmbeddedDatabase.restartDelayMillis(5));
        assertEquals(30_000, EmbeddedDatabase.restartDelayMillis(6));
        assertEquals(30_000, EmbeddedDatabase.restartDelayMillis(1_000));
    }

    /** SIGKILL, as the OOM killer or an operator's kill -9 would; returns once the process is gone. */
    static void killAndAwaitExit(long pid) throws Exception {
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid));
        assertTrue(postmaster.destroyForcibly(), "SIGKILL sent to " + pid);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // not our child: poll /proc (a zombie, where nothing reaps it, has no working directory left)
        while (Files.exists(Path.of("/proc", Long.toString(pid), "cwd", "."))) {
            assertTrue(System.nanoTime() < deadline, "PID " + pid + " still running 30 s after SIGKILL");
            Thread.sleep(1);
        }
    }

    private static ServerSocket bindWhenFree(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                ServerSocket socket = new ServerSocket();
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return socket;
            } catch (BindException stillHeld) {
                assertTrue(System.nanoTime() < deadline, "port " + port + " still in use 10 s after the kill");
                Thread.sleep(1);
            }
        }
    }

    private static EmbeddedDatabase.Status awaitStatus(EmbeddedDatabase database,
                                                       Predicate<EmbeddedDatabase.Status> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        EmbeddedDatabase.Status status = database.status();
        while (!condition.test(status)) {
            assertTrue(System.nanoTime() < deadline, "supervision did not get there in 90 s; status " + status);
            Thread.sleep(20);
            status = database.status();
        }
        return status;
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
