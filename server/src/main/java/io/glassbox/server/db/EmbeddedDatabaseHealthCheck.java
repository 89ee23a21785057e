package io.glassbox.server.db;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the embedded PostgreSQL is down, with the reason an operator needs: that it is being restarted
 * after its process exited, which attempt, and when the next one is due. The datasource's own check only says that
 * connections fail. With an external database ({@code GLASSBOX_DB_URL}) there is nothing to report here.
 */
@Readiness
@ApplicationScoped
public class EmbeddedDatabaseHealthCheck implements HealthCheck {

    static final String NAME = "embedded-database";

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        return GlassboxMain.embeddedDatabase().map(database -> {
            EmbeddedDatabase.Status status = database.status();
            response.withData("port", database.port()).withData("restarts", status.restarts())
                    .withData("restartFailures", status.restartFailures());
            return status.up() ? response.up().build() : response.down().withData("reason", status.reason()).build();
        }).orElseGet(() -> response.up().withData("embedded", false).build());
    }
}
