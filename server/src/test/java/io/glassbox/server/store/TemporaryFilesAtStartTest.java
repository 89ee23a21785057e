package io.glassbox.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.config.GlassboxConfig;
import io.glassbox.server.testing.IndexFixture;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The clean-up of {@code incoming/} when a store starts, against another real process using the same data
 * directory: a Python process holding the POSIX lock on {@code incoming.lock} as a running server does.
 */
class TemporaryFilesAtStartTest {
    private Path dataDir;
    private GlassboxConfig config;

    @BeforeEach
    void dataDirectory() throws Exception {
        dataDir = Path.of("target", "incoming-at-start").toAbsolutePath();
        IndexFixture.deleteTree(dataDir);
        Files.createDirectories(dataDir.resolve("incoming"));
        // The application's own settings object, read as Quarkus reads it (durations like "10s" included).
        config = new SmallRyeConfigBuilder().withMapping(GlassboxConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withDefaultValue("glassbox.data-dir", dataDir.toString()).build()
                .getConfigMapping(GlassboxConfig.class);
    }

    @AfterEach
    void removeDataDirectory() {
        IndexFixture.deleteTree(dataDir);
    }

    @Test
    void leftoversAreRemovedWhenNoOtherServerUsesTheDirectory() throws Exception {
        Path part = Files.write(dataDir.resolve("incoming/killed.part"), new byte[64]);
        ObjectStore store = new ObjectStore(config);
        store.claimIncoming();
        try {
            assertFalse(Files.exists(part));
            assertEquals(1, store.temporaryFilesRemovedAtStart());
            // While it runs, another server starting on the same directory cannot take the lock exclusively.
            assertEquals("busy", python("""
                    import fcntl, sys
                    f = open(sys.argv[1], 'a+')
                    try:
                        fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        print('free')
                    except OSError:
                        print('busy')
                    """));
        } finally {
            store.releaseIncoming();
        }
    }

    @Test
    void leftoversAreKeptWhileAnotherRunningServerUsesTheDirectory() throws Exception {
        Path part = Files.write(dataDir.resolve("incoming/being-received-by-the-other-server.part"), new byte[64]);
        Process other = new ProcessBuilder("python3", "-c", """
                import fcntl, sys
                f = open(sys.argv[1], 'a+')
                fcntl.lockf(f, fcntl.LOCK_SH)
                print('locked', flush=True)
                sys.stdin.read()
                """, dataDir.resolve("incoming.lock").toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            ObjectStore store = new ObjectStore(config);
            store.claimIncoming();
            try {
                assertTrue(Files.exists(part), "another server's file in progress is left alone");
                assertEquals(0, store.temporaryFilesRemovedAtStart());
            } finally {
                store.releaseIncoming();
            }
        } finally {
            other.getOutputStream().close();
            if (!other.waitFor(10, TimeUnit.SECONDS)) {
                other.destroyForcibly();
            }
        }
        // The other server is gone (the operating system dropped its lock): the next start removes the file.
        ObjectStore next = new ObjectStore(config);
        next.claimIncoming();
        try {
            assertFalse(Files.exists(part));
            assertEquals(1, next.temporaryFilesRemovedAtStart());
        } finally {
            next.releaseIncoming();
        }
    }

    /** Runs a Python snippet with the lock file as its argument; returns its output line. */
    private String python(String script) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", script, dataDir.resolve("incoming.lock").toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "python3 did not finish");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }
}
