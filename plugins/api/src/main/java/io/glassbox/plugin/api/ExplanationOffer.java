package io.glassbox.plugin.api;

import java.util.List;

/**
 * The explanations a plugin can produce.
 *
 * @param methods the methods offered
 * @param defaultMethod the one the plugin's report measured best, used when a request names none
 * @param targetLayers the layers maps can be taken at, by the plugin's own names
 * @param defaultTargetLayer the one used when a request names none
 */
public record ExplanationOffer(List<ExplanationMethod> methods, ExplanationMethod defaultMethod,
                               List<String> targetLayers, String defaultTargetLayer) {

    public ExplanationOffer {
        methods = List.copyOf(methods);
        targetLayers = List.copyOf(targetLayers);
    }

    public static ExplanationOffer none() {
        return new ExplanationOffer(List.of(), null, List.of(), null);
    }
}
