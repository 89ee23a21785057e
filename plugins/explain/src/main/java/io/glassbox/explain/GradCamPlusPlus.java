package io.glassbox.explain;

import ai.djl.ndarray.NDArray;
import io.glassbox.plugin.api.ExplanationMethod;

/**
 * Grad-CAM++ (Chattopadhay et al., 2018): positive gradients weighted by
 * {@code α = g² / (2g² + Σ_ij A · g³)} (zero where the gradient is zero), summed over the map. Computed in the
 * equivalent form {@code Σ_ij ReLU(g) / (2 + Σ_ij A · g)}: where {@code g > 0}, α·g is exactly that, and
 * everywhere else {@code ReLU(g)} is zero — the same weights in half the tensor operations. It also keeps the
 * ε guard away from the g²-sized terms: pytorch-grad-cam adds its 1e-6 to {@code 2g² + Σ A g³}, which swamps
 * the weights when gradients are small (a global-average-pooling head over a 32×32 map gives gradients near
 * 1e-4, so g² ≈ 1e-8).
 */
public final class GradCamPlusPlus extends ClassActivationMap {

    private static final float EPSILON = 1e-7f;

    public GradCamPlusPlus() {
        super(ExplanationMethod.GRAD_CAM_PLUS_PLUS);
    }

    @Override
    protected NDArray weights(ExplanationContext context, int[] targets) {
        NDArray gradients = context.gradients(targets);
        NDArray activationSums = context.features().sum(new int[] {2, 3}, true);
        NDArray denominator = gradients.mul(activationSums).add(2f + EPSILON);
        return gradients.maximum(0f).div(denominator).sum(new int[] {2, 3}, true);
    }
}
