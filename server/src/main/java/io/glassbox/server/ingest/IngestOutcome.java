package io.glassbox.server.ingest;

import io.glassbox.server.dicom.net.service.DimseStatus;

/**
 * What became of one offered object. {@link #dimseStatus} is the C-STORE response status to send;
 * STOW-RS maps the same outcome onto its HTTP answer and FailureReason (PS3.18 uses the DIMSE codes).
 * Built through the factories below, each of which names its {@link Result} and fixes the status that goes with
 * it where there is only one.
 *
 * @param result       the kind of outcome
 * @param dimseStatus  0x0000 success, 0xA700 out of resources, 0xA900 data set does not match SOP class,
 *                     0xC000 cannot understand, 0x0122 SOP class not supported, 0x0111 duplicate SOP instance
 *                     (another object under that UID)
 * @param errorComment human-readable reason (DIMSE Error Comment, at most 64 characters is sent), null on success
 * @param ids          the object's UIDs, as far as they are known
 */
public record IngestOutcome(Result result, int dimseStatus, String errorComment, Identity ids) {

    /**
     * The UIDs that identify the object.
     *
     * @param sopClassUid       from the data set when it could be read, else what the request said, else null
     * @param sopInstanceUid    from the data set when it could be read, else what the request said, else null
     * @param studyInstanceUid  from the data set when it could be read, else null
     * @param seriesInstanceUid from the data set when it could be read, else null
     */
    public record Identity(String sopClassUid, String sopInstanceUid, String studyInstanceUid,
            String seriesInstanceUid) {
        /** Nothing known (a part that was not even offered as DICOM). */
        public static final Identity UNKNOWN = new Identity(null, null, null, null);

        /** What the request named, when the data set could not be read. */
        public static Identity requested(IncomingObject in) {
            return new Identity(in.sopClassUid(), in.sopInstanceUid(), null, null);
        }
    }

    /** Newly stored and indexed. */
    public static IngestOutcome stored(Identity ids) {
        return new IngestOutcome(Result.STORED, DimseStatus.SUCCESS, null, ids);
    }

    /** The same object was stored already. */
    public static IngestOutcome alreadyStored(Identity ids) {
        return new IngestOutcome(Result.ALREADY_STORED, DimseStatus.SUCCESS, null, ids);
    }

    /** Another object is stored under this SOP Instance UID (0x0111). */
    public static IngestOutcome conflict(String comment, Identity ids) {
        return new IngestOutcome(Result.CONFLICT, DimseStatus.DUPLICATE_SOP_INSTANCE, comment, ids);
    }

    /** Not a valid object; {@code dimseStatus} says how (0xA900, 0xC000, 0x0122). */
    public static IngestOutcome invalid(int dimseStatus, String comment, Identity ids) {
        return new IngestOutcome(Result.INVALID, dimseStatus, comment, ids);
    }

    /** Could not be made durable (0xA700): the sender should retry. */
    public static IngestOutcome failed(String comment, Identity ids) {
        return new IngestOutcome(Result.FAILED, DimseStatus.OUT_OF_RESOURCES, comment, ids);
    }

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

    public String sopClassUid() {
        return ids.sopClassUid();
    }

    public String sopInstanceUid() {
        return ids.sopInstanceUid();
    }

    public String studyInstanceUid() {
        return ids.studyInstanceUid();
    }

    public String seriesInstanceUid() {
        return ids.seriesInstanceUid();
    }
}
