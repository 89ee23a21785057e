package io.glassbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

/**
 * Runs backward passes one at a time, JVM-wide. The PyTorch engine's gradient collector refuses a second
 * collector while one is open anywhere in the JVM (measured: it throws), so every gradient pass must be
 * serialised. The lock is the monitor of DJL's {@link GradientCollector} interface: that class is loaded once
 * by the host's shared DJL layer, so plugins in different class loaders (each with its own copy of this
 * library) still exclude each other. Code outside this library that opens a collector while plugins run must
 * hold the same monitor.
 */
public final class GradientPasses {

    private GradientPasses() {
    }

    /**
     * The gradient of {@code sum(head(x) ∘ selection)} with respect to {@code x}, where {@code x} is a copy of
     * {@code activations} detached from any graph. Only the head is differentiated.
     *
     * @param selection {@code N × classes}, typically one-hot rows picking each image's target class
     */
    public static NDArray headGradient(SplitNetwork network, NDArray activations, NDArray selection) {
        NDManager manager = activations.getManager();
        synchronized (GradientCollector.class) {
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray leaf = activations.stopGradient();
                leaf.setRequiresGradient(true);
                NDArray selected = network.head(leaf).mul(selection).sum();
                collector.backward(selected);
                return leaf.getGradient();
            }
        }
    }
}
