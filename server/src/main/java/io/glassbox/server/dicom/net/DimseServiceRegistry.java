package io.glassbox.server.dicom.net;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/** The DIMSE services of an application entity, looked up by request command and SOP class. */
public final class DimseServiceRegistry {

    private static final Logger LOG = Logger.getLogger(DimseServiceRegistry.class);

    private final List<DimseService> services = new CopyOnWriteArrayList<>();

    public DimseServiceRegistry register(DimseService service) {
        services.add(service);
        return this;
    }

    /** Whether a presentation context for this abstract syntax is worth accepting: some service serves it. */
    public boolean servesAbstractSyntax(String sopClassUid) {
        for (DimseService service : services) {
            if (service.servesSopClass(sopClassUid)) {
                return true;
            }
        }
        return false;
    }

    /** The service for this request, or null. */
    public DimseService find(int commandField, String sopClassUid) {
        for (DimseService service : services) {
            if (service.commandField() == commandField && service.servesSopClass(sopClassUid)) {
                return service;
            }
        }
        return null;
    }

    /**
     * Hands a request to its service; a request no service answers gets "unrecognized operation" (0x0211).
     * The SOP class is the presentation context's abstract syntax: what was negotiated is what is served, and a
     * request whose Affected SOP Class UID names another class gets "SOP class not supported" (0x0122).
     */
    public void dispatch(Association association, DimseMessage message) throws IOException {
        Command command = message.command();
        if (!command.isRequest()) {
            throw new DicomProtocolException(Abort.REASON_UNEXPECTED_PDU_PARAMETER,
                    "a " + Command.commandName(command.commandField()) + " that answers no request of ours");
        }
        if (command.commandField() == Command.C_CANCEL_RQ) {
            return; // PS3.7 9.3.2.3: a cancel gets no response of its own; nothing here runs long enough to cancel
        }
        String negotiated = message.context().abstractSyntax();
        if (command.affectedSopClassUid() != null && !command.affectedSopClassUid().equals(negotiated)) {
            // the peer agreed this context for one SOP class; an object of another class sent on it was never
            // negotiated, so it is refused with PS3.7's general "Refused: SOP class not supported" (Annex C), as
            // dcm4che answers a C-service it has no handler for, and its data set is drained unread
            LOG.warnf("%s: %s names SOP class %s on a presentation context for %s: answering 0x%04X",
                    association, command, command.affectedSopClassUid(), negotiated, DimseStatus.SOP_CLASS_NOT_SUPPORTED);
            association.send(message.context(), Command.response(command, DimseStatus.SOP_CLASS_NOT_SUPPORTED,
                    "Affected SOP Class UID " + command.affectedSopClassUid() + " is not the presentation context's "
                            + negotiated), null);
            return;
        }
        DimseService service = find(command.commandField(), negotiated);
        if (service != null) {
            service.onRequest(association, message);
            return;
        }
        LOG.infof("%s: %s is not supported here: answering 0x%04X unrecognized operation", association, command,
                DimseStatus.UNRECOGNIZED_OPERATION);
        association.send(message.context(),
                Command.response(command, DimseStatus.UNRECOGNIZED_OPERATION,
                        Command.commandName(command.commandField()) + " is not supported"), null);
    }
}
