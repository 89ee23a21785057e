package io.glassbox.server.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glassbox.server.dispatch.DispatchFixture;
import io.glassbox.server.dispatch.Job;
import io.glassbox.server.dispatch.JobQueue;
import io.glassbox.server.dispatch.JobQueue.InputRef;
import io.glassbox.server.dispatch.JobQueue.NewJob;
import io.glassbox.server.dispatch.Worker;
import io.glassbox.server.index.InstanceIndex;
import io.glassbox.server.ingest.IncomingObject;
import io.glassbox.server.plugins.PluginRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One AI inference record per analysis: the built-in plugin (the one the dispatch tests run) analyses two CT
 * images through the real queue and worker, and the record names the plugin, its weights, the inputs and outputs
 * with the SHA-256 of their stored files, the preprocessing, method, layer, scores, thresholds, timings and device.
 */
@QuarkusTest
class AiInferenceRecordTest {

    private static final String PLUGIN = "glassbox.ct-hyperdense-lesion";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AuditWriter writer;

    @Inject
    DispatchFixture fixture;

    @Inject
    JobQueue queue;

    @Inject
    InstanceIndex instances;

    @Inject
    Worker worker;

    @Inject
    PluginRegistry registry;

    @BeforeEach
    void clean() throws Exception {
        fixture.clear();
    }

    @Test
    void anAnalysisLeavesOneRecordOfWhatTheModelSawSaidAndWrote() throws Exception {
        String study = DispatchFixture.uid();
        String series = DispatchFixture.uid();
        List<String> inputs = List.of(
                fixture.store(IncomingObject.Via.STOW, "", study, series, "CT", "Axial head", "HEAD"),
                fixture.store(IncomingObject.Via.STOW, "", study, series, "CT", "Axial head", "HEAD"));
        String version = registry.all().stream().filter(p -> p.manifest() != null && p.manifest().id().equals(PLUGIN))
                .findFirst().orElseThrow().manifest().version();
        List<InputRef> refs = new ArrayList<>();
        for (String sop : inputs) {
            refs.add(new InputRef(sop, sha256(sop)));
        }
        assertTrue(queue.enqueue(new NewJob(study, series, "audit-test", PLUGIN, version, Map.of(), refs)));
        long jobId = queue.list(null, study, null, 1).get(0).id();
        assertEquals(Optional.of(jobId), worker.runOnce("audit-test-worker"));
        Job job = queue.get(jobId).orElseThrow();
        assertEquals("succeeded", job.state(), () -> String.valueOf(job.lastError()));
        assertTrue(writer.flush(Duration.ofSeconds(60)));

        JsonNode list = JSON.readTree(given().queryParam("study", study).get("/api/audit/ai-records")
                .then().statusCode(200).extract().asString());
        assertEquals(1, list.size(), list::toString);
        assertEquals(jobId, list.get(0).path("jobId").asLong());
        assertEquals(PLUGIN, list.get(0).path("plugin").path("id").asText());

        JsonNode whole = JSON.readTree(given().get("/api/audit/ai-records/" + list.get(0).path("id").asLong())
                .then().statusCode(200).extract().asString());
        JsonNode record = whole.path("aiRecord");
        assertEquals(64, whole.path("hash").asText().length(), "its place in the chain");
        assertEquals(version, record.path("plugin").path("version").asText());
        assertTrue(record.path("plugin").path("weightDigest").asText().startsWith("sha256:"), record::toString);
        assertEquals("grad-cam", record.path("method").asText());
        assertEquals("block4", record.path("targetLayer").asText());
        assertEquals("cpu", record.path("device").asText());
        assertTrue(record.path("preprocessing").path("width").asInt() > 0, record::toString);
        assertTrue(record.path("preprocessing").has("intensity"), "windowing: " + record);

        Map<String, String> inputDigests = new HashMap<>();
        record.path("inputs").forEach(i -> inputDigests.put(i.path("sopInstanceUid").asText(),
                i.path("sha256").asText()));
        assertEquals(Map.of(inputs.get(0), sha256(inputs.get(0)), inputs.get(1), sha256(inputs.get(1))),
                inputDigests);

        JsonNode images = record.path("analysis").path("images");
        assertEquals(2, images.size());
        for (JsonNode image : images) {
            JsonNode result = image.path("results").get(0);
            assertTrue(result.has("score") && result.has("threshold") && result.has("present"), result::toString);
        }
        assertTrue(record.path("analysis").path("timingsMillis").path("total").asDouble() > 0);
        // every output the analysis names is in the record with the digest of its stored file
        assertFalse(record.path("outputs").isEmpty(), record::toString);
        for (JsonNode output : record.path("outputs")) {
            String uid = output.path("sopInstanceUid").asText();
            assertFalse(inputs.contains(uid));
            assertEquals(sha256(uid), output.path("sha256").asText(), uid);
            assertEquals(study, instances.find(uid).orElseThrow().studyInstanceUid());
        }
        given().get("/api/audit/ai-records/999999999").then().statusCode(404)
                .contentType("application/problem+json");
    }

    private String sha256(String sop) throws Exception {
        return instances.find(sop).orElseThrow().sha256();
    }
}
