package io.glassbox.server.dicom.net.service;

import io.glassbox.server.dicom.net.assoc.Association;
import io.glassbox.server.dicom.net.assoc.Command;
import io.glassbox.server.dicom.net.assoc.DimseDispatcher;
import io.glassbox.server.dicom.net.assoc.DimseMessage;
import io.glassbox.server.dicom.net.pdu.Abort;
import io.glassbox.server.dicom.net.pdu.DicomProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/** The DIMSE services of an application entity, looked up by request command and SOP class. */
public final class DimseServiceRegistry implements DimseDispatcher {

    private static final Logger LOG = Logger.getLogger(DimseServiceRegistry.class);

    private final List<DimseService> services = new CopyOnWriteArrayList<>();

    public DimseServiceRegistry register(DimseService service) {
        services.add(service);
        return this;
    }

    /** Whether a presentation context for this abstract syntax is worth accepting: some service serves it. */
    @Override
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
     * Hands a request to its service and writes every failure response (PS3.7 C.4) in this one place:
     * <ul>
     *   <li>a request whose Affected SOP Class UID is not its presentation context's abstract syntax: what was
     *       negotiated is what is served, so it is refused "SOP class not supported" (0x0122);</li>
     *   <li>a request no service answers: "unrecognized operation" (0x0211);</li>
     *   <li>a service's {@link DimseException}: its status, Error Comment and Offending Element;</li>
     *   <li>any other exception of a service: mapped once by {@link DimseException#of}.</li>
     * </ul>
     * A failure of the association itself (an {@link IOException}, or a data set cut short by one) is never
     * answered: it propagates and ends the association, since there is nobody left to answer.
     */
    @Override
    public void dispatch(Association association, DimseMessage message) throws IOException {
        Command command = message.command();
        if (!command.isRequest()) {
            throw new DicomProtocolException(Abort.REASON_UNEXPECTED_PDU_PARAMETER,
                    "a " + Command.commandName(command.commandField()) + " that answers no request of ours");
        }
        if (command.commandField() == Command.C_CANCEL_RQ) {
            return; // PS3.7 9.3.2.3: a cancel gets no response of its own; nothing here runs long enough to cancel
        }
        DimseException failure;
        try {
            serve(association, message);
            return;
        } catch (DimseException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = DimseException.of(e, Command.operationName(command.commandField()));
        }
        // a service may fail because the data set stopped arriving: then the association is gone, not the operation
        if (message.dataSet() != null && message.dataSet().failure() != null) {
            throw message.dataSet().failure();
        }
        if (failure.getCause() instanceof RuntimeException && !(failure.getCause() instanceof UncheckedIOException)) {
            LOG.errorf(failure.getCause(), "%s: %s failed: answering 0x%04X", association, command, failure.status());
        } else if (failure.getCause() != null) {
            LOG.warnf(failure.getCause(), "%s: %s failed: answering 0x%04X", association, command, failure.status());
        } else {
            LOG.warnf("%s: %s answered 0x%04X: %s", association, command, failure.status(), failure.errorComment());
        }
        association.send(message.context(),
                Command.response(command, failure.status(), failure.errorComment(), failure.offendingElements()), null);
    }

    private void serve(Association association, DimseMessage message) throws IOException, DimseException {
        Command command = message.command();
        String negotiated = message.context().abstractSyntax();
        if (command.affectedSopClassUid() != null && !command.affectedSopClassUid().equals(negotiated)) {
            // the peer agreed this context for one SOP class; an object of another class sent on it was never
            // negotiated, so it is refused with PS3.7's general "Refused: SOP class not supported" (Annex C), as
            // dcm4che answers a C-service it has no handler for, and its data set is drained unread
            throw new DimseException(DimseStatus.SOP_CLASS_NOT_SUPPORTED, "Affected SOP Class UID "
                    + command.affectedSopClassUid() + " is not the presentation context's " + negotiated);
        }
        DimseService service = find(command.commandField(), negotiated);
        if (service == null) {
            throw new DimseException(DimseStatus.UNRECOGNIZED_OPERATION,
                    Command.commandName(command.commandField()) + " is not supported");
        }
        service.onRequest(association, message);
    }
}
