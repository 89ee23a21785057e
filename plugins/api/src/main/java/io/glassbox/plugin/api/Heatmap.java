package io.glassbox.plugin.api;

/**
 * One explanation map for one image and one class, at the image's own resolution ({@code width × height},
 * row by row), non-negative.
 *
 * @param normalised whether the values were scaled to [0, 1]
 * @param batchMillis wall time the method took for the whole batch this image was in (maps of one batch are
 *     computed together)
 */
public record Heatmap(String classId, ExplanationMethod method, String targetLayer, int width, int height,
                      float[] values, boolean normalised, double batchMillis) {

    public Heatmap {
        if (values == null || values.length != width * height) {
            throw new IllegalArgumentException("a " + width + "×" + height + " heatmap needs " + width * height
                    + " values");
        }
    }
}
