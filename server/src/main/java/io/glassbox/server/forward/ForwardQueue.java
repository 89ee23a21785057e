package io.glassbox.server.forward;

import io.agroal.api.AgroalDataSource;
import io.glassbox.server.config.GlassboxConfig;
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
import java.util.List;
import java.util.Optional;

/**
 * The durable forward queue in PostgreSQL (tables forward_destination and forward_item, migration V4).
 * Items are claimed with {@code FOR UPDATE SKIP LOCKED} under a lease, so several server processes can share one
 * database and an item whose sender crashed is taken again once its lease has run out.
 */
@ApplicationScoped
public class ForwardQueue {

    private final AgroalDataSource dataSource;
    private final GlassboxConfig.Forward settings;

    public ForwardQueue(AgroalDataSource dataSource, GlassboxConfig config) {
        this.dataSource = dataSource;
        this.settings = config.forward();
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
    record Claimed(long id, int attempts, String sopInstanceUid, String destination, String aeTitle, String host,
                   int port, String sopClassUid, String transferSyntaxUid, String storagePath, Long datasetOffset) {
    }

    /**
     * Claims due items (pending and due, or sending with an expired lease) for enabled destinations: each becomes
     * 'sending' under a lease long enough for one batch, and its attempt is counted now (a crash mid-attempt then
     * still counts towards the dead letter).
     */
    List<Claimed> claim(int limit, Duration lease) throws SQLException {
        List<Claimed> claimed = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     WITH due AS (
                         SELECT f.id FROM forward_item f JOIN forward_destination d ON d.name = f.destination
                          WHERE d.enabled
                            AND ((f.state = 'pending' AND f.next_attempt_at <= now())
                              OR (f.state = 'sending' AND f.lease_until < now()))
                          ORDER BY f.next_attempt_at, f.id
                          LIMIT ?
                            FOR UPDATE OF f SKIP LOCKED),
                     taken AS (
                         UPDATE forward_item f
                            SET state = 'sending', attempts = f.attempts + 1,
                                lease_until = now() + make_interval(secs => ?), updated_at = now()
                           FROM due WHERE f.id = due.id
                         RETURNING f.id, f.attempts, f.sop_instance_uid, f.destination)
                     SELECT t.id, t.attempts, t.sop_instance_uid, d.name, d.ae_title, d.host, d.port,
                            i.sop_class_uid, i.transfer_syntax_uid, i.storage_path, i.dataset_offset
                       FROM taken t JOIN forward_destination d ON d.name = t.destination
                       LEFT JOIN instance i ON i.sop_instance_uid = t.sop_instance_uid
                      ORDER BY d.name, t.id""")) {
            ps.setInt(1, limit);
            ps.setDouble(2, lease.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long offset = rs.getLong(11);
                    claimed.add(new Claimed(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8), rs.getString(9),
                            rs.getString(10), rs.wasNull() ? null : offset));
                }
            }
        }
        return claimed;
    }

    void delivered(long id, int dimseStatus) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     UPDATE forward_item SET state = 'delivered', delivered_at = now(), updated_at = now(),
                            lease_until = NULL, last_dimse_status = ?
                      WHERE id = ? AND state = 'sending'""")) {
            // a warning status (e.g. 0xB000 coercion) is kept: the object was stored, but not quite as sent
            if (dimseStatus == 0) {
                ps.setNull(1, Types.INTEGER);
            } else {
                ps.setInt(1, dimseStatus);
            }
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /**
     * Records a failed attempt: pending again after the backoff for this many attempts, or dead once
     * {@code maxAttempts} are spent.
     *
     * @return the state the item is now in
     */
    String failed(long id, int attempts, String error, Integer dimseStatus, String errorComment) throws SQLException {
        boolean dead = attempts >= settings.maxAttempts();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     UPDATE forward_item SET state = ?, next_attempt_at = now() + make_interval(secs => ?),
                            lease_until = NULL, last_error = ?, last_dimse_status = ?, last_error_comment = ?,
                            updated_at = now()
                      WHERE id = ? AND state = 'sending'""")) {
            ps.setString(1, dead ? ForwardItem.DEAD : ForwardItem.PENDING);
            ps.setDouble(2, dead ? 0 : backoff(attempts).toMillis() / 1000.0);
            ps.setString(3, error);
            if (dimseStatus == null) {
                ps.setNull(4, Types.INTEGER);
            } else {
                ps.setInt(4, dimseStatus);
            }
            ps.setString(5, errorComment);
            ps.setLong(6, id);
            ps.executeUpdate();
        }
        return dead ? ForwardItem.DEAD : ForwardItem.PENDING;
    }

    /** initialBackoff × 2^(attempts − 1), capped at maxBackoff. */
    Duration backoff(int attempts) {
        Duration wait = settings.initialBackoff();
        for (int i = 1; i < attempts && wait.compareTo(settings.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
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
                           lease_until = NULL, updated_at = now()
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
