package io.glassbox.plugins.hyperdenselesion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.explain.metrics.PointingGame;
import io.glassbox.plugin.api.AnalysisRequest;
import io.glassbox.plugin.api.ComputeDevice;
import io.glassbox.plugin.api.DecodedImage;
import io.glassbox.plugin.api.DiagnosticPlugin;
import io.glassbox.plugin.api.ExplanationMethod;
import io.glassbox.plugin.api.Heatmap;
import io.glassbox.plugin.api.ImageResult;
import io.glassbox.plugin.api.PluginConfiguration;
import io.glassbox.plugin.api.PluginException;
import io.glassbox.plugin.api.PluginManifest;
import io.glassbox.plugins.hyperdenselesion.demo.Json;
import io.glassbox.plugins.hyperdenselesion.training.Evaluation;
import io.glassbox.plugins.hyperdenselesion.training.HeadCtVolume;
import io.glassbox.plugins.hyperdenselesion.training.LesionDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed weights, through the plugin contract, on held-out slices of the real head CT. */
class HyperdenseLesionPluginTest {

    private static final int PER_CLASS = 12;
    private static HyperdenseLesionPlugin plugin;
    private static List<LesionDataset.Sample> samples;

    @BeforeAll
    static void open() throws Exception {
        plugin = new HyperdenseLesionPlugin();
        plugin.open(PluginConfiguration.empty(), ComputeDevice.cpu());
        Path project = Path.of(System.getProperty("glassbox.cranium", HeadCtVolume.DEBIAN_CRANIUM.toString()));
        samples = LesionDataset.load(project).fixedSet(LesionDataset.Split.TEST, PER_CLASS, 4242);
    }

    @AfterAll
    static void close() {
        plugin.close();
    }

    @Test
    void theManifestIsValidFoundByTheServiceLoaderAndNamesTheCommittedWeights() {
        PluginManifest manifest = plugin.manifest();
        assertEquals(List.of(), manifest.problems());
        assertEquals("sha256:" + HyperdenseLesionPlugin.sha256(HyperdenseLesionPlugin.resource(HyperdenseLesionPlugin.WEIGHTS)),
                manifest.modelDigest());
        assertTrue(manifest.version().matches("\\d+\\.\\d+\\.\\d+.*"), "version filtered from the build: " + manifest.version());
        assertTrue(ServiceLoader.load(DiagnosticPlugin.class).stream()
                .anyMatch(p -> p.type() == HyperdenseLesionPlugin.class));
        assertEquals(ExplanationMethod.values().length, manifest.explanations().methods().size());
    }

    @Test
    void publishesAValidationReportOfTheseWeightsWithAVerdictForEveryOfferedMethod() {
        HyperdenseLesionPlugin fresh = new HyperdenseLesionPlugin(); // before open: the server lists it unopened
        Map<String, Object> report = Json.object(Json.parse(fresh.validationReport().orElseThrow()), "report");
        PluginManifest manifest = fresh.manifest();
        assertEquals(manifest.modelDigest(), Json.string(report, "modelDigest"), "measured on other weights");
        Map<String, Object> explanations = Json.object(report.get("explanations"), "explanations");
        double failsAt = ((Number) Json.object(explanations.get("sanityRule"), "rule").get("failsAtOrAbove"))
                .doubleValue();
        List<String> measured = new ArrayList<>();
        for (Object entry : Json.array(explanations.get("methods"), "methods")) {
            Map<String, Object> method = Json.object(entry, "method");
            measured.add(Json.string(method, "method"));
            Map<String, Object> sanity = Json.object(method.get("sanity"), "sanity");
            double correlation = ((Number) sanity.get("spearmanClassifierReinitialised")).doubleValue();
            assertEquals(correlation >= failsAt ? "fails" : "passes", Json.string(sanity, "verdict"),
                    Json.string(method, "method"));
        }
        assertEquals(manifest.explanations().methods().stream().map(ExplanationMethod::id).sorted().toList(),
                measured.stream().sorted().toList());
    }

