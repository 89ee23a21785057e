package io.glassbox.plugin.api;

import java.util.List;
import java.util.Optional;

/**
 * What the host wants from one {@link DiagnosticPlugin#analyse} call besides the scores.
 *
 * @param explainClassIds the classes to produce maps for, the same for every image; empty means each image's
 *     findings (or its top class when it has none)
 * @param methods the explanation methods to run; empty means no maps
 * @param targetLayer the layer to take maps at; empty means the manifest's default
 * @param normaliseMaps whether each map is scaled to [0, 1] (its maximum becomes 1); raw maps keep the
 *     method's units, which differ between methods
 */
public record AnalysisRequest(List<String> explainClassIds, List<ExplanationMethod> methods,
                              Optional<String> targetLayer, boolean normaliseMaps) {

    public AnalysisRequest {
        explainClassIds = List.copyOf(explainClassIds);
        methods = List.copyOf(methods);
        targetLayer = targetLayer == null ? Optional.empty() : targetLayer;
    }

    /** Scores and findings only. */
    public static AnalysisRequest scoresOnly() {
        return new AnalysisRequest(List.of(), List.of(), Optional.empty(), true);
    }

    /** The manifest's default method at its default layer, for each image's findings, normalised. */
    public static AnalysisRequest defaultExplanation(PluginManifest manifest) {
        ExplanationOffer offer = manifest.explanations();
        if (offer.methods().isEmpty()) {
            return scoresOnly();
        }
        return new AnalysisRequest(List.of(), List.of(offer.defaultMethod()), Optional.empty(), true);
    }

    /** Given methods at the default layer, for each image's findings, normalised. */
    public static AnalysisRequest explain(ExplanationMethod... methods) {
        return new AnalysisRequest(List.of(), List.of(methods), Optional.empty(), true);
    }

    /** A copy that explains the given classes for every image. */
    public AnalysisRequest forClasses(String... classIds) {
        return new AnalysisRequest(List.of(classIds), methods, targetLayer, normaliseMaps);
    }
}
