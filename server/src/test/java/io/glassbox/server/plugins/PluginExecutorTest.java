package io.glassbox.server.plugins;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.glassbox.plugin.api.AnalysisRequest;
import io.glassbox.plugin.api.DecodedImage;
import io.glassbox.plugin.api.DiagnosticPlugin;
import io.glassbox.plugin.api.ExplanationMethod;
import io.glassbox.plugin.api.ImageResult;
import io.glassbox.server.dispatch.ClaimedJob;
import io.glassbox.server.dispatch.DispatchFixture;
import io.glassbox.server.dispatch.Job;
import io.glassbox.server.dispatch.JobExecutor;
import io.glassbox.server.dispatch.JobInput;
import io.glassbox.server.dispatch.JobQueue;
import io.glassbox.server.dispatch.JobQueue.InputRef;
import io.glassbox.server.dispatch.JobQueue.NewJob;
import io.glassbox.server.dispatch.Worker;
import io.glassbox.server.index.InstanceIndex;
import io.glassbox.server.ingest.IncomingObject;
import io.glassbox.server.ingest.IngestOutcome;
import io.glassbox.server.ingest.IngestService;
import io.glassbox.server.testing.DicomTools;
import io.glassbox.server.testing.Dcmtk;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.MultipartResponse;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job run by the built-in plugin through the real pieces: instances stored by the ingest path, the job claimed
 * from the PostgreSQL queue by a worker, pixels decoded by PixelMed, the plugin in its own class loader on DJL,
 * results written and stored as DICOM in the study, and the record a reader and an auditor get.
 */
@QuarkusTest
class PluginExecutorTest {

    static final String PLUGIN = "glassbox.ct-hyperdense-lesion";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DispatchFixture fixture;

    @Inject
    IndexFixture index;

    @Inject
    IngestService ingest;

    @Inject
    InstanceIndex instances;

    @Inject
    JobQueue queue;

    @Inject
    Worker worker;

    @Inject
    PluginExecutor executor;

    @Inject
    PluginRegistry registry;

    @TempDir
    Path temp;

    @BeforeEach
    void clean() throws Exception {
        fixture.clear();
    }

