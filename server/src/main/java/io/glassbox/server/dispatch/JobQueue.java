package io.glassbox.server.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.agroal.api.AgroalDataSource;
import io.glassbox.server.config.GlassboxConfig;
import io.glassbox.server.queue.Lease;
import io.glassbox.server.queue.LeasedQueue;
import io.glassbox.server.queue.QueueTable;
import io.glassbox.server.queue.RetryPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable job queue in PostgreSQL (table job, V5), on the queue core {@link LeasedQueue}: claim with a lease,
 * heartbeat, succeed, fail with backoff, dead after the last attempt, expired leases given back. What is the job's
 * own is here:
 * <ul>
 * <li>enqueue: insert unless a job with the same idempotency key exists (ON CONFLICT DO NOTHING);</li>
 * <li>claim: among the due jobs the core locks, the oldest whose plugin is below its concurrency limit (checked
 * under a per-plugin transaction advisory lock, so two processes cannot both take the last slot);</li>
 * <li>progress, the result, the inputs resolved to stored files, the administrator's retry and the listing.</li>
 * </ul>
 */
@ApplicationScoped
public class JobQueue {

    /** The job table's states in the core's terms; a failed job waits for its retry as 'failed'. */
    public static final QueueTable TABLE = QueueTable.named("job", "pk").waiting("queued", "failed").leased("running")
            .retrying("failed").done("succeeded").dead("dead").maxAttemptsColumn("max_attempts")
            .finishedColumn("finished_at").build();

    /** Canonical JSON (sorted keys) so that equal parameters give equal idempotency keys. */
    static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private static final int CLAIM_CANDIDATES = 20;

    private final AgroalDataSource dataSource;
    private final DispatchConfig config;
    private final LeasedQueue leases;
    private final Duration leaseTime;
    private final Path dataDir;

    public JobQueue(AgroalDataSource dataSource, DispatchConfig config, GlassboxConfig glassbox) {
        this.dataSource = dataSource;
        this.config = config;
        this.leases = new LeasedQueue(dataSource, TABLE, new RetryPolicy(config.maxAttempts(),
                Duration.ofSeconds(config.backoffBaseSeconds()), Duration.ofSeconds(config.backoffMaxSeconds())));
        this.leaseTime = Duration.ofSeconds(config.leaseSeconds());
        this.dataDir = glassbox.dataDir().toAbsolutePath().normalize();
    }

    /** An input as queued: the instance and the digest of the stored file it names. */
    public record InputRef(String sopInstanceUid, String sha256) {
    }

    /** A job to queue; {@code seriesInstanceUid} is "" for a study-level rule. */
    public record NewJob(String studyInstanceUid, String seriesInstanceUid, String ruleName, String pluginId,
                         String pluginVersion, Map<String, Object> parameters, List<InputRef> inputs) {

        public NewJob {
            inputs = inputs.stream().sorted(Comparator.comparing(InputRef::sopInstanceUid)).toList();
        }

        /** sha256 over the sorted "SOP Instance UID:sha256" lines: changes when any input is added or differs. */
        public String inputDigest() {
            StringBuilder lines = new StringBuilder();
            for (InputRef i : inputs) {
                lines.append(i.sopInstanceUid()).append(':').append(i.sha256()).append('\n');
            }
            return sha256(lines.toString());
        }

        public String idempotencyKey() {
            return sha256(String.join("\n", studyInstanceUid, seriesInstanceUid, pluginId, pluginVersion,
                    inputDigest(), json(parameters)));
        }
    }

