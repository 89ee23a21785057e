package io.glassbox.server.db;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The server's entry point. With no {@code GLASSBOX_DB_URL} configured it first starts the embedded PostgreSQL
 * under {@code ${GLASSBOX_DATA_DIR}/postgres} and points Quarkus at it, so a bare {@code java -jar} runs with
 * nothing to set up.
 *
 * <p>This has to happen before Quarkus reads its runtime configuration: the port is only known once PostgreSQL
 * is up, and the datasource and Flyway connect during start-up. application.properties reads the URL as
 * {@code ${GLASSBOX_DB_URL:…}}; a system property of that name is seen by the same expression (system
 * properties rank above environment variables), so setting it here is all the wiring needed.
 *
 * <p>The embedded server is stopped by the shutdown hook its library registers, when the JVM exits (Quarkus exits
 * the JVM when it stops); see {@link EmbeddedDatabase}. While the server runs, the embedded database supervises
 * itself (restarts a dead postmaster); {@link #embeddedDatabase()} lets readiness and metrics report on it.
 */
@QuarkusMain
public final class GlassboxMain {

    static final String DB_URL = "GLASSBOX_DB_URL";
    static final String DB_USER = "GLASSBOX_DB_USER";
    static final String DB_PASSWORD = "GLASSBOX_DB_PASSWORD";
    static final String DATA_DIR = "GLASSBOX_DATA_DIR";
    /** Same default as glassbox.data-dir in application.properties. */
    static final String DEFAULT_DATA_DIR = "./data";

    /** Set once, before Quarkus starts, when this process runs the embedded database. */
    private static volatile EmbeddedDatabase embedded;

    public static void main(String... args) throws IOException {
        if (setting(DB_URL) == null) {
            Path home = Path.of(setting(DATA_DIR) != null ? setting(DATA_DIR) : DEFAULT_DATA_DIR).resolve("postgres");
            EmbeddedDatabase database = EmbeddedDatabase.start(home, home.resolve("binaries"));
            embedded = database;
            System.setProperty(DB_URL, database.jdbcUrl());
            // The embedded cluster's own account, whatever user/password the environment names for another server.
            System.setProperty(DB_USER, EmbeddedDatabase.USER);
            System.setProperty(DB_PASSWORD, "");
        }
        Quarkus.run(args);
    }

    /** The embedded database this process started; empty when it uses GLASSBOX_DB_URL (or runs as a test). */
    public static Optional<EmbeddedDatabase> embeddedDatabase() {
        return Optional.ofNullable(embedded);
    }

    /** A GLASSBOX_* setting as a -D system property or an environment variable; blank counts as unset. */
    private static String setting(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value;
    }
}
