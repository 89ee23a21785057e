package io.glassbox.server.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;

/** A job as {@code GET /api/jobs} shows it. */
public record Job(long id, String state, String studyInstanceUid, String seriesInstanceUid, String ruleName,
                  String pluginId, String pluginVersion, JsonNode parameters, String inputDigest, int inputCount,
                  int attempts, int maxAttempts, OffsetDateTime runAfter, String leaseOwner, String workedBy,
                  OffsetDateTime leaseExpiresAt, Progress progress, String lastError, JsonNode result,
                  OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime startedAt,
                  OffsetDateTime finishedAt) {

    public record Progress(int done, int total, String message) {
    }
}
