package io.glassbox.server.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.glassbox.server.config.GlassboxConfig;
import io.glassbox.server.dispatch.JobQueue.InputRef;
import io.glassbox.server.dispatch.JobQueue.NewJob;
import io.glassbox.server.testing.IndexFixture;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Queue semantics against the real PostgreSQL (test profile: lease 2 s, 3 attempts, backoff 1 s doubling to 4 s,
 * 2 running jobs per plugin, 1 for plugin "solo").
 */
@QuarkusTest
class JobQueueTest {

    @Inject
    JobQueue queue;

    @Inject
    DispatchFixture fixture;

    @Inject
    IndexFixture index;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DispatchConfig config;

    @Inject
    GlassboxConfig glassbox;

    @BeforeEach
    void clean() throws Exception {
        fixture.clear();
    }

    private static NewJob job(String plugin, String... inputs) {
        List<InputRef> refs = new ArrayList<>();
        for (String uid : inputs) {
            refs.add(new InputRef(uid, "sha-of-" + uid));
        }
        return new NewJob("1.2.3", "", "rule", plugin, "1.0", Map.of("method", "gradcam"), refs);
    }

    @Test
    void theIdempotencyKeyMakesTheSameRunOneJob() throws Exception {
        assertTrue(queue.enqueue(job("p", "1.1", "1.2")));
        assertFalse(queue.enqueue(job("p", "1.2", "1.1")), "same inputs in another order: same job");
        Map<String, Object> reordered = new LinkedHashMap<>();
        reordered.put("b", List.of(1, 2));
        reordered.put("a", "x");
        Map<String, Object> sorted = new LinkedHashMap<>();
        sorted.put("a", "x");
        sorted.put("b", List.of(1, 2));
        List<InputRef> one = List.of(new InputRef("1.1", "s"));
        assertTrue(queue.enqueue(new NewJob("1.2.3", "", "r", "q", "1", reordered, one)));
        assertFalse(queue.enqueue(new NewJob("1.2.3", "", "r", "q", "1", sorted, one)), "parameters in another order");

        assertTrue(queue.enqueue(job("p", "1.1", "1.2", "1.3")), "an added input is a new run");
        assertTrue(queue.enqueue(new NewJob("1.2.3", "", "rule", "p", "1.0", Map.of("method", "gradcam"),
                List.of(new InputRef("1.1", "other"), new InputRef("1.2", "sha-of-1.2")))), "an input with new bytes");
        assertTrue(queue.enqueue(new NewJob("1.2.3", "", "rule", "p", "2.0", Map.of("method", "gradcam"),
                List.of(new InputRef("1.1", "sha-of-1.1"), new InputRef("1.2", "sha-of-1.2")))), "another version");
        assertEquals(5, index.count("SELECT count(*) FROM job"));
        // The unique constraint itself, not only the code path, refuses a duplicate.
        assertEquals(1, index.count("SELECT count(*) FROM pg_indexes WHERE tablename = 'job' "
                + "AND indexdef LIKE 'CREATE UNIQUE INDEX%(idempotency_key)'"));
    }

    @Test
    void aFailedAttemptIsRetriedAfterExponentialBackoffThenDead() throws Exception {
        queue.enqueue(job("p", "1.1"));
        ClaimedJob first = queue.claim("w1").orElseThrow();
        assertEquals(1, first.attempt());
        assertTrue(queue.fail(first, "boom 1", true));
        assertEquals("failed", index.string("SELECT state FROM job"));
        assertEquals(1.0, delaySeconds(), 0.05, "first retry after the base delay");
        assertTrue(queue.claim("w1").isEmpty(), "not before its time");

        ClaimedJob second = awaitClaim("w1");
        assertEquals(2, second.attempt());
        assertTrue(queue.fail(second, "boom 2", true));
        assertEquals(2.0, delaySeconds(), 0.05, "doubled");

        ClaimedJob third = awaitClaim("w1");
        assertEquals(3, third.attempt());
        assertTrue(queue.fail(third, "boom 3", true));
        assertEquals("dead", index.string("SELECT state FROM job"), "3 attempts used");
        assertEquals("boom 3", index.string("SELECT last_error FROM job"));
        Thread.sleep(4200);
        assertTrue(queue.claim("w1").isEmpty(), "a dead job is never claimed");
    }

    @Test
    void aPermanentFailureIsDeadAtOnce() throws Exception {
        queue.enqueue(job("p", "1.1"));
        ClaimedJob claimed = queue.claim("w1").orElseThrow();
        assertTrue(queue.fail(claimed, "JPEG-LS cannot be decoded", false));
        assertEquals("dead", index.string("SELECT state FROM job"));
        assertEquals(1, index.count("SELECT attempts FROM job"));
    }

