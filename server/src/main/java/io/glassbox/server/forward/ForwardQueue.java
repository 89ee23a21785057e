package io.glassbox.server.forward;

import io.agroal.api.AgroalDataSource;
import io.glassbox.server.config.GlassboxConfig;
import io.glassbox.server.queue.Lease;
import io.glassbox.server.queue.LeasedQueue;
import io.glassbox.server.queue.QueueTable;
import io.glassbox.server.queue.RetryPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable forward queue in PostgreSQL (tables forward_destination and forward_item, migrations V4 and V8), on
 * the queue core {@link LeasedQueue}: items are claimed with {@code FOR UPDATE SKIP LOCKED} under a lease, so
 * several server processes can share one database, and an item whose sender crashed is given back once its lease
 * has run out. What is forwarding's own is here: the destinations, queuing an instance for one, what sending an
 * item needs, the peer's DIMSE status with each outcome, the administrator's retry and the listing.
 */
@ApplicationScoped
public class ForwardQueue {

    /** The forward_item table's states in the core's terms; only items of enabled destinations are sent. */
    public static final QueueTable TABLE = QueueTable.named("forward_item", "id").waiting(ForwardItem.PENDING)
            .leased(ForwardItem.SENDING).retrying(ForwardItem.PENDING).done(ForwardItem.DELIVERED)
            .dead(ForwardItem.DEAD)
            .eligible("destination IN (SELECT name FROM forward_destination WHERE enabled)").build();

    private final AgroalDataSource dataSource;
    private final LeasedQueue leases;

    public ForwardQueue(AgroalDataSource dataSource, GlassboxConfig config) {
        this.dataSource = dataSource;
        GlassboxConfig.Forward settings = config.forward();
        this.leases = new LeasedQueue(dataSource, TABLE,
                new RetryPolicy(settings.maxAttempts(), settings.initialBackoff(), settings.maxBackoff()));
    }

    /** How often an item is tried and how long it waits between tries. */
    public RetryPolicy retryPolicy() {
        return leases.retryPolicy();
    }

    /** Thrown when an item cannot be queued because its instance is not stored or its destination unknown. */
    public static class NotQueueableException extends Exception {
        private static final long serialVersionUID = 1L;

        public NotQueueableException(String message) {
            super(message);
        }
    }

