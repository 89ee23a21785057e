package io.glassbox.server.db;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs a Quarkus test against an embedded PostgreSQL started exactly as the server starts its first-run default
 * ({@link EmbeddedDatabase}), on a fresh cluster in a temporary directory that is deleted afterwards. Use it with
 * {@code @WithTestResource(EmbeddedPostgresTestResource.class)} on a {@code @QuarkusTest}.
 */
public class EmbeddedPostgresTestResource implements QuarkusTestResourceLifecycleManager {

    /** Directory-name prefix of the clusters this resource creates (under java.io.tmpdir). */
    public static final String HOME_PREFIX = "glassbox-embedded-pg-";

    private Path home;
    private EmbeddedDatabase database;

    /**
     * zonky's default binary cache ({@code java.io.tmpdir/embedded-pg}): extracted once, shared by every test JVM
     * (zonky serialises the extraction with a lock file), unlike the server which keeps its copy under the data
     * directory.
     */
    public static Path sharedBinaries() {
        return Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg");
    }

    @Override
    public Map<String, String> start() {
        try {
            home = Files.createTempDirectory(HOME_PREFIX);
            database = EmbeddedDatabase.start(home, sharedBinaries());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL for the tests", e);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.username", EmbeddedDatabase.USER,
                "quarkus.datasource.password", "");
    }

    @Override
    public void stop() {
        try {
            if (database != null) {
                database.close();
            }
            if (home != null) {
                deleteTree(home);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
