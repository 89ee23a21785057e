package io.glassbox.server.plugins;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glassbox.plugin.api.Concept;
import io.glassbox.plugin.api.ExplanationMethod;
import io.glassbox.plugin.api.PluginManifest;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One plugin as {@code GET /api/plugins} shows it: where it came from, whether it can be used and why not, and
 * its manifest (null when it could not even be instantiated). The JSON shape is this API's, not the plugin
 * API's: names are stable and lower case. {@code validation} is the plugin's validation report as it publishes it
 * (overall classification figures and, per explanation method, pointing game, deletion and insertion against a
 * random map and the randomisation sanity check with its verdict: docs/explainability.md); null when it
 * publishes none.
 */
public record PluginView(String id, String version, String status, String source, String location,
                         List<String> errors, Manifest manifest, ObjectNode validation) {

    /** The manifest, flattened for JSON. */
    public record Manifest(String id, String name, String version, String vendor, String intendedUse,
                           String regulatoryStatus, Accepts accepts, Input input, List<OutputClassView> outputClasses,
                           Explanations explanations, Resources resources, String modelDigest, String apiVersion) {
    }

    public record Accepts(List<String> modalities, List<String> sopClassUids, List<String> bodyParts,
                          String imageKind) {
    }

    public record Input(int width, int height, int channels, String intensity, Double windowCentre,
                        Double windowWidth, double normalisationMean, double normalisationStd) {
    }

    public record OutputClassView(String id, String displayName, boolean finding, Concept concept) {
    }

    public record Explanations(List<String> methods, String defaultMethod, List<String> targetLayers,
                               String defaultTargetLayer) {
    }

    public record Resources(List<String> devices, long memoryBytes, int preferredBatchSize) {
    }

    /**
     * A directory part of an absolute path in a message: '/' not preceded by a word character, '.', ':' or '/'
     * (so URLs are left alone), then segments each ending in '/'.
     */
    private static final Pattern DIRECTORIES = Pattern.compile("(?<![\\w.:/])/(?:[^/\\s'\"`:]+/)+");

    /**
     * The listing is open, so it names a plugin by its jar or folder name and never by where the server keeps it
     * (the log at start-up has the full path): the location is the file name, and the errors lose the directory
     * part of every absolute path they quote.
     */
    static PluginView of(InstalledPlugin plugin) {
        PluginManifest m = plugin.manifest();
        String fileName = plugin.location().getFileName().toString();
        List<String> errors = plugin.errors().stream().map(PluginView::withoutDirectories).toList();
        return new PluginView(m == null ? fileName : m.id(), m == null ? null : m.version(), lower(plugin.status()),
                lower(plugin.source()), fileName, errors, m == null ? null : manifest(m),
                plugin.validation());
    }

    static String withoutDirectories(String message) {
        return message == null ? null : DIRECTORIES.matcher(message).replaceAll("");
    }

    private static Manifest manifest(PluginManifest m) {
        Accepts accepts = m.accepts() == null ? null : new Accepts(sorted(m.accepts().modalities()),
                sorted(m.accepts().sopClassUids()), sorted(m.accepts().bodyParts()),
                m.accepts().imageKind() == null ? null : lower(m.accepts().imageKind()));
        Input input = m.input() == null ? null : new Input(m.input().width(), m.input().height(), m.input().channels(),
                lower(m.input().intensity().kind()), finite(m.input().intensity().windowCentre()),
                finite(m.input().intensity().windowWidth()), m.input().normalisationMean(),
                m.input().normalisationStd());
        Explanations explanations = m.explanations() == null ? null : new Explanations(
                m.explanations().methods().stream().map(ExplanationMethod::id).toList(),
                m.explanations().defaultMethod() == null ? null : m.explanations().defaultMethod().id(),
                m.explanations().targetLayers(), m.explanations().defaultTargetLayer());
        Resources resources = m.resources() == null ? null : new Resources(
                m.resources().devices().stream().map(PluginView::lower).sorted().toList(), m.resources().memoryBytes(),
                m.resources().preferredBatchSize());
        return new Manifest(m.id(), m.name(), m.version(), m.vendor(), m.intendedUse(),
                m.regulatoryStatus() == null ? null : lower(m.regulatoryStatus()), accepts, input,
                m.outputClasses().stream().map(c -> new OutputClassView(c.id(), c.displayName(), c.finding(),
                        c.concept())).toList(),
                explanations, resources, m.modelDigest(), m.apiVersion());
    }

    private static List<String> sorted(java.util.Set<String> values) {
        return values.stream().sorted().toList();
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
