package io.glassbox.server.dicomweb;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.glassbox.server.ingest.IncomingObject;
import io.glassbox.server.ingest.IngestOutcome;
import io.glassbox.server.ingest.IngestService;
import io.glassbox.server.testing.Http;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.TestCorpus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A 500-instance series (CT_small.dcm given 500 SOP Instance UIDs and instance numbers, as a scanner would send
 * a thin-slice series): the instance search answers all of them, in instance-number order, from one SQL query,
 * and pages through them. The timing is printed for the record; the benchmark module compares it with Orthanc.
 */
@QuarkusTest
public class QidoLargeSeriesTest {

    static final int INSTANCES = 500;

    @TestHTTPResource("/")
    URL base;

    @Inject
    IndexFixture index;

    @Inject
    IngestService ingest;

    /** Leaves the shared test database empty for the test classes that run after this one in the same JVM. */
    @AfterEach
    void leaveNothingBehind() throws Exception {
        index.clear();
    }

    @Test
    void fiveHundredInstanceSeries() throws Exception {
        index.clear();
        AttributeList template = new AttributeList();
        template.read(TestCorpus.file("CT_small.dcm").toString());
        String study = "2.25.1" + System.nanoTime();
        String series = study + ".1";
        // Instance numbers sent in reverse so that the answer's order is the server's doing, not the arrival order.
        for (int n = INSTANCES; n >= 1; n--) {
            AttributeList list = template;
            list.replaceWithValueIfPresent(TagFromName.StudyInstanceUID, study);
            list.replaceWithValueIfPresent(TagFromName.SeriesInstanceUID, series);
            list.replaceWithValueIfPresent(TagFromName.SOPInstanceUID, series + "." + n);
            list.replaceWithValueIfPresent(TagFromName.MediaStorageSOPInstanceUID, series + "." + n);
            list.replaceWithValueIfPresent(TagFromName.InstanceNumber, Integer.toString(n));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
            IngestOutcome outcome = ingest.ingest(new IncomingObject(IncomingObject.Via.STOW, "", null, null, null,
                    new ByteArrayInputStream(out.toByteArray())));
            assertTrue(outcome.success(), outcome::toString);
        }
        String service = base.toString().replaceAll("/$", "");
        String path = "/dicomweb/studies/" + study + "/series/" + series + "/instances";

        ObjectMapper json = new ObjectMapper();
        List<Long> millis = new ArrayList<>();
        JsonNode answer = null;
        for (int k = 0; k < 20; k++) {
            long start = System.nanoTime();
            Http.Reply reply = Http.get(service + path, "application/dicom+json");
            millis.add((System.nanoTime() - start) / 1_000_000);
            assertEquals(200, reply.status(), reply::toString);
            answer = reply.json();
        }
        assertEquals(INSTANCES, answer.size());
        for (int k = 0; k < INSTANCES; k++) {
            assertEquals(k + 1, answer.get(k).path("00200013").path("Value").get(0).asInt(), "instance-number order");
            assertEquals(series + "." + (k + 1), answer.get(k).path("00080018").path("Value").get(0).asText());
            assertEquals(16, answer.get(k).path("00280100").path("Value").get(0).asInt());
        }
        JsonNode page = json.readTree(given().get(path + "?limit=100&offset=250").then().statusCode(200).extract()
                .asByteArray());
        assertEquals(100, page.size());
        assertEquals(251, page.get(0).path("00200013").path("Value").get(0).asInt());

        JsonNode seriesResult = json.readTree(given().get("/dicomweb/studies/" + study + "/series").then()
                .statusCode(200).extract().asByteArray());
        assertEquals(INSTANCES, seriesResult.get(0).path("00201209").path("Value").get(0).asInt());

        List<Long> sorted = millis.subList(5, millis.size()).stream().sorted().toList(); // after warm-up
        System.out.printf("QIDO-RS %d-instance series: median %d ms, min %d ms, max %d ms over %d requests%n",
                INSTANCES, sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1), sorted.size());
    }
}
