package io.glassbox.explain;

import ai.djl.ndarray.NDArray;
import io.glassbox.plugin.api.ExplanationMethod;

/**
 * CAM (Zhou et al., 2016): the weights are the linear classifier's weights of the target class. Needs a head
 * that is global average pooling + one linear layer, and the target layer must be the last convolution.
 */
public final class Cam extends ClassActivationMap {

    public Cam() {
        super(ExplanationMethod.CAM);
    }

    @Override
    protected NDArray weights(ExplanationContext context, int[] targets) {
        NDArray classifier = context.network().gapLinearWeights().orElseThrow(() -> new UnsupportedOperationException(
                "CAM needs a global-average-pooling + linear head; use Grad-CAM for this network"));
        return context.oneHot(targets).matMul(classifier.toDevice(context.features().getDevice(), false))
                .reshape(context.batchSize(), context.channels(), 1, 1);
    }
}
