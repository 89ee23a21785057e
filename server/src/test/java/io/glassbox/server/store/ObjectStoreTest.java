package io.glassbox.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.store.ObjectStore.TempObject;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The store's one promise: a file is renamed into place only once its content is on disk. The fsync runs in the
 * background while the caller checks the object, so publishing must wait for it, and must not happen at all when
 * it failed.
 */
@QuarkusTest
class ObjectStoreTest {

    @Inject
    ObjectStore store;

    @Test
    void aReceivedFileIsForcedThenPublishedWhole() throws Exception {
        byte[] content = new byte[300_000];
        new java.util.Random(7).nextBytes(content);
        TempObject temp = store.receive(new byte[] {1, 2}, new ByteArrayInputStream(content));
        assertEquals(content.length + 2L, temp.size());
        temp.forced().get(10, TimeUnit.SECONDS);
        String relative = "objects/test/" + UUID.randomUUID() + ".dcm";
        Path published = store.publish(temp, relative);
        assertFalse(Files.exists(temp.path()));
        byte[] stored = Files.readAllBytes(published);
        assertEquals(1, stored[0]);
        assertArrayEquals(content, java.util.Arrays.copyOfRange(stored, 2, stored.length));
    }

    @Test
    void publishWaitsForTheForceToFinish() throws Exception {
        Path file = Files.createTempFile(Files.createDirectories(store.resolve("incoming")), "wait", ".part");
        CompletableFuture<Void> forced = new CompletableFuture<>();
        TempObject temp = new TempObject(file, 0, "00", forced);
        String relative = "objects/test/" + UUID.randomUUID() + ".dcm";
        CompletableFuture<Path> publishing = CompletableFuture.supplyAsync(() -> {
            try {
                return store.publish(temp, relative);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(publishing.isDone(), "published before the file was on disk");
        assertFalse(Files.exists(store.resolve(relative)));
        forced.complete(null);
        assertTrue(Files.exists(publishing.get(10, TimeUnit.SECONDS)));
    }

    @Test
    void aFailedForcePublishesNothing() throws Exception {
        Path file = Files.createTempFile(Files.createDirectories(store.resolve("incoming")), "failed", ".part");
        TempObject temp = new TempObject(file, 0, "00",
                CompletableFuture.failedFuture(new IOException("No space left on device")));
        String relative = "objects/test/" + UUID.randomUUID() + ".dcm";
        IOException e = assertThrows(IOException.class, () -> store.publish(temp, relative));
        assertEquals("No space left on device", e.getMessage());
        assertFalse(Files.exists(store.resolve(relative)));
        assertTrue(Files.exists(file), "the caller removes the temporary file");
        Files.delete(file);
    }
}
