package io.glassbox.explain;

import ai.djl.ndarray.NDArray;
import io.glassbox.plugin.api.ExplanationMethod;

/** Grad-CAM (Selvaraju et al., 2017): each channel weighted by its spatially averaged gradient. */
public final class GradCam extends ClassActivationMap {

    public GradCam() {
        super(ExplanationMethod.GRAD_CAM);
    }

    @Override
    protected NDArray weights(ExplanationContext context, int[] targets) {
        // PyTorch's DJL engine averages over one axis at a time only; its sum takes several
        float area = (float) context.layerHeight() * context.layerWidth();
        return context.gradients(targets).sum(new int[] {2, 3}, true).div(area);
    }
}
