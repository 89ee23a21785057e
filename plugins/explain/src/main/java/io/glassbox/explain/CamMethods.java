package io.glassbox.explain;

import io.glassbox.plugin.api.ExplanationMethod;
import java.util.Arrays;
import java.util.List;

/**
 * Every method this library offers: one class per method of the plugin API's {@link ExplanationMethod}, which is
 * the single list of methods (their ids, names and whether they need gradients). The switch in {@link #of} has
 * no default, so a method added to the API does not compile here until its class is named.
 */
public final class CamMethods {

    /** In the API's order, the order the reports list them. */
    public static final List<ClassActivationMap> ALL = Arrays.stream(ExplanationMethod.values())
            .map(CamMethods::of).toList();

    private CamMethods() {
    }

    /** A new instance of the class that implements {@code method}. */
    public static ClassActivationMap of(ExplanationMethod method) {
        return switch (method) {
            case CAM -> new Cam();
            case GRAD_CAM -> new GradCam();
            case GRAD_CAM_PLUS_PLUS -> new GradCamPlusPlus();
            case HIRES_CAM -> new HiResCam();
            case XGRAD_CAM -> new XGradCam();
            case LAYER_CAM -> new LayerCam();
            case SCORE_CAM -> new ScoreCam();
            case ABLATION_CAM -> new AblationCam();
        };
    }

    /** By the API's id ({@code grad-cam}) or constant name, in any case; unknown ids are refused. */
    public static ClassActivationMap byId(String id) {
        ExplanationMethod method = ExplanationMethod.fromId(id);
        return ALL.stream().filter(m -> m.method() == method).findFirst().orElseThrow();
    }
}
