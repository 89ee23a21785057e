package io.glassbox.explain;

import ai.djl.ndarray.NDArray;
import io.glassbox.plugin.api.ExplanationMethod;

/** XGrad-CAM (Fu et al., 2020): gradients weighted by the activations normalised by their channel sum. */
public final class XGradCam extends ClassActivationMap {

    private static final float EPSILON = 1e-7f;

    public XGradCam() {
        super(ExplanationMethod.XGRAD_CAM);
    }

    @Override
    protected NDArray weights(ExplanationContext context, int[] targets) {
        NDArray activations = context.features();
        NDArray sums = activations.sum(new int[] {2, 3}, true).add(EPSILON);
        // Σ_ij g·A / Σ_ij A: the division by the per-channel sum moved out of the spatial sum
        return context.gradients(targets).mul(activations).sum(new int[] {2, 3}, true).div(sums);
    }
}
