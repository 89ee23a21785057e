package io.glassbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One batch seen by a network: its input, the target layer's activations and the class scores, computed once
 * and shared by every method applied to the batch. Gradients are computed on first use, once per set of
 * targets. Every array lives in the input's manager: create the input in a sub-manager per request and close
 * it afterwards.
 */
public final class ExplanationContext {

    private final SplitNetwork network;
    private final NDArray input;
    private final NDArray features;
    private final NDArray logits;
    private final Map<String, NDArray> gradients = new HashMap<>();

    private ExplanationContext(SplitNetwork network, NDArray input, NDArray features, NDArray logits) {
        this.network = network;
        this.input = input;
        this.features = features;
        this.logits = logits;
    }

    /** Runs the network on {@code input} ({@code N × C × H × W}), keeping the target layer's activations. */
    public static ExplanationContext of(SplitNetwork network, NDArray input) {
        NDArray features = network.features(input);
        if (features.getShape().dimension() != 4) {
            throw new IllegalArgumentException("the target layer must give N×K×h×w activations, gave "
                    + features.getShape());
        }
        return new ExplanationContext(network, input, features, network.head(features));
    }

    public SplitNetwork network() {
        return network;
    }

    public NDArray input() {
        return input;
    }

    /** Target-layer activations, {@code N × K × h × w}. */
    public NDArray features() {
        return features;
    }

    /** Class scores before softmax, {@code N × classes}. */
    public NDArray logits() {
        return logits;
    }

    public NDManager manager() {
        return features.getManager();
    }

    public int batchSize() {
        return (int) features.getShape().get(0);
    }

    public int channels() {
        return (int) features.getShape().get(1);
    }

    public int layerHeight() {
        return (int) features.getShape().get(2);
    }

    public int layerWidth() {
        return (int) features.getShape().get(3);
    }

    public int inputHeight() {
        return (int) input.getShape().get(2);
    }

    public int inputWidth() {
        return (int) input.getShape().get(3);
    }

    public int classes() {
        return (int) logits.getShape().get(1);
    }

    /** ∂(score of each image's target class)/∂(activations), {@code N × K × h × w}; through the head only. */
    public NDArray gradients(int[] targets) {
        checkTargets(targets);
        return gradients.computeIfAbsent(Arrays.toString(targets),
                key -> GradientPasses.headGradient(network, features, oneHot(targets)));
    }

    /** Rows of {@code N × classes} with a one at each image's target class. */
    public NDArray oneHot(int[] targets) {
        checkTargets(targets);
        int classes = classes();
        float[] rows = new float[targets.length * classes];
        for (int i = 0; i < targets.length; i++) {
            rows[i * classes + targets[i]] = 1f;
        }
        return manager().create(rows, new Shape(targets.length, classes));
    }

    private void checkTargets(int[] targets) {
        if (targets.length != batchSize()) {
            throw new IllegalArgumentException("one target per image: " + batchSize() + " images, "
                    + targets.length + " targets");
        }
        for (int target : targets) {
            if (target < 0 || target >= classes()) {
                throw new IllegalArgumentException("target class " + target + " outside 0.." + (classes() - 1));
            }
        }
    }
}
