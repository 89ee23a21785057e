package io.glassbox.explain;

import ai.djl.ndarray.NDArray;
import java.util.Optional;

/**
 * A classification network split at the target layer: {@code scores = head(features(input))}. Arrays a call
 * returns belong to the manager of its argument.
 */
public interface SplitNetwork {

    /** The target layer's activations, {@code N × K × h × w}, for an input batch {@code N × C × H × W}. */
    NDArray features(NDArray input);

    /** Class scores before softmax, {@code N × classes}, from target-layer activations. */
    NDArray head(NDArray features);

    /**
     * For a head that is global average pooling followed by one linear layer: that layer's weights,
     * {@code classes × K}. CAM needs them; other methods do not.
     */
    default Optional<NDArray> gapLinearWeights() {
        return Optional.empty();
    }

    /** The whole network: class scores for an input batch. */
    default NDArray scores(NDArray input) {
        return head(features(input));
    }
}
