package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.pdu.AssociateReject;
import io.glassbox.server.dicom.net.pdu.AssociateRequest;
import io.glassbox.server.dicom.net.pdu.PresentationContextResult;
import io.glassbox.server.dicom.net.service.DimseStatus;
import io.glassbox.server.dicom.net.service.RecordingStoreHandler;
import io.glassbox.server.dicom.net.service.TestAcceptor;
import static io.glassbox.server.dicom.net.assoc.Requests.context;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.Glassbox;
import io.glassbox.server.testing.Dcmtk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Association establishment against dcmtk's echoscu/findscu and our own requesting side. */
class NegotiationTest {

    @TempDir
    Path directory;

    @Test
    void echoscuIsAnswered() throws Exception {
        try (TestAcceptor scp = TestAcceptor.standard(new RecordingStoreHandler(directory))) {
            Dcmtk.Result echo = Dcmtk.run("echoscu", "-v", "-aet", "ECHOSCU", "-aec", TestAcceptor.AE_TITLE,
                    "127.0.0.1", scp.port());
            assertTrue(echo.succeeded(), echo.toString());
            assertTrue(echo.output().contains("Received Echo Response (Success)"), echo.toString());
        }
    }

    @Test
    void wrongCalledAeTitleIsRejectedPermanently() throws Exception {
        try (TestAcceptor scp = TestAcceptor.standard(new RecordingStoreHandler(directory))) {
            Dcmtk.Result echo = Dcmtk.run("echoscu", "-aec", "SOMEONE_ELSE", "127.0.0.1", scp.port());
            assertFalse(echo.succeeded(), echo.toString());
            assertRejected(echo, "Rejected Permanent", "Service User", "Called AE Title Not Recognized");
        }
    }

    @Test
    void callingAeTitleNotAllowedIsRejectedPermanently() throws Exception {
        try (TestAcceptor scp = new TestAcceptor(new RecordingStoreHandler(directory), Set.of("MODALITY1", "PACS"), 4,
                16384, Duration.ofSeconds(20))) {
            Dcmtk.Result stranger = Dcmtk.run("echoscu", "-aet", "STRANGER", "-aec", TestAcceptor.AE_TITLE, "127.0.0.1",
                    scp.port());
            assertFalse(stranger.succeeded(), stranger.toString());
            assertRejected(stranger, "Rejected Permanent", "Service User", "Calling AE Title Not Recognized");
            Dcmtk.Result allowed = Dcmtk.run("echoscu", "-aet", "MODALITY1", "-aec", TestAcceptor.AE_TITLE, "127.0.0.1",
                    scp.port());
            assertTrue(allowed.succeeded(), allowed.toString());
        }
    }

    @Test
    void associationOverTheLimitIsRejectedTransientlyAndServedOnceASlotFrees() throws Exception {
        try (TestAcceptor scp = new TestAcceptor(new RecordingStoreHandler(directory), Set.of("*"), 2, 16384,
                Duration.ofSeconds(20))) {
            int port = scp.acceptor.localPort();
            Association first = Requests.open(port, Requests.verification("HOLDER1", TestAcceptor.AE_TITLE));
            Association second = Requests.open(port, Requests.verification("HOLDER2", TestAcceptor.AE_TITLE));
            assertEquals(2, scp.acceptor.activeAssociations());

            Dcmtk.Result echo = Dcmtk.run("echoscu", "-aec", TestAcceptor.AE_TITLE, "127.0.0.1", scp.port());
            assertFalse(echo.succeeded(), echo.toString());
            assertRejected(echo, "Rejected Transient", "Service Provider (Presentation Related)",
                    "Local Limit Exceeded");
            AssociationRejectedException rejected = assertThrows(AssociationRejectedException.class,
                    () -> Requests.open(port, Requests.verification("THIRD", TestAcceptor.AE_TITLE)));
            assertEquals(AssociateReject.localLimitExceeded(), rejected.reject());

            // the held associations still work, and once one is released its slot serves the next peer
            PresentationContext pc = first.presentationContext(1);
            assertEquals(DimseStatus.SUCCESS, Requests.exchange(first, pc, Command.echoRequest(1)).status());
            first.release();
            awaitActive(scp.acceptor, 1);
            Dcmtk.Result later = Dcmtk.run("echoscu", "-aec", TestAcceptor.AE_TITLE, "127.0.0.1", scp.port());
            assertTrue(later.succeeded(), later.toString());
            second.release();
        }
    }

