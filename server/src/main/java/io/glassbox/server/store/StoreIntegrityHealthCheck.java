package io.glassbox.server.store;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * What the store's reconciliation found, where an administrator looks ({@code /q/health}, {@code /q/health/ready}):
 * how many index rows have lost their file, and the crash leftovers removed so far. Counts only: health is an open
 * route, so which objects (their UIDs, their paths) is for the log, which names each at every pass.
 *
 * <p>Always up: a missing file is an object that cannot be served, not a reason to stop taking new ones, and all
 * servers sharing the database would report the same row (taking them all out of service would stop every
 * modality's sends). Monitoring alerts on {@code missingFiles} here or on the gauge
 * {@code glassbox_store_missing_files}; the ERROR log names each file.
 */
@Readiness
@ApplicationScoped
public class StoreIntegrityHealthCheck implements HealthCheck {
    private final StoreReconciler reconciler;

    public StoreIntegrityHealthCheck(StoreReconciler reconciler) {
        this.reconciler = reconciler;
    }

    @Override
    public HealthCheckResponse call() {
        List<StoreReconciler.MissingFile> missing = reconciler.missingFiles();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("store-integrity").up()
                .withData("missingFiles", missing.size())
                .withData("orphanFilesRemoved", reconciler.orphanFilesRemoved())
                .withData("temporaryFilesRemoved", reconciler.temporaryFilesRemoved())
                .withData("lastPass", String.valueOf(reconciler.lastPass()));
        return b.build();
    }
}
