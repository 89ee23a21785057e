package io.glassbox.server.store;

import io.glassbox.server.config.GlassboxConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the store can take objects: its directories can be created and written, and the disk has room
 * for at least one more large object. A PACS administrator's monitoring sees a full disk before modalities do.
 */
@Readiness
@ApplicationScoped
public class StorageHealthCheck implements HealthCheck {
    private final Path dataDir;
    private final long minFreeBytes;

    public StorageHealthCheck(GlassboxConfig config) {
        this.dataDir = config.dataDir().toAbsolutePath().normalize();
        this.minFreeBytes = Math.min(config.store().maxObjectBytes(), 1L << 30);
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("storage").withData("dataDir", dataDir.toString());
        try {
            Path incoming = dataDir.resolve("incoming");
            Files.createDirectories(incoming);
            Path probe = Files.createTempFile(incoming, "health", ".probe");
            Files.delete(probe);
            FileStore fs = Files.getFileStore(incoming);
            long free = fs.getUsableSpace();
            b.withData("freeBytes", free);
            return free >= minFreeBytes ? b.up().build()
                    : b.down().withData("reason", "less than " + minFreeBytes + " bytes free").build();
        } catch (IOException | RuntimeException e) {
            return b.down().withData("reason", "cannot write to the data directory: " + e).build();
        }
    }
}
