package io.glassbox.server.dicom.net.assoc;

import java.io.IOException;

/**
 * What an {@link AssociationAcceptor} hands its DIMSE messages to: the services of the application entity
 * ({@code io.glassbox.server.dicom.net.service.DimseServiceRegistry}). It is an interface here so that the
 * association layer does not depend on the services above it.
 */
public interface DimseDispatcher {

    /** Whether a presentation context for this abstract syntax is worth accepting: something serves it. */
    boolean servesAbstractSyntax(String sopClassUid);

    /**
     * Answers one message read from {@code association}.
     *
     * @throws IOException when the association itself failed, or a {@link
     *                     io.glassbox.server.dicom.net.pdu.DicomProtocolException} when the message breaks the
     *                     protocol; either ends the association
     */
    void dispatch(Association association, DimseMessage message) throws IOException;
}
