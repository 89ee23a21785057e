package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.pdu.AssociateRequest;
import io.glassbox.server.dicom.net.pdu.PresentationContextProposal;
import io.glassbox.server.dicom.net.pdu.UserInformation;
import io.glassbox.server.dicom.net.service.VerificationService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Association requests for tests that drive the server with our own requesting side. */
public final class Requests {

    public static final String VERIFICATION = VerificationService.SOP_CLASS;
    public static final String STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1";

    private Requests() {
    }

    public static PresentationContextProposal context(int id, String abstractSyntax, String... transferSyntaxes) {
        return new PresentationContextProposal(id, abstractSyntax, List.of(transferSyntaxes));
    }

    public static AssociateRequest request(String calling, String called, int maxPduLength, PresentationContextProposal... contexts) {
        return new AssociateRequest(1, called, calling, AssociateRequest.DICOM_APPLICATION_CONTEXT,
                new ArrayList<>(List.of(contexts)),
                new UserInformation(maxPduLength, "1.2.826.0.1.3680043.9.7433.1", "GB_TEST", null, List.of()));
    }

    public static AssociateRequest verification(String calling, String called) {
        return request(calling, called, 16384, context(1, VERIFICATION, TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN));
    }

    public static Association open(int port, AssociateRequest request) throws IOException {
        return AssociationRequestor.open(new InetSocketAddress("127.0.0.1", port), request, Duration.ofSeconds(10));
    }

    /** Sends a request without data set and reads its one response. */
    public static Command exchange(Association association, PresentationContext context, Command request) throws IOException {
        association.send(context, request, null);
        DimseMessage response = association.readMessage();
        if (response == null) {
            throw new IOException("association released instead of a response");
        }
        return response.command();
    }
}
