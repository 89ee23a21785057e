package io.glassbox.server.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.glassbox.server.ingest.DicomListener;
import io.glassbox.server.testing.Dcmtk;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.Multipart;
import io.glassbox.server.testing.TestCorpus;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each door's operations produce their audit message, with the participants and objects PS3.15 A.5.3 asks for:
 * C-STORE from dcmtk's storescu (one message per association), a refused association, STOW-RS, QIDO-RS, WADO-RS,
 * a study's results read for review and a routing rule change.
 */
@QuarkusTest
class AuditedEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CT_STUDY = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";
    private static final String CT_SERIES = "1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322";
    private static final String CT_SOP = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
    private static final String MR_STUDY = "1.3.6.1.4.1.5962.1.2.4.20040826185059.5457";
    private static final String MR_SOP = "1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457";
    private static final String SC_STUDY = "1.3.6.1.4.1.5962.1.2.8.20040826185059.5457";
    private static final String SC_SOP = "1.3.6.1.4.1.5962.1.1.8.1.3.20040826185059.5457";

    @Inject
    AuditWriter writer;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    IndexFixture index;

    @Inject
    DicomListener listener;

    private long mark;

    @BeforeEach
    void markTheTrail() throws Exception {
        index.clear();
        assertTrue(writer.flush(Duration.ofSeconds(60)));
        mark = newest();
    }

    @Test
    void aCStoreAssociationIsOneTransferredMessageListingItsInstances() throws Exception {
        Dcmtk.Result store = Dcmtk.run("storescu", "-aet", "MODALITY", "-aec", "GLASSBOX", "127.0.0.1",
                Integer.toString(listener.localPort()), TestCorpus.file("CT_small.dcm").toString(),
                TestCorpus.file("MR_small.dcm").toString());
        assertTrue(store.succeeded(), store::toString);

        JsonNode event = awaitOne("110104", "C");
        assertEquals(0, event.path("event").path("outcome").asInt());
        JsonNode source = participant(event, "MODALITY");
        assertTrue(source.path("requestor").asBoolean());
        assertEquals("127.0.0.1", source.path("networkAccessPoint").asText());
        assertEquals("110153", source.path("role").path("code").asText());
        assertEquals("110152", participant(event, "GLASSBOX").path("role").path("code").asText());
        assertEquals(List.of(CT_SOP), instances(event, CT_STUDY, "1.2.840.10008.5.1.4.1.1.2"));
        assertEquals(List.of(MR_SOP), instances(event, MR_STUDY, "1.2.840.10008.5.1.4.1.1.4"));
        assertEquals(Set.of("1CT1", "4MR1"), ids(event, "2"));
    }

    @Test
    void aRefusedAssociationIsASecurityAlert() throws Exception {
        Dcmtk.Result echo = Dcmtk.run("echoscu", "-aet", "INTRUDER", "-aec", "NOT-GLASSBOX", "127.0.0.1",
                Integer.toString(listener.localPort()));
        assertFalse(echo.succeeded(), echo::toString);

        JsonNode event = awaitOne("110113", "E");
        assertEquals("110126", event.path("event").path("types").get(0).path("code").asText());
        assertEquals(4, event.path("event").path("outcome").asInt());
        JsonNode peer = participant(event, "INTRUDER");
        assertTrue(peer.path("requestor").asBoolean());
        assertEquals("127.0.0.1", peer.path("networkAccessPoint").asText());
        assertEquals(Set.of("127.0.0.1"), ids(event, "110182"));
    }

    @Test
    void stowQidoWadoAndReviewEachWriteTheirMessage() throws Exception {
        Multipart m = Multipart.of(List.of(Files.readAllBytes(TestCorpus.file("JPEG2000.dcm"))));
        given().contentType(m.contentType()).body(m.close()).post("/dicomweb/studies").then().statusCode(200);
        JsonNode stow = awaitOne("110104", "C");
        JsonNode client = participant(stow, "anonymous");
        assertTrue(client.path("requestor").asBoolean());
        assertEquals("110153", client.path("role").path("code").asText());
        assertEquals("127.0.0.1", client.path("networkAccessPoint").asText());
        assertEquals(List.of(SC_SOP), instances(stow, SC_STUDY, "1.2.840.10008.5.1.4.1.1.7"));
        assertEquals(Set.of("8NM1"), ids(stow, "2"));

        given().queryParam("PatientID", "8NM1").get("/dicomweb/studies").then().statusCode(200);
        JsonNode query = awaitOne("110112", "E");
        assertTrue(participant(query, "anonymous").path("requestor").asBoolean());
        JsonNode queryObject = object(query, "110181");
        assertEquals(AuditCodes.STUDY_ROOT_FIND, queryObject.path("id").asText());
        assertEquals("/dicomweb/studies?PatientID=8NM1", queryObject.path("query").asText());

        Dcmtk.Result store = Dcmtk.run("storescu", "-aet", "MODALITY", "-aec", "GLASSBOX", "127.0.0.1",
                Integer.toString(listener.localPort()), TestCorpus.file("CT_small.dcm").toString());
        assertTrue(store.succeeded(), store::toString);
        awaitOne("110104", "C");

        given().accept("multipart/related; type=\"application/dicom\"")
                .get("/dicomweb/studies/" + CT_STUDY + "/series/" + CT_SERIES + "/instances/" + CT_SOP)
                .then().statusCode(200);
        JsonNode wado = awaitOne("110104", "R");
        assertEquals("110152", participant(wado, "anonymous").path("role").path("code").asText());
        assertEquals("110153", participant(wado, "GLASSBOX").path("role").path("code").asText());
        assertEquals(List.of(CT_SOP), instances(wado, CT_STUDY, ""));
        assertEquals(Set.of("1CT1"), ids(wado, "2"));

        given().get("/api/studies/" + CT_STUDY + "/results");
        JsonNode review = awaitOne("110103", "R");
        assertEquals(Set.of(CT_STUDY), ids(review, "110180"));
        assertEquals(Set.of("1CT1"), ids(review, "2"));
        assertTrue(participant(review, "anonymous").path("requestor").asBoolean());
    }

    @Test
    void aRoutingRuleChangeIsASecurityAlertNamingTheResource() throws Exception {
        String current = given().get("/api/routing-rules").then().statusCode(200).extract().asString();
        given().contentType("application/json").body(current).put("/api/routing-rules").then().statusCode(200);
        JsonNode change = awaitOne("110113", "E");
        assertEquals("110131", change.path("event").path("types").get(0).path("code").asText());
        assertEquals(0, change.path("event").path("outcome").asInt());
        assertEquals(Set.of("/api/routing-rules"), ids(change, "12"));
        assertTrue(participant(change, "anonymous").path("requestor").asBoolean());

        given().contentType("application/json").body("{\"rules\": [{\"plugin\": 7}]}").put("/api/routing-rules")
                .then().statusCode(400);
        JsonNode refused = awaitOne("110113", "E");
        assertEquals(4, refused.path("event").path("outcome").asInt(), "a refused change is recorded as such");
    }

    @Test
    void theApplicationsStartIsRecorded() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM audit_record WHERE event_id = '110100' "
                     + "AND event_type = '110120'")) {
            rs.next();
            assertTrue(rs.getLong(1) >= 1, "an Application Start record");
        }
    }

    /** Waits (polling, a generous deadline) for exactly one new record of the event and action since the mark. */
    private JsonNode awaitOne(String eventId, String action) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<JsonNode> found;
        do {
            assertTrue(writer.flush(Duration.ofSeconds(60)));
            found = since(eventId, action);
        } while (found.isEmpty() && System.nanoTime() < deadline && pause());
        assertEquals(1, found.size(), () -> "one " + eventId + "/" + action + " record expected");
        mark = found.get(0).path("seq").asLong();
        return found.get(0);
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(100);
        return true;
    }

    private List<JsonNode> since(String eventId, String action) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT canonical FROM audit_record WHERE seq > ? "
                     + "AND event_id = ? AND action = ? ORDER BY seq")) {
            ps.setLong(1, mark);
            ps.setString(2, eventId);
            ps.setString(3, action);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(JSON.readTree(rs.getString(1)));
                }
            }
        }
        return out;
    }

    private long newest() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(seq), 0) FROM audit_record")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static JsonNode participant(JsonNode event, String userId) {
        for (JsonNode p : event.path("participants")) {
            if (p.path("userId").asText().equals(userId)) {
                return p;
            }
        }
        throw new AssertionError("no participant " + userId + " in " + event);
    }

    private static JsonNode object(JsonNode event, String idType) {
        for (JsonNode o : event.path("objects")) {
            if (o.path("idType").path("code").asText().equals(idType)) {
                return o;
            }
        }
        throw new AssertionError("no object of ID type " + idType + " in " + event);
    }

    private static Set<String> ids(JsonNode event, String idType) {
        Set<String> ids = new TreeSet<>();
        event.path("objects").forEach(o -> {
            if (o.path("idType").path("code").asText().equals(idType)) {
                ids.add(o.path("id").asText());
            }
        });
        return ids;
    }

    private static List<String> instances(JsonNode event, String study, String sopClass) {
        for (JsonNode o : event.path("objects")) {
            if (o.path("id").asText().equals(study)) {
                List<String> uids = new ArrayList<>();
                o.path("instances").path(sopClass).forEach(u -> uids.add(u.asText()));
                return uids;
            }
        }
        throw new AssertionError("no study " + study + " in " + event);
    }
}