    /** Queues the job unless the same one exists already; true when this call queued it. */
    public boolean enqueue(NewJob job) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return enqueue(c, job);
        }
    }

    /** As {@link #enqueue(NewJob)}, on the caller's connection (and transaction). */
    public boolean enqueue(Connection c, NewJob job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO job (idempotency_key, study_instance_uid, series_instance_uid, rule_name, plugin_id,
                                 plugin_version, parameters, input_digest, inputs, max_attempts, progress_total)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?)
                ON CONFLICT (idempotency_key) DO NOTHING""")) {
            int k = 1;
            ps.setString(k++, job.idempotencyKey());
            ps.setString(k++, job.studyInstanceUid());
            ps.setString(k++, job.seriesInstanceUid());
            ps.setString(k++, job.ruleName());
            ps.setString(k++, job.pluginId());
            ps.setString(k++, job.pluginVersion());
            ps.setString(k++, json(job.parameters()));
            ps.setString(k++, job.inputDigest());
            ps.setString(k++, json(job.inputs()));
            ps.setInt(k++, leases.retryPolicy().maxAttempts());
            ps.setInt(k, job.inputs().size());
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Claims the oldest due job whose plugin is below its concurrency limit, for {@code owner}, or nothing.
     * Expired leases are given back first.
     */
    public Optional<ClaimedJob> claim(String owner) throws SQLException {
        leases.expireLeases();
        return leases.inTransaction(c -> claimIn(c, owner));
    }

    private record Candidate(long id, String plugin) {
    }

    private Optional<ClaimedJob> claimIn(Connection c, String owner) throws SQLException {
        List<Candidate> candidates = leases.lockDue(c, CLAIM_CANDIDATES, ", plugin_id",
                rs -> new Candidate(rs.getLong(1), rs.getString(2)));
        List<String> full = new ArrayList<>();
        for (Candidate candidate : candidates) {
            if (full.contains(candidate.plugin())) {
                continue;
            }
            if (!slotFree(c, candidate.plugin())) {
                full.add(candidate.plugin());
                continue;
            }
            Lease lease = leases.take(c, List.of(candidate.id()), owner, leaseTime).get(0);
            return Optional.of(start(c, lease));
        }
        return Optional.empty();
    }

    /** Serialises the check per plugin across processes until this transaction ends. */
    private boolean slotFree(Connection c, String plugin) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('glassbox.job.' || ?))")) {
            lock.setString(1, plugin);
            lock.execute();
        }
        try (PreparedStatement count = c.prepareStatement(
                "SELECT count(*) FROM job WHERE state = 'running' AND plugin_id = ?")) {
            count.setString(1, plugin);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1) < concurrencyLimit(plugin);
            }
        }
    }

    public int concurrencyLimit(String plugin) {
        return config.pluginConcurrency().getOrDefault(plugin, config.maxConcurrentPerPlugin());
    }

    /** The claimed job's attempt starts: its worker and start time recorded, its progress reset; its payload. */
    private ClaimedJob start(Connection c, Lease lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE job SET worked_by = lease_owner, started_at = now(), progress_done = 0, progress_message = ''
                 WHERE pk = ?
                RETURNING study_instance_uid, series_instance_uid, rule_name, plugin_id, plugin_version,
                          parameters::text, input_digest, inputs::text""")) {
            ps.setLong(1, lease.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                List<InputRef> refs = parse(rs.getString(8), InputRef[].class);
                return new ClaimedJob(lease.id(), lease.token(), lease.attempt(), lease.maxAttempts(),
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        JSON.readTree(rs.getString(6)), rs.getString(7), resolve(c, refs));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("job " + lease.id() + " has unreadable JSON: " + e.getMessage(), e);
            }
        }
    }

    private List<JobInput> resolve(Connection c, List<InputRef> refs) throws SQLException {
        List<JobInput> inputs = new ArrayList<>(refs.size());
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT i.storage_path, i.sop_class_uid, s.series_instance_uid
                  FROM instance i JOIN series s ON s.pk = i.series_fk WHERE i.sop_instance_uid = ?""")) {
            for (InputRef ref : refs) {
                ps.setString(1, ref.sopInstanceUid());
                try (ResultSet rs = ps.executeQuery()) {
                    inputs.add(rs.next()
                            ? new JobInput(ref.sopInstanceUid(), ref.sha256(), rs.getString(3), rs.getString(2),
                                    dataDir.resolve(rs.getString(1)))
                            : new JobInput(ref.sopInstanceUid(), ref.sha256(), null, null, null));
                }
            }
        }
        return inputs;
    }

    /** Running jobs whose lease ran out: their worker is gone; the attempt failed (retry with backoff, or dead). */
    public int expireLeases() throws SQLException {
        return leases.expireLeases();
    }

    /** Renews the lease; false when it is no longer this claim's (expired and taken, or retried by an admin). */
    public boolean heartbeat(ClaimedJob job) throws SQLException {
        return leases.renew(job.lease(), leaseTime);
    }

    public boolean progress(ClaimedJob job, int done, int total, String message) throws SQLException {
        return leases.updateHeld(job.lease(), "progress_done = ?, progress_total = ?, progress_message = ?", done,
                total, message == null ? "" : message);
    }

    /** Records success with the executor's result; false when the lease was lost (the result is not recorded). */
    public boolean succeed(ClaimedJob job, JsonNode result) throws SQLException {
        return leases.complete(job.lease(), "result = ?::jsonb, last_error = NULL, progress_done = progress_total",
                result == null ? "null" : result.toString());
    }

    /**
     * Records a failed attempt: retried after backoff while attempts remain and {@code retryable}, else dead.
     * False when the lease was lost.
     */
    public boolean fail(ClaimedJob job, String reason, boolean retryable) throws SQLException {
        return leases.fail(job.lease(), retryable, reason, "").isPresent();
    }

    /**
     * An administrator's retry: a failed job runs now; a dead one gets a fresh set of attempts. Empty when there is
     * no such job; {@link NotRetryableException} when it is queued, running or succeeded.
     */
    public Optional<Job> retry(long id) throws SQLException, NotRetryableException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE job SET state = 'queued', next_attempt_at = now(), finished_at = NULL, updated_at = now(),
                               attempts = CASE WHEN state = 'dead' THEN 0 ELSE attempts END
                 WHERE pk = ? AND state IN ('failed', 'dead')""")) {
            ps.setLong(1, id);
            if (ps.executeUpdate() == 1) {
                return get(id);
            }
        }
        Optional<Job> job = get(id);
        if (job.isPresent()) {
            throw new NotRetryableException(job.get());
        }
        return job;
    }

    public Optional<Job> get(long id) throws SQLException {
        List<Job> jobs = select("WHERE pk = ?", List.of(id), 1);
        return jobs.stream().findFirst();
    }

    /** Newest first; {@code state} null for all; at most {@code limit}; ids below {@code before} when it is set. */
    public List<Job> list(JobState state, String studyInstanceUid, Long before, int limit) throws SQLException {
        StringBuilder where = new StringBuilder("WHERE true");
        List<Object> args = new ArrayList<>();
        if (state != null) {
            where.append(" AND state = ?");
            args.add(state.sql());
        }
        if (studyInstanceUid != null) {
            where.append(" AND study_instance_uid = ?");
            args.add(studyInstanceUid);
        }
        if (before != null) {
            where.append(" AND pk < ?");
            args.add(before);
        }
        return select(where.toString(), args, limit);
    }

    private List<Job> select(String where, List<Object> args, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT pk, state, study_instance_uid, series_instance_uid, rule_name, plugin_id, plugin_version,
                       parameters::text, input_digest, jsonb_array_length(inputs), attempts, max_attempts, next_attempt_at,
                       lease_owner, worked_by, lease_expires_at, progress_done, progress_total, progress_message, last_error,
                       result::text, created_at, updated_at, started_at, finished_at
                  FROM job
                """ + where + " ORDER BY pk DESC LIMIT ?")) {
            int k = 1;
            for (Object a : args) {
                ps.setObject(k++, a);
            }
            ps.setInt(k, limit);
            List<Job> jobs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jobs.add(new Job(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), tree(rs.getString(8)), rs.getString(9),
                            rs.getInt(10), rs.getInt(11), rs.getInt(12), time(rs, 13), rs.getString(14), rs.getString(15),
                            time(rs, 16), new Job.Progress(rs.getInt(17), rs.getInt(18), rs.getString(19)),
                            rs.getString(20), tree(rs.getString(21)), time(rs, 22), time(rs, 23), time(rs, 24),
                            time(rs, 25)));
                }
            }
            return jobs;
        }
    }

    private static OffsetDateTime time(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class);
    }

    private static JsonNode tree(String json) {
        try {
            return json == null ? null : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable JSON in the job table: " + e.getMessage(), e);
        }
    }

    private static <T> List<T> parse(String json, Class<T[]> type) throws JsonProcessingException {
        return List.of(JSON.readValue(json, type));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not representable as JSON: " + e.getMessage(), e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The job exists but is not failed or dead. */
    public static class NotRetryableException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Job job;

        public NotRetryableException(Job job) {
            super("job " + job.id() + " is " + job.state() + "; only failed or dead jobs can be retried");
            this.job = job;
        }

        public Job job() {
            return job;
        }
    }
}