    @Test
    void aJobStoresACapturePerImageOneMapPerSeriesAndOneReportAndRecordsWhyOthersWereNotAnalysed()
            throws Exception {
        String study = DispatchFixture.uid();
        String series = DispatchFixture.uid();
        List<String> heads = List.of(storeCt(study, series, "HEAD", false), storeCt(study, series, "HEAD", false));
        String jpegLs = storeCt(study, series, "HEAD", true);
        String chest = storeCt(study, series, "CHEST", false);
        String version = version();

        long id = enqueue(study, series, version, Map.of(), List.of(heads.get(0), heads.get(1), jpegLs, chest));
        assertEquals(Optional.of(id), worker.runOnce("test-worker"));
        Job job = queue.get(id).orElseThrow();
        assertEquals("succeeded", job.state(), () -> String.valueOf(job.lastError()));
        JsonNode result = job.result();
        assertEquals("analysis", result.path("kind").asText());
        assertEquals(PLUGIN, result.path("plugin").path("id").asText());
        assertTrue(result.path("plugin").path("modelDigest").asText().startsWith("sha256:"));
        assertEquals("grad-cam", result.path("method").asText(), "the manifest's default method");
        assertEquals("block4", result.path("targetLayer").asText());
        assertEquals(2, result.path("imagesAnalysed").asInt());
        assertEquals(2, result.path("notAnalysed").size());
        String reasons = result.path("notAnalysed").toString();
        assertTrue(reasons.contains(jpegLs) && reasons.contains("1.2.840.10008.1.2.4.80"), reasons);
        assertTrue(reasons.contains(chest) && reasons.contains("does not accept"), reasons);
        for (String phase : List.of("read", "decode", "plugin", "pluginInference", "pluginExplanation", "write",
                "store", "total")) {
            assertTrue(result.path("timingsMillis").path(phase).asDouble() > 0, phase + " in " + result);
        }

        // Every analysed image: its capture, the frame of the series's map and the report, in the study, each in
        // its kind's result series. One map for the series (two frames), one report for the analysis.
        JsonNode resultSeries = result.path("resultSeries").path("lesion");
        String map = result.path("parametricMaps").get(0).path("sopInstanceUid").asText();
        String report = result.path("structuredReport").path("sopInstanceUid").asText();
        for (JsonNode image : result.path("images")) {
            JsonNode r = image.path("results").get(0);
            assertEquals("lesion", r.path("classId").asText());
            assertEquals(r.path("score").asDouble() >= r.path("threshold").asDouble(), r.path("present").asBoolean());
            assertEquals(map, r.path("parametricMap").asText());
            assertEquals(report, r.path("structuredReport").asText());
            for (String kind : List.of("secondaryCapture", "parametricMap", "structuredReport")) {
                InstanceIndex.StoredInstance stored = instances.find(r.path(kind).asText()).orElseThrow();
                assertEquals(study, stored.studyInstanceUid(), kind);
                assertEquals(resultSeries.path(kind).asText(), stored.seriesInstanceUid(), kind);
                assertEquals("RESULT", index.string("SELECT received_via FROM instance WHERE sop_instance_uid = ?",
                        stored.sopInstanceUid()));
            }
        }
        assertEquals(1, result.path("parametricMaps").size());
        JsonNode mapRecord = result.path("parametricMaps").get(0);
        assertEquals(2, mapRecord.path("numberOfFrames").asInt());
        for (JsonNode image : result.path("images")) {
            JsonNode frame = mapRecord.path("frames").get(image.path("results").get(0).path("parametricMapFrame")
                    .asInt() - 1);
            assertEquals(image.path("sopInstanceUid").asText(), frame.path("sourceSopInstanceUid").asText());
            assertEquals(1, frame.path("sourceFrame").asInt());
        }
        assertEquals(4 + 2 + 1 + 1, index.count("SELECT count(*) FROM instance"), "sources, captures, map, report");
        assertEquals(4, index.count("SELECT count(*) FROM series"), "the source series and three result series");

        // The maps as stored are the plugin's own heatmaps, the scores its own scores (the same batch run directly).
        List<String> analysed = new ArrayList<>();
        result.path("images").forEach(image -> analysed.add(image.path("sopInstanceUid").asText()));
        List<ImageResult> direct = analyseDirectly(analysed);
        float[] pixels = Attribute.getFloatValues(read(map), TagFromName.FloatPixelData);
        for (int i = 0; i < analysed.size(); i++) {
            JsonNode stored = result.path("images").get(i).path("results").get(0);
            assertEquals(direct.get(i).scores().get("lesion"), stored.path("score").asDouble(), 0.0);
            int frame = stored.path("parametricMapFrame").asInt();
            float[] values = direct.get(i).heatmaps().get(0).values();
            assertArrayEquals(values, java.util.Arrays.copyOfRange(pixels, (frame - 1) * values.length,
                    frame * values.length), "the map's frame holds the plugin's heatmap of its image unchanged");
        }
        JsonNode r = result.path("images").get(0).path("results").get(0);

        for (String kind : List.of("secondaryCapture", "parametricMap", "structuredReport")) {
            Path file = file(r.path(kind).asText());
            DicomTools.Verdict verdict = DicomTools.dciodvfy(file);
            assertEquals(List.of(), verdict.errors(), kind + ":\n" + verdict.output());
            assertTrue(DicomTools.dcmdump(file).exitCode() == 0, kind);
        }
        String description = Attribute.getSingleStringValueOrEmptyString(read(r.path("secondaryCapture").asText()),
                TagFromName.DerivationDescription);
        assertTrue(description.contains("Grad-CAM") && description.contains(version), description);

        // The reader's view of the same record, with links that work.
        JsonNode api = JSON.readTree(given().get("/api/studies/" + study + "/results").then().statusCode(200)
                .extract().asByteArray());
        JsonNode analysis = api.path("analyses").get(0);
        assertEquals("succeeded", analysis.path("state").asText());
        assertEquals(2, analysis.path("findings").size());
        JsonNode listedMap = analysis.path("parametricMaps").get(0);
        assertEquals("lesion", listedMap.path("classId").asText());
        assertEquals(map, listedMap.path("sopInstanceUid").asText());
        assertEquals(2, listedMap.path("numberOfFrames").asInt());
        assertEquals(mapRecord.path("frames"), listedMap.path("frames"));
        assertEquals(report, analysis.path("structuredReport").path("sopInstanceUid").asText());
        given().accept("multipart/related; type=\"application/dicom\"")
                .get(analysis.path("structuredReport").path("url").asText()).then().statusCode(200);
        for (int i = 0; i < 2; i++) {
            // Each finding's heatmap link is its own frame of the map (WADO-RS Retrieve Frames of the Float Pixel
            // Data): the plugin's map of that image.
            JsonNode finding = analysis.path("findings").get(i);
            int frame = finding.path("parametricMap").path("frame").asInt();
            assertEquals(listedMap.path("frames").get(frame - 1).path("sourceSopInstanceUid").asText(),
                    finding.path("sopInstanceUid").asText());
            assertEquals(listedMap.path("url").asText() + "/frames/" + frame,
                    finding.path("parametricMap").path("heatmap").asText());
            io.restassured.response.Response bulk = given()
                    .accept("multipart/related; type=\"application/octet-stream\"")
                    .get(finding.path("parametricMap").path("heatmap").asText()).then().statusCode(200).extract()
                    .response();
            byte[] heatmap = MultipartResponse.parse(bulk.contentType(), bulk.asByteArray()).get(0).body();
            float[] fromApi = new float[heatmap.length / 4];
            java.nio.ByteBuffer.wrap(heatmap).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(fromApi);
            assertArrayEquals(direct.get(analysed.indexOf(finding.path("sopInstanceUid").asText())).heatmaps().get(0)
                    .values(), fromApi, "the raw heatmap link serves the plugin's map of the finding's image");
            // Asked for as application/octet-stream itself, the same floats come single part.
            io.restassured.response.Response single = given().accept("application/octet-stream")
                    .get(finding.path("parametricMap").path("heatmap").asText()).then().statusCode(200).extract()
                    .response();
            assertEquals("application/octet-stream", single.contentType());
            assertArrayEquals(heatmap, single.asByteArray());
        }
        JsonNode finding = analysis.path("findings").get(0);
        given().accept("image/png").get(finding.path("secondaryCapture").path("rendered").asText()).then()
                .statusCode(200);
        given().get("/api/studies/" + DispatchFixture.uid() + "/results").then().statusCode(404);
    }

