package io.glassbox.server.audit;

import io.glassbox.server.config.GlassboxConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The one writer of the audit chain in this process. Doors hand it events ({@link #record}) without waiting; a
 * single thread takes what has queued up (up to {@code batchSize}), adds the patient of every study the events name
 * (one index query per batch), numbers and chains them and commits them in one transaction: a group commit, so an
 * ingest of many associations costs one audit insert per association and no wait at all.
 *
 * <p>Why one thread: the chain is a sequence, each record's hash depending on the one before, so records must be
 * appended one at a time in one order; a single thread does that without lock contention between the doors. Other
 * server processes sharing the database append to the same chain: each batch takes a transaction-scoped advisory
 * lock and reads the newest record inside it, so two processes' batches follow one another.
 *
 * <p>Never silently dropped: an event is refused only when the queue is full (the database has been unavailable
 * for long); {@link #record} then returns false so the door can say so, a counter counts it, it is logged, and a
 * Security Alert (Audit Recording Stopped) with the number refused is chained as soon as writing works again. A batch
 * whose transaction fails stays in memory and is tried again, with backoff, until it commits.
 */
@ApplicationScoped
public class AuditWriter {
    private static final Logger LOG = Logger.getLogger(AuditWriter.class);
    /** pg_advisory_xact_lock key serialising the chain's writers across processes ("AUDT"). */
    static final long CHAIN_LOCK = 0x41554454L;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final AuditConfig config;
    private final EntityManager em;
    private final AgroalDataSource dataSource;
    private final Path headFile;
    private final String aeTitle;
    private final LinkedBlockingQueue<Pending> queue;
    private final Object submitLock = new Object();
    private final Object progress = new Object();
    private final Counter written;
    private final Counter refused;
    private final Counter batchFailures;
    private long submitted;          // tickets handed out (under submitLock)
    private long committed;          // highest ticket committed (under progress)
    private long refusedSinceAlert;  // under submitLock
    private volatile boolean running;
    /** Set once the server is stopping and the queue has been written: later events are refused, loudly. */
    private volatile boolean stopped;
    private Thread thread;
    // the chain's newest record as this writer committed it, and whether the head file is behind it
    private long headSeq;
    private String headHash = CanonicalForm.GENESIS;
    private boolean headDirty;
    private long headWrittenNanos;

    private record Pending(long ticket, AuditEvent event) {
    }

    public AuditWriter(AuditConfig config, GlassboxConfig glassbox, EntityManager em, AgroalDataSource dataSource,
                       MeterRegistry metrics) {
        this.config = config;
        this.em = em;
        this.dataSource = dataSource;
        this.headFile = ChainHead.file(glassbox.dataDir());
        this.aeTitle = glassbox.dicom().aeTitle();
        this.queue = new LinkedBlockingQueue<>(config.queueCapacity());
        this.written = Counter.builder("glassbox.audit.records.written").description("audit records chained")
                .register(metrics);
        this.refused = Counter.builder("glassbox.audit.records.refused")
                .description("audit events refused because the writer's queue was full").register(metrics);
        this.batchFailures = Counter.builder("glassbox.audit.batch.failures")
                .description("audit batches whose transaction failed (kept and tried again)").register(metrics);
        Gauge.builder("glassbox.audit.queue", queue, LinkedBlockingQueue::size)
                .description("audit events waiting for the writer").register(metrics);
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        thread = new Thread(this::run, "glassbox-audit-writer");
        thread.setDaemon(true);
        thread.start();
        record(AuditEvents.applicationActivity(AuditCodes.APPLICATION_START, aeTitle));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        record(AuditEvents.applicationActivity(AuditCodes.APPLICATION_STOP, aeTitle));
        if (!flush(Duration.ofSeconds(10))) {
            LOG.errorf("Audit: %d events could not be written before the server stopped", queue.size());
        }
        stopped = true;
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Hands an event to the writer; returns at once. False when it was refused (the queue is full): the caller
     * says so where it still can (a read is answered 503 rather than disclosed unaudited).
     */
    public boolean record(AuditEvent event) {
        if (stopped) {
            refused.increment();
            LOG.errorf("Audit event after the audit writer stopped, not written: %s %s outcome %d",
                    event.eventId().meaning(), event.action(), event.outcome());
            return false;
        }
        synchronized (submitLock) {
            if (queue.offer(new Pending(submitted + 1, event))) {
                submitted++;
                return true;
            }
            refusedSinceAlert++;
        }
        refused.increment();
        LOG.errorf("Audit event refused, the writer's queue is full (%d waiting): %s %s outcome %d",
                queue.size(), event.eventId().meaning(), event.action(), event.outcome());
        return false;
    }

    /**
     * Waits until every event recorded before this call is committed, then writes the head file. For shutdown,
     * tests and the verification command; false when the time ran out first.
     */
    public boolean flush(Duration timeout) {
        long target;
        synchronized (submitLock) {
            target = submitted;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (committed < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        writeHead();
        return true;
    }

    /** The head file this writer maintains. */
    public Path headFile() {
        return headFile;
    }

    private void run() {
        checkHeadFile();
        long backoffMillis = 500;
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    Pending first = queue.poll(config.headInterval().toMillis(), TimeUnit.MILLISECONDS);
                    if (first == null) {
                        writeHeadIfDue();
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, config.batchSize() - 1);
                }
                commit(batch);
                backoffMillis = 500;
                long last = batch.get(batch.size() - 1).ticket();
                written.increment(batch.size());
                batch.clear();
                synchronized (progress) {
                    committed = last;
                    progress.notifyAll();
                }
                writeHeadIfDue();
                alertRefusedEvents();
            } catch (InterruptedException e) {
                if (running) {
                    continue;
                }
                // stopping: one more pass writes what is queued; the loop ends when nothing is
                running = false;
            } catch (RuntimeException | SQLException e) {
                batchFailures.increment();
                LOG.errorf("Audit: could not write %d records (%s); kept, trying again in %d ms", batch.size(),
                        e.toString(), backoffMillis);
                if (!running) {
                    LOG.errorf("Audit: %d records lost, the server is stopping", batch.size() + queue.size());
                    return;
                }
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException stop) {
                    // go round: running says whether to stop
                }
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
            }
        }
        writeHead();
    }

    private void commit(List<Pending> batch) throws SQLException {
        List<AuditEvent> events = withPatients(batch);
        Instant now = Instant.now();
        long[] seq = new long[1];
        String[] hash = new String[1];
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(?1)) l")
                    .setParameter(1, CHAIN_LOCK).getSingleResult();
            List<?> newest = em.createQuery("SELECT r.seq, r.hash FROM AuditRecord r ORDER BY r.seq DESC")
                    .setMaxResults(1).getResultList();
            seq[0] = newest.isEmpty() ? 0 : (Long) ((Object[]) newest.get(0))[0];
            hash[0] = newest.isEmpty() ? CanonicalForm.GENESIS : (String) ((Object[]) newest.get(0))[1];
            for (AuditEvent e : events) {
                seq[0]++;
                AuditRecord r = AuditRecord.chained(seq[0], now, e, hash[0]);
                em.persist(r);
                hash[0] = r.hash;
            }
        });
        synchronized (this) {
            headSeq = seq[0];
            headHash = hash[0];
            headDirty = true;
        }
    }

    /** Adds a patient object for every study object of an event that names no patient, from the index. */
    private List<AuditEvent> withPatients(List<Pending> batch) throws SQLException {
        List<String> studies = new ArrayList<>();
        for (Pending p : batch) {
            if (p.event().objects().stream().noneMatch(AuditEvent.ParticipantObject::isPatient)) {
                p.event().objects().stream().filter(AuditEvent.ParticipantObject::isStudy)
                        .forEach(o -> studies.add(o.id()));
            }
        }
        Map<String, AuditEvent.ParticipantObject> patientOfStudy = new HashMap<>();
        if (!studies.isEmpty()) {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT study_instance_uid, patient_id, patient_name "
                         + "FROM study WHERE study_instance_uid = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("text", studies.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        patientOfStudy.put(rs.getString(1),
                                AuditEvent.ParticipantObject.patient(rs.getString(2), rs.getString(3)));
                    }
                }
            }
        }
        List<AuditEvent> out = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            AuditEvent e = p.event();
            if (e.objects().stream().noneMatch(AuditEvent.ParticipantObject::isPatient)) {
                Map<String, AuditEvent.ParticipantObject> patients = new LinkedHashMap<>();
                e.objects().stream().filter(AuditEvent.ParticipantObject::isStudy)
                        .map(o -> patientOfStudy.get(o.id())).filter(Objects::nonNull)
                        .forEach(patient -> patients.putIfAbsent(patient.id(), patient));
                if (!patients.isEmpty()) {
                    e = e.withObjects(List.copyOf(patients.values()));
                }
            }
            out.add(e);
        }
        return out;
    }

    private void alertRefusedEvents() {
        long lost;
        synchronized (submitLock) {
            lost = refusedSinceAlert;
            refusedSinceAlert = 0;
        }
        if (lost > 0) {
            record(AuditEvents.auditTrailAlert(aeTitle, lost + " audit events were refused while the audit"
                    + " writer's queue was full (the database was unavailable or too slow)"));
        }
    }

    private void writeHeadIfDue() {
        if (System.nanoTime() - headWrittenNanos >= config.headInterval().toNanos()) {
            writeHead();
        }
    }

    private synchronized void writeHead() {
        if (!headDirty) {
            return;
        }
        try {
            new ChainHead(headSeq, headHash, Instant.now()).write(headFile);
            headDirty = false;
            headWrittenNanos = System.nanoTime();
        } catch (IOException e) {
            LOG.errorf("Audit: cannot write the chain head to %s: %s", headFile, e.toString());
        }
    }

    /**
     * At start: a head file that the database does not bear out (its record is missing or has another hash) is
     * evidence of a truncated or rewritten chain. It is kept aside under another name, never overwritten, and the
     * finding is chained as a Security Alert.
     */
    private void checkHeadFile() {
        try {
            Optional<ChainHead> head = ChainHead.read(headFile);
            if (head.isEmpty()) {
                return;
            }
            ChainHead h = head.get();
            String found = null;
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT hash FROM audit_record WHERE seq = ?")) {
                ps.setLong(1, h.seq());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        found = rs.getString(1);
                    }
                }
            }
            if (h.hash().equals(found)) {
                return;
            }
            Path kept = headFile.resolveSibling(ChainHead.FILE_NAME + ".unmatched-" + System.currentTimeMillis());
            Files.move(headFile, kept, StandardCopyOption.ATOMIC_MOVE);
            String what = "the audit chain head written at " + CanonicalForm.time(h.writtenAt()) + " names record "
                    + h.seq() + (found == null ? ", which the database does not hold (truncated tail)"
                    : " with another hash than the database holds (rewritten)") + "; the head file is kept as "
                    + kept.getFileName();
            LOG.error("Audit: " + what);
            record(AuditEvents.auditTrailAlert(aeTitle, what));
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.errorf("Audit: cannot compare the chain head file %s with the database: %s", headFile, e.toString());
        }
    }
}
