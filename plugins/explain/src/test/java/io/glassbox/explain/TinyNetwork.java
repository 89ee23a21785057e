package io.glassbox.explain;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.Random;

/**
 * A network small enough to compute by hand, with weights drawn from a seeded generator and kept as plain
 * arrays so that tests can recompute everything in Java.
 *
 * <p>Input 1×8×8. Trunk: 3×3 convolution (padding 1) to K channels, ReLU, 2×2 average pooling, giving
 * activations K×4×4. Head, either "GAP + linear" ({@code gapHead}) or "1×1 convolution to M channels, ReLU,
 * GAP, linear" — the second has spatially varying gradients.
 */
final class TinyNetwork {

    static final int SIZE = 8;
    static final int K = 3;
    static final int M = 4;
    static final int CLASSES = 2;
    static final int LAYER = SIZE / 2;

    final float[] convWeight = new float[K * 9];
    final float[] convBias = new float[K];
    final float[] pointWeight = new float[M * K];
    final float[] pointBias = new float[M];
    final float[] linearWeight;
    final float[] linearBias = new float[CLASSES];
    final boolean gapHead;
    final SequentialBlock trunk = new SequentialBlock();
    final SequentialBlock head = new SequentialBlock();
    final Linear linear = Linear.builder().setUnits(CLASSES).build();
    private final Conv2d conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
            .setFilters(K).build();
    private final Conv2d pointwise = Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(M).build();

    TinyNetwork(NDManager manager, boolean gapHead, long seed, DataType type) {
        this.gapHead = gapHead;
        Random random = new Random(seed);
        fill(random, convWeight, convBias, pointWeight, pointBias);
        linearWeight = new float[CLASSES * (gapHead ? K : M)];
        fill(random, linearWeight, linearBias);
        trunk.add(conv).add(Activation.reluBlock()).add(Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        if (!gapHead) {
            head.add(pointwise).add(Activation.reluBlock());
        }
        head.add(Pool.globalAvgPool2dBlock()).add(linear);
        trunk.initialize(manager, type, new Shape(1, 1, SIZE, SIZE));
        head.initialize(manager, type, new Shape(1, K, LAYER, LAYER));
        set(conv, convWeight, convBias);
        if (!gapHead) {
            set(pointwise, pointWeight, pointBias);
        }
        set(linear, linearWeight, linearBias);
    }

    SplitNetwork split() {
        return gapHead ? BlockSplitNetwork.withGapLinearHead(trunk, head, linear) : BlockSplitNetwork.of(trunk, head);
    }

    private static void set(Block block, float[] weight, float[] bias) {
        block.getParameters().get("weight").getArray().set(asType(block, weight));
        block.getParameters().get("bias").getArray().set(asType(block, bias));
    }

    private static java.nio.Buffer asType(Block block, float[] values) {
        if (block.getParameters().get("weight").getArray().getDataType() == DataType.FLOAT64) {
            double[] doubles = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                doubles[i] = values[i];
            }
            return java.nio.DoubleBuffer.wrap(doubles);
        }
        return java.nio.FloatBuffer.wrap(values);
    }

    private static void fill(Random random, float[]... arrays) {
        for (float[] array : arrays) {
            for (int i = 0; i < array.length; i++) {
                array[i] = (float) random.nextGaussian() * 0.7f;
            }
        }
    }

    static float[] randomImage(Random random) {
        float[] image = new float[SIZE * SIZE];
        for (int i = 0; i < image.length; i++) {
            image[i] = random.nextFloat();
        }
        return image;
    }

    // ---- the same network, in plain Java ----

    /** Trunk activations K×4×4. */
    float[] features(float[] image) {
        float[] conv = new float[K * SIZE * SIZE];
        for (int k = 0; k < K; k++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    double sum = convBias[k];
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int yy = y + dy;
                            int xx = x + dx;
                            if (yy >= 0 && yy < SIZE && xx >= 0 && xx < SIZE) {
                                sum += convWeight[k * 9 + (dy + 1) * 3 + (dx + 1)] * image[yy * SIZE + xx];
                            }
                        }
                    }
                    conv[(k * SIZE + y) * SIZE + x] = (float) Math.max(0, sum);
                }
            }
        }
        float[] pooled = new float[K * LAYER * LAYER];
        for (int k = 0; k < K; k++) {
            for (int y = 0; y < LAYER; y++) {
                for (int x = 0; x < LAYER; x++) {
                    double sum = 0;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            sum += conv[(k * SIZE + 2 * y + dy) * SIZE + 2 * x + dx];
                        }
                    }
                    pooled[(k * LAYER + y) * LAYER + x] = (float) (sum / 4);
                }
            }
        }
        return pooled;
    }

    /** Class scores from trunk activations. */
    double[] head(float[] a) {
        int z = LAYER * LAYER;
        int width = gapHead ? K : M;
        double[] pooled = new double[width];
        for (int m = 0; m < width; m++) {
            double sum = 0;
            for (int p = 0; p < z; p++) {
                sum += gapHead ? a[m * z + p] : Math.max(0, pointwise(a, m, p));
            }
            pooled[m] = sum / z;
        }
        double[] scores = new double[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            scores[c] = linearBias[c];
            for (int m = 0; m < width; m++) {
                scores[c] += linearWeight[c * width + m] * pooled[m];
            }
        }
        return scores;
    }

    /** ∂score_c/∂A, K×4×4, derived by hand for the pointwise head. */
    double[] headGradient(float[] a, int c) {
        int z = LAYER * LAYER;
        double[] gradient = new double[K * z];
        for (int p = 0; p < z; p++) {
            for (int k = 0; k < K; k++) {
                if (gapHead) {
                    gradient[k * z + p] = linearWeight[c * K + k] / z;
                    continue;
                }
                double sum = 0;
                for (int m = 0; m < M; m++) {
                    if (pointwise(a, m, p) > 0) {
                        sum += linearWeight[c * M + m] * pointWeight[m * K + k] / z;
                    }
                }
                gradient[k * z + p] = sum;
            }
        }
        return gradient;
    }

    private double pointwise(float[] a, int m, int p) {
        int z = LAYER * LAYER;
        double sum = pointBias[m];
        for (int k = 0; k < K; k++) {
            sum += pointWeight[m * K + k] * a[k * z + p];
        }
        return sum;
    }
}
