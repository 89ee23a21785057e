package io.glassbox.server.store;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * What the store's reconciliation found, where an administrator looks ({@code /q/health}, {@code /q/health/ready}):
 * index rows whose file is missing (count and the first few), and the crash leftovers removed so far.
 *
 * <p>Always up: a missing file is an object that cannot be served, not a reason to stop taking new ones, and all
 * servers sharing the database would report the same row (taking them all out of service would stop every
 * modality's sends). Monitoring alerts on {@code missingFiles} here or on the gauge
 * {@code glassbox_store_missing_files}; the ERROR log names each file.
 */
@Readiness
@ApplicationScoped
public class StoreIntegrityHealthCheck implements HealthCheck {
    private static final int LISTED = 10;

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
        if (!missing.isEmpty()) {
            b.withData("missing", missing.stream().limit(LISTED)
                    .map(m -> m.sopInstanceUid() + " (study " + m.studyInstanceUid() + ") " + m.storagePath())
                    .collect(Collectors.joining("; ")) + (missing.size() > LISTED ? "; ..." : ""));
        }
        return b.build();
    }
}
