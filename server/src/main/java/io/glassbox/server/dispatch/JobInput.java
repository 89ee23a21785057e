package io.glassbox.server.dispatch;

import java.nio.file.Path;

/**
 * One input instance of a job as the executor receives it.
 *
 * @param file   the stored Part 10 file (absolute), or null when the instance is no longer in the index
 * @param sha256 the digest the job was queued with (the idempotency key includes it)
 */
public record JobInput(String sopInstanceUid, String sha256, String seriesInstanceUid, String sopClassUid,
                       Path file) {
}