    @Test
    void anAttemptRunAgainAfterACrashCompletesWithoutDuplicates() throws Exception {
        String study = DispatchFixture.uid();
        String series = DispatchFixture.uid();
        String a = storeCt(study, series, "HEAD", false);
        String b = storeCt(study, series, "HEAD", false);
        long id = enqueue(study, series, version(), Map.of("batchSize", 1), List.of(a, b));
        assertEquals(Optional.of(id), worker.runOnce("test-worker"));
        long before = index.count("SELECT count(*) FROM instance");
        Job job = queue.get(id).orElseThrow();
        assertEquals("succeeded", job.state(), () -> String.valueOf(job.lastError()));

        // The same claim executed again, as a worker that died before recording success would leave it.
        List<JobInput> inputs = new ArrayList<>();
        for (String sop : List.of(a, b)) {
            InstanceIndex.StoredInstance s = instances.find(sop).orElseThrow();
            inputs.add(new JobInput(sop, s.sha256(), s.seriesInstanceUid(), "1.2.840.10008.5.1.4.1.1.2",
                    index.dataDir().resolve(s.storagePath())));
        }
        ClaimedJob again = new ClaimedJob(id, UUID.randomUUID(), 2, 5, study, series, "test", PLUGIN, version(),
                job.parameters(), job.inputDigest(), inputs);
        JsonNode second = executor.execute(again, (done, total, message) -> true);
        assertEquals(before, index.count("SELECT count(*) FROM instance"), "nothing stored twice");
        assertEquals(4, index.count("SELECT count(*) FROM series"));
        assertEquals(job.result().path("resultSeries"), second.path("resultSeries"), "the same series");
        for (JsonNode image : second.path("images")) {
            assertTrue(image.path("results").get(0).path("keptFromEarlierAttempt").asBoolean(), image::toString);
        }
        assertEquals(1, second.path("parametricMaps").size());
        assertTrue(second.path("parametricMaps").get(0).path("keptFromEarlierAttempt").asBoolean());
        assertEquals(job.result().path("parametricMaps").get(0).path("sopInstanceUid"),
                second.path("parametricMaps").get(0).path("sopInstanceUid"));
        assertTrue(second.path("structuredReport").path("keptFromEarlierAttempt").asBoolean());
        com.fasterxml.jackson.databind.node.ObjectNode report = second.path("structuredReport").deepCopy();
        report.remove("keptFromEarlierAttempt");
        assertEquals(job.result().path("structuredReport"), report, "the same report");
    }

