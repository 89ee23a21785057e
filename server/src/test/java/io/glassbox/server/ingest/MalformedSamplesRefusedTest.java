package io.glassbox.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.glassbox.server.dicom.net.service.DimseStatus;
import io.glassbox.server.forward.StoreScu;
import io.glassbox.server.testing.Http;
import io.glassbox.server.testing.Http.Reply;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.Multipart;
import io.glassbox.server.testing.Part10;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shared sample of broken structure (issue 8) through both doors of the real server: STOW-RS answers 409
 * with the failure and its reason, C-STORE answers a failure status, and nothing is stored or indexed.
 *
 * <p>The C-STORE sender is Glassbox's own SCU (the forwarder's), because it sends a file's data set byte for byte
 * as stored; dcmtk's storescu parses each file first and refuses to send what it cannot read, these included.
 */
@QuarkusTest
class MalformedSamplesRefusedTest {

    @TestHTTPResource("/dicomweb/studies")
    URL studies;

    @Inject
    IndexFixture index;

    @Inject
    DicomListener listener;

    @BeforeEach
    void clean() throws Exception {
        index.clear();
    }

    static Stream<Path> samples() throws Exception {
        return DicomStructureTest.malformedSamples();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void stowRsRefusesTheSampleWithAReason(Path sample) throws Exception {
        Multipart m = Multipart.of(List.of(Files.readAllBytes(sample)));
        Reply r = Http.post(studies.toString(), m.contentType(), m.close());
        assertEquals(409, r.status(), r::toString);
        JsonNode failed = r.json().path("00081198").path("Value");
        assertEquals(1, failed.size(), r::toString);
        assertEquals(DimseStatus.CANNOT_UNDERSTAND, failed.get(0).path("00081197").path("Value").get(0).asInt(),
                r::toString);
        assertTrue(failed.get(0).path("00000902").path("Value").get(0).asText().contains("(at byte "), r::toString);
        assertNothingStored();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void cStoreAnswersAFailureStatus(Path sample) throws Exception {
        byte[] file = Files.readAllBytes(sample);
        StoreScu.StoredObject object = new StoreScu.StoredObject(StructureSites.metaText(file, 0x0002),
                StructureSites.metaText(file, 0x0003), StructureSites.transferSyntax(file), sample,
                Part10.dataSetOffset(file));
        List<StoreScu.Outcome> outcomes = new StoreScu("MALFORMED", Duration.ofSeconds(20))
                .send("127.0.0.1", listener.localPort(), "GLASSBOX", List.of(object));
        assertEquals(1, outcomes.size());
        StoreScu.Outcome outcome = outcomes.get(0);
        assertFalse(outcome.delivered(), outcome::toString);
        assertEquals(DimseStatus.CANNOT_UNDERSTAND, outcome.dimseStatus(), outcome::toString);
        assertTrue(outcome.errorComment() != null && !outcome.errorComment().isBlank(), outcome::toString);
        assertNothingStored();
    }

    private void assertNothingStored() throws Exception {
        assertEquals(0, index.count("SELECT count(*) FROM instance"));
        assertEquals(0, index.count("SELECT count(*) FROM study"));
        assertEquals(0, index.filesUnder("objects"));
        assertEquals(0, index.filesUnder("incoming"));
    }
}
