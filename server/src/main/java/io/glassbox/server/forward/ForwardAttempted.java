package io.glassbox.server.forward;

/**
 * Fired (CDI event, synchronously, on the sender's thread) after every attempt to send one instance to one
 * destination. This is the seam for the audit trail: an observer there writes the DICOM audit message
 * (PS3.15 A.5.3.2 "Instances Transferred", or "Export") without the forwarder knowing about auditing.
 *
 * @param state        the item's state after the attempt: delivered, pending (will be tried again) or dead; sending
 *                     when the sender's lease had been lost meanwhile and another sender holds the item (the
 *                     outcome was not recorded)
 * @param error        why the attempt failed, null when delivered
 * @param dimseStatus  the peer's C-STORE response status, null when it answered none
 */
public record ForwardAttempted(
        long itemId,
        String sopInstanceUid,
        String sopClassUid,
        String destination,
        String calledAeTitle,
        String host,
        int port,
        String callingAeTitle,
        int attempt,
        String state,
        String error,
        Integer dimseStatus,
        String errorComment) {
}
