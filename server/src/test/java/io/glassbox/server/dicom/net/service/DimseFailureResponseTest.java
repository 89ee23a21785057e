package io.glassbox.server.dicom.net.service;

import io.glassbox.server.dicom.net.assoc.Association;
import io.glassbox.server.dicom.net.assoc.AssociationAcceptor;
import io.glassbox.server.dicom.net.assoc.AssociationObserver;
import io.glassbox.server.dicom.net.assoc.Command;
import io.glassbox.server.dicom.net.assoc.DimseMessage;
import io.glassbox.server.dicom.net.assoc.PresentationContext;
import io.glassbox.server.dicom.net.assoc.Requests;
import io.glassbox.server.dicom.net.assoc.TransferSyntaxes;
import static io.glassbox.server.dicom.net.assoc.Requests.context;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The registry writes every failure response: a service only throws. A C-FIND service stands in for the services
 * still to come (query/retrieve, commitment), which must get their failure responses without writing any.
 */
class DimseFailureResponseTest {

    /** A C-FIND SCP that fails each request in the way its Message ID chooses. */
    private static final class FailingFindService implements DimseService {
        @Override
        public int commandField() {
            return Command.C_FIND_RQ;
        }

        @Override
        public boolean servesSopClass(String sopClassUid) {
            return Requests.STUDY_ROOT_FIND.equals(sopClassUid);
        }

        @Override
        public void onRequest(Association association, DimseMessage request) throws DimseException {
            switch (request.command().messageId()) {
                case 1 -> throw new DimseException(0xA900, "Identifier does not match SOP Class",
                        List.of(TagFromName.QueryRetrieveLevel, TagFromName.StudyInstanceUID), null);
                case 2 -> throw new IllegalStateException("index unavailable (test)");
                case 3 -> throw new java.io.UncheckedIOException(new java.io.IOException("disk full (test)"));
                default -> throw new DimseException(0xC001, null);
            }
        }
    }

    @Test
    void aServicesFailuresAreAnsweredByTheRegistryAndTheAssociationGoesOn() throws Exception {
        DimseServiceRegistry services = new DimseServiceRegistry().register(new VerificationService())
                .register(new FailingFindService());
        AssociationAcceptor acceptor = new AssociationAcceptor(TestAcceptor.settings(4, 4, java.time.Duration.ofSeconds(5)),
                services, AssociationObserver.NONE);
        acceptor.start();
        try {
            Association association = Requests.open(acceptor.localPort(), Requests.request("FAILURES",
                    TestAcceptor.AE_TITLE, 16384,
                    context(1, Requests.STUDY_ROOT_FIND, TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN),
                    context(3, Requests.VERIFICATION, TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN)));
            PresentationContext find = association.presentationContext(1);

            Command offending = Requests.exchange(association, find,
                    Command.request(Command.C_FIND_RQ, 1, Requests.STUDY_ROOT_FIND, false));
            assertEquals(0xA900, offending.status(), offending::toString);
            assertEquals(1, offending.messageIdBeingRespondedTo());
            assertEquals("Identifier does not match SOP Class", offending.errorComment());
            assertEquals(List.of(TagFromName.QueryRetrieveLevel, TagFromName.StudyInstanceUID),
                    offending.offendingElements());

            Command bug = Requests.exchange(association, find,
                    Command.request(Command.C_FIND_RQ, 2, Requests.STUDY_ROOT_FIND, false));
            assertEquals(DimseStatus.CANNOT_UNDERSTAND, bug.status(), bug::toString);
            assertEquals("Cannot find: index unavailable (test)", bug.errorComment());
            assertEquals(List.<AttributeTag>of(), bug.offendingElements());

            Command io = Requests.exchange(association, find,
                    Command.request(Command.C_FIND_RQ, 3, Requests.STUDY_ROOT_FIND, false));
            assertEquals(DimseStatus.OUT_OF_RESOURCES, io.status(), io::toString);
            assertEquals("Out of resources: disk full (test)", io.errorComment());

            Command bare = Requests.exchange(association, find,
                    Command.request(Command.C_FIND_RQ, 4, Requests.STUDY_ROOT_FIND, false));
            assertEquals(0xC001, bare.status(), bare::toString);
            assertEquals("", bare.errorComment());

            // none of them ended the association
            Command echo = Requests.exchange(association, association.presentationContext(3), Command.echoRequest(5));
            assertEquals(DimseStatus.SUCCESS, echo.status());
            association.release();
        } finally {
            acceptor.close(java.time.Duration.ofSeconds(5));
        }
    }

    @Test
    void onlyAFailureStatusCanBeThrown() {
        assertThrows(IllegalArgumentException.class, () -> new DimseException(DimseStatus.SUCCESS, "fine"));
        assertThrows(IllegalArgumentException.class, () -> new DimseException(DimseStatus.COERCION_OF_DATA_ELEMENTS, null));
        assertThrows(IllegalArgumentException.class, () -> new DimseException(0xFF00, "pending"));
    }
}
