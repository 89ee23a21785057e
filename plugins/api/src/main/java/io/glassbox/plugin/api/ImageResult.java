package io.glassbox.plugin.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The analysis of one image.
 *
 * @param imageId the {@link DecodedImage#imageId()} it belongs to
 * @param scores each output class's probability, in the manifest's class order
 * @param findings the finding classes predicted for this image (empty: nothing found)
 * @param heatmaps one per requested class and method
 */
public record ImageResult(String imageId, Map<String, Double> scores, List<String> findings, List<Heatmap> heatmaps,
                          Timings timings) {

    public ImageResult {
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
        findings = List.copyOf(findings);
        heatmaps = List.copyOf(heatmaps);
    }
}
