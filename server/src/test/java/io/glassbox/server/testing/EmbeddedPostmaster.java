package io.glassbox.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded PostgreSQL of a server started by {@link ServerProcesses} without a database URL: its postmaster,
 * found through the pid file under the server's data directory ({@code work/data/postgres/data}).
 */
public final class EmbeddedPostmaster {

    private EmbeddedPostmaster() {
    }

    /** The running postmaster's PID. */
    public static long pid(Path work) throws IOException {
        Path pidFile = pidFile(work);
        return Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.US_ASCII).get(0).trim());
    }

    /** SIGKILL to the postmaster (as the OOM killer or an operator's kill -9); returns its PID. */
    public static long kill(Path work) throws IOException {
        long pid = pid(work);
        ProcessHandle postmaster = ProcessHandle.of(pid)
                .orElseThrow(() -> new AssertionError("no postmaster with PID " + pid + " is running"));
        if (!postmaster.destroyForcibly()) {
            throw new AssertionError("SIGKILL to the postmaster " + pid + " failed");
        }
        return pid;
    }

    /**
     * A server killed with SIGKILL (as {@link ServerProcesses#close} does) leaves its PostgreSQL running: stop it
     * (SIGTERM) so that the test leaves nothing behind.
     */
    public static void stopOrphan(Path work) throws IOException {
        if (Files.exists(pidFile(work))) {
            ProcessHandle.of(pid(work)).ifPresent(ProcessHandle::destroy);
        }
    }

    private static Path pidFile(Path work) {
        return work.resolve("data/postgres/data/postmaster.pid");
    }
}
