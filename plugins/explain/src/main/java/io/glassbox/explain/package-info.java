/**
 * Class activation maps on DJL, for any network given as a trunk (input to the target layer) and a head
 * (target layer to class scores).
 *
 * <p>The design follows pytorch-grad-cam's {@code BaseCAM}: {@link io.glassbox.explain.ClassActivationMap}
 * does the shared work (weighting the target layer's channels, summing, ReLU) and returns maps at the target
 * layer's resolution; each method only says how it weights the channels. {@link io.glassbox.explain.CamMaps}
 * upsamples a map to the image and optionally normalises it. An {@link io.glassbox.explain.ExplanationContext}
 * holds one batch's activations so that several methods share one forward pass and one gradient pass.
 *
 * <p>Measured DJL pitfalls this package respects: the caller runs each request inside its own
 * {@code NDManager} sub-manager; parameters are frozen, so a forward pass records no graph whatever a thread's
 * grad mode is, and a backward pass adds nothing into them; gradient passes go through
 * {@link io.glassbox.explain.GradientPasses}, which serialises them because the PyTorch engine's gradient
 * collector is exclusive JVM-wide; and they backpropagate through the head only, from the target layer's
 * output taken as a leaf.
 *
 * <p>Guided Backpropagation and Guided Grad-CAM are not offered: they fail the model-parameter randomisation
 * sanity check (Adebayo et al., "Sanity Checks for Saliency Maps", NeurIPS 2018): their maps barely change
 * when the weights are randomised, so they show edges in the image rather than what the model computed.
 */
package io.glassbox.explain;
