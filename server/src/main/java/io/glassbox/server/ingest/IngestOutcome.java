package io.glassbox.server.ingest;

/**
 * What became of one offered object. {@link #dimseStatus} is the C-STORE response status to send;
 * STOW-RS maps the same outcome onto its HTTP answer and FailureReason (PS3.18 uses the DIMSE codes).
 *
 * @param result          the kind of outcome
 * @param dimseStatus     0x0000 success, 0xA700 out of resources, 0xA900 data set does not match SOP class,
 *                        0xC000 cannot understand, 0x0111 duplicate SOP instance (another object under
 *                        that UID)
 * @param errorComment    human-readable reason (DIMSE Error Comment, at most 64 characters is sent), null on success
 * @param sopClassUid     from the data set when it could be read, else what the request said, else null
 * @param sopInstanceUid  from the data set when it could be read, else what the request said, else null
 * @param studyInstanceUid from the data set when it could be read, else null
 * @param seriesInstanceUid from the data set when it could be read, else null
 */
public record IngestOutcome(
        Result result,
        int dimseStatus,
        String errorComment,
        String sopClassUid,
        String sopInstanceUid,
        String studyInstanceUid,
        String seriesInstanceUid) {

    public enum Result {
        /** Newly stored and indexed: durable. */
        STORED,
        /**
         * The same object is stored under this SOP Instance UID already (the same data set in the same transfer
         * syntax, whichever door or AE title sent it): nothing written, the stored file kept as it was, success.
         */
        ALREADY_STORED,
        /** Another object is stored under this SOP Instance UID: the stored one is kept (write-once store). */
        CONFLICT,
        /** Not a valid object (unparseable, UIDs missing or inconsistent): nothing stored. */
        INVALID,
        /** Could not be made durable (disk, database): nothing visible, the sender should retry. */
        FAILED
    }

    public boolean success() {
        return result == Result.STORED || result == Result.ALREADY_STORED;
    }
}
