package io.glassbox.server.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.glassbox.server.testing.Dcmtk;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code GET /api/audit/records}: filters, JSON whose records hash to their chain hash, and DICOM audit XML in which
 * every message validates against the PS3.15 A.5.1 schema (kept in the test resources, its source named there),
 * checked by jing.
 */
@QuarkusTest
class AuditExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCHEMA = Path.of("src/test/resources/io/glassbox/server/audit/dicom-audit-message.rnc");

    @Inject
    AuditWriter writer;

    @TempDir
    Path temp;

    @Test
    void everyKindOfMessageExportsAsXmlValidAgainstTheStandardsSchema() throws Exception {
        long mark = newest();
        String study = "1.2.826.0.1.3680043.10.1.1";
        List<AuditEvent> events = List.of(
                AuditEvents.instancesReceived(AuditEvents.requestor("MODALITY", "127.0.0.1", AuditCodes.ROLE_SOURCE),
                        AuditEvents.self("GLASSBOX", AuditCodes.ROLE_DESTINATION),
                        Map.of(study, Map.of("1.2.840.10008.5.1.4.1.1.2", List.of(study + ".1", study + ".2"))),
                        AuditCodes.MINOR_FAILURE, "1 of 3 objects refused, the first because: <not DICOM> & more"),
                AuditEvents.query(AuditEvents.requestor("export-user", "::1", null), "GLASSBOX",
                        "/dicomweb/studies?PatientName=O'Brien*&limit=5", null, AuditCodes.SUCCESS, null),
                AuditEvents.instancesAccessed(AuditEvents.requestor("export-user", "10.0.0.7", null), "GLASSBOX",
                        study, AuditCodes.SUCCESS, null),
                AuditEvents.configurationChange(AuditEvents.requestor("export-user", "10.0.0.7", null), "GLASSBOX",
                        "/api/routing-rules", "PUT /api/routing-rules answered HTTP 200", AuditCodes.SUCCESS),
                AuditEvents.associationRefused("INTRUDER", "10.0.0.9:4242", "GLASSBOX", "association refused: "
                        + "calling AE title not recognized"),
                AuditEvents.aiInference("GLASSBOX", study, "job-7", JsonNodeFactory.instance.objectNode()
                        .put("score", 0.25).put("device", "cpu"), Instant.now()),
                AuditEvents.applicationActivity(AuditCodes.APPLICATION_START, "GLASSBOX"));
        events.forEach(e -> assertTrue(writer.record(e)));
        assertTrue(writer.flush(Duration.ofSeconds(60)));

        String xml = given().accept("application/xml").queryParam("after", mark).get("/api/audit/records")
                .then().statusCode(200).contentType("application/xml").extract().asString();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        NodeList messages = doc.getDocumentElement().getElementsByTagName("AuditMessage");
        assertTrue(messages.getLength() >= events.size(), xml);
        List<String> command = new ArrayList<>(List.of("jing", "-c", SCHEMA.toAbsolutePath().toString()));
        for (int i = 0; i < messages.getLength(); i++) {
            Path file = temp.resolve("message-" + i + ".xml");
            Files.writeString(file, serialise((Element) messages.item(i)));
            command.add(file.toString());
        }
        Dcmtk.Result jing = Dcmtk.run(Duration.ofSeconds(120), command);
        assertEquals(0, jing.exitCode(), () -> "jing (apt-get install jing; deploy/setup.sh test): " + jing);
    }

    @Test
    void recordsAreFilteredAndEachHashesToItsPlaceInTheChain() throws Exception {
        long mark = newest();
        String user = "filter-user-" + System.nanoTime();
        String study = "1.2.826.0.1.3680043.10.1.2";
        assertTrue(writer.record(AuditEvents.instancesAccessed(AuditEvents.requestor(user, "127.0.0.1", null),
                "GLASSBOX", study, AuditCodes.SUCCESS, null)));
        assertTrue(writer.record(AuditEvents.query(AuditEvents.requestor(user, "127.0.0.1", null), "GLASSBOX",
                "/dicomweb/studies", null, AuditCodes.SUCCESS, null)));
        assertTrue(writer.flush(Duration.ofSeconds(60)));

        JsonNode byUser = records(Map.of("user", user));
        assertEquals(2, byUser.size(), byUser::toString);
        for (JsonNode r : byUser) {
            assertEquals(r.path("hash").asText(), CanonicalForm.chainHash(r.path("prevHash").asText(),
                    CanonicalForm.text(r.path("record"))), "the exported record is the hashed one");
        }
        assertEquals(1, records(Map.of("user", user, "event", "110112")).size());
        assertEquals(1, records(Map.of("study", study, "after", mark)).size());
        assertEquals(0, records(Map.of("user", user, "to", "2000-01-01")).size());
        assertEquals(2, records(Map.of("user", user, "from", Instant.now().minusSeconds(3600).toString())).size());
        given().queryParam("from", "yesterday").get("/api/audit/records").then().statusCode(400)
                .contentType("application/problem+json");
        given().queryParam("limit", 0).get("/api/audit/records").then().statusCode(400)
                .contentType("application/problem+json");
    }

    private static JsonNode records(Map<String, Object> query) throws Exception {
        return JSON.readTree(given().queryParams(query).get("/api/audit/records").then().statusCode(200)
                .contentType("application/json").extract().asString());
    }

    private static long newest() throws Exception {
        JsonNode v = JSON.readTree(given().get("/api/audit/verify").then().statusCode(200).extract().asString());
        return v.path("lastSeq").asLong();
    }

    private static String serialise(Element message) throws Exception {
        StringWriter out = new StringWriter();
        TransformerFactory.newInstance().newTransformer().transform(new DOMSource(message), new StreamResult(out));
        return out.toString();
    }
}
