package io.glassbox.server.store;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Before the application starts, leaves in the test data directory's {@code incoming/} what a server killed while
 * receiving leaves there: partly written {@code .part} files (written just now, so only the clean-up at start,
 * not the removal by age, can account for them). Reconciliation passes look at {@link #BATCH_SIZE} files and rows.
 */
public class CrashLeftoversResource implements QuarkusTestResourceLifecycleManager {
    /** The test profile's data directory (%test.glassbox.data-dir), relative to the module. */
    static final Path INCOMING = Path.of("target/test-data/incoming");
    static final List<String> PARTS = List.of("killed-mid-c-store.part", "killed-mid-stow.part");
    static final int BATCH_SIZE = 2;

    @Override
    public Map<String, String> start() {
        try {
            Files.createDirectories(INCOMING);
            for (String name : PARTS) {
                // The start of a Part 10 file, cut off: what a receive in progress has written.
                byte[] partial = new byte[4096];
                partial[128] = 'D';
                partial[129] = 'I';
                partial[130] = 'C';
                partial[131] = 'M';
                Files.write(INCOMING.resolve(name), partial);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Small batches, so the tests see the reconciliation go on where its previous pass stopped.
        return Map.of("glassbox.store.reconcile.batch-size", Integer.toString(BATCH_SIZE));
    }

    @Override
    public void stop() {
        // nothing to undo: the test checks that the server removed them
    }
}
