package io.glassbox.explain;

import ai.djl.ndarray.NDArray;
import io.glassbox.plugin.api.ExplanationMethod;

/** LayerCAM (Jiang et al., 2021): positive gradients × activations, element-wise. */
public final class LayerCam extends ClassActivationMap {

    public LayerCam() {
        super(ExplanationMethod.LAYER_CAM);
    }

    @Override
    protected NDArray weights(ExplanationContext context, int[] targets) {
        return context.gradients(targets).maximum(0f);
    }
}
