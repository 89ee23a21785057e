package io.glassbox.server.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.glassbox.server.queue.Lease;
import java.util.List;
import java.util.UUID;

/**
 * A job a worker holds the lease on. {@code leaseToken} identifies this claim: every state change the worker
 * makes is conditional on it, so a worker whose lease expired (and whose job another worker took) changes nothing.
 */
public record ClaimedJob(long id, UUID leaseToken, int attempt, int maxAttempts, String studyInstanceUid,
                         String seriesInstanceUid, String ruleName, String pluginId, String pluginVersion,
                         JsonNode parameters, String inputDigest, List<JobInput> inputs) {

    /** The claim in the queue core's terms. */
    Lease lease() {
        return new Lease(id, leaseToken, attempt, maxAttempts);
    }
}
