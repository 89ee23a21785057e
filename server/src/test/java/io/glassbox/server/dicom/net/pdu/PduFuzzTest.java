package io.glassbox.server.dicom.net.pdu;

import io.glassbox.server.dicom.net.assoc.AcceptorSettings;
import io.glassbox.server.dicom.net.assoc.AssociationNegotiator;
import io.glassbox.server.dicom.net.assoc.Command;
import io.glassbox.server.dicom.net.service.DimseServiceRegistry;
import io.glassbox.server.dicom.net.service.VerificationService;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * Fuzzes what a DICOM peer's bytes reach before any DIMSE service: the PDU reader, the parsing of every PDU type
 * (A-ASSOCIATE-RQ/AC/RJ, A-ABORT, the command set of a P-DATA-TF) and association negotiation, whose accept is
 * encoded back into a PDU. Rule: a broken stream ends in {@link DicomProtocolException} (which the association
 * answers with an A-ABORT), nothing else escapes; memory stays bounded by the PDU limits. Regression inputs:
 * {@code src/test/resources/io/glassbox/server/dicom/net/PduFuzzTestInputs/}.
 */
public class PduFuzzTest {

    private static final int MAX_PDATA_LENGTH = 16_384;
    private static final AssociationNegotiator NEGOTIATOR = new AssociationNegotiator(
            new AcceptorSettings("127.0.0.1", 0, "GLASSBOX", Set.of("*"), 4, MAX_PDATA_LENGTH,
                    Duration.ofSeconds(10)),
            new DimseServiceRegistry().register(new VerificationService()));

    @FuzzTest
    void pduStream(byte[] data) throws Exception {
        fuzzerTestOneInput(data);
    }

    /** The property, also the entry point of the standalone driver in server/fuzz.sh. */
    public static void fuzzerTestOneInput(byte[] data) throws Exception {
        PduReader reader = new PduReader(new ByteArrayInputStream(data));
        try {
            Pdu pdu;
            while ((pdu = reader.read(MAX_PDATA_LENGTH)) != null) {
                switch (pdu.type()) {
                    case Pdu.A_ASSOCIATE_RQ -> {
                        AssociateRequest request = AssociateRequest.parse(pdu);
                        if (NEGOTIATOR.check(request) == null) {
                            NEGOTIATOR.accept(request).toPdu();
                        }
                    }
                    case Pdu.A_ASSOCIATE_AC -> AssociateAccept.parse(pdu);
                    case Pdu.A_ASSOCIATE_RJ -> AssociateReject.parse(pdu);
                    case Pdu.A_ABORT -> Abort.parse(pdu);
                    case Pdu.P_DATA_TF -> {
                        // item length (4), context ID (1), message control header (1), then the fragment
                        if (pdu.length() > 6) {
                            Command.parse(Arrays.copyOfRange(pdu.body(), 6, pdu.length()));
                        }
                    }
                    default -> {
                        // A-RELEASE-RQ/RP carry nothing to parse
                    }
                }
            }
        } catch (DicomProtocolException refused) {
            // the documented answer to a broken peer
        }
    }
}
