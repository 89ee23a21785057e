package io.glassbox.server.dicom.net.service;

import io.glassbox.server.dicom.net.assoc.Association;
import io.glassbox.server.dicom.net.assoc.Command;
import io.glassbox.server.dicom.net.assoc.DimseMessage;
import java.io.IOException;

/** C-ECHO SCP (Verification Service Class, PS3.4 Annex A). */
public final class VerificationService implements DimseService {

    public static final String SOP_CLASS = Command.VERIFICATION_SOP_CLASS;

    @Override
    public int commandField() {
        return Command.C_ECHO_RQ;
    }

    @Override
    public boolean servesSopClass(String sopClassUid) {
        return SOP_CLASS.equals(sopClassUid);
    }

    @Override
    public void onRequest(Association association, DimseMessage request) throws IOException {
        association.send(request.context(), Command.response(request.command(), DimseStatus.SUCCESS, null), null);
    }
}
