package io.glassbox.server.store;

import io.glassbox.server.config.GlassboxConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Ready only while the store can take objects: its directories can be created and written, and the disk has room
 * for at least one more large object. A PACS administrator's monitoring sees a full disk before modalities do.
 */
@Readiness
@ApplicationScoped
public class StorageHealthCheck implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(StorageHealthCheck.class);
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final Path dataDir;
    private final long minFreeBytes;

    public StorageHealthCheck(GlassboxConfig config) {
        this.dataDir = config.dataDir().toAbsolutePath().normalize();
        this.minFreeBytes = Math.min(config.store().maxObjectBytes(), 1L << 30);
        LOG.infof("Storage health check watches the data directory %s", dataDir);
    }

    /**
     * The health endpoint is open, so its answer names no path (the log does): what is wrong, and how much room
     * is left.
     */
    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("storage");
        try {
            Path incoming = dataDir.resolve("incoming");
            Files.createDirectories(incoming);
            Path probe = Files.createTempFile(incoming, "health", ".probe");
            Files.delete(probe);
            FileStore fs = Files.getFileStore(incoming);
            long free = fs.getUsableSpace();
            b.withData("freeBytes", free);
            String room = String.format(Locale.ROOT, "%.1f GiB free", free / GIB);
            if (free >= minFreeBytes) {
                return b.up().withData("status", "data directory writable, " + room).build();
            }
            LOG.warnf("Data directory %s has %d bytes free, less than %d", dataDir, free, minFreeBytes);
            return b.down().withData("reason", "data directory nearly full: " + room + ", less than "
                    + minFreeBytes + " bytes").build();
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "Data directory %s is not writable", dataDir);
            return b.down().withData("reason", "cannot write to the data directory (the server log says where"
                    + " and why)").build();
        }
    }
}
