package io.glassbox.server.ingest;

import java.io.InputStream;

/**
 * One object offered to {@link IngestService}, from whichever door it came in.
 *
 * @param via               how it arrived
 * @param callingAeTitle    the peer's AE title for DIMSE, "" for STOW-RS and results
 * @param sopClassUid       Affected SOP Class UID of the C-STORE request, or null (STOW-RS)
 * @param sopInstanceUid    Affected SOP Instance UID of the C-STORE request, or null (STOW-RS)
 * @param transferSyntaxUid for DIMSE the transfer syntax of the presentation context the data set came on;
 *                          null for STOW-RS and results, whose content carries its own file meta
 * @param content           DIMSE: the data set bytes exactly as received (no file meta);
 *                          STOW-RS and results: a complete Part 10 file. Read once, to its end, by the ingest service.
 */
public record IncomingObject(
        Via via,
        String callingAeTitle,
        String sopClassUid,
        String sopInstanceUid,
        String transferSyntaxUid,
        InputStream content) {

    /**
     * DIMSE: C-STORE. STOW: STOW-RS. RESULT: an AI result Glassbox made itself (a complete Part 10 file, like
     * STOW); kept apart so the index and the audit trail tell results from received objects, and dispatch never
     * feeds a result back to a plugin.
     */
    public enum Via { DIMSE, STOW, RESULT }

    /**
     * Thrown by a {@link #content} stream whose framing is broken (a truncated multipart body, an association
     * aborted mid-object): the sender's fault, answered as "cannot understand", never as a server failure.
     */
    public static class MalformedContentException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        public MalformedContentException(String message) {
            super(message);
        }
    }
}
