package io.glassbox.plugin.api;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A diagnostic model the server can run. Implementations have a public no-argument constructor that does no
 * work beyond building the manifest (no weights, no native libraries): the host instantiates every installed
 * plugin at start-up just to list and validate it.
 *
 * <p>Threading: the host calls {@link #open} once, then {@link #analyse} from any number of threads at once
 * (an implementation serialises internally what its engine cannot run concurrently), then {@link #close} once
 * after every {@code analyse} has returned. The host sets the thread context class loader to the plugin's
 * class loader around every call.
 */
public interface DiagnosticPlugin extends AutoCloseable {

    /** What this plugin is and accepts; constant for the life of the instance, available before {@link #open}. */
    PluginManifest manifest();

    /**
     * Loads the model onto a device.
     *
     * @throws PluginException when the weights cannot be loaded or the device is not supported
     */
    void open(PluginConfiguration configuration, ComputeDevice device) throws PluginException;

    /**
     * Analyses a batch of images. The result list has one entry per image, in the same order.
     *
     * @throws PluginException when an image does not meet the manifest's requirements or the engine fails;
     *     the batch then has no partial result
     */
    List<ImageResult> analyse(List<DecodedImage> images, AnalysisRequest request) throws PluginException;

    /**
     * The score at or above which this open instance reports {@code classId} as a finding (its {@link
     * ImageResult#findings()} follow it). The host records it with every finding, so that a reader and an auditor
     * see what the decision was measured against. Empty when the class is not a finding or the plugin does not
     * decide by one threshold; the host then refuses to report that class.
     */
    default OptionalDouble decisionThreshold(String classId) {
        return OptionalDouble.empty();
    }

    /**
     * The model's validation report as a JSON object, as the plugin's own measurement wrote it: how well each
     * explanation method's maps point at the finding, how much they explain the score (deletion and insertion
     * against a random map) and whether they pass the randomisation sanity check. The host publishes it with the
     * plugin ({@code GET /api/plugins}) so that a viewer can say how far a method's map can be trusted; the fields
     * are described in {@code docs/explainability.md}. Available before {@link #open} (it reads no weights), constant
     * for the life of the instance. Empty when the plugin publishes none.
     */
    default Optional<String> validationReport() {
        return Optional.empty();
    }

    /** Releases the model and its native memory. Idempotent; never throws. */
    @Override
    void close();
}