    @Test
    void parametersAreCheckedAgainstTheManifestAndABadOneKillsTheJobWithItsReason() throws Exception {
        String study = DispatchFixture.uid();
        String series = DispatchFixture.uid();
        String sop = storeCt(study, series, "HEAD", false);
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("method", "guided-backprop"),
                Map.of("classes", List.of("no-lesion")), Map.of("targetLayer", "fc"), Map.of("treshold", 0.2))) {
            long id = enqueue(study, series, version(), bad, List.of(sop));
            worker.runOnce("test-worker");
            Job job = queue.get(id).orElseThrow();
            assertEquals("dead", job.state(), bad::toString);
            assertFalse(job.lastError().isBlank());
        }
        assertEquals(1, index.count("SELECT count(*) FROM instance"), "nothing stored");
        // A method the plugin offers besides the default: used, and named in the record.
        long id = enqueue(study, series, version(), Map.of("method", "grad-cam++"), List.of(sop));
        worker.runOnce("test-worker");
        Job job = queue.get(id).orElseThrow();
        assertEquals("succeeded", job.state(), () -> String.valueOf(job.lastError()));
        assertEquals("Grad-CAM++", job.result().path("methodName").asText());
    }

    @Test
    void theJobRecordNamesAnExecutorFailureWhenTheInstanceIsGone() throws Exception {
        ClaimedJob job = new ClaimedJob(1, UUID.randomUUID(), 1, 5, DispatchFixture.uid(), "", "test", PLUGIN,
                version(), JSON.createObjectNode(), "digest",
                List.of(new JobInput("1.2.3", "00", null, null, null)));
        JobExecutor.PermanentFailure e = org.junit.jupiter.api.Assertions.assertThrows(
                JobExecutor.PermanentFailure.class, () -> executor.execute(job, (d, t, m) -> true));
        assertTrue(e.getMessage().contains("no longer in the index"), e.getMessage());
    }

    private List<ImageResult> analyseDirectly(List<String> sops) throws Exception {
        InstalledPlugin installed = registry.find(PLUGIN, version()).orElseThrow();
        DiagnosticPlugin plugin = registry.opened(installed);
        List<DecodedImage> images = new ArrayList<>();
        for (String sop : sops) {
            images.add(FrameDecoder.decode(FrameDecoder.read(file(sop)), 1, sop));
        }
        return installed.call(() -> plugin.analyse(images, new AnalysisRequest(List.of("lesion"),
                List.of(ExplanationMethod.GRAD_CAM), Optional.of("block4"), true)));
    }

    private String version() {
        return registry.all().stream().filter(p -> p.manifest() != null && p.manifest().id().equals(PLUGIN))
                .findFirst().orElseThrow().manifest().version();
    }

    private long enqueue(String study, String series, String version, Map<String, Object> parameters,
                         List<String> sops) throws Exception {
        List<InputRef> refs = new ArrayList<>();
        for (String sop : sops) {
            refs.add(new InputRef(sop, instances.find(sop).orElseThrow().sha256()));
        }
        assertTrue(queue.enqueue(new NewJob(study, series, "test", PLUGIN, version, parameters, refs)));
        return queue.list(null, study, null, 1).get(0).id();
    }

    /** pydicom's CT_small under a new identity with the given body part; JPEG-LS compressed by dcmtk if asked. */
    private String storeCt(String study, String series, String bodyPart, boolean jpegLs) throws Exception {
        String sop = DispatchFixture.uid();
        AttributeList list = DispatchFixture.instance(study, series, sop, "CT", "Axial head");
        Attribute part = new CodeStringAttribute(TagFromName.BodyPartExamined);
        part.addValue(bodyPart);
        list.put(part);
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "TEST");
        Path file = temp.resolve(sop + ".dcm");
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        if (jpegLs) {
            Path compressed = temp.resolve(sop + "-jls.dcm");
            Dcmtk.Result r = Dcmtk.run("dcmcjpls", file.toString(), compressed.toString());
            assertTrue(r.succeeded(), r::toString);
            file = compressed;
        }
        IngestOutcome outcome = ingest.ingest(new IncomingObject(IncomingObject.Via.STOW, "", null, null, null,
                new ByteArrayInputStream(Files.readAllBytes(file))));
        assertTrue(outcome.success(), outcome::toString);
        return sop;
    }

    private Path file(String sop) throws Exception {
        return index.dataDir().resolve(instances.find(sop).orElseThrow().storagePath());
    }

    private AttributeList read(String sop) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file(sop).toString());
        return list;
    }
}
