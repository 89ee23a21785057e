package io.glassbox.server.queue;

import java.util.UUID;

/**
 * One claim on one queued item. {@code token} changes with every claim and every change the holder makes is
 * conditional on it, so a holder whose lease expired (and whose item was given back and claimed again) changes
 * nothing.
 *
 * @param attempt     the attempt this claim is (1 for the first); counted when claimed, so a crash mid-attempt
 *                    counts towards the dead letter too
 * @param maxAttempts the attempts the item has in all
 */
public record Lease(long id, UUID token, int attempt, int maxAttempts) {

    /** Whether no attempt is left after this one. */
    public boolean isLastAttempt() {
        return attempt >= maxAttempts;
    }
}