    @Test
    void separatesHeldOutLesionsFromNormalSlicesAndItsMapsPointAtThem() throws Exception {
        List<DecodedImage> images = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            images.add(Evaluation.decoded(samples.get(i), "test-" + i));
        }
        List<ImageResult> results = plugin.analyse(images,
                AnalysisRequest.explain(ExplanationMethod.GRAD_CAM).forClasses("lesion"));
        float[] scores = new float[results.size()];
        boolean[] positive = new boolean[results.size()];
        int hits = 0;
        for (int i = 0; i < results.size(); i++) {
            ImageResult result = results.get(i);
            assertEquals("test-" + i, result.imageId());
            scores[i] = result.scores().get("lesion").floatValue();
            positive[i] = samples.get(i).positive();
            assertEquals(scores[i] >= 0.5, result.findings().contains("lesion"));
            Heatmap map = result.heatmaps().get(0);
            assertEquals(256 * 256, map.values().length);
            if (positive[i] && PointingGame.hit(map.values(), samples.get(i).lesionMask())) {
                hits++;
            }
        }
        double auc = Evaluation.rocAuc(scores, positive);
        assertTrue(auc >= 0.9, "held-out ROC AUC " + auc);
        assertTrue(hits >= PER_CLASS * 3 / 4, "Grad-CAM pointed into " + hits + " of " + PER_CLASS + " lesions");
    }

    @Test
    void aSliceStoredFaceUpOrMirroredGetsTheSameAnswerWithItsMapOnTheImageAsStored() throws Exception {
        LesionDataset.Sample sample = samples.get(0); // a lesion
        int w = sample.width();
        int h = sample.height();
        DecodedImage asTrained = Evaluation.decoded(sample, "trained");
        asTrained = new DecodedImage("trained", w, h, 1, asTrained.pixels(),
                asTrained.attributes().with("ImageOrientationPatient", "1", "0", "0", "0", "-1", "0"));
        float[] faceUp = new float[w * h];
        float[] mirrored = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                faceUp[(h - 1 - y) * w + x] = sample.hu()[y * w + x];
                mirrored[y * w + (w - 1 - x)] = sample.hu()[y * w + x];
            }
        }
        DecodedImage up = new DecodedImage("up", w, h, 1, faceUp,
                asTrained.attributes().with("ImageOrientationPatient", "1", "0", "0", "0", "1", "0"));
        DecodedImage right = new DecodedImage("right", w, h, 1, mirrored,
                asTrained.attributes().with("ImageOrientationPatient", "-1", "0", "0", "0", "-1", "0"));
        List<ImageResult> r = plugin.analyse(List.of(asTrained, up, right),
                AnalysisRequest.explain(ExplanationMethod.GRAD_CAM).forClasses("lesion"));
        assertEquals(r.get(0).scores(), r.get(1).scores(), "the network saw the same image");
        assertEquals(r.get(0).scores(), r.get(2).scores(), "the network saw the same image");
        float[] trainedMap = r.get(0).heatmaps().get(0).values();
        float[] upMap = r.get(1).heatmaps().get(0).values();
        float[] rightMap = r.get(2).heatmaps().get(0).values();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                assertEquals(trainedMap[y * w + x], upMap[(h - 1 - y) * w + x], "face-up map at " + x + "," + y);
                assertEquals(trainedMap[y * w + x], rightMap[y * w + (w - 1 - x)], "mirrored map at " + x + "," + y);
            }
        }
    }

    @Test
    void everyOfferedMethodAndLayerRunsOrSaysWhyNot() throws Exception {
        List<DecodedImage> two = List.of(Evaluation.decoded(samples.get(0), "a"), Evaluation.decoded(samples.get(1), "b"));
        List<ImageResult> results = plugin.analyse(two, new AnalysisRequest(List.of("lesion", "no-lesion"),
                List.of(ExplanationMethod.values()), Optional.empty(), false));
        assertEquals(ExplanationMethod.values().length * 2, results.get(0).heatmaps().size());
        for (Heatmap map : results.get(0).heatmaps()) {
            for (float v : map.values()) {
                assertTrue(v >= 0 && Float.isFinite(v), map.method() + " gave " + v);
            }
        }
        List<ImageResult> shallow = plugin.analyse(two, new AnalysisRequest(List.of(),
                List.of(ExplanationMethod.GRAD_CAM), Optional.of("block2"), true));
        assertEquals("block2", shallow.get(0).heatmaps().get(0).targetLayer());
        PluginException cam = assertThrows(PluginException.class, () -> plugin.analyse(two,
                new AnalysisRequest(List.of(), List.of(ExplanationMethod.CAM), Optional.of("block2"), true)));
        assertTrue(cam.getMessage().contains("CAM needs"), cam.getMessage());
        PluginException unknown = assertThrows(PluginException.class,
                () -> plugin.analyse(two, AnalysisRequest.scoresOnly().forClasses("tumour")));
        assertTrue(unknown.getMessage().contains("no output class 'tumour'"), unknown.getMessage());
    }

    @Test
    void refusesToWorkBeforeOpenAndHonoursTheThreshold() throws Exception {
        try (HyperdenseLesionPlugin closed = new HyperdenseLesionPlugin()) {
            assertThrows(PluginException.class, () -> closed.analyse(List.of(), AnalysisRequest.scoresOnly()));
        }
        try (HyperdenseLesionPlugin strict = new HyperdenseLesionPlugin()) {
            strict.open(new PluginConfiguration(Map.of("threshold", "1.01")), ComputeDevice.cpu());
            ImageResult result = strict.analyse(List.of(Evaluation.decoded(samples.get(0), "x")),
                    AnalysisRequest.scoresOnly()).get(0);
            assertEquals(List.of(), result.findings(), "no probability reaches 1.01");
        }
    }
}
