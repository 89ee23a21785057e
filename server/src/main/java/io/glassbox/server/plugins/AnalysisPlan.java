package io.glassbox.server.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.glassbox.plugin.api.AnalysisRequest;
import io.glassbox.plugin.api.ExplanationMethod;
import io.glassbox.plugin.api.ExplanationOffer;
import io.glassbox.plugin.api.OutputClass;
import io.glassbox.plugin.api.PluginManifest;
import io.glassbox.server.dispatch.JobExecutor.PermanentFailure;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one job asks of its plugin, from the routing rule's parameters checked against the plugin's manifest:
 * <ul>
 * <li>{@code method}: the explanation method ({@code grad-cam}, {@code score-cam}, …); default: the manifest's;</li>
 * <li>{@code targetLayer}: the layer the map is taken at; default: the manifest's;</li>
 * <li>{@code classes}: the finding classes to report and explain (each gets its own result series); default:
 * every finding class of the manifest;</li>
 * <li>{@code batchSize}: images per plugin call; default: the manifest's preferred batch size.</li>
 * </ul>
 * Anything else in the parameters is refused, so that a misspelt one is not silently ignored.
 */
record AnalysisPlan(ExplanationMethod method, String targetLayer, List<OutputClass> classes, int batchSize) {

    static final Set<String> PARAMETERS = Set.of("method", "targetLayer", "classes", "batchSize");
    static final int MAX_BATCH = 256;

    static AnalysisPlan of(PluginManifest manifest, JsonNode parameters) throws PermanentFailure {
        JsonNode p = parameters == null || parameters.isNull() ? com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.objectNode() : parameters;
        for (Iterator<String> names = p.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!PARAMETERS.contains(name)) {
                throw new PermanentFailure("unknown parameter '" + name + "' for plugin " + manifest.id()
                        + "; known: " + PARAMETERS.stream().sorted().toList());
            }
        }
        ExplanationOffer offer = manifest.explanations();
        if (offer.methods().isEmpty()) {
            throw new PermanentFailure("plugin " + manifest.id() + " " + manifest.version()
                    + " offers no explanation method; Glassbox stores every finding with its heatmap");
        }
        ExplanationMethod method = offer.defaultMethod();
        if (p.hasNonNull("method")) {
            try {
                method = ExplanationMethod.fromId(p.get("method").asText());
            } catch (IllegalArgumentException e) {
                throw new PermanentFailure(e.getMessage());
            }
            if (!offer.methods().contains(method)) {
                throw new PermanentFailure("plugin " + manifest.id() + " does not offer " + method.id() + "; it offers "
                        + offer.methods().stream().map(ExplanationMethod::id).toList());
            }
        }
        String layer = offer.defaultTargetLayer();
        if (p.hasNonNull("targetLayer")) {
            layer = p.get("targetLayer").asText();
            if (!offer.targetLayers().contains(layer)) {
                throw new PermanentFailure("plugin " + manifest.id() + " has no target layer '" + layer
                        + "'; it offers " + offer.targetLayers());
            }
        }
        List<OutputClass> classes = new ArrayList<>();
        if (p.hasNonNull("classes")) {
            JsonNode list = p.get("classes");
            if (!list.isArray() || list.isEmpty()) {
                throw new PermanentFailure("parameter classes must be a non-empty list of class ids");
            }
            for (JsonNode id : list) {
                Optional<OutputClass> found = manifest.outputClasses().stream()
                        .filter(c -> c.id().equals(id.asText())).findFirst();
                if (found.isEmpty() || !found.get().finding()) {
                    throw new PermanentFailure("'" + id.asText() + "' is not a finding class of " + manifest.id()
                            + "; its finding classes are " + findingIds(manifest));
                }
                if (!classes.contains(found.get())) {
                    classes.add(found.get());
                }
            }
        } else {
            manifest.outputClasses().stream().filter(OutputClass::finding).forEach(classes::add);
        }
        int batch = manifest.resources().preferredBatchSize();
        if (p.hasNonNull("batchSize")) {
            batch = p.get("batchSize").asInt(0);
            if (batch < 1 || batch > MAX_BATCH) {
                throw new PermanentFailure("parameter batchSize must be between 1 and " + MAX_BATCH);
            }
        }
        return new AnalysisPlan(method, layer, List.copyOf(classes), batch);
    }

    /** Maps for every reported class with the one method, at the layer, normalised to 0..1 as results store them. */
    AnalysisRequest request() {
        return new AnalysisRequest(classes.stream().map(OutputClass::id).toList(), List.of(method),
                Optional.of(targetLayer), true);
    }

    private static List<String> findingIds(PluginManifest manifest) {
        return manifest.outputClasses().stream().filter(OutputClass::finding).map(OutputClass::id).toList();
    }
}
