package io.glassbox.server.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.glassbox.server.dispatch.JobQueue;
import io.glassbox.server.forward.ForwardQueue;
import io.glassbox.server.testing.IndexFixture;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The queue core on both real tables it serves, job and forward_item, in the real PostgreSQL. Each use is
 * restricted to rows of its own (plugin / destination "queue-core-test", a destination that is disabled, so the
 * application's forwarder leaves them alone). The passage of time is never waited for: a lease's expiry or a
 * backoff's end is brought about by setting the row's time, and the backoffs are long (60 s, capped at 90 s) so
 * that "not yet due" holds however slow the machine.
 */
@QuarkusTest
class LeasedQueueTest {

    private static final String TEST = "queue-core-test";
    private static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofSeconds(60), Duration.ofSeconds(90));
    private static final Duration LEASE = Duration.ofMinutes(5);

    /** The two tables, each with how to put a fresh item in it. */
    enum Use {
        JOB(JobQueue.TABLE.eligibleOnly("plugin_id = '" + TEST + "'"), """
                INSERT INTO job (idempotency_key, study_instance_uid, rule_name, plugin_id, plugin_version,
                                 input_digest, inputs, max_attempts)
                VALUES (gen_random_uuid()::text, '1.2.3', 'rule', '%s', '1', 'digest', '[]', 3) RETURNING pk"""
                .formatted(TEST)),
        FORWARD(ForwardQueue.TABLE.eligibleOnly("destination = '" + TEST + "'"), """
                INSERT INTO forward_item (destination, sop_instance_uid, queued_by)
                VALUES ('%s', gen_random_uuid()::text, 'request') RETURNING id""".formatted(TEST));

        final QueueTable table;
        final String insert;

        Use(QueueTable table, String insert) {
            this.table = table;
            this.insert = insert;
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    IndexFixture index;

    @BeforeEach
    @AfterEach
    void clean() throws Exception {
        execute("DELETE FROM job WHERE plugin_id = '" + TEST + "'");
        execute("DELETE FROM forward_item WHERE destination = '" + TEST + "'");
        execute("DELETE FROM forward_destination WHERE name = '" + TEST + "'");
        execute("INSERT INTO forward_destination (name, ae_title, host, port, sop_class_patterns, enabled)"
                + " VALUES ('" + TEST + "', 'NOBODY', '127.0.0.1', 9, '{%}', false)");
    }

    @ParameterizedTest
    @EnumSource(Use.class)
    void dueItemsAreClaimedOldestFirstAndOnlyOnce(Use use) throws Exception {
        LeasedQueue queue = new LeasedQueue(dataSource, use.table, POLICY);
        long older = add(use);
        long newer = add(use);
        long later = add(use);
        set(use, later, "next_attempt_at = now() + interval '1 hour'");
        set(use, older, "next_attempt_at = now() - interval '1 minute'");

        List<Lease> leases = queue.claim(10, "holder-1", LEASE);
        assertEquals(List.of(older, newer), leases.stream().map(Lease::id).toList(), "the due ones, oldest first");
        for (Lease lease : leases) {
            assertEquals(1, lease.attempt());
            assertEquals(3, lease.maxAttempts());
            assertEquals(leases.get(0).token(), lease.token(), "one claim, one token");
            assertEquals(use.table.leased(), column(use, lease.id(), "state"));
            assertEquals("holder-1", column(use, lease.id(), "lease_owner"));
            assertEquals(LEASE.toSeconds(), seconds(use, lease.id(), "lease_expires_at - updated_at"), 0.001);
        }
        assertTrue(queue.claim(10, "holder-2", LEASE).isEmpty(), "held items and the not-yet-due one stay");
    }

    @ParameterizedTest
    @EnumSource(Use.class)
    void aClaimSkipsTheItemsAnotherClaimerHasLocked(Use use) throws Exception {
        LeasedQueue queue = new LeasedQueue(dataSource, use.table, POLICY);
        long first = add(use);
        long second = add(use);
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            assertEquals(List.of(first), queue.lockDue(other, 1), "the other claimer locks the oldest");
            List<Lease> mine = queue.claim(10, "holder", LEASE);
            assertEquals(List.of(second), mine.stream().map(Lease::id).toList(), "skipped, not waited for");
            other.rollback();
        }
        assertEquals(List.of(first), queue.claim(10, "holder", LEASE).stream().map(Lease::id).toList());
    }

    @ParameterizedTest
    @EnumSource(Use.class)
    void onlyTheHolderOfTheCurrentTokenRenewsAndCompletes(Use use) throws Exception {
        LeasedQueue queue = new LeasedQueue(dataSource, use.table, POLICY);
        long id = add(use);
        Lease lease = queue.claim(1, "holder", LEASE).get(0);
        Lease forged = new Lease(id, java.util.UUID.randomUUID(), lease.attempt(), lease.maxAttempts());
        assertFalse(queue.renew(forged, LEASE));
        assertFalse(queue.complete(forged, ""));
        assertTrue(queue.fail(forged, true, "not mine", "").isEmpty());
        assertEquals(use.table.leased(), column(use, id, "state"), "nothing changed by a stranger");

        assertTrue(queue.renew(lease, Duration.ofMinutes(10)));
        assertEquals(600, seconds(use, id, "lease_expires_at - updated_at"), 0.001);
        assertTrue(queue.complete(lease, ""));
        assertEnded(queue, use, id, use.table.done());
        assertFalse(queue.complete(lease, ""), "completed once");
        assertFalse(queue.renew(lease, LEASE));
    }

    @ParameterizedTest
    @EnumSource(Use.class)
    void aFailedAttemptWaitsTheDoublingBackoffAndTheLastIsDead(Use use) throws Exception {
        LeasedQueue queue = new LeasedQueue(dataSource, use.table, POLICY);
        long id = add(use);
        List<Double> waits = new ArrayList<>();
        for (int attempt = 1; attempt <= 2; attempt++) {
            Lease lease = queue.claim(1, "holder", LEASE).get(0);
            assertEquals(attempt, lease.attempt());
            assertEquals(Optional.of(use.table.retrying()), queue.fail(lease, true, "boom " + attempt, ""));
            assertEquals("boom " + attempt, column(use, id, "last_error"));
            assertNull(column(use, id, "lease_owner"));
            use.table.finishedColumn().ifPresent(f -> assertNull(column(use, id, f), "not finished while retried"));
            waits.add(seconds(use, id, "next_attempt_at - updated_at"));
            assertTrue(queue.claim(1, "holder", LEASE).isEmpty(), "not before its backoff has passed");
            set(use, id, "next_attempt_at = now()"); // the backoff has passed
        }
        assertEquals(List.of(60.0, 90.0), waits, "60 s, then doubled and capped at 90 s");

        Lease last = queue.claim(1, "holder", LEASE).get(0);
        assertTrue(last.isLastAttempt());
        assertEquals(Optional.of(use.table.dead()), queue.fail(last, true, "boom 3", ""));
        assertEquals(3, Integer.parseInt(column(use, id, "attempts")));
        assertEnded(queue, use, id, use.table.dead());
    }

    @ParameterizedTest
    @EnumSource(Use.class)
    void aFailureRetryingCannotHelpIsDeadAtOnce(Use use) throws Exception {
        LeasedQueue queue = new LeasedQueue(dataSource, use.table, POLICY);
        long id = add(use);
        Lease lease = queue.claim(1, "holder", LEASE).get(0);
        assertEquals(Optional.of(use.table.dead()), queue.fail(lease, false, "cannot be decoded", ""));
        assertEquals(1, Integer.parseInt(column(use, id, "attempts")));
        assertEnded(queue, use, id, use.table.dead());
    }

    @ParameterizedTest
    @EnumSource(Use.class)
    void anExpiredLeaseIsAFailedAttemptAndFencesItsHolder(Use use) throws Exception {
        LeasedQueue queue = new LeasedQueue(dataSource, use.table, POLICY);
        long id = add(use);
        Lease crashed = queue.claim(1, "holder-that-crashes", LEASE).get(0);
        assertEquals(0, queue.expireLeases(), "a running lease is not given back");
        set(use, id, "lease_expires_at = now() - interval '1 second'"); // it ran out without a renewal

        assertEquals(1, queue.expireLeases());
        assertEquals(use.table.retrying(), column(use, id, "state"));
        assertTrue(column(use, id, "last_error").contains("holder-that-crashes"), column(use, id, "last_error"));
        assertEquals(60, seconds(use, id, "next_attempt_at - updated_at"), 0.001, "the first attempt's backoff");
        assertNull(column(use, id, "lease_token"));

        set(use, id, "next_attempt_at = now()");
        Lease takeover = queue.claim(1, "holder-2", LEASE).get(0);
        assertEquals(2, takeover.attempt());
        assertNotEquals(crashed.token(), takeover.token());
        assertFalse(queue.renew(crashed, LEASE), "the crashed holder's lease is gone");
        assertFalse(queue.complete(crashed, ""));

        set(use, id, "lease_expires_at = now() - interval '1 second'");
        assertEquals(1, queue.expireLeases());
        assertEquals(90, seconds(use, id, "next_attempt_at - updated_at"), 0.001, "the second's, capped");
        set(use, id, "next_attempt_at = now()");
        queue.claim(1, "holder-3", LEASE).get(0);
        set(use, id, "lease_expires_at = now() - interval '1 second'");
        assertEquals(1, queue.expireLeases());
        assertEnded(queue, use, id, use.table.dead());
    }

    // ---- helpers ----

    /** The item is in its final {@code state}, holds no lease, has its finished time, and is never claimed again. */
    private void assertEnded(LeasedQueue queue, Use use, long id, String state) throws Exception {
        assertEquals(state, column(use, id, "state"));
        assertNull(column(use, id, "lease_token"));
        assertNull(column(use, id, "lease_expires_at"));
        use.table.finishedColumn().ifPresent(f -> assertNotNull(column(use, id, f), "finished"));
        set(use, id, "next_attempt_at = now() - interval '1 hour'");
        assertTrue(queue.claim(10, "holder", LEASE).isEmpty(), "an ended item is never claimed again");
    }

    private long add(Use use) throws Exception {
        return Long.parseLong(index.string(use.insert));
    }

    private void set(Use use, long id, String assignment) throws Exception {
        execute("UPDATE " + use.table.name() + " SET " + assignment + " WHERE " + use.table.idColumn() + " = " + id);
    }

    private String column(Use use, long id, String column) {
        try {
            return index.string("SELECT " + column + "::text FROM " + use.table.name() + " WHERE "
                    + use.table.idColumn() + " = ?", id);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private double seconds(Use use, long id, String interval) throws Exception {
        return Double.parseDouble(column(use, id, "extract(epoch FROM " + interval + ")"));
    }

    private void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
