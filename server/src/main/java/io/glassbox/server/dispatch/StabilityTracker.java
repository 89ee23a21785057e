package io.glassbox.server.dispatch;

import io.agroal.api.AgroalDataSource;
import io.glassbox.server.dispatch.JobQueue.InputRef;
import io.glassbox.server.dispatch.JobQueue.NewJob;
import io.glassbox.server.dispatch.RoutingRule.Candidate;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The study-complete trigger. A study is ready once its {@code updated_at} (moved by every instance added to it)
 * is older than the quiet time and differs from the version last evaluated ({@code study_dispatch}); then the
 * routing rules pick its instances, and a job is queued per matching rule (per series for series-level rules).
 * Everything it knows is in the database, so a restart, or a second process, neither loses nor repeats a study:
 * a re-evaluation with unchanged inputs produces the same idempotency keys and queues nothing.
 *
 * <p>Instances Glassbox wrote itself ({@code received_via = 'RESULT'}) are never inputs; their arrival re-evaluates
 * the study, which then queues nothing new. A series-level rule waits for its study to be quiet, not only its
 * series: a study still arriving is never split into partial jobs.
 */
@Startup
@ApplicationScoped
public class StabilityTracker {
    private static final Logger LOG = Logger.getLogger(StabilityTracker.class);
    private static final int STUDIES_PER_SCAN = 100;

    private final AgroalDataSource dataSource;
    private final DispatchConfig config;
    private final RoutingRules rules;
    private final JobQueue queue;
    private ScheduledExecutorService timer;

    public StabilityTracker(AgroalDataSource dataSource, DispatchConfig config, RoutingRules rules, JobQueue queue) {
        this.dataSource = dataSource;
        this.config = config;
        this.rules = rules;
        this.queue = queue;
    }

    @PostConstruct
    void start() {
        if (!config.enabled()) {
            LOG.info("Stability tracker disabled (glassbox.dispatch.enabled=false)");
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "glassbox-stability-tracker");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::scanQuietly, config.pollMillis(), config.pollMillis(), TimeUnit.MILLISECONDS);
        LOG.infof("Stability tracker: a study is ready after %d s without new instances", config.quietSeconds());
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void scanQuietly() {
        try {
            scanOnce();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Stability tracker scan failed (retried at the next scan): %s", e.toString());
        }
    }

    /** Evaluates every study that is quiet and changed since its last evaluation; returns the jobs queued. */
    public int scanOnce() throws SQLException {
        List<Long> ready = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT st.pk FROM study st LEFT JOIN study_dispatch d ON d.study_fk = st.pk
                 WHERE st.updated_at <= now() - make_interval(secs => ?)
                   AND d.evaluated_version IS DISTINCT FROM st.updated_at
                 ORDER BY st.updated_at LIMIT ?""")) {
            ps.setInt(1, config.quietSeconds());
            ps.setInt(2, STUDIES_PER_SCAN);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ready.add(rs.getLong(1));
                }
            }
        }
        int queued = 0;
        for (long study : ready) {
            queued += evaluate(study);
        }
        return queued;
    }

    /**
     * One study in one transaction. Its row is locked first (skipped if another process is evaluating it), which
     * also holds back an instance being added to it until the evaluation commits: the inputs read and the version
     * recorded always agree.
     */
    private int evaluate(long studyPk) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int queued = evaluateIn(c, studyPk);
                c.commit();
                return queued;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private int evaluateIn(Connection c, long studyPk) throws SQLException {
        String studyUid;
        OffsetDateTime version;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT study_instance_uid, updated_at FROM study
                 WHERE pk = ? AND updated_at <= now() - make_interval(secs => ?)
                 FOR NO KEY UPDATE SKIP LOCKED""")) {
            ps.setLong(1, studyPk);
            ps.setInt(2, config.quietSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return 0;
                }
                studyUid = rs.getString(1);
                version = rs.getObject(2, OffsetDateTime.class);
            }
        }
        List<Candidate> candidates = new ArrayList<>();
        Map<String, String> sha256 = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT s.series_instance_uid, i.sop_instance_uid, i.sop_class_uid, s.modality, s.body_part_examined,
                       s.series_description, i.calling_ae_title, i.sha256
                  FROM instance i JOIN series s ON s.pk = i.series_fk
                 WHERE s.study_fk = ? AND i.received_via <> 'RESULT'""")) {
            ps.setLong(1, studyPk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    candidates.add(new Candidate(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                    sha256.put(rs.getString(2), rs.getString(8));
                }
            }
        }
        int queued = 0;
        for (RoutingRule rule : rules.current().rules()) {
            Map<String, List<InputRef>> groups = new LinkedHashMap<>();
            for (Candidate candidate : candidates) {
                if (rule.matches(candidate)) {
                    String group = rule.level() == RoutingRule.Level.SERIES ? candidate.seriesInstanceUid() : "";
                    groups.computeIfAbsent(group, g -> new ArrayList<>())
                            .add(new InputRef(candidate.sopInstanceUid(), sha256.get(candidate.sopInstanceUid())));
                }
            }
            for (Map.Entry<String, List<InputRef>> group : groups.entrySet()) {
                NewJob job = new NewJob(studyUid, group.getKey(), rule.name(), rule.plugin().id(),
                        rule.plugin().version(), rule.parameters(), group.getValue());
                if (queue.enqueue(c, job)) {
                    queued++;
                    LOG.infof("Queued %s %s for study %s%s (rule %s, %d inputs)", rule.plugin().id(),
                            rule.plugin().version(), studyUid,
                            group.getKey().isEmpty() ? "" : " series " + group.getKey(), rule.name(),
                            group.getValue().size());
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO study_dispatch (study_fk, evaluated_version, jobs_queued) VALUES (?, ?, ?)
                ON CONFLICT (study_fk) DO UPDATE SET evaluated_version = EXCLUDED.evaluated_version,
                                                     evaluated_at = now(), jobs_queued = EXCLUDED.jobs_queued""")) {
            ps.setLong(1, studyPk);
            ps.setObject(2, version);
            ps.setInt(3, queued);
            ps.executeUpdate();
        }
        return queued;
    }
}
