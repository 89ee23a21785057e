package io.glassbox.server.forward;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One instance queued for one destination, as {@code GET /api/forwarding} shows it.
 *
 * @param state           pending (waiting for its next attempt), sending (an attempt under way), delivered, dead
 *                        (attempts exhausted: in the dead-letter list until retried)
 * @param lastError       why the last attempt failed, in words; null when none failed
 * @param lastDimseStatus the C-STORE response status of the peer's last answer, when it answered one
 * @param lastErrorComment the peer's Error Comment (0000,0902) of that answer, when it sent one
 */
public record ForwardItem(
        long id,
        String destination,
        String sopInstanceUid,
        String state,
        int attempts,
        Instant nextAttemptAt,
        String lastError,
        Integer lastDimseStatus,
        String lastErrorComment,
        String queuedBy,
        Instant createdAt,
        Instant updatedAt,
        Instant deliveredAt) {

    public static final String PENDING = "pending";
    public static final String SENDING = "sending";
    public static final String DELIVERED = "delivered";
    public static final String DEAD = "dead";

    /** The last DIMSE status as the standard writes it (e.g. "0xA700"), or null. */
    @JsonProperty
    public String lastDimseStatusHex() {
        return lastDimseStatus == null ? null : String.format("0x%04X", lastDimseStatus);
    }
}
