package io.glassbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.glassbox.plugin.api.ExplanationMethod;

/**
 * Ablation-CAM (Desai and Ramaswamy, 2020), gradient-free: channel {@code k}'s weight is the relative drop of
 * the target score when channel {@code k} of the target layer is set to zero, {@code (y − y_k) / |y|}. (The
 * paper divides by {@code y}; dividing by its magnitude keeps "a drop means the channel spoke for the class"
 * true when {@code y} is negative, and gives the paper's map whenever {@code y > 0}.) Runs the head only,
 * {@code K} times per image, in chunks.
 */
public final class AblationCam extends ClassActivationMap {

    private static final float EPSILON = 1e-7f;
    /** Upper bound on activation values held per chunk, to bound memory whatever the layer's size. */
    private static final long CHUNK_VALUES = 8L << 20;

    public AblationCam() {
        super(ExplanationMethod.ABLATION_CAM);
    }

    @Override
    protected NDArray weights(ExplanationContext context, int[] targets) {
        int n = context.batchSize();
        int channels = context.channels();
        int h = context.layerHeight();
        int w = context.layerWidth();
        float[] original = context.logits().mul(context.oneHot(targets)).sum(new int[] {1}).toFloatArray();
        float[] weights = new float[n * channels];
        long perAblation = (long) channels * h * w;
        int chunk = (int) Math.max(1, Math.min(channels, CHUNK_VALUES / (perAblation * n)));
        NDArray activations = context.features().expandDims(1);
        for (int first = 0; first < channels; first += chunk) {
            int count = Math.min(chunk, channels - first);
            // everything made in this chunk hangs off arrays created in the scratch manager, closed right after
            try (NDManager scratch = context.manager().newSubManager()) {
                float[] keep = new float[count * channels];
                java.util.Arrays.fill(keep, 1f);
                for (int j = 0; j < count; j++) {
                    keep[j * channels + first + j] = 0f; // variant j removes channel first + j
                }
                NDArray ablated = scratch.create(keep, new Shape(1, count, channels, 1, 1)).mul(activations)
                        .reshape((long) n * count, channels, h, w);
                float[] scores = context.network().head(ablated).toFloatArray();
                int classes = context.classes();
                for (int i = 0; i < n; i++) {
                    float denominator = Math.abs(original[i]) + EPSILON;
                    for (int j = 0; j < count; j++) {
                        float ablatedScore = scores[(i * count + j) * classes + targets[i]];
                        weights[i * channels + first + j] = (original[i] - ablatedScore) / denominator;
                    }
                }
            }
        }
        return context.manager().create(weights, new Shape(n, channels, 1, 1));
    }
}
