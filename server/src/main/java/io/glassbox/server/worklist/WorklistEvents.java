package io.glassbox.server.worklist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The worklist's event stream ({@code GET /api/worklist/events}): an event {@code study} with
 * {@code {"studyInstanceUid", "ai", "imageCount"}} whenever a study's AI summary or image count changes.
 *
 * <p>One thread per server, not per client, looks for changes while anyone listens: it asks the database which
 * jobs and studies were updated since its previous look (both tables carry {@code updated_at}, moved by every job
 * transition, progress step and added instance), computes each such study's item once, and sends it to every
 * client when it differs from what was sent last. Reading the database rather than listening to this process's
 * own events means that jobs run by workers in other processes are seen too, and no client holds a connection.
 * Each look reaches back {@link #LOOKBACK} before the previous one, so a transaction that committed late (its
 * {@code updated_at} is its start) is not missed; what was already sent unchanged is not sent again.
 */
@ApplicationScoped
public class WorklistEvents {
    private static final Logger LOG = Logger.getLogger(WorklistEvents.class);
    static final Duration LOOKBACK = Duration.ofSeconds(10);
    /** Studies looked at per poll; more changed ones are taken at the next (the oldest first). */
    private static final int STUDIES_PER_POLL = 500;

    private final WorklistQuery query;
    private final AgroalDataSource dataSource;
    private final WorklistConfig config;
    private final ObjectMapper json;
    private final Set<SseEventSink> clients = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private volatile Sse sse;

    // Touched by the timer thread only.
    private OffsetDateTime previousLook;
    private final Map<String, Sent> sent = new HashMap<>();
    private long nextHeartbeatNanos;

    private record Sent(String payload, long seenNanos) {
    }

    public WorklistEvents(WorklistQuery query, AgroalDataSource dataSource, WorklistConfig config, ObjectMapper json) {
        this.query = query;
        this.dataSource = dataSource;
        this.config = config;
        this.json = json;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "glassbox-worklist-events");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::pollQuietly, config.eventPollMillis(), config.eventPollMillis(),
                TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        clients.forEach(SseEventSink::close);
    }

    /** A new client: it gets a comment at once (the stream is open), then the events. */
    public void subscribe(SseEventSink sink, Sse sse) {
        this.sse = sse;
        clients.add(sink);
        send(sink, sse.newEventBuilder().comment("connected").build());
    }

    private void send(SseEventSink sink, OutboundSseEvent event) {
        if (sink.isClosed()) {
            clients.remove(sink);
            return;
        }
        sink.send(event).whenComplete((ignored, failure) -> {
            if (failure != null) {
                // The client went away; its sink is dropped rather than written to again.
                clients.remove(sink);
                sink.close();
            }
        });
    }

    private void broadcast(OutboundSseEvent event) {
        for (SseEventSink sink : List.copyOf(clients)) {
            send(sink, event);
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Worklist events: looking for changes failed (tried again at the next poll): %s", e.toString());
        }
    }

    private void poll() throws SQLException {
        clients.removeIf(SseEventSink::isClosed);
        if (clients.isEmpty()) {
            previousLook = null;
            sent.clear();
            return;
        }
        Sse factory = sse;
        long now = System.nanoTime();
        if (now - nextHeartbeatNanos >= 0) {
            broadcast(factory.newEventBuilder().comment("heartbeat").build());
            nextHeartbeatNanos = now + TimeUnit.SECONDS.toNanos(config.heartbeatSeconds());
        }
        for (String study : changedStudies()) {
            Optional<WorklistItem> item = query.one(study);
            if (item.isEmpty()) {
                continue;
            }
            String payload = payload(item.get());
            Sent last = sent.put(study, new Sent(payload, now));
            if (last == null || !last.payload().equals(payload)) {
                broadcast(factory.newEventBuilder().name("study").mediaType(MediaType.TEXT_PLAIN_TYPE)
                        .data(String.class, payload).build());
            }
        }
        long forgetBefore = now - 2 * LOOKBACK.toNanos();
        for (Iterator<Sent> it = sent.values().iterator(); it.hasNext(); ) {
            if (it.next().seenNanos() - forgetBefore < 0) {
                it.remove();
            }
        }
    }

    /** Studies whose jobs or instances changed since {@link #LOOKBACK} before the previous look (by the database's clock). */
    private List<String> changedStudies() throws SQLException {
        List<String> studies = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                WITH since AS (SELECT COALESCE(?::timestamptz, now()) - make_interval(secs => ?) AS t)
                SELECT now(), study_instance_uid FROM (
                    SELECT study_instance_uid, max(updated_at) AS changed FROM (
                        SELECT study_instance_uid, updated_at FROM job WHERE updated_at > (SELECT t FROM since)
                        UNION ALL
                        SELECT study_instance_uid, updated_at FROM study WHERE updated_at > (SELECT t FROM since)) u
                     GROUP BY study_instance_uid ORDER BY changed LIMIT ?) s
                UNION ALL SELECT now(), NULL""")) {
            ps.setObject(1, previousLook);
            ps.setLong(2, LOOKBACK.toSeconds());
            ps.setInt(3, STUDIES_PER_POLL);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    previousLook = rs.getObject(1, OffsetDateTime.class);
                    if (rs.getString(2) != null) {
                        studies.add(rs.getString(2));
                    }
                }
            }
        }
        return studies;
    }

    private String payload(WorklistItem item) {
        ObjectNode event = json.createObjectNode();
        event.put("studyInstanceUid", item.studyInstanceUid());
        event.set("ai", json.valueToTree(item.ai()));
        event.put("imageCount", item.imageCount());
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
