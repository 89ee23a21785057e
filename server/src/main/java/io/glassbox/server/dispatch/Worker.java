package io.glassbox.server.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.glassbox.server.queue.LeasedQueue;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The workers of this process: each claims a job, renews its lease every third of the lease time while the
 * executor runs, and records success or the failure's reason (retried with backoff, dead after the last attempt).
 * A worker that loses its lease (it stalled past the lease, another worker took over) records nothing.
 */
@Startup
@ApplicationScoped
public class Worker {
    private static final Logger LOG = Logger.getLogger(Worker.class);

    private final DispatchConfig config;
    private final JobQueue queue;
    private final Instance<JobExecutor> executors;
    private final String processName;
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService heartbeats;
    /** Observed by the audit trail (the AI inference record). */
    @Inject
    Event<JobSucceeded> succeeded;

    public Worker(DispatchConfig config, JobQueue queue, Instance<JobExecutor> executors) {
        this.config = config;
        this.queue = queue;
        this.executors = executors;
        this.processName = LeasedQueue.processName();
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "glassbox-job-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    @PostConstruct
    void start() {
        if (!config.enabled() || config.workers() <= 0) {
            LOG.info("Job workers disabled in this process");
            return;
        }
        running.set(true);
        for (int i = 0; i < config.workers(); i++) {
            String owner = processName + "/worker-" + i;
            Thread t = new Thread(() -> loop(owner), "glassbox-job-worker-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        LOG.infof("%d job workers started as %s (lease %d s, %d attempts)", config.workers(), processName,
                config.leaseSeconds(), config.maxAttempts());
    }

    @PreDestroy
    void stop() {
        running.set(false);
        threads.forEach(Thread::interrupt);
        heartbeats.shutdownNow();
    }

    private void loop(String owner) {
        while (running.get()) {
            try {
                if (runOnce(owner).isEmpty()) {
                    Thread.sleep(config.pollMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.warnf("Job worker %s: %s (trying again shortly)", owner, e.toString());
                try {
                    Thread.sleep(config.pollMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Claims one job and runs it to its recorded end on this thread; the job's id, or empty when none was due. */
    public Optional<Long> runOnce(String owner) throws SQLException {
        Optional<ClaimedJob> claimed = queue.claim(owner);
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        ClaimedJob job = claimed.get();
        AtomicBoolean leaseHeld = new AtomicBoolean(true);
        long every = Math.max(1, config.leaseSeconds() * 1000L / 3);
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> {
            try {
                if (!queue.heartbeat(job)) {
                    leaseHeld.set(false);
                }
            } catch (SQLException e) {
                LOG.warnf("Job %d: lease renewal failed (%s); retrying", job.id(), e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        try {
            execute(job, leaseHeld);
        } finally {
            heartbeat.cancel(false);
        }
        return Optional.of(job.id());
    }

    private void execute(ClaimedJob job, AtomicBoolean leaseHeld) throws SQLException {
        Optional<JobExecutor> executor = executors.stream()
                .filter(e -> e.handles(job.pluginId(), job.pluginVersion())).findFirst();
        if (executor.isEmpty()) {
            queue.fail(job, "no executor for plugin " + job.pluginId() + " " + job.pluginVersion()
                    + " is installed in this server", false);
            return;
        }
        long started = System.nanoTime();
        JsonNode result;
        try {
            result = executor.get().execute(job, (done, total, message) -> {
                try {
                    return leaseHeld.get() && queue.progress(job, done, total, message);
                } catch (SQLException e) {
                    LOG.warnf("Job %d: progress not recorded (%s)", job.id(), e.toString());
                    return leaseHeld.get();
                }
            });
        } catch (JobExecutor.PermanentFailure e) {
            record(job, queue.fail(job, e.getMessage(), false), "failed permanently: " + e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            record(job, queue.fail(job, "interrupted: the server is stopping", true), "interrupted");
            return;
        } catch (Exception e) {
            record(job, queue.fail(job, e.toString(), true), "attempt failed: " + e);
            return;
        }
        boolean recorded = queue.succeed(job, result);
        record(job, recorded, String.format("succeeded in %d ms", (System.nanoTime() - started) / 1_000_000));
        if (recorded) {
            succeeded.fire(new JobSucceeded(job, result));
        }
    }

    private static void record(ClaimedJob job, boolean recorded, String what) {
        if (recorded) {
            LOG.infof("Job %d (%s %s, attempt %d/%d) %s", job.id(), job.pluginId(), job.pluginVersion(),
                    job.attempt(), job.maxAttempts(), what);
        } else {
            LOG.warnf("Job %d %s, but its lease had been lost: not recorded (another worker owns it now)", job.id(),
                    what);
        }
    }
}
