package io.glassbox.server.feedback;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feedback in the {@code feedback} table through Panache. "The latest verdict per user and finding" is the row
 * with the highest id among that user's rows on that finding; every query below reads only those rows.
 */
@ApplicationScoped
public class FeedbackStore {

    /** The verdicts a user can give, in the order the summary counts them. */
    public static final List<String> VERDICTS = List.of("agree", "disagree", "uncertain");

    /** Rows not superseded by a later verdict of the same user on the same finding. */
    private static final String LATEST = """
            f.id = (SELECT max(g.id) FROM Feedback g
                     WHERE g.jobId = f.jobId AND g.sopInstanceUid = f.sopInstanceUid AND g.frame = f.frame
                       AND g.classId = f.classId AND g.userName = f.userName)""";

    /** What a new verdict says; the finding it is on has been checked to exist. */
    public record Verdict(String studyInstanceUid, long jobId, String sopInstanceUid, int frame, String classId,
                          String verdict, String comment, String user, String pluginId, String pluginVersion) {
    }

    @Transactional
    public FeedbackRecord add(Verdict v) {
        Feedback f = new Feedback();
        f.studyInstanceUid = v.studyInstanceUid();
        f.jobId = v.jobId();
        f.sopInstanceUid = v.sopInstanceUid();
        f.frame = v.frame();
        f.classId = v.classId();
        f.verdict = v.verdict();
        f.comment = v.comment();
        f.userName = v.user();
        f.pluginId = v.pluginId();
        f.pluginVersion = v.pluginVersion();
        f.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        f.persist();
        return FeedbackRecord.of(f);
    }

    /** The study's latest verdict per user and finding, oldest first. */
    @Transactional
    public List<FeedbackRecord> latest(String studyInstanceUid) {
        List<Feedback> rows = Feedback.list("FROM Feedback f WHERE f.studyInstanceUid = ?1 AND " + LATEST
                + " ORDER BY f.id", studyInstanceUid);
        return rows.stream().map(FeedbackRecord::of).toList();
    }

    /** The latest verdicts counted per model (plugin and version), by plugin then version. */
    @Transactional
    public List<FeedbackSummary> summary() {
        List<Object[]> counts = Feedback.getEntityManager().createQuery(
                "SELECT f.pluginId, f.pluginVersion, f.verdict, count(f) FROM Feedback f WHERE " + LATEST
                        + " GROUP BY f.pluginId, f.pluginVersion, f.verdict ORDER BY f.pluginId, f.pluginVersion",
                Object[].class).getResultList();
        Map<List<String>, long[]> byModel = new LinkedHashMap<>();
        for (Object[] row : counts) {
            long[] c = byModel.computeIfAbsent(List.of((String) row[0], (String) row[1]), k -> new long[3]);
            c[VERDICTS.indexOf((String) row[2])] += (Long) row[3];
        }
        List<FeedbackSummary> summary = new ArrayList<>();
        byModel.forEach((model, c) -> summary.add(new FeedbackSummary(model.get(0), model.get(1), c[0], c[1], c[2],
                c[0] + c[1] == 0 ? null : (double) c[0] / (c[0] + c[1]))));
        return summary;
    }
}
