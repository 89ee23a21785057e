package io.glassbox.server.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.plugin.api.AnalysisRequest;
import io.glassbox.plugin.api.DecodedImage;
import io.glassbox.plugin.api.DiagnosticPlugin;
import io.glassbox.plugin.api.ExplanationMethod;
import io.glassbox.plugin.api.Heatmap;
import io.glassbox.plugin.api.ImageAttributes;
import io.glassbox.plugin.api.ImageResult;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built-in plugin runs inside the server: loaded from the staged distribution in its own class loader,
 * DJL and libtorch from the shared runtime layer, none of it on the server's class path.
 */
@QuarkusTest
class BuiltInPluginTest {

    @Inject
    PluginRegistry registry;

    @Test
    void djlIsNotOnTheServersClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("ai.djl.engine.Engine", false,
                BuiltInPluginTest.class.getClassLoader()));
    }

    @Test
    void theBuiltInPluginOpensAndAnalysesAHeadCtSliceThroughItsOwnClassLoader() throws Exception {
        InstalledPlugin installed = registry.all().stream()
                .filter(p -> p.manifest() != null && p.manifest().id().equals("glassbox.ct-hyperdense-lesion"))
                .findFirst().orElseThrow();
        DiagnosticPlugin plugin = installed.plugin();
        assertNotSame(BuiltInPluginTest.class.getClassLoader(), plugin.getClass().getClassLoader());
        // a synthetic slice: a disk of brain (30 HU) in a skull ring (1000 HU), air around, and one bright spot
        int size = 256;
        float[] pixels = new float[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double r = Math.hypot(x - 128, y - 128);
                pixels[y * size + x] = r < 90 ? 30f : r < 98 ? 1000f : -1000f;
                if (Math.hypot(x - 100, y - 110) < 10) {
                    pixels[y * size + x] = 70f;
                }
            }
        }
        DecodedImage slice = DecodedImage.greyscale("1.2.3.4", size, size, pixels,
                ImageAttributes.empty().with("Modality", "CT").with("BodyPartExamined", "HEAD"));
        // Opened as jobs open it: once, on the configured device with its settings, shared from then on.
        DiagnosticPlugin opened = registry.opened(installed);
        assertSame(plugin, opened);
        assertSame(opened, registry.opened(installed), "opened once");
        assertEquals(0.5, opened.decisionThreshold("lesion").orElseThrow(), 1e-9, "the default threshold");
        assertTrue(opened.decisionThreshold("no-lesion").isEmpty(), "not a finding class");
        List<ImageResult> results = installed.call(() -> opened.analyse(List.of(slice, slice),
                AnalysisRequest.explain(ExplanationMethod.GRAD_CAM, ExplanationMethod.CAM).forClasses("lesion")));
        assertEquals(2, results.size());
        ImageResult result = results.get(0);
        assertEquals("1.2.3.4", result.imageId());
        assertEquals(1.0, result.scores().get("lesion") + result.scores().get("no-lesion"), 1e-5);
        assertEquals(result.scores(), results.get(1).scores(), "one image's result does not depend on its batch");
        assertEquals(2, result.heatmaps().size());
        for (Heatmap map : result.heatmaps()) {
            assertEquals("lesion", map.classId());
            assertEquals("block4", map.targetLayer());
            assertEquals(size * size, map.values().length, "maps come at the image's resolution");
            float max = 0;
            for (float v : map.values()) {
                assertTrue(v >= 0 && v <= 1, "normalised maps lie in [0, 1]");
                max = Math.max(max, v);
            }
            assertTrue(max == 0f || Math.abs(max - 1f) < 1e-6, "normalised: maximum 1 (or an empty map)");
        }
        assertEquals(2, result.timings().batchSize());
    }
}
