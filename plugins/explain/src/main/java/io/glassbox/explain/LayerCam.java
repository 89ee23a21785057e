package io.glassbox.explain;

import ai.djl.ndarray.NDArray;

/** LayerCAM (Jiang et al., 2021): positive gradients × activations, element-wise. */
public final class LayerCam extends ClassActivationMap {

    public LayerCam() {
        super("layercam");
    }

    @Override
    public boolean usesGradients() {
        return true;
    }

    @Override
    protected NDArray weights(ExplanationContext context, int[] targets) {
        return context.gradients(targets).maximum(0f);
    }
}
