package io.glassbox.server.worklist;

import io.agroal.api.AgroalDataSource;
import io.glassbox.server.index.QidoMatching;
import io.glassbox.server.worklist.WorklistFilter.Sort;
import io.glassbox.server.worklist.WorklistFilter.Status;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The worklist in plain JDBC over the index tables and the job table: one statement per page. The filters and the
 * order pick the page's studies first (walking {@code study_worklist_date_idx} or {@code study_worklist_patient_idx}
 * when no filter needs more), and only the page's studies then get their image count, modalities, AI status and
 * top finding, each by an indexed look-up. The AI status of every candidate study is computed only when the
 * request filters on it.
 */
@ApplicationScoped
public class WorklistQuery {

    /**
     * The study's current jobs (the latest per plugin and series); {@code st} is the study. The deciding job is the
     * most urgent of them ({@link AiSummary}); the counts of all jobs come from the same index ({@code job_study_idx}).
     */
    private static final String AI = """
            LEFT JOIN LATERAL (
                SELECT c.state AS ai_state, c.progress_done, c.progress_total, c.progress_message, c.last_error
                  FROM (SELECT DISTINCT ON (j.plugin_id, j.series_instance_uid)
                               j.pk, j.state, j.progress_done, j.progress_total, j.progress_message, j.last_error
                          FROM job j WHERE j.study_instance_uid = st.study_instance_uid
                         ORDER BY j.plugin_id, j.series_instance_uid, j.pk DESC) c
                 ORDER BY CASE c.state WHEN 'running' THEN 0 WHEN 'queued' THEN 1 WHEN 'failed' THEN 1
                                       WHEN 'dead' THEN 2 ELSE 3 END, c.pk DESC
                 LIMIT 1) ai ON true
            """;

    /** The worklist status of the deciding job's state ({@code none} without one). */
    private static final String STATUS = """
            CASE ai.ai_state WHEN 'running' THEN 'running' WHEN 'queued' THEN 'queued' WHEN 'failed' THEN 'queued'
                             WHEN 'dead' THEN 'failed' WHEN 'succeeded' THEN 'done' ELSE 'none' END""";

    /** The latest succeeded job per plugin and series of study {@code st}, with the given columns. */
    private static String succeeded(String columns) {
        return "SELECT DISTINCT ON (j.plugin_id, j.series_instance_uid) " + columns
                + " FROM job j WHERE j.study_instance_uid = st.study_instance_uid AND j.state = 'succeeded'"
                + " ORDER BY j.plugin_id, j.series_instance_uid, j.pk DESC";
    }

    /** The highest-scoring finding of the current succeeded analyses, present ones first. */
    private static final String TOP = """
            LEFT JOIN LATERAL (
                SELECT r ->> 'label' AS top_label, (r ->> 'score')::float8 AS top_score,
                       CASE WHEN jsonb_typeof(r -> 'threshold') = 'number' THEN (r ->> 'threshold')::float8 END
                           AS top_threshold,
                       (r -> 'present') = 'true'::jsonb AS top_present, d.plugin_id AS top_plugin,
                       d.plugin_version AS top_version
                  FROM (""" + succeeded("j.plugin_id, j.plugin_version, j.result") + """
                       ) d
                 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(d.result -> 'images') = 'array'
                                                         THEN d.result -> 'images' ELSE '[]'::jsonb END) img
                 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(img -> 'results') = 'array'
                                                         THEN img -> 'results' ELSE '[]'::jsonb END) r
                 WHERE jsonb_typeof(r -> 'score') = 'number'
                 ORDER BY (r -> 'present') = 'true'::jsonb DESC, (r ->> 'score')::float8 DESC
                 LIMIT 1) top ON true
            """;

    /**
     * Series {@code se} is the study's own, not one Glassbox wrote: result objects are written into series of their
     * own ({@code received_via = 'RESULT'}), so the series' first instance tells, in one index probe.
     */
    private static final String OWN_SERIES = """
            (SELECT r.received_via FROM instance r WHERE r.series_fk = se.pk ORDER BY r.pk LIMIT 1) <> 'RESULT'""";

    /**
     * The study's own instances and modalities. The count reads only {@code instance_series_fk} (an index-only
     * scan once the table is vacuumed), not the instance rows, so a 500-slice study costs an index range.
     */
    private static final String IMAGES = """
            LEFT JOIN LATERAL (
                SELECT count(*) AS images,
                       array_agg(DISTINCT se.modality) FILTER (WHERE se.modality <> '') AS modalities
                  FROM series se JOIN instance i ON i.series_fk = se.pk
                 WHERE se.study_fk = st.pk AND\s""" + OWN_SERIES + ") img ON true\n";

    private final AgroalDataSource dataSource;

