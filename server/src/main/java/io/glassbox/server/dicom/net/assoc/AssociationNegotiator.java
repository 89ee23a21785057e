package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.pdu.AssociateAccept;
import io.glassbox.server.dicom.net.pdu.AssociateReject;
import io.glassbox.server.dicom.net.pdu.AssociateRequest;
import io.glassbox.server.dicom.net.pdu.PresentationContextProposal;
import io.glassbox.server.dicom.net.pdu.PresentationContextResult;
import io.glassbox.server.dicom.net.pdu.UserInformation;
import io.glassbox.server.Glassbox;
import java.util.ArrayList;
import java.util.List;

/** The accepting side's decisions on an A-ASSOCIATE-RQ: reject it, or accept which presentation contexts how. */
public final class AssociationNegotiator {

    private final AcceptorSettings settings;
    private final DimseDispatcher services;

    public AssociationNegotiator(AcceptorSettings settings, DimseDispatcher services) {
        this.settings = settings;
        this.services = services;
    }

    /** The rejection this request deserves, or null when it may be accepted. */
    public AssociateReject check(AssociateRequest request) {
        if ((request.protocolVersion() & 1) == 0) {
            return AssociateReject.protocolVersionNotSupported();
        }
        if (!AssociateRequest.DICOM_APPLICATION_CONTEXT.equals(request.applicationContextName())) {
            return AssociateReject.applicationContextNotSupported();
        }
        if (!settings.aeTitle().equals(request.calledAeTitle())) {
            return AssociateReject.calledAeNotRecognized();
        }
        if (!settings.acceptsAnyCallingAeTitle() && !settings.allowedCallingAeTitles().contains(request.callingAeTitle())) {
            return AssociateReject.callingAeNotRecognized();
        }
        return null;
    }

    /**
     * Accepts each context whose abstract syntax a registered service serves, with the first transfer syntax the
     * peer proposed that we accept (so a compressed object arrives as it was compressed). SCP/SCU role selection
     * is not answered, which leaves the default roles (PS3.7 D.3.3.4); an asynchronous operations window is
     * answered 1/1, i.e. synchronous.
     */
    public AssociateAccept accept(AssociateRequest request) {
        List<PresentationContextResult> results = new ArrayList<>();
        for (PresentationContextProposal proposal : request.presentationContexts()) {
            results.add(negotiate(proposal));
        }
        UserInformation.AsyncOperationsWindow async = request.userInformation().asyncOperations() == null ? null
                : new UserInformation.AsyncOperationsWindow(1, 1);
        UserInformation userInformation = new UserInformation(settings.maxPduLength(), Glassbox.IMPLEMENTATION_CLASS_UID,
                Glassbox.IMPLEMENTATION_VERSION_NAME, async, List.of());
        return new AssociateAccept(request.calledAeTitle(), request.callingAeTitle(), request.applicationContextName(),
                results, userInformation);
    }

    private PresentationContextResult negotiate(PresentationContextProposal proposal) {
        String firstProposed = proposal.transferSyntaxes().get(0);
        if (!services.servesAbstractSyntax(proposal.abstractSyntax())) {
            return new PresentationContextResult(proposal.id(), PresentationContextResult.ABSTRACT_SYNTAX_NOT_SUPPORTED,
                    firstProposed);
        }
        for (String transferSyntax : proposal.transferSyntaxes()) {
            if (TransferSyntaxes.isAccepted(transferSyntax)) {
                return new PresentationContextResult(proposal.id(), PresentationContextResult.ACCEPTANCE, transferSyntax);
            }
        }
        return new PresentationContextResult(proposal.id(), PresentationContextResult.TRANSFER_SYNTAXES_NOT_SUPPORTED,
                firstProposed);
    }
}
