package io.glassbox.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClassActivationMapTest {

    private static NDManager root;

    @BeforeAll
    static void engine() {
        root = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void release() {
        root.close();
    }

    @Test
    void headGradientMatchesCentralFiniteDifferences() {
        try (NDManager manager = root.newSubManager()) {
            TinyNetwork tiny = new TinyNetwork(manager, false, 11, DataType.FLOAT64);
            SplitNetwork network = tiny.split();
            Random random = new Random(5);
            double[] image = new double[TinyNetwork.SIZE * TinyNetwork.SIZE];
            for (int i = 0; i < image.length; i++) {
                image[i] = random.nextDouble();
            }
            NDArray input = manager.create(image, new Shape(1, 1, TinyNetwork.SIZE, TinyNetwork.SIZE));
            ExplanationContext context = ExplanationContext.of(network, input);
            for (int target = 0; target < TinyNetwork.CLASSES; target++) {
                double[] gradient = context.gradients(new int[] {target}).toDoubleArray();
                double[] features = context.features().toDoubleArray();
                Shape shape = context.features().getShape();
                double epsilon = 1e-6;
                for (int i = 0; i < features.length; i++) {
                    double[] plus = features.clone();
                    double[] minus = features.clone();
                    plus[i] += epsilon;
                    minus[i] -= epsilon;
                    double up = network.head(manager.create(plus, shape)).toDoubleArray()[target];
                    double down = network.head(manager.create(minus, shape)).toDoubleArray()[target];
                    assertEquals((up - down) / (2 * epsilon), gradient[i], 1e-7, "element " + i + ", class " + target);
                }
            }
            assertTrue(java.util.Arrays.stream(context.gradients(new int[] {0}).toDoubleArray()).distinct().count() > 3,
                    "the 1×1-convolution head must give spatially varying gradients, or the test proves little");
        }
    }

    @Test
    void gradientsThroughTheHeadMatchAHandDerivation() {
        try (NDManager manager = root.newSubManager()) {
            TinyNetwork tiny = new TinyNetwork(manager, false, 3, DataType.FLOAT32);
            float[] image = TinyNetwork.randomImage(new Random(8));
            ExplanationContext context = ExplanationContext.of(tiny.split(), input(manager, image));
            float[] features = tiny.features(image);
            assertArrayEquals(features, context.features().toFloatArray(), 1e-5f);
            double[] expected = tiny.headGradient(features, 1);
            float[] actual = context.gradients(new int[] {1}).toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-6, "gradient element " + i);
            }
        }
    }

    @Test
    void gradCamAgreesWithAnIndependentJavaComputation() {
        try (NDManager manager = root.newSubManager()) {
            TinyNetwork tiny = new TinyNetwork(manager, false, 3, DataType.FLOAT32);
            float[] image = TinyNetwork.randomImage(new Random(8));
            ExplanationContext context = ExplanationContext.of(tiny.split(), input(manager, image));
            float largest = 0f;
            for (int target = 0; target < TinyNetwork.CLASSES; target++) {
                float[] expected = javaGradCam(tiny, image, target);
                float[] actual = new GradCam().compute(context, new int[] {target}).layerMaps()[0];
                assertArrayEquals(expected, actual, 1e-6f, "class " + target);
                largest = Math.max(largest, max(expected));
            }
            assertTrue(largest > 0, "maps of zeros would prove nothing; pick another seed");
        }
    }

    @Test
    void gradCamPlusPlusAgreesWithThePublishedFormulaComputedInJava() {
        try (NDManager manager = root.newSubManager()) {
            TinyNetwork tiny = new TinyNetwork(manager, false, 3, DataType.FLOAT32);
            float[] image = TinyNetwork.randomImage(new Random(8));
            ExplanationContext context = ExplanationContext.of(tiny.split(), input(manager, image));
            float[] a = tiny.features(image);
            int z = TinyNetwork.LAYER * TinyNetwork.LAYER;
            float largest = 0f;
            for (int target = 0; target < TinyNetwork.CLASSES; target++) {
                double[] g = tiny.headGradient(a, target);
                float[] expected = new float[z];
                for (int k = 0; k < TinyNetwork.K; k++) {
                    double sum = 0;
                    for (int p = 0; p < z; p++) {
                        sum += a[k * z + p];
                    }
                    double weight = 0;
                    for (int p = 0; p < z; p++) {
                        double gradient = g[k * z + p];
                        double alpha = gradient == 0 ? 0
                                : gradient * gradient / (2 * gradient * gradient + sum * gradient * gradient * gradient);
                        weight += Math.max(0, gradient) * alpha;
                    }
                    for (int p = 0; p < z; p++) {
                        expected[p] += (float) (weight * a[k * z + p]);
                    }
                }
                for (int p = 0; p < z; p++) {
                    expected[p] = Math.max(0, expected[p]);
                }
                float[] actual = new GradCamPlusPlus().compute(context, new int[] {target}).layerMaps()[0];
                assertArrayEquals(expected, actual, 1e-5f, "class " + target);
                largest = Math.max(largest, max(expected));
            }
            assertTrue(largest > 0, "maps of zeros would prove nothing; pick another seed");
        }
    }

    @Test
    void ablationCamAgreesWithAnIndependentJavaComputation() {
        try (NDManager manager = root.newSubManager()) {
            TinyNetwork tiny = new TinyNetwork(manager, false, 3, DataType.FLOAT32);
            float[] image = TinyNetwork.randomImage(new Random(8));
            ExplanationContext context = ExplanationContext.of(tiny.split(), input(manager, image));
            float[] a = tiny.features(image);
            int z = TinyNetwork.LAYER * TinyNetwork.LAYER;
            float largest = 0f;
            for (int target = 0; target < TinyNetwork.CLASSES; target++) {
                double original = tiny.head(a)[target];
                float[] expected = new float[z];
                for (int k = 0; k < TinyNetwork.K; k++) {
                    float[] ablated = a.clone();
                    java.util.Arrays.fill(ablated, k * z, (k + 1) * z, 0f);
                    double weight = (original - tiny.head(ablated)[target]) / Math.abs(original);
                    for (int p = 0; p < z; p++) {
                        expected[p] += (float) (weight * a[k * z + p]);
                    }
                }
                for (int p = 0; p < z; p++) {
                    expected[p] = Math.max(0, expected[p]);
                }
                float[] actual = new AblationCam().compute(context, new int[] {target}).layerMaps()[0];
                assertArrayEquals(expected, actual, 2e-5f, "class " + target);
                largest = Math.max(largest, max(expected));
            }
            assertTrue(largest > 0, "maps of zeros would prove nothing; pick another seed");
        }
    }

    @Test
    void camEqualsGradCamUpToAConstantAndHiResCamEqualsGradCamForGapHeads() {
        try (NDManager manager = root.newSubManager()) {
            TinyNetwork tiny = new TinyNetwork(manager, true, 7, DataType.FLOAT32);
            Random random = new Random(2);
            NDArray batch = batch(manager, random, 4);
            ExplanationContext context = ExplanationContext.of(tiny.split(), batch);
            int[] targets = {0, 1, 1, 0};
            CamMaps cam = new Cam().compute(context, targets);
            CamMaps gradCam = new GradCam().compute(context, targets);
            CamMaps hiRes = new HiResCam().compute(context, targets);
            int z = TinyNetwork.LAYER * TinyNetwork.LAYER;
            for (int i = 0; i < targets.length; i++) {
                float[] scaled = gradCam.layerMaps()[i].clone();
                for (int p = 0; p < scaled.length; p++) {
                    scaled[p] *= z; // for GAP + linear, α_k = w_k / Z
                }
                assertArrayEquals(cam.layerMaps()[i], scaled, 1e-5f, "CAM vs Grad-CAM, image " + i);
                assertArrayEquals(gradCam.layerMaps()[i], hiRes.layerMaps()[i], 1e-6f, "HiResCAM vs Grad-CAM, image " + i);
            }
            assertTrue(java.util.Arrays.stream(cam.layerMaps()).anyMatch(m -> max(m) > 0));
        }
    }

    @Test
    void camRefusesAHeadThatIsNotGapPlusLinear() {
        try (NDManager manager = root.newSubManager()) {
            TinyNetwork tiny = new TinyNetwork(manager, false, 7, DataType.FLOAT32);
            ExplanationContext context = ExplanationContext.of(tiny.split(), batch(manager, new Random(1), 1));
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> new Cam().compute(context, new int[] {0}));
            assertTrue(e.getMessage().contains("Grad-CAM"), e.getMessage());
        }
    }

    @Test
    void everyMethodGivesTheSameMapsInABatchAsOneImageAtATime() {
        try (NDManager manager = root.newSubManager()) {
            TinyNetwork tiny = new TinyNetwork(manager, true, 13, DataType.FLOAT32);
            Random random = new Random(9);
            float[][] images = {TinyNetwork.randomImage(random), TinyNetwork.randomImage(random),
                TinyNetwork.randomImage(random)};
            int[] targets = {1, 0, 1};
            float[] flat = new float[images.length * images[0].length];
            for (int i = 0; i < images.length; i++) {
                System.arraycopy(images[i], 0, flat, i * images[i].length, images[i].length);
            }
            ExplanationContext batch = ExplanationContext.of(tiny.split(),
                    manager.create(flat, new Shape(images.length, 1, TinyNetwork.SIZE, TinyNetwork.SIZE)));
            for (ClassActivationMap method : CamMethods.ALL) {
                CamMaps together = method.compute(batch, targets);
                for (int i = 0; i < images.length; i++) {
                    ExplanationContext single = ExplanationContext.of(tiny.split(), input(manager, images[i]));
                    CamMaps alone = method.compute(single, new int[] {targets[i]});
                    assertArrayEquals(alone.layerMaps()[0], together.layerMaps()[i], 1e-5f, method + ", image " + i);
                }
            }
        }
    }

    @Test
    void mapsAreUpsampledToTheInputAndNormalisedOnRequest() {
        try (NDManager manager = root.newSubManager()) {
            TinyNetwork tiny = new TinyNetwork(manager, true, 7, DataType.FLOAT32);
            ExplanationContext context = ExplanationContext.of(tiny.split(), batch(manager, new Random(3), 1));
            CamMaps maps = new GradCam().compute(context, new int[] {0});
            float[] raw = maps.upsampled(0, 8, 8, false);
            float[] normalised = maps.upsampled(0, 8, 8, true);
            assertEquals(64, raw.length);
            assertEquals(1f, max(normalised), 1e-6f);
            float[] layer = maps.layerMaps()[0];
            // output (1, 0) samples the layer at (0.25, -0.25 → 0): three quarters of (0, 0), one of (1, 0)
            assertEquals(0.75f * layer[0] + 0.25f * layer[1], raw[1], 1e-7f);
            assertEquals(layer[3], raw[7], 1e-7f, "the corner samples the layer's corner");
            assertTrue(max(raw) <= max(layer), "bilinear interpolation never overshoots");
        }
    }

    @Test
    void concurrentGradientPassesGiveTheSequentialResults() throws Exception {
        TinyNetwork tiny = new TinyNetwork(root, false, 17, DataType.FLOAT32);
        SplitNetwork network = tiny.split();
        Random random = new Random(6);
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            images.add(TinyNetwork.randomImage(random));
        }
        List<float[]> sequential = new ArrayList<>();
        for (float[] image : images) {
            sequential.add(gradCamOf(network, image));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (float[] image : images) {
                    Callable<float[]> task = () -> gradCamOf(network, image);
                    futures.add(pool.submit(task));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertArrayEquals(sequential.get(i % images.size()), futures.get(i).get(60, TimeUnit.SECONDS), 0f);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void methodsAreFoundByTheirIds() {
        assertEquals("grad-cam++", CamMethods.byId("GRAD-CAM++").id());
        assertEquals(8, CamMethods.ALL.size());
        assertThrows(IllegalArgumentException.class, () -> CamMethods.byId("guided-grad-cam"));
    }

    private static float[] gradCamOf(SplitNetwork network, float[] image) {
        try (NDManager request = root.newSubManager()) {
            ExplanationContext context = ExplanationContext.of(network, input(request, image));
            return new GradCam().compute(context, new int[] {1}).layerMaps()[0];
        }
    }

    private static float[] javaGradCam(TinyNetwork tiny, float[] image, int target) {
        float[] a = tiny.features(image);
        double[] gradient = tiny.headGradient(a, target);
        int z = TinyNetwork.LAYER * TinyNetwork.LAYER;
        float[] map = new float[z];
        for (int k = 0; k < TinyNetwork.K; k++) {
            double alpha = 0;
            for (int p = 0; p < z; p++) {
                alpha += gradient[k * z + p];
            }
            alpha /= z;
            for (int p = 0; p < z; p++) {
                map[p] += (float) (alpha * a[k * z + p]);
            }
        }
        for (int p = 0; p < z; p++) {
            map[p] = Math.max(0f, map[p]);
        }
        return map;
    }

    static NDArray input(NDManager manager, float[] image) {
        return manager.create(image, new Shape(1, 1, TinyNetwork.SIZE, TinyNetwork.SIZE));
    }

    static NDArray batch(NDManager manager, Random random, int n) {
        float[] flat = new float[n * TinyNetwork.SIZE * TinyNetwork.SIZE];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = random.nextFloat();
        }
        return manager.create(flat, new Shape(n, 1, TinyNetwork.SIZE, TinyNetwork.SIZE));
    }

    static float max(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }
}