    @Test
    void anExpiredLeaseGivesTheJobToAnotherWorkerAndFencesTheFirst() throws Exception {
        queue.enqueue(job("p", "1.1"));
        ClaimedJob crashed = queue.claim("worker-that-crashes").orElseThrow();
        assertTrue(queue.heartbeat(crashed), "renewable while held");
        assertTrue(queue.claim("w2").isEmpty(), "held: nobody else gets it");

        Thread.sleep(2300); // the lease (2 s) runs out without a heartbeat
        assertEquals(1, queue.expireLeases());
        assertEquals("failed", index.string("SELECT state FROM job"));
        assertTrue(index.string("SELECT last_error FROM job").contains("worker-that-crashes"));
        ClaimedJob takeover = awaitClaim("w2");
        assertEquals(2, takeover.attempt());
        assertNotEquals(crashed.leaseToken(), takeover.leaseToken());

        assertFalse(queue.heartbeat(crashed), "the old worker's lease is gone");
        assertFalse(queue.succeed(crashed, null), "and its result is not recorded");
        assertTrue(queue.progress(takeover, 1, 1, "done"));
        assertTrue(queue.succeed(takeover, JobQueue.JSON.createObjectNode().put("by", "w2")));
        assertEquals("succeeded", index.string("SELECT state FROM job"));
        assertEquals("w2", index.string("SELECT result->>'by' FROM job"));
        assertEquals(2, index.count("SELECT attempts FROM job"));
    }

    @Test
    void skipLockedNeverHandsOneJobToTwoClaimers() throws Exception {
        JobQueue queue = withLongLeases();
        int jobs = 400;
        int threads = 8;
        for (int i = 0; i < jobs; i++) {
            // One plugin per job, so the concurrency limit does not stop claims: only SKIP LOCKED is tested.
            queue.enqueue(job("plugin-" + i, "1." + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String owner = "claimer-" + t;
            results.add(pool.submit(() -> {
                start.await();
                List<Long> mine = new ArrayList<>();
                for (Optional<ClaimedJob> j; (j = queue.claim(owner)).isPresent(); ) {
                    mine.add(j.get().id());
                }
                return mine;
            }));
        }
        start.countDown();
        List<Long> all = new ArrayList<>();
        int claimersThatGotSome = 0;
        for (Future<List<Long>> f : results) {
            List<Long> mine = f.get(120, TimeUnit.SECONDS);
            all.addAll(mine);
            claimersThatGotSome += mine.isEmpty() ? 0 : 1;
        }
        pool.shutdown();
        Set<Long> distinct = new HashSet<>(all);
        assertEquals(jobs, all.size(), "every job claimed once");
        assertEquals(jobs, distinct.size(), "no job claimed twice");
        assertTrue(claimersThatGotSome > 1, "the claimers really ran concurrently: " + claimersThatGotSome);
        assertEquals(jobs, index.count("SELECT count(*) FROM job WHERE state = 'running' AND attempts = 1"));
    }

    @Test
    void thePluginConcurrencyLimitHoldsUnderConcurrentClaims() throws Exception {
        JobQueue queue = withLongLeases();
        for (int i = 0; i < 10; i++) {
            queue.enqueue(job("pair", "2." + i));
        }
        for (int i = 0; i < 3; i++) {
            queue.enqueue(job("solo", "3." + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<ClaimedJob>>> claims = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            String owner = "c" + t;
            claims.add(pool.submit(() -> {
                start.await();
                return queue.claim(owner);
            }));
        }
        start.countDown();
        List<ClaimedJob> got = new ArrayList<>();
        for (Future<Optional<ClaimedJob>> f : claims) {
            f.get(60, TimeUnit.SECONDS).ifPresent(got::add);
        }
        pool.shutdown();
        assertEquals(2, got.stream().filter(j -> j.pluginId().equals("pair")).count(), "limit 2 for 'pair'");
        assertEquals(1, got.stream().filter(j -> j.pluginId().equals("solo")).count(), "limit 1 for 'solo'");
        ClaimedJob solo = got.stream().filter(j -> j.pluginId().equals("solo")).findFirst().orElseThrow();
        assertTrue(queue.succeed(solo, null));
        ClaimedJob next = queue.claim("again").orElseThrow();
        assertEquals("solo", next.pluginId(), "a freed slot is taken by the waiting plugin");
    }

    /**
     * The application's queue with leases that cannot run out while a test's claims go on, however busy the machine
     * (with the profile's 2 s, a claim taken early expired and was claimed again before the last claims were done).
     */
    private JobQueue withLongLeases() {
        DispatchConfig longLeases = (DispatchConfig) Proxy.newProxyInstance(DispatchConfig.class.getClassLoader(),
                new Class<?>[] {DispatchConfig.class}, (proxy, method, args) ->
                        method.getName().equals("leaseSeconds") ? 600 : method.invoke(config, args));
        return new JobQueue(dataSource, longLeases, glassbox);
    }

    private double delaySeconds() throws Exception {
        return Double.parseDouble(index.string("SELECT extract(epoch FROM next_attempt_at - updated_at) FROM job"));
    }

    private ClaimedJob awaitClaim(String owner) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<ClaimedJob> j = queue.claim(owner);
            if (j.isPresent()) {
                return j.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no job became claimable within 10 s");
    }
}
