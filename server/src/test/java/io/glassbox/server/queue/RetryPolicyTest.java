package io.glassbox.server.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one place the backoff is computed, and the schedule the give-back statement indexes with it. */
class RetryPolicyTest {

    @Test
    void theBackoffDoublesFromTheInitialWaitUpToTheCap() {
        RetryPolicy policy = new RetryPolicy(8, Duration.ofMillis(400), Duration.ofSeconds(2));
        assertEquals(Duration.ofMillis(400), policy.backoff(1));
        assertEquals(Duration.ofMillis(800), policy.backoff(2));
        assertEquals(Duration.ofMillis(1600), policy.backoff(3));
        assertEquals(Duration.ofSeconds(2), policy.backoff(4), "capped");
        assertEquals(Duration.ofSeconds(2), policy.backoff(1000), "no overflow however many attempts");
        assertArrayEquals(new Double[] {0.4, 0.8, 1.6, 2.0}, policy.scheduleSeconds(), "up to the cap, then its end");
    }

    @Test
    void aFixedWaitIsOneEntryAndNonsenseIsRefused() {
        RetryPolicy fixed = new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(5), fixed.backoff(3));
        assertArrayEquals(new Double[] {5.0}, fixed.scheduleSeconds());
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofSeconds(1)));
    }
}
