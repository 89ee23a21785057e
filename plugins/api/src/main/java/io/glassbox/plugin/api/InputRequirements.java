package io.glassbox.plugin.api;

/**
 * What the network takes: an image of {@code width × height} with {@code channels} channels. Every decoded
 * image is resampled to that size as a whole, its values mapped by {@code intensity}, then normalised as
 * {@code (value - normalisationMean) / normalisationStd}. {@link InputPreprocessor} does exactly this, so what
 * the manifest declares and what the plugin computes cannot drift apart.
 */
public record InputRequirements(int width, int height, int channels, IntensityHandling intensity,
                                double normalisationMean, double normalisationStd) {

    public InputRequirements {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("input size must be positive, was " + width + "×" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
        }
        if (intensity == null) {
            throw new IllegalArgumentException("intensity handling is required");
        }
        if (!(normalisationStd > 0)) {
            throw new IllegalArgumentException("normalisation std must be positive, was " + normalisationStd);
        }
    }
}
