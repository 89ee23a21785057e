package io.glassbox.server.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the audit trail ({@code GLASSBOX_AUDIT_*} in README.md). */
@ConfigMapping(prefix = "glassbox.audit")
public interface AuditConfig {

    /**
     * How often, at most, the chain's head is written to {@code <data dir>/audit/chain-head.json} while records are
     * being added (and always when the server stops). A tail removed from the database is detected when it is older
     * than this.
     */
    @WithDefault("5s")
    Duration headInterval();

    /**
     * Events waiting for the writer, at most. One more is refused (counted, logged, and a Security Alert follows):
     * the queue only fills when the database stays unavailable.
     */
    @WithDefault("100000")
    int queueCapacity();

    /** Events chained and committed in one transaction, at most. */
    @WithDefault("500")
    int batchSize();
}
