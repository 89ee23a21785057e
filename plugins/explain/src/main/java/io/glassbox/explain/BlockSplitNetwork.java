package io.glassbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.util.Optional;

/**
 * A {@link SplitNetwork} made of two DJL blocks. Freezes both blocks' parameters, so that a forward pass
 * records no autograd graph (threads start with PyTorch's grad mode on) and a backward pass through the head
 * accumulates nothing into the weights.
 */
public final class BlockSplitNetwork implements SplitNetwork {

    private final Block trunk;
    private final Block head;
    private final Parameter classifierWeight;

    private BlockSplitNetwork(Block trunk, Block head, Parameter classifierWeight) {
        this.trunk = trunk;
        this.head = head;
        this.classifierWeight = classifierWeight;
        trunk.freezeParameters(true);
        head.freezeParameters(true);
    }

    /** A network with any head; CAM is not available. */
    public static BlockSplitNetwork of(Block trunk, Block head) {
        return new BlockSplitNetwork(trunk, head, null);
    }

    /**
     * A network whose head is global average pooling followed by {@code classifier} (which must be a child of
     * {@code head}); CAM is available.
     */
    public static BlockSplitNetwork withGapLinearHead(Block trunk, Block head, Linear classifier) {
        return new BlockSplitNetwork(trunk, head, classifier.getParameters().get("weight"));
    }

    @Override
    public NDArray features(NDArray input) {
        return forward(trunk, input);
    }

    @Override
    public NDArray head(NDArray features) {
        return forward(head, features);
    }

    @Override
    public Optional<NDArray> gapLinearWeights() {
        return classifierWeight == null ? Optional.empty() : Optional.of(classifierWeight.getArray());
    }

    private static NDArray forward(Block block, NDArray input) {
        // copy=false: parameters are used where they live; the store is per call and holds nothing
        ParameterStore parameters = new ParameterStore(input.getManager(), false);
        return block.forward(parameters, new NDList(input), false).singletonOrThrow();
    }
}
