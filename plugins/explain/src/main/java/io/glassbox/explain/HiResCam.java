package io.glassbox.explain;

import ai.djl.ndarray.NDArray;
import io.glassbox.plugin.api.ExplanationMethod;

/**
 * HiResCAM (Draelos and Carin, 2020): gradient × activation element-wise before summing over channels, so the
 * map shows where the model's score really came from. Equals Grad-CAM (up to the constant 1/hw) for a
 * global-average-pooling + linear head, whose gradients are spatially constant.
 */
public final class HiResCam extends ClassActivationMap {

    public HiResCam() {
        super(ExplanationMethod.HIRES_CAM);
    }

    @Override
    protected NDArray weights(ExplanationContext context, int[] targets) {
        return context.gradients(targets);
    }
}
