package io.glassbox.plugin.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a plugin declares about itself. The host validates it ({@link #problems()}) before it lists the plugin
 * as usable, and records it with every result.
 *
 * @param id stable identifier, lower case ({@code glassbox.ct-hyperdense-lesion}); with {@code version} it
 *     names one installation, so two versions of one plugin can be installed side by side
 * @param version the plugin's version (semantic versioning: {@code 1.2.0}, {@code 0.1.0-SNAPSHOT})
 * @param intendedUse what it is for and what it is not for, in plain words
 * @param regulatoryStatus whether it is a medical device; research demonstrations say they are not
 * @param modelDigest {@code sha256:} and the hex digest of the model's weights, for the audit trail and the
 *     device UID of AI results (it changes exactly when the weights do); null for a plugin without weights
 * @param apiVersion the plugin API version the plugin was built against: write {@link PluginApi#VERSION} (a
 *     compile-time constant, so the value compiled into the plugin stays); the host refuses a plugin whose API
 *     version it cannot run ({@link PluginApi#incompatibility})
 */
public record PluginManifest(String id, String name, String version, String vendor, String intendedUse,
                             RegulatoryStatus regulatoryStatus, Acceptance accepts, InputRequirements input,
                             List<OutputClass> outputClasses, ExplanationOffer explanations,
                             ResourceNeeds resources, String modelDigest, String apiVersion) {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?");

    public PluginManifest {
        outputClasses = outputClasses == null ? List.of() : List.copyOf(outputClasses);
    }

    /** The output class by id. */
    public OutputClass outputClass(String classId) {
        return outputClasses.stream().filter(c -> c.id().equals(classId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no output class '" + classId + "' in " + id));
    }

    /**
     * Everything wrong with this manifest, one sentence each; empty when it is valid. The host refuses to use
     * a plugin whose manifest has problems and lists them as its load errors.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (id == null || !ID.matcher(id).matches()) {
            problems.add("id must be 1-128 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit; was '"
                    + id + "'");
        }
        requireText(problems, "name", name);
        if (version == null || !VERSION.matcher(version).matches()) {
            problems.add("version must be a semantic version such as 1.2.0; was '" + version + "'");
        }
        requireText(problems, "vendor", vendor);
        requireText(problems, "intended use", intendedUse);
        if (regulatoryStatus == null) {
            problems.add("regulatory status is required (NOT_A_MEDICAL_DEVICE for research demonstrations)");
        }
        if (accepts == null) {
            problems.add("accepts is required");
        } else if (accepts.imageKind() == null) {
            problems.add("accepts.imageKind is required");
        }
        if (input == null) {
            problems.add("input requirements are required");
        }
        if (outputClasses.isEmpty()) {
            problems.add("at least one output class is required");
        }
        Set<String> classIds = new HashSet<>();
        for (OutputClass outputClass : outputClasses) {
            if (outputClass == null || outputClass.id() == null || outputClass.id().isBlank()) {
                problems.add("every output class needs an id");
            } else if (!classIds.add(outputClass.id())) {
                problems.add("output class id '" + outputClass.id() + "' appears twice");
            } else if (outputClass.concept() != null && outputClass.concept().problem() != null) {
                problems.add("output class '" + outputClass.id() + "': " + outputClass.concept().problem());
            } else if (outputClass.finding() && outputClass.concept() == null) {
                problems.add("finding class '" + outputClass.id() + "' needs a concept (code value, coding scheme, "
                        + "meaning) for the reports that code it");
            }
        }
        if (outputClasses.stream().noneMatch(c -> c != null && c.finding())) {
            problems.add("at least one output class must be a finding");
        }
        if (modelDigest != null && !DIGEST.matcher(modelDigest).matches()) {
            problems.add("model digest must be 'sha256:' and 64 lower-case hex digits; was '" + modelDigest + "'");
        }
        if (apiVersion == null || apiVersion.isBlank()) {
            problems.add("apiVersion is required: the plugin API version the plugin was built against "
                    + "(PluginApi.VERSION)");
        } else if (!PluginApi.isWellFormed(apiVersion)) {
            problems.add("apiVersion must be major.minor, such as " + PluginApi.VERSION + "; was '" + apiVersion + "'");
        }
        checkExplanations(problems);
        if (resources == null) {
            problems.add("resource needs are required");
        } else {
            if (resources.devices().isEmpty()) {
                problems.add("resources.devices must name at least one device kind");
            }
            if (resources.preferredBatchSize() < 1) {
                problems.add("resources.preferredBatchSize must be at least 1");
            }
            if (resources.memoryBytes() < 0) {
                problems.add("resources.memoryBytes must not be negative");
            }
        }
        return List.copyOf(problems);
    }

    private void checkExplanations(List<String> problems) {
        if (explanations == null) {
            problems.add("explanations are required (ExplanationOffer.none() when the plugin offers none)");
            return;
        }
        if (explanations.methods().isEmpty()) {
            return;
        }
        if (explanations.defaultMethod() == null || !explanations.methods().contains(explanations.defaultMethod())) {
            problems.add("the default explanation method must be one of the methods offered");
        }
        if (explanations.targetLayers().isEmpty()) {
            problems.add("explanations need at least one target layer");
        } else if (!explanations.targetLayers().contains(explanations.defaultTargetLayer())) {
            problems.add("the default target layer must be one of the target layers offered");
        }
    }

    private static void requireText(List<String> problems, String what, String value) {
        if (value == null || value.isBlank()) {
            problems.add(what + " is required");
        }
    }
}
