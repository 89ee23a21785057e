package io.glassbox.plugin.api;

import java.util.Arrays;
import java.util.Locale;

/**
 * The explanation methods a plugin may offer: the class activation map family. Guided Backpropagation and
 * Guided Grad-CAM are deliberately absent: their maps barely change when the model's weights are randomised
 * (Adebayo et al., 2018), so they do not explain the model.
 *
 * <p>This enum is the one list of methods: the explanation library implements each constant in one class that
 * declares it, and maps every constant to that class in one exhaustive switch.
 */
public enum ExplanationMethod {
    /** Class activation mapping (Zhou et al., 2016): only for a global-average-pooling + linear head. */
    CAM("cam", "CAM", false),
    /** Channel weights are the spatially averaged gradients (Selvaraju et al., 2017). */
    GRAD_CAM("grad-cam", "Grad-CAM", true),
    /** Second-order weighting of positive gradients (Chattopadhay et al., 2018). */
    GRAD_CAM_PLUS_PLUS("grad-cam++", "Grad-CAM++", true),
    /** Element-wise gradient × activation, summed over channels (Draelos and Carin, 2020). */
    HIRES_CAM("hirescam", "HiResCAM", true),
    /** Gradients weighted by normalised activations (Fu et al., 2020). */
    XGRAD_CAM("xgrad-cam", "XGrad-CAM", true),
    /** Element-wise positive gradient × activation (Jiang et al., 2021). */
    LAYER_CAM("layercam", "LayerCAM", true),
    /** Gradient-free: each channel weighted by the score of the image masked with it (Wang et al., 2020). */
    SCORE_CAM("score-cam", "Score-CAM", false),
    /** Gradient-free: each channel weighted by the score drop when it is removed (Desai and Ramaswamy, 2020). */
    ABLATION_CAM("ablation-cam", "Ablation-CAM", false);

    private final String id;
    private final String displayName;
    private final boolean gradientBased;

    ExplanationMethod(String id, String displayName, boolean gradientBased) {
        this.id = id;
        this.displayName = displayName;
        this.gradientBased = gradientBased;
    }

    /** The method's name as its authors and docs/explainability.md write it ({@code Grad-CAM++}), for readers. */
    public String displayName() {
        return displayName;
    }

    /** The stable name used in manifests, requests, records and DICOM derivation descriptions. */
    public String id() {
        return id;
    }

    public boolean gradientBased() {
        return gradientBased;
    }

    /** Accepts the id ({@code grad-cam}) or the constant's name ({@code GRAD_CAM}), in any case. */
    public static ExplanationMethod fromId(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(m -> m.id.equals(value) || m.name().toLowerCase(Locale.ROOT).equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown explanation method '" + text
                        + "'; known: " + Arrays.stream(values()).map(ExplanationMethod::id).toList()));
    }
}
