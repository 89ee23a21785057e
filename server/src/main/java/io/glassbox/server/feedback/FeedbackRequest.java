package io.glassbox.server.feedback;

/** The body of {@code POST /api/studies/{study}/feedback}; checked by {@link FeedbackResource}. */
public record FeedbackRequest(Long jobId, String sopInstanceUid, Integer frame, String classId, String verdict,
                              String comment) {
}
