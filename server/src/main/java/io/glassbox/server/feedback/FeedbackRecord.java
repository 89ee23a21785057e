package io.glassbox.server.feedback;

import java.time.OffsetDateTime;

/** A verdict as the API shows it. */
public record FeedbackRecord(long id, long jobId, String sopInstanceUid, int frame, String classId, String verdict,
                             String comment, String user, OffsetDateTime createdAt, String pluginId,
                             String pluginVersion) {

    static FeedbackRecord of(Feedback f) {
        return new FeedbackRecord(f.id, f.jobId, f.sopInstanceUid, f.frame, f.classId, f.verdict, f.comment,
                f.userName, f.createdAt, f.pluginId, f.pluginVersion);
    }
}