    public WorklistQuery(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public WorklistPage page(WorklistFilter filter) throws SQLException {
        List<String> conditions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        conditions(filter, conditions, params);
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        String from = "FROM study st " + (filter.status() != null ? AI : "") + where;
        String order = order(filter.sort());
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(filter.limit());
        pageParams.add(filter.offset());
        long[] total = {-1};
        List<WorklistItem> items = items(
                "SELECT st.pk, count(*) OVER () AS total, row_number() OVER (ORDER BY " + order + ") AS ord "
                        + from + " ORDER BY " + order + " LIMIT ? OFFSET ?", pageParams, total);
        if (total[0] < 0) {
            // An empty page (past the end, or nothing matches) carries no window count: count on its own.
            total[0] = count("SELECT count(*) " + from, params);
        }
        return new WorklistPage(total[0], filter.offset(), filter.limit(), items);
    }

    /** One study's worklist item (for the event stream), or empty when there is no such study. */
    public Optional<WorklistItem> one(String studyInstanceUid) throws SQLException {
        List<WorklistItem> items = items("SELECT st.pk, 1 AS total, 1 AS ord FROM study st"
                + " WHERE st.study_instance_uid = ?", List.of(studyInstanceUid), new long[1]);
        return items.stream().findFirst();
    }

    private static void conditions(WorklistFilter f, List<String> conditions, List<Object> params) {
        if (f.patient() != null) {
            // As QIDO-RS matches a person name (the whole value or its alphabetic group) and a text ID.
            String like = QidoMatching.likePattern(f.patient());
            conditions.add("(upper(st.patient_name) LIKE upper(?) OR upper(st.patient_name) LIKE upper(?)"
                    + " OR upper(st.patient_id) LIKE upper(?))");
            params.addAll(List.of(like, like + "=%", like));
        }
        if (f.from() != null) {
            conditions.add("st.study_date >= ?");
            params.add(f.from());
        }
        if (f.to() != null) {
            conditions.add("st.study_date <> '' AND st.study_date <= ?");
            params.add(f.to());
        }
        if (f.modality() != null) {
            conditions.add("EXISTS (SELECT 1 FROM series se WHERE se.study_fk = st.pk AND upper(se.modality) = ? AND "
                    + OWN_SERIES + ")");
            params.add(f.modality());
        }
        if (f.finding() != null) {
            String present = "EXISTS (SELECT 1 FROM (" + succeeded("j.finding_present") + ") d WHERE d.finding_present)";
            conditions.add(f.finding() ? present : "EXISTS (" + succeeded("j.pk") + ") AND NOT " + present);
        }
        if (f.status() != null) {
            conditions.add("(" + STATUS + ") = ?");
            params.add(f.status().json());
        }
    }

    private static String order(Sort sort) {
        String direction = sort.descending() ? " DESC" : "";
        return sort.byDate()
                ? "st.study_date" + direction + ", st.study_time" + direction + ", st.pk" + direction
                : "st.patient_name" + direction + ", st.pk" + direction;
    }

    /**
     * The items of the studies {@code page} selects (columns pk, total, ord), in {@code ord} order;
     * {@code total[0]} is set from the first row.
     */
    private List<WorklistItem> items(String page, List<Object> params, long[] total) throws SQLException {
        String sql = "WITH page AS (" + page + ")"
                + " SELECT page.total, st.study_instance_uid, st.patient_name, st.patient_id, st.study_date,"
                + " st.study_time, st.accession_number, st.study_description, img.images, img.modalities,"
                + " (SELECT count(*) FROM job j WHERE j.study_instance_uid = st.study_instance_uid) AS jobs,"
                + " " + STATUS + " AS status, ai.progress_done, ai.progress_total, ai.progress_message,"
                + " ai.last_error, top.top_label, top.top_score, top.top_threshold, top.top_present,"
                + " top.top_plugin, top.top_version"
                + " FROM page JOIN study st ON st.pk = page.pk " + IMAGES + AI + TOP + " ORDER BY page.ord";
        List<WorklistItem> items = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    total[0] = rs.getLong("total");
                    items.add(item(rs));
                }
            }
        }
        return items;
    }

    private static WorklistItem item(ResultSet rs) throws SQLException {
        String status = rs.getString("status");
        boolean running = status.equals(Status.RUNNING.json());
        AiSummary.Progress progress = running ? new AiSummary.Progress(rs.getInt("progress_done"),
                rs.getInt("progress_total"), rs.getString("progress_message")) : null;
        boolean waiting = status.equals(Status.FAILED.json()) || status.equals(Status.QUEUED.json());
        String reason = waiting ? rs.getString("last_error") : null;
        AiSummary.TopFinding top = null;
        String label = rs.getString("top_label");
        if (label != null) {
            double threshold = rs.getDouble("top_threshold");
            boolean noThreshold = rs.wasNull();
            top = new AiSummary.TopFinding(label, rs.getDouble("top_score"), noThreshold ? null : threshold, rs.getBoolean("top_present"), rs.getString("top_plugin"),
                    rs.getString("top_version"));
        }
        AiSummary ai = new AiSummary(status, progress, reason, rs.getInt("jobs"), top);
        return new WorklistItem(rs.getString("study_instance_uid"), rs.getString("patient_name"),
                rs.getString("patient_id"), rs.getString("study_date"), rs.getString("study_time"),
                rs.getString("accession_number"), strings(rs.getArray("modalities")), rs.getString("study_description"),
                rs.getInt("images"), ai);
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private long count(String sql, List<Object> params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params)) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, List<Object> params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            int k = 1;
            for (Object p : params) {
                ps.setObject(k++, p);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }
}
