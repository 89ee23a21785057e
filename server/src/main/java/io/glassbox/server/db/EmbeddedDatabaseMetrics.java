package io.glassbox.server.db;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The embedded PostgreSQL's supervision in metrics: {@code glassbox.embedded.database.up} (1 or 0),
 * {@code glassbox.embedded.database.restarts} and {@code glassbox.embedded.database.restart.failures}. Registered
 * only when this process runs the embedded database.
 */
@Startup
@ApplicationScoped
public class EmbeddedDatabaseMetrics {

    public EmbeddedDatabaseMetrics(MeterRegistry metrics) {
        GlassboxMain.embeddedDatabase().ifPresent(database -> {
            Gauge.builder("glassbox.embedded.database.up", database, d -> d.status().up() ? 1 : 0)
                    .description("Whether the embedded PostgreSQL's postmaster runs").register(metrics);
            FunctionCounter.builder("glassbox.embedded.database.restarts", database, d -> d.status().restarts())
                    .description("Restarts of the embedded PostgreSQL after its postmaster died").register(metrics);
            FunctionCounter.builder("glassbox.embedded.database.restart.failures", database,
                            d -> d.status().restartFailures())
                    .description("Restart attempts of the embedded PostgreSQL that failed").register(metrics);
        });
    }
}
