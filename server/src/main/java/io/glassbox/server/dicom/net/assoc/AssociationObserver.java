package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.pdu.AssociateReject;
import io.glassbox.server.dicom.net.pdu.AssociateRequest;

/** Hooks for metrics and audit on an {@link AssociationAcceptor}'s associations. Called on the serving thread. */
public interface AssociationObserver {

    AssociationObserver NONE = new AssociationObserver() {
    };

    default void accepted(Association association) {
    }

    /** @param request the rejected request */
    default void rejected(AssociateRequest request, AssociateReject reject, String remoteAddress) {
    }

    /**
     * A connection was closed before it became an association, by the acceptor's admission: {@code reason}
     * "artim-expired" (no A-ASSOCIATE-RQ within the ARTIM time), "displaced" (a newer connection took its place
     * in the full waiting room) or "no-room" (closed at once: every waiting place was taken by a request being answered).
     */
    default void connectionClosed(String remoteAddress, String reason) {
    }

    /** The association ended, by release, abort or failure. */
    default void ended(Association association) {
    }
}