    @Test
    void queryServicesAreNotAcceptedButStorageVerificationAndPrivateClassesAre() throws Exception {
        try (TestAcceptor scp = TestAcceptor.standard(new RecordingStoreHandler(directory))) {
            Dcmtk.Result find = Dcmtk.run("findscu", "-S", "-k", "QueryRetrieveLevel=STUDY", "-aec",
                    TestAcceptor.AE_TITLE, "127.0.0.1", scp.port());
            assertFalse(find.succeeded(), find.toString());
            assertTrue(find.output().contains("No Acceptable Presentation Contexts"), find.toString());

            String jpeg2000 = "1.2.840.10008.1.2.4.91";
            AssociateRequest request = Requests.request("PROBE", TestAcceptor.AE_TITLE, 16384,
                    context(1, Requests.VERIFICATION, TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN),
                    context(3, Requests.STUDY_ROOT_FIND, TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN),
                    context(5, "1.2.840.10008.5.1.4.1.1.2", jpeg2000, TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN),
                    context(7, "1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.5.999", TransferSyntaxes.EXPLICIT_VR_BIG_ENDIAN),
                    context(9, "1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.5.999"),
                    context(11, "1.3.6.1.4.1.9590.100.1.2.999", TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN),
                    context(13, "1.2.840.10008.5.1.4.1.1.9999.1", TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN),
                    context(15, "1.2.840.10008.5.1.4.31", TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN));
            Association association = Requests.open(scp.acceptor.localPort(), request);
            Map<Integer, PresentationContextResult> results = association.accept().presentationContexts().stream()
                    .collect(Collectors.toMap(PresentationContextResult::id, Function.identity()));
            assertEquals(PresentationContextResult.ACCEPTANCE, results.get(1).result(), "verification");
            assertEquals(PresentationContextResult.ABSTRACT_SYNTAX_NOT_SUPPORTED, results.get(3).result(), "C-FIND");
            assertEquals(new PresentationContextResult(5, PresentationContextResult.ACCEPTANCE, jpeg2000), results.get(5),
                    "the first proposed transfer syntax we accept, though compressed");
            assertEquals(new PresentationContextResult(7, PresentationContextResult.ACCEPTANCE,
                    TransferSyntaxes.EXPLICIT_VR_BIG_ENDIAN), results.get(7));
            assertEquals(PresentationContextResult.TRANSFER_SYNTAXES_NOT_SUPPORTED, results.get(9).result());
            assertEquals(PresentationContextResult.ACCEPTANCE, results.get(11).result(), "private SOP class");
            assertEquals(PresentationContextResult.ACCEPTANCE, results.get(13).result(),
                    "a storage SOP class newer than PixelMed's dictionary");
            assertEquals(PresentationContextResult.ABSTRACT_SYNTAX_NOT_SUPPORTED, results.get(15).result(),
                    "modality worklist");
            assertEquals(Glassbox.IMPLEMENTATION_CLASS_UID, association.accept().userInformation().implementationClassUid());
            assertEquals(Glassbox.IMPLEMENTATION_VERSION_NAME, association.accept().userInformation().implementationVersionName());
            assertEquals(scp.acceptor.settings().maxPduLength(), association.accept().userInformation().maxPduLength());
            assertEquals(scp.acceptor.settings().maxPduLength(), association.sendMaxPduLength(),
                    "a requestor sends no larger PDUs than the acceptor takes");
            association.release();
        }
    }

    @Test
    void anUnsupportedCommandIsAnsweredUnrecognizedOperation() throws Exception {
        try (TestAcceptor scp = TestAcceptor.standard(new RecordingStoreHandler(directory))) {
            Association association = Requests.open(scp.acceptor.localPort(),
                    Requests.request("PROBE", TestAcceptor.AE_TITLE, 16384,
                            context(1, Requests.VERIFICATION, TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN),
                            context(3, "1.2.840.10008.5.1.4.1.1.2", TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN)));
            PresentationContext verification = association.presentationContext(1);
            Command find = Requests.exchange(association, verification,
                    Command.request(Command.C_FIND_RQ, 7, Requests.VERIFICATION, false));
            assertEquals(Command.C_FIND_RQ | Command.RESPONSE_BIT, find.commandField());
            assertEquals(7, find.messageIdBeingRespondedTo());
            assertEquals(DimseStatus.UNRECOGNIZED_OPERATION, find.status());

            // a C-ECHO on a storage context: same answer, and the data set of a request is drained, not misread
            PresentationContext ct = association.presentationContext(3);
            association.send(ct, Command.request(Command.C_FIND_RQ, 8, ct.abstractSyntax(), true),
                    new java.io.ByteArrayInputStream(new byte[40000]));
            DimseMessage answer = association.readMessage();
            assertNotNull(answer);
            assertEquals(DimseStatus.UNRECOGNIZED_OPERATION, answer.command().status());
            assertNull(answer.dataSet());

            Command echo = Requests.exchange(association, verification, Command.echoRequest(9));
            assertEquals(Command.C_ECHO_RSP, echo.commandField());
            assertEquals(DimseStatus.SUCCESS, echo.status());
            assertEquals(9, echo.messageIdBeingRespondedTo());
            association.release();
        }
    }

    private static void assertRejected(Dcmtk.Result result, String... expected) {
        assertTrue(result.output().contains("Association Rejected"), result.toString());
        for (String text : expected) {
            assertTrue(result.output().contains(text), "expected '" + text + "' in " + result);
        }
    }

    static void awaitActive(AssociationAcceptor acceptor, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (acceptor.activeAssociations() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, acceptor.activeAssociations());
    }
}
