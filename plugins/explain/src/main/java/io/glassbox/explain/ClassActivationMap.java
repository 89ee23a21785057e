package io.glassbox.explain;

import ai.djl.ndarray.NDArray;
import io.glassbox.plugin.api.ExplanationMethod;

/**
 * The shared work of every CAM method: {@code map = ReLU(Σ_k w_k ∘ A_k)} over the target layer's channels
 * {@code A_k}, where each method supplies only the weights {@code w} — one per channel ({@code N × K × 1 × 1})
 * or one per activation ({@code N × K × h × w}, as HiResCAM and LayerCAM). Instances are stateless and
 * thread-safe.
 */
public abstract class ClassActivationMap {

    private final ExplanationMethod method;

    /**
     * @param method the plugin API's method this class implements: its id, name and whether it needs a gradient
     *     pass are stated there once, and {@link CamMethods} maps each API method to its class
     */
    protected ClassActivationMap(ExplanationMethod method) {
        this.method = method;
    }

    /** The plugin API's method this class implements. */
    public final ExplanationMethod method() {
        return method;
    }

    /** The method's stable name ({@code grad-cam}), the plugin API's id. */
    public final String id() {
        return method.id();
    }

    /** The weights, broadcastable to the activations' {@code N × K × h × w}. */
    protected abstract NDArray weights(ExplanationContext context, int[] targets);

    /** The maps for each image's target class, at the target layer's resolution. */
    public final CamMaps compute(ExplanationContext context, int[] targets) {
        NDArray weights = weights(context, targets);
        NDArray features = context.features();
        int n = context.batchSize();
        int channels = context.channels();
        int plane = context.layerHeight() * context.layerWidth();
        NDArray weighted;
        if (weights.getShape().get(2) == 1 && weights.getShape().get(3) == 1) {
            // one weight per channel: a batched (1×K)·(K×hw) product, without an N×K×h×w temporary
            weighted = weights.reshape(n, 1, channels).matMul(features.reshape(n, channels, plane));
        } else {
            weighted = weights.mul(features).sum(new int[] {1});
        }
        float[] values = weighted.maximum(0f).toFloatArray();
        float[][] maps = new float[n][plane];
        for (int i = 0; i < n; i++) {
            System.arraycopy(values, i * plane, maps[i], 0, plane);
        }
        return new CamMaps(method.id(), context.layerWidth(), context.layerHeight(), maps);
    }

    @Override
    public String toString() {
        return method.id();
    }
}
