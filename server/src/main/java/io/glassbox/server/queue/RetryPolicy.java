package io.glassbox.server.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How often an item is tried and how long it waits between tries: attempt n that failed waits
 * {@code initialBackoff × 2^(n − 1)}, capped at {@code maxBackoff}; after {@code maxAttempts} attempts it is dead.
 * This class is the only place the backoff is computed; SQL statements get its numbers as parameters.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** Beyond this many doublings the cap has long been reached for any sensible setting. */
    private static final int MAX_SCHEDULE = 64;

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1, not " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must be 0 ≤ initial (" + initialBackoff + ") ≤ max ("
                    + maxBackoff + ")");
        }
    }

    /** The wait after failed attempt {@code attempt} (1 for the first): initial × 2^(attempt − 1), capped at max. */
    public Duration backoff(int attempt) {
        Duration wait = initialBackoff;
        for (int i = 1; i < attempt && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }

    /**
     * {@link #backoff} in seconds for attempts 1, 2, … up to the first that reaches the cap: what a statement that
     * fails many rows at once indexes with each row's attempt count (a later attempt takes the last entry).
     */
    Double[] scheduleSeconds() {
        List<Double> seconds = new ArrayList<>();
        for (int attempt = 1; attempt <= MAX_SCHEDULE; attempt++) {
            Duration wait = backoff(attempt);
            seconds.add(wait.toNanos() / 1e9);
            if (wait.equals(maxBackoff)) {
                break;
            }
        }
        return seconds.toArray(Double[]::new);
    }
}
