package io.glassbox.plugins.hyperdenselesion;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.glassbox.explain.BlockSplitNetwork;
import io.glassbox.explain.metrics.CascadingRandomisation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network: four 3×3 convolution blocks, then global average pooling and one linear layer (so CAM applies
 * and Grad-CAM at the last block equals it up to a constant).
 *
 * <pre>
 * input 1×128×128
 * block1  conv 16, ReLU, max-pool 2   → 16×64×64
 * block2  conv 32, ReLU, max-pool 2   → 32×32×32
 * block3  conv 32, ReLU               → 32×32×32
 * block4  conv 64, ReLU               → 64×32×32   (default target layer: one cell = 4 input pixels)
 * head    global average pooling, linear 64 → 2 (no lesion, lesion)
 * </pre>
 * The receptive field of a block4 unit is 26 input pixels (about 50 mm): a lesion with the brain around it.
 * No batch normalisation: one image's result never depends on the others in its batch, and the
 * randomisation sanity check has no running statistics to reason about. About 33 000 parameters.
 */
public final class LesionNet {

    public static final int INPUT_SIZE = 128;
    public static final String DEFAULT_TARGET_LAYER = "block4";
    /** The layers maps can be taken at, input end first. */
    public static final List<String> TARGET_LAYERS = List.of("block1", "block2", "block3", "block4");

    private final Map<String, Block> blocks = new LinkedHashMap<>();
    private final Linear classifier = Linear.builder().setUnits(2).build();
    private final SequentialBlock network = new SequentialBlock();

    public LesionNet() {
        blocks.put("block1", conv(16).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2))));
        blocks.put("block2", conv(32).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2))));
        blocks.put("block3", conv(32));
        blocks.put("block4", conv(64));
        if (!blocks.keySet().equals(new java.util.LinkedHashSet<>(TARGET_LAYERS))) {
            throw new IllegalStateException("TARGET_LAYERS must name the blocks");
        }
        blocks.values().forEach(network::add);
        network.add(Pool.globalAvgPool2dBlock()).add(classifier);
    }

    private static SequentialBlock conv(int filters) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters)
                        .build())
                .add(Activation.reluBlock());
    }

    /** The whole network, input to class scores (what training optimises and the weights file holds). */
    public SequentialBlock block() {
        return network;
    }

    /** Target layers, input end first. */
    public List<String> targetLayers() {
        return List.copyOf(blocks.keySet());
    }

    /**
     * The network split after {@code targetLayer}, sharing this network's parameters (and freezing them).
     * CAM is available at the last block only, where the head is pooling + linear.
     */
    public BlockSplitNetwork split(String targetLayer) {
        if (!blocks.containsKey(targetLayer)) {
            throw new IllegalArgumentException("no layer '" + targetLayer + "'; layers: " + targetLayers());
        }
        SequentialBlock trunk = new SequentialBlock();
        SequentialBlock head = new SequentialBlock();
        boolean inTrunk = true;
        for (Map.Entry<String, Block> entry : blocks.entrySet()) {
            (inTrunk ? trunk : head).add(entry.getValue());
            if (entry.getKey().equals(targetLayer)) {
                inTrunk = false;
            }
        }
        head.add(Pool.globalAvgPool2dBlock()).add(classifier);
        return targetLayer.equals(blocks.keySet().stream().reduce((a, b) -> b).orElseThrow())
                ? BlockSplitNetwork.withGapLinearHead(trunk, head, classifier)
                : BlockSplitNetwork.of(trunk, head);
    }

    /** The layers for the cascading randomisation check, output end first. */
    public List<CascadingRandomisation.Layer> layersFromTop() {
        List<CascadingRandomisation.Layer> layers = new ArrayList<>();
        layers.add(new CascadingRandomisation.Layer("classifier", classifier));
        List<String> names = new ArrayList<>(blocks.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            layers.add(new CascadingRandomisation.Layer(names.get(i), blocks.get(names.get(i))));
        }
        return layers;
    }
}