    /**
     * Makes forward_destination match the configuration: configured ones inserted or updated and enabled, others
     * disabled (their items are kept, and no longer sent).
     */
    public void synchronise(List<ForwardDestination> destinations) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement disable = c.prepareStatement(
                    "UPDATE forward_destination SET enabled = false, updated_at = now() WHERE enabled");
                 PreparedStatement upsert = c.prepareStatement("""
                         INSERT INTO forward_destination (name, ae_title, host, port, received_via, sop_class_patterns)
                         VALUES (?, ?, ?, ?, ?, ?)
                         ON CONFLICT (name) DO UPDATE SET ae_title = EXCLUDED.ae_title, host = EXCLUDED.host,
                             port = EXCLUDED.port, received_via = EXCLUDED.received_via,
                             sop_class_patterns = EXCLUDED.sop_class_patterns, enabled = true, updated_at = now()""")) {
                disable.executeUpdate();
                for (ForwardDestination d : destinations) {
                    upsert.setString(1, d.name());
                    upsert.setString(2, d.aeTitle());
                    upsert.setString(3, d.host());
                    upsert.setInt(4, d.port());
                    List<String> via = d.receivedVia();
                    if (via == null) {
                        upsert.setNull(5, Types.ARRAY);
                    } else {
                        upsert.setArray(5, c.createArrayOf("text", via.toArray()));
                    }
                    upsert.setArray(6, c.createArrayOf("text", d.sopClassPatterns().toArray()));
                    upsert.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Queues a stored instance for a destination (what the results writer calls). Queuing it again, by request or
     * because a rule already did, changes nothing: each instance is sent to each destination once.
     *
     * @return the item, new or existing
     * @throws NotQueueableException the instance is not stored, or the destination is not configured
     */
    public ForwardItem enqueue(String sopInstanceUid, String destination) throws NotQueueableException, SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("""
                     INSERT INTO forward_item (destination, sop_instance_uid, queued_by)
                     SELECT d.name, i.sop_instance_uid, 'request'
                       FROM forward_destination d, instance i
                      WHERE d.name = ? AND d.enabled AND i.sop_instance_uid = ?
                     ON CONFLICT (destination, sop_instance_uid) DO NOTHING""")) {
            insert.setString(1, destination);
            insert.setString(2, sopInstanceUid);
            insert.executeUpdate();
            Optional<ForwardItem> item = find(c, "destination = ? AND sop_instance_uid = ?", destination, sopInstanceUid);
            if (item.isPresent()) {
                return item.get();
            }
            if (!exists(c, "SELECT 1 FROM forward_destination WHERE name = ? AND enabled", destination)) {
                throw new NotQueueableException("no forwarding destination named '" + destination + "' is configured");
            }
            throw new NotQueueableException("no instance " + sopInstanceUid + " is stored");
        }
    }

    /** One claimed item with what sending it needs; the instance's columns are null when it is no longer stored. */
    record Claimed(Lease lease, String sopInstanceUid, String destination, String aeTitle, String host, int port,
                   String sopClassUid, String transferSyntaxUid, String storagePath, Long datasetOffset) {
    }

    /**
     * Claims due items for enabled destinations for {@code owner}: each becomes 'sending' under a lease long enough
     * for one batch, and its attempt is counted now (a crash mid-attempt then still counts towards the dead
     * letter). Ordered by destination, then id.
     */
    List<Claimed> claim(int limit, String owner, Duration lease) throws SQLException {
        Map<Long, Lease> taken = new HashMap<>();
        for (Lease l : leases.claim(limit, owner, lease)) {
            taken.put(l.id(), l);
        }
        if (taken.isEmpty()) {
            return List.of();
        }
        List<Claimed> claimed = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     SELECT f.id, f.sop_instance_uid, d.name, d.ae_title, d.host, d.port,
                            i.sop_class_uid, i.transfer_syntax_uid, i.storage_path, i.dataset_offset
                       FROM forward_item f JOIN forward_destination d ON d.name = f.destination
                       LEFT JOIN instance i ON i.sop_instance_uid = f.sop_instance_uid
                      WHERE f.id = ANY (?)
                      ORDER BY d.name, f.id""")) {
            ps.setArray(1, c.createArrayOf("bigint", taken.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long offset = rs.getLong(10);
                    claimed.add(new Claimed(taken.get(rs.getLong(1)), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getInt(6), rs.getString(7), rs.getString(8),
                            rs.getString(9), rs.wasNull() ? null : offset));
                }
            }
        }
        return claimed;
    }

    /**
     * Records delivery; a warning status (e.g. 0xB000 coercion) is kept: stored, but not quite as sent. False when
     * the lease was lost meanwhile (nothing recorded).
     */
    boolean delivered(Lease lease, int dimseStatus) throws SQLException {
        return leases.complete(lease, "delivered_at = now(), last_dimse_status = ?::integer",
                dimseStatus == 0 ? null : dimseStatus);
    }

    /**
     * Records a failed attempt with the peer's DIMSE status and Error Comment, if it answered: pending again after
     * the backoff for this attempt, or dead once the attempts are spent.
     *
     * @return the state the item is now in; empty when the lease was lost meanwhile (nothing recorded)
     */
    Optional<String> failed(Lease lease, String error, Integer dimseStatus, String errorComment) throws SQLException {
        return leases.fail(lease, true, error, "last_dimse_status = ?::integer, last_error_comment = ?", dimseStatus,
                errorComment);
    }

    /**
     * Puts a dead (or waiting pending) item back to be sent now, with its attempts counted from zero.
     *
     * @return the item after the change; empty when there is no such item
     * @throws IllegalStateException the item is being sent or was delivered
     */
    public Optional<ForwardItem> retry(long id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE forward_item SET state = 'pending', attempts = 0, next_attempt_at = now(),
                           lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = now()
                     WHERE id = ? AND state IN ('dead', 'pending')""")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            Optional<ForwardItem> item = find(c, "id = ?", id);
            if (item.isPresent() && !item.get().state().equals(ForwardItem.PENDING)) {
                throw new IllegalStateException("forward item " + id + " is " + item.get().state()
                        + "; only pending and dead items can be retried");
            }
            return item;
        }
    }

    public Optional<ForwardItem> find(long id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return find(c, "id = ?", id);
        }
    }

    /** Items in these states (all when empty), oldest first, at most {@code limit}. */
    public List<ForwardItem> list(List<String> states, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(SELECT
                     + " WHERE (cardinality(?::text[]) = 0 OR state = ANY (?::text[])) ORDER BY id LIMIT ?")) {
            Array array = c.createArrayOf("text", states.toArray());
            ps.setArray(1, array);
            ps.setArray(2, array);
            ps.setInt(3, limit);
            List<ForwardItem> items = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(item(rs));
                }
            }
            return items;
        }
    }

    private static final String SELECT = """
            SELECT id, destination, sop_instance_uid, state, attempts, next_attempt_at, last_error,
                   last_dimse_status, last_error_comment, queued_by, created_at, updated_at, delivered_at
              FROM forward_item""";

    private static Optional<ForwardItem> find(Connection c, String where, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE " + where)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(item(rs)) : Optional.empty();
            }
        }
    }

    private static boolean exists(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static ForwardItem item(ResultSet rs) throws SQLException {
        int status = rs.getInt(8);
        Integer dimseStatus = rs.wasNull() ? null : status;
        return new ForwardItem(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                instant(rs.getTimestamp(6)), rs.getString(7), dimseStatus, rs.getString(9), rs.getString(10),
                instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)), instant(rs.getTimestamp(13)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
