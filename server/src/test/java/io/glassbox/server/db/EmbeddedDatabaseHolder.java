package io.glassbox.server.db;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A separate JVM for {@link EmbeddedDatabaseTest}: starts the embedded database on the given directories, prints
 * {@code READY <port>}, and keeps it until its stdin closes (so it never outlives the test that started it, unless
 * killed, which is what the test does).
 */
public final class EmbeddedDatabaseHolder {

    private EmbeddedDatabaseHolder() {
    }

    public static void main(String... args) throws IOException {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(Path.of(args[0]), Path.of(args[1]))) {
            System.out.println("READY " + database.port());
            System.out.flush();
            while (System.in.read() != -1) {
                // wait for the parent to close our stdin
            }
        }
    }
}
