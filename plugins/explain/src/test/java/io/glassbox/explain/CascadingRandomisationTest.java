package io.glassbox.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.glassbox.explain.metrics.CascadingRandomisation;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class CascadingRandomisationTest {

    private static final int IMAGES = 6;

    @Test
    void gradCamMapsDecorrelateAndTheTrainedWeightsComeBack() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            TinyNetwork tiny = new TinyNetwork(manager, false, 3, DataType.FLOAT32);
            SplitNetwork network = tiny.split();
            float[] images = images();
            Supplier<float[][]> gradCamMaps = () -> {
                try (NDManager request = manager.newSubManager()) {
                    ExplanationContext context = ExplanationContext.of(network,
                            request.create(images, new Shape(IMAGES, 1, TinyNetwork.SIZE, TinyNetwork.SIZE)));
                    CamMaps maps = new GradCam().compute(context, new int[IMAGES]);
                    float[][] upsampled = new float[IMAGES][];
                    for (int i = 0; i < IMAGES; i++) {
                        upsampled[i] = maps.upsampled(i, TinyNetwork.SIZE, TinyNetwork.SIZE, true);
                    }
                    return upsampled;
                }
            };
            float[][] before = gradCamMaps.get();
            List<CascadingRandomisation.Step> steps = CascadingRandomisation.run(List.of(
                    new CascadingRandomisation.Layer("linear", tiny.linear),
                    new CascadingRandomisation.Layer("head", tiny.head),
                    new CascadingRandomisation.Layer("trunk", tiny.trunk)), gradCamMaps, 42);
            assertEquals(3, steps.size());
            assertEquals("linear", steps.get(0).layer());
            assertEquals(IMAGES, steps.get(2).correlations().length);
            for (CascadingRandomisation.Step step : steps) {
                assertTrue(step.meanCorrelation() < 0.9, step.layer() + ": " + step.meanCorrelation());
            }
            float[][] after = gradCamMaps.get();
            for (int i = 0; i < IMAGES; i++) {
                assertArrayEquals(before[i], after[i], 0f, "trained weights restored, image " + i);
            }
            List<CascadingRandomisation.Step> again = CascadingRandomisation.run(List.of(
                    new CascadingRandomisation.Layer("linear", tiny.linear)), gradCamMaps, 42);
            assertEquals(steps.get(0).meanCorrelation(), again.get(0).meanCorrelation(), 0, "seeded: reproducible");
        }
    }

    @Test
    void aMapThatIgnoresTheModelStaysPerfectlyCorrelated() {
        // what Guided Backpropagation is accused of: a map that depends on the image only
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            TinyNetwork tiny = new TinyNetwork(manager, false, 3, DataType.FLOAT32);
            float[] images = images();
            Supplier<float[][]> edges = () -> {
                float[][] maps = new float[IMAGES][TinyNetwork.SIZE * TinyNetwork.SIZE];
                for (int i = 0; i < IMAGES; i++) {
                    for (int p = 1; p < maps[i].length; p++) {
                        int offset = i * maps[i].length;
                        maps[i][p] = Math.abs(images[offset + p] - images[offset + p - 1]);
                    }
                }
                return maps;
            };
            List<CascadingRandomisation.Step> steps = CascadingRandomisation.run(List.of(
                    new CascadingRandomisation.Layer("linear", tiny.linear),
                    new CascadingRandomisation.Layer("trunk", tiny.trunk)), edges, 1);
            steps.forEach(step -> assertEquals(1.0, step.meanCorrelation(), 1e-12));
        }
    }

    @Test
    void aSharedConstantBlockInflatesTheCorrelationThatARegionLeavesOut() {
        // two unrelated maps that share a constant block (say, air around a head) on half their pixels
        Random random = new Random(5);
        int pixels = 400;
        float[] trained = new float[pixels];
        float[] randomised = new float[pixels];
        boolean[] head = new boolean[pixels];
        for (int p = 0; p < pixels; p++) {
            head[p] = p >= pixels / 2;
            trained[p] = head[p] ? 0.5f + random.nextFloat() : 0f;
            randomised[p] = head[p] ? 0.5f + random.nextFloat() : 0f;
        }
        float[][][] calls = {{trained}, {randomised}};
        int[] call = {0};
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            TinyNetwork tiny = new TinyNetwork(manager, true, 3, DataType.FLOAT32);
            List<CascadingRandomisation.Step> steps = CascadingRandomisation.run(
                    List.of(new CascadingRandomisation.Layer("linear", tiny.linear)),
                    () -> calls[call[0]++], 1, new boolean[][] {head});
            assertTrue(steps.get(0).meanCorrelation() > 0.7, "whole map: " + steps.get(0).meanCorrelation());
            assertEquals(0.0, steps.get(0).meanCorrelationInRegion(), 0.2);
        }
    }

    private static float[] images() {
        Random random = new Random(12);
        float[] images = new float[IMAGES * TinyNetwork.SIZE * TinyNetwork.SIZE];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        return images;
    }
}
