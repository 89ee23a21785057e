package io.glassbox.server.dispatch;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Fired (CDI event, synchronously, on the worker's thread) once a job's success is recorded: the seam for the AI
 * inference record, which the audit trail writes without the worker knowing about auditing.
 *
 * @param result what the executor reported, as recorded with the job
 */
public record JobSucceeded(ClaimedJob job, JsonNode result) {
}
