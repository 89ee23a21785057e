package io.glassbox.explain;

import ai.djl.ndarray.NDArray;

/**
 * Grad-CAM++ (Chattopadhay et al., 2018): positive gradients weighted by
 * {@code α = g² / (2g² + Σ_ij A · g³)} (zero where the gradient is zero), summed over the map.
 */
public final class GradCamPlusPlus extends ClassActivationMap {

    private static final float EPSILON = 1e-7f;

    public GradCamPlusPlus() {
        super("grad-cam++");
    }

    @Override
    public boolean usesGradients() {
        return true;
    }

    @Override
    protected NDArray weights(ExplanationContext context, int[] targets) {
        NDArray gradients = context.gradients(targets);
        NDArray squared = gradients.square();
        NDArray cubed = squared.mul(gradients);
        NDArray activationSums = context.features().sum(new int[] {2, 3}, true);
        NDArray alpha = squared.div(squared.mul(2f).add(activationSums.mul(cubed)).add(EPSILON));
        NDArray alphaWhereGradient = alpha.mul(gradients.neq(0f).toType(alpha.getDataType(), false));
        return gradients.maximum(0f).mul(alphaWhereGradient).sum(new int[] {2, 3}, true);
    }
}
