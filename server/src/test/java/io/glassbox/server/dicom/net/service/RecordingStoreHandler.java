package io.glassbox.server.dicom.net.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A store handler for tests: writes each received data set to its own file, in arrival order, and answers
 * success unless {@link #answer} says otherwise.
 */
public final class RecordingStoreHandler implements StoreHandler {

    /** One object as received. */
    record Received(StoreRequest request, Path file, long length) {
        byte[] bytes() throws IOException {
            return Files.readAllBytes(file);
        }
    }

    private final Path directory;
    private final AtomicInteger sequence = new AtomicInteger();
    private final List<Received> received = new ArrayList<>();
    private final List<StoreRequest> failedWhileReading = new ArrayList<>();
    volatile Function<StoreRequest, StoreResult> answer = request -> StoreResult.success();
    /** Runs after the request is known and before the data set is read (to hold an association busy). */
    public volatile Hook beforeReading = request -> { };

    public interface Hook {
        void run(StoreRequest request) throws IOException;
    }

    public RecordingStoreHandler(Path directory) {
        this.directory = directory;
    }

    @Override
    public StoreResult store(StoreRequest request, InputStream dataSet) throws IOException {
        beforeReading.run(request);
        Path file = directory.resolve(String.format("%05d.dcm", sequence.incrementAndGet()));
        long length;
        try (OutputStream out = Files.newOutputStream(file)) {
            length = dataSet.transferTo(out);
        } catch (IOException e) {
            synchronized (this) {
                failedWhileReading.add(request);
            }
            Files.deleteIfExists(file);
            throw e;
        }
        StoreResult result = answer.apply(request);
        if (!DimseStatus.isFailure(result.status())) {
            synchronized (this) {
                received.add(new Received(request, file, length));
            }
        }
        return result;
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    public synchronized List<StoreRequest> failedWhileReading() {
        return List.copyOf(failedWhileReading);
    }

    synchronized void clear() {
        received.clear();
        failedWhileReading.clear();
    }
}
