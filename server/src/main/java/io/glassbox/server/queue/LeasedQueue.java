package io.glassbox.server.queue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A durable queue in one PostgreSQL table: claim with a lease, retry with backoff, dead after the last attempt.
 * Every step is one conditional statement (the claim: a locking select and an update, in one transaction), so any
 * number of claimers in any number of processes can share the table:
 * <ul>
 * <li>claim: due waiting items, oldest due first, {@code FOR UPDATE SKIP LOCKED}; each becomes leased to its
 * claimer until {@code lease_expires_at}, under a new token, and its attempt is counted;</li>
 * <li>renew, complete, fail: only by the holder of the current token (a holder whose lease expired changes
 * nothing); a failed attempt waits for the {@link RetryPolicy}'s backoff, or is dead after its last attempt or
 * when retrying cannot help;</li>
 * <li>expired leases are given back: the holder crashed, was killed or hung, so the attempt counts as failed
 * (retried after the backoff, or dead).</li>
 * </ul>
 * What the items are (a plugin run, an instance for a destination) and anything else about them (progress, the
 * peer's DIMSE status) stays with the queue that uses this core; it adds its own columns to the statements here
 * through {@code alsoSet}.
 *
 * <h2>Adding a queue</h2>
 * <ol>
 * <li>A Flyway migration creating the table with the columns {@link QueueTable} lists (state, attempts,
 * next_attempt_at, lease_owner, lease_token, lease_expires_at, last_error, updated_at) beside its own, and two
 * partial indexes: {@code (next_attempt_at, id) WHERE state IN (<waiting>)} for the claim and
 * {@code (lease_expires_at) WHERE state = '<leased>'} for giving back expired leases.</li>
 * <li>A {@link QueueTable} constant naming its states, and a {@link RetryPolicy} from its settings.</li>
 * <li>A class that holds {@code new LeasedQueue(dataSource, table, policy)}: it inserts its items (its own
 * statement; {@code next_attempt_at} defaults to now), {@link #claim}s them, reads what it needs for an attempt by
 * the leases' ids, and ends each attempt with {@link #complete} or {@link #fail}; a long attempt
 * {@link #renew}s its lease. {@code JobQueue} and {@code ForwardQueue} are the two uses so far.</li>
 * </ol>
 */
public final class LeasedQueue {

    /** What a holder's change of its item leaves behind: no lease. */
    private static final String LEASE_CLEARED = "lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL";

    private final DataSource dataSource;
    private final QueueTable table;
    private final RetryPolicy retry;
    /** SQL for an item's number of attempts: its column, or the policy's number written in. */
    private final String maxAttempts;
    /** The condition of every change a holder makes: its item, still leased, under its token. */
    private final String heldById;

    public LeasedQueue(DataSource dataSource, QueueTable table, RetryPolicy retry) {
        this.dataSource = dataSource;
        this.table = table;
        this.retry = retry;
        this.maxAttempts = table.maxAttemptsColumn().orElse(Integer.toString(retry.maxAttempts()));
        this.heldById = " WHERE " + table.idColumn() + " = ? AND state = '" + table.leased() + "' AND lease_token = ?";
    }

    /** "host/pid": how holders in this process name themselves, followed by their own name ("/worker-0"). */
    public static String processName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid();
    }

    public QueueTable table() {
        return table;
    }

    public RetryPolicy retryPolicy() {
        return retry;
    }

    /** Reads one row of a result. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Work on one connection in one transaction. */
    @FunctionalInterface
    public interface Transaction<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Transaction<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Gives back the expired leases, then claims up to {@code limit} due items for {@code owner}, each leased for
     * {@code lease}; oldest due first.
     */
    public List<Lease> claim(int limit, String owner, Duration lease) throws SQLException {
        expireLeases();
        return inTransaction(c -> take(c, lockDue(c, limit), owner, lease));
    }

    /** Locks up to {@code limit} due items in {@code c}'s transaction, skipping those others hold; their ids. */
    public List<Long> lockDue(Connection c, int limit) throws SQLException {
        return lockDue(c, limit, "", rs -> rs.getLong(1));
    }

    /**
     * As {@link #lockDue(Connection, int)}, reading each row with {@code reader}: the id is column 1, then
     * {@code columns} (e.g. {@code ", plugin_id"}), for a queue that chooses among the due items itself.
     */
    public <T> List<T> lockDue(Connection c, int limit, String columns, RowReader<T> reader) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + table.idColumn() + columns + " FROM "
                + table.name() + " WHERE state IN (" + table.waitingList() + ") AND next_attempt_at <= now() AND ("
                + table.eligible() + ") ORDER BY next_attempt_at, " + table.idColumn() + " LIMIT ? FOR UPDATE OF "
                + table.name() + " SKIP LOCKED")) {
            ps.setInt(1, limit);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
            }
            return rows;
        }
    }

    /**
     * Leases items locked by {@link #lockDue} in the same transaction to {@code owner} for {@code lease}: one new
     * token for them all, each one's attempt counted. Ordered by id.
     */
    public List<Lease> take(Connection c, Collection<Long> ids, String owner, Duration lease) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        UUID token = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table.name() + " SET state = '" + table.leased()
                + "', attempts = attempts + 1, lease_owner = ?, lease_token = ?,"
                + " lease_expires_at = now() + make_interval(secs => ?), updated_at = now()"
                + " WHERE " + table.idColumn() + " = ANY (?) AND state IN (" + table.waitingList() + ")"
                + " RETURNING " + table.idColumn() + ", attempts, " + maxAttempts)) {
            ps.setString(1, owner);
            ps.setObject(2, token);
            ps.setDouble(3, seconds(lease));
            ps.setArray(4, c.createArrayOf("bigint", ids.toArray()));
            List<Lease> leases = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    leases.add(new Lease(rs.getLong(1), token, rs.getInt(2), rs.getInt(3)));
                }
            }
            leases.sort((a, b) -> Long.compare(a.id(), b.id()));
            return leases;
        }
    }

    /**
     * Gives back every eligible item whose lease ran out: its holder stopped (crashed, killed, hung), so the attempt
     * failed; retried after the backoff for its attempt count, or dead if that was its last.
     *
     * @return how many leases were given back
     */
    public int expireLeases() throws SQLException {
        String exhausted = "attempts >= " + maxAttempts;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE "
                + table.name() + " SET state = CASE WHEN " + exhausted + " THEN '" + table.dead() + "' ELSE '"
                + table.retrying() + "' END,"
                + " last_error = 'lease expired at ' || lease_expires_at || ': worker '"
                + " || COALESCE(lease_owner, 'unknown') || ' stopped renewing it (crashed, killed or hung)',"
                // the backoff of each row's attempt: the policy's schedule, indexed in SQL (its last entry is the cap)
                + " next_attempt_at = CASE WHEN " + exhausted + " THEN now()"
                + " ELSE now() + make_interval(secs => (?::float8[])[LEAST(GREATEST(attempts, 1), ?)]) END,"
                + finished("CASE WHEN " + exhausted + " THEN now() END")
                + LEASE_CLEARED + ", updated_at = now()"
                + " WHERE state = '" + table.leased() + "' AND lease_expires_at < now() AND (" + table.eligible()
                + ")")) {
            Double[] schedule = retry.scheduleSeconds();
            ps.setArray(1, c.createArrayOf("float8", schedule));
            ps.setInt(2, schedule.length);
            return ps.executeUpdate();
        }
    }

    /** Extends the lease to {@code lease} from now; false when it is no longer this holder's. */
    public boolean renew(Lease lease, Duration duration) throws SQLException {
        return updateHeld(lease, "lease_expires_at = now() + make_interval(secs => ?)", seconds(duration));
    }

    /**
     * Changes the holder's item with {@code set} (assignments with {@code ?} for {@code values}) while the lease is
     * still its own; false when it is not (nothing changed).
     */
    public boolean updateHeld(Lease lease, String set, Object... values) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE " + table.name() + " SET " + set + ", updated_at = now()" + heldById)) {
            int k = 1;
            for (Object v : values) {
                ps.setObject(k++, v);
            }
            ps.setLong(k++, lease.id());
            ps.setObject(k, lease.token());
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Records the attempt's success, with the queue's own assignments {@code alsoSet} (may be empty); false when
     * the lease was lost (nothing recorded).
     */
    public boolean complete(Lease lease, String alsoSet, Object... values) throws SQLException {
        return updateHeld(lease, "state = '" + table.done() + "', " + finished("now()") + LEASE_CLEARED
                + also(alsoSet), values);
    }

    /**
     * Records the attempt's failure with its reason and the queue's own assignments {@code alsoSet}: the item waits
     * for the backoff of this attempt, or is dead when this was its last attempt or {@code retryable} is false.
     *
     * @return the state the item is now in; empty when the lease was lost (nothing recorded)
     */
    public Optional<String> fail(Lease lease, boolean retryable, String error, String alsoSet, Object... values)
            throws SQLException {
        boolean dead = !retryable || lease.isLastAttempt();
        String state = dead ? table.dead() : table.retrying();
        Object[] all = new Object[values.length + 3];
        all[0] = state;
        all[1] = error;
        all[2] = dead ? 0.0 : seconds(retry.backoff(lease.attempt()));
        System.arraycopy(values, 0, all, 3, values.length);
        boolean recorded = updateHeld(lease, "state = ?, last_error = ?,"
                + " next_attempt_at = now() + make_interval(secs => ?), " + finished(dead ? "now()" : "NULL")
                + LEASE_CLEARED + also(alsoSet), all);
        return recorded ? Optional.of(state) : Optional.empty();
    }

    /** The assignment of the table's finished column, if it has one, followed by a comma. */
    private String finished(String value) {
        return table.finishedColumn().map(column -> column + " = " + value + ", ").orElse("");
    }

    private static String also(String alsoSet) {
        return alsoSet.isBlank() ? "" : ", " + alsoSet;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
