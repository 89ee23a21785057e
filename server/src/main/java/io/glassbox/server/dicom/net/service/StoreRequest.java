package io.glassbox.server.dicom.net.service;

/**
 * What a C-STORE-RQ says about the object whose data set follows.
 *
 * @param associationSerial      the association it came on, for log lines
 * @param callingAeTitle         the peer's AE title
 * @param calledAeTitle          our AE title as the peer called it
 * @param messageId              the request's Message ID
 * @param sopClassUid            Affected SOP Class UID of the request
 * @param sopInstanceUid         Affected SOP Instance UID of the request
 * @param transferSyntaxUid      the presentation context's transfer syntax: the data set's encoding
 * @param moveOriginatorAeTitle  for a C-MOVE sub-operation, who asked for the move; "" otherwise
 */
public record StoreRequest(
        long associationSerial,
        String callingAeTitle,
        String calledAeTitle,
        int messageId,
        String sopClassUid,
        String sopInstanceUid,
        String transferSyntaxUid,
        String moveOriginatorAeTitle) {
}
