package io.glassbox.server.dicom.net.assoc;

import java.io.IOException;

/** The peer aborted the association (A-ABORT received); whatever was in progress on it is lost. */
public class AssociationAbortedException extends IOException {

    private static final long serialVersionUID = 1L;

    public AssociationAbortedException(String message) {
        super(message);
    }
}
