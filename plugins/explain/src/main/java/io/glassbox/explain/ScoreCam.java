package io.glassbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.glassbox.plugin.api.ExplanationMethod;

/**
 * Score-CAM (Wang et al., 2020), gradient-free: each channel's map is upsampled to the input, scaled to
 * [0, 1] and multiplied into the input; the channel's weight is the target class's probability for that
 * masked input, {@code softmax(f(X ∘ M_k))_c}, as in the authors' implementation. (The paper writes it as the
 * increase over a baseline input; subtracting a baseline's score is not neutral, since it removes
 * {@code score(baseline) · Σ_k A_k} from the map, and a network that scores the baseline highly — one never
 * trained on blank images may — would get an empty map.) Runs the whole network {@code K} times per image, in
 * chunks: slow, but needs no gradient.
 */
public final class ScoreCam extends ClassActivationMap {

    /** Masked inputs per forward pass. */
    private final int chunkSize;

    public ScoreCam() {
        this(32);
    }

    public ScoreCam(int chunkSize) {
        super(ExplanationMethod.SCORE_CAM);
        this.chunkSize = chunkSize;
    }

    @Override
    protected NDArray weights(ExplanationContext context, int[] targets) {
        int n = context.batchSize();
        int channels = context.channels();
        int h = context.layerHeight();
        int w = context.layerWidth();
        int inputChannels = (int) context.input().getShape().get(1);
        int height = context.inputHeight();
        int width = context.inputWidth();
        float[] activations = context.features().toFloatArray();
        float[] input = context.input().toFloatArray();
        int plane = height * width;
        int inputSize = inputChannels * plane;
        int classes = context.classes();
        float[] weights = new float[n * channels];
        for (int i = 0; i < n; i++) {
            for (int first = 0; first < channels; first += chunkSize) {
                int count = Math.min(chunkSize, channels - first);
                float[] masked = new float[count * inputSize];
                for (int j = 0; j < count; j++) {
                    int k = first + j;
                    float[] layerMap = new float[h * w];
                    System.arraycopy(activations, (i * channels + k) * h * w, layerMap, 0, h * w);
                    float[] mask = MapResampling.scaleToUnitRange(MapResampling.bilinear(layerMap, w, h, width, height));
                    for (int c = 0; c < inputChannels; c++) {
                        int source = i * inputSize + c * plane;
                        int target = j * inputSize + c * plane;
                        for (int p = 0; p < plane; p++) {
                            masked[target + p] = input[source + p] * mask[p];
                        }
                    }
                }
                try (NDManager scratch = context.manager().newSubManager()) {
                    NDArray batch = scratch.create(masked, new Shape(count, inputChannels, height, width))
                            .toDevice(context.input().getDevice(), false);
                    float[] probabilities = context.network().scores(batch).softmax(1).toFloatArray();
                    for (int j = 0; j < count; j++) {
                        weights[i * channels + first + j] = probabilities[j * classes + targets[i]];
                    }
                }
            }
        }
        return context.manager().create(weights, new Shape(n, channels, 1, 1));
    }
}
