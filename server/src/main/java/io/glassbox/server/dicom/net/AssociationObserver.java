package io.glassbox.server.dicom.net;

/** Hooks for metrics and audit on an {@link AssociationAcceptor}'s associations. Called on the serving thread. */
public interface AssociationObserver {

    AssociationObserver NONE = new AssociationObserver() {
    };

    default void accepted(Association association) {
    }

    /** @param request the rejected request */
    default void rejected(AssociateRequest request, AssociateReject reject, String remoteAddress) {
    }

    /** The association ended, by release, abort or failure. */
    default void ended(Association association) {
    }
}
