package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.pdu.AssociateReject;
import java.io.IOException;

/** The peer answered our A-ASSOCIATE-RQ with an A-ASSOCIATE-RJ. */
public class AssociationRejectedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient AssociateReject reject;

    public AssociationRejectedException(AssociateReject reject) {
        super("association rejected: " + reject);
        this.reject = reject;
    }

    public AssociateReject reject() {
        return reject;
    }
}
