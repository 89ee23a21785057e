package io.glassbox.server.forward;

import io.glassbox.server.config.GlassboxConfig;
import io.glassbox.server.queue.LeasedQueue;
import io.glassbox.server.store.ObjectStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Sends queued instances to their destinations: one thread takes due items from {@link ForwardQueue}, sends
 * each destination's share over one association ({@link StoreScu}), and records every outcome: delivered, or
 * failed with the error (and the peer's DIMSE status and Error Comment) and a next attempt after an exponential
 * backoff, or dead after the configured number of attempts.
 *
 * <p>Instances are queued by the rule in the database (trigger on the index, V4: the destinations' kinds and
 * sources, kept in forward_destination from the configuration at start-up) or by {@link #enqueue}.
 */
@Startup
@ApplicationScoped
public class Forwarder {

    private static final Logger LOG = Logger.getLogger(Forwarder.class);

    private final GlassboxConfig.Forward settings;
    private final String callingAeTitle;
    private final ForwardQueue queue;
    private final ObjectStore store;
    private final Event<ForwardAttempted> attempts;
    private final Counter delivered;
    private final Counter failed;
    private final String owner = LeasedQueue.processName() + "/forwarder";
    private final Semaphore wake = new Semaphore(0);
    private List<ForwardDestination> destinations = List.of();
    private volatile boolean running;
    private volatile boolean synchronised;
    private Thread sender;

    public Forwarder(GlassboxConfig config, ForwardQueue queue, ObjectStore store, Event<ForwardAttempted> attempts,
                     MeterRegistry metrics) {
        this.settings = config.forward();
        this.callingAeTitle = config.dicom().aeTitle();
        this.queue = queue;
        this.store = store;
        this.attempts = attempts;
        this.delivered = Counter.builder("glassbox.forward.delivered").description("instances delivered to a destination")
                .register(metrics);
        this.failed = Counter.builder("glassbox.forward.failed").description("failed attempts to forward an instance")
                .register(metrics);
    }

    @PostConstruct
    void start() {
        destinations = configuredDestinations();
        running = true;
        sender = new Thread(this::run, "glassbox-forwarder");
        sender.setDaemon(true);
        sender.start();
        LOG.infof("Forwarding to %s (up to %d attempts, backoff %s doubling to %s)",
                destinations.isEmpty() ? "no destination" : destinations, settings.maxAttempts(),
                settings.initialBackoff(), settings.maxBackoff());
    }

    @PreDestroy
    void stop() {
        running = false;
        wake.release();
        if (sender != null) {
            try {
                sender.join(settings.timeout().toMillis() + 5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The destinations from GLASSBOX_FORWARD_DESTINATIONS and GLASSBOX_FORWARD_DESTINATIONS_FILE. */
    private List<ForwardDestination> configuredDestinations() {
        StringBuilder text = new StringBuilder(settings.destinations().orElse(""));
        if (settings.destinationsFile().isPresent()) {
            try {
                text.append('\n').append(Files.readString(settings.destinationsFile().get()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the forwarding destinations file "
                        + settings.destinationsFile().get() + ": " + e.getMessage(), e);
            }
        }
        return ForwardDestination.parseAll(text.toString());
    }

    public List<ForwardDestination> destinations() {
        return destinations;
    }

    /**
     * Queues a stored instance for a configured destination (the results writer calls this); the sender is woken
     * at once. Queuing the same instance for the same destination again is harmless: it is sent once.
     */
    public ForwardItem enqueue(String sopInstanceUid, String destination)
            throws ForwardQueue.NotQueueableException, SQLException {
        ForwardItem item = queue.enqueue(sopInstanceUid, destination);
        wake.release();
        return item;
    }

    /** Puts a dead item back in the queue with its attempts reset, and wakes the sender. */
    public java.util.Optional<ForwardItem> retry(long id) throws SQLException {
        java.util.Optional<ForwardItem> item = queue.retry(id);
        wake.release();
        return item;
    }

    /** Wakes the sender (e.g. after the rule queued new items) instead of letting it wait for its next poll. */
    public void wakeUp() {
        wake.release();
    }

    private void run() {
        while (running) {
            boolean busy = false;
            try {
                if (!synchronised) {
                    queue.synchronise(destinations);
                    synchronised = true;
                }
                busy = sendDueItems();
            } catch (SQLException | RuntimeException e) {
                LOG.warnf("Forwarding queue unavailable, trying again in %s: %s", settings.pollInterval(), e.toString());
            }
            if (!busy) {
                try {
                    if (wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                        wake.drainPermits();
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** @return whether any item was due (then the queue is looked at again at once) */
    private boolean sendDueItems() throws SQLException {
        // long enough for the batch to be sent, each object waiting at most one timeout for its answer
        Duration lease = settings.timeout().multipliedBy(settings.batchSize() + 2L);
        List<ForwardQueue.Claimed> claimed = queue.claim(settings.batchSize(), owner, lease);
        Map<String, List<ForwardQueue.Claimed>> byDestination = new LinkedHashMap<>();
        for (ForwardQueue.Claimed item : claimed) {
            byDestination.computeIfAbsent(item.destination(), d -> new ArrayList<>()).add(item);
        }
        for (List<ForwardQueue.Claimed> items : byDestination.values()) {
            sendTo(items);
        }
        return !claimed.isEmpty();
    }

    private void sendTo(List<ForwardQueue.Claimed> items) throws SQLException {
        ForwardQueue.Claimed first = items.get(0);
        List<ForwardQueue.Claimed> sendable = new ArrayList<>();
        List<StoreScu.StoredObject> objects = new ArrayList<>();
        for (ForwardQueue.Claimed item : items) {
            if (item.storagePath() == null) {
                record(item, new StoreScu.Outcome(false, "instance " + item.sopInstanceUid() + " is no longer stored",
                        null, null));
                continue;
            }
            sendable.add(item);
            objects.add(new StoreScu.StoredObject(item.sopClassUid(), item.sopInstanceUid(), item.transferSyntaxUid(),
                    store.resolve(item.storagePath()), item.datasetOffset()));
        }
        if (objects.isEmpty()) {
            return;
        }
        StoreScu scu = new StoreScu(callingAeTitle, settings.timeout());
        List<StoreScu.Outcome> outcomes = scu.send(first.host(), first.port(), first.aeTitle(), objects);
        for (int i = 0; i < sendable.size(); i++) {
            record(sendable.get(i), outcomes.get(i));
        }
    }

    private void record(ForwardQueue.Claimed item, StoreScu.Outcome outcome) throws SQLException {
        int attempt = item.lease().attempt();
        String state;
        if (outcome.delivered()) {
            boolean recorded = queue.delivered(item.lease(), outcome.dimseStatus() == null ? 0 : outcome.dimseStatus());
            state = recorded ? ForwardItem.DELIVERED : ForwardItem.SENDING;
            delivered.increment();
            LOG.debugf("Forwarded %s to %s", item.sopInstanceUid(), item.destination());
        } else {
            String comment = outcome.errorComment() == null || outcome.errorComment().isEmpty() ? null
                    : outcome.errorComment();
            state = queue.failed(item.lease(), outcome.error(), outcome.dimseStatus(), comment)
                    .orElse(ForwardItem.SENDING);
            failed.increment();
            if (state.equals(ForwardItem.DEAD)) {
                LOG.errorf("Giving up forwarding %s to %s after %d attempts: %s", item.sopInstanceUid(),
                        item.destination(), attempt, outcome.error());
            } else if (state.equals(ForwardItem.PENDING)) {
                LOG.warnf("Forwarding %s to %s failed (attempt %d, next in %s): %s", item.sopInstanceUid(),
                        item.destination(), attempt, queue.retryPolicy().backoff(attempt), outcome.error());
            }
        }
        if (state.equals(ForwardItem.SENDING)) {
            LOG.warnf("Forwarding %s to %s (attempt %d) ended after its lease had been lost: not recorded (another"
                    + " sender owns the item now)", item.sopInstanceUid(), item.destination(), attempt);
        }
        ForwardAttempted event = new ForwardAttempted(item.lease().id(), item.sopInstanceUid(), item.sopClassUid(), item.destination(),
                item.aeTitle(), item.host(), item.port(), callingAeTitle, attempt, state, outcome.error(),
                outcome.dimseStatus(), outcome.errorComment());
        try {
            attempts.fire(event);
        } catch (RuntimeException e) {
            // the outcome is recorded; an observer's failure must not leave the rest of the batch unrecorded
            LOG.errorf(e, "An observer of %s failed", event);
        }
    }
}
