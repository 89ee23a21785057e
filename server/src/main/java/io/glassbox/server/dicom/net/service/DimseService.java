package io.glassbox.server.dicom.net.service;

import io.glassbox.server.dicom.net.assoc.Association;
import io.glassbox.server.dicom.net.assoc.Command;
import io.glassbox.server.dicom.net.assoc.DimseMessage;
import java.io.IOException;

/**
 * One DIMSE service a server provides, registered in a {@link DimseServiceRegistry} like dcm4che's services:
 * it answers one request command for the SOP classes it serves.
 */
public interface DimseService {

    /** The request it answers, e.g. {@link Command#C_STORE_RQ}. */
    int commandField();

    /**
     * Whether it serves this SOP class. This decides both presentation-context negotiation (a context is
     * accepted when some registered service serves its abstract syntax) and dispatch.
     */
    boolean servesSopClass(String sopClassUid);

    /**
     * Answers one request, sending its response(s) through {@code association}. The data set, if any, streams
     * from the association; whatever is left unread is drained before the response leaves.
     *
     * <p>A failure of the operation is not answered here: the service throws, before sending its final response,
     * a {@link DimseException} with the status to answer, and {@link DimseServiceRegistry} writes the failure
     * response (any other runtime exception is mapped there too, by {@link DimseException#of}).
     *
     * @throws IOException    only when the association itself failed; it ends the association unanswered
     * @throws DimseException when the operation failed with that status
     */
    void onRequest(Association association, DimseMessage request) throws IOException, DimseException;
}
