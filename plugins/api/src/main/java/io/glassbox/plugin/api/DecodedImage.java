package io.glassbox.plugin.api;

/**
 * One decoded image, as the host hands it to a plugin.
 *
 * <p>{@code pixels} holds {@code width × height × samplesPerPixel} values, row by row, samples of one pixel
 * next to each other (RGB as R, G, B). Values are in modality units: the host has applied the Modality LUT
 * (Rescale Slope and Intercept), so a CT image arrives in Hounsfield units; the attributes still say what was
 * done (RescaleSlope, RescaleIntercept) and carry the image's own window. The array is the plugin's to read,
 * not to keep or change.
 *
 * @param imageId the host's identifier of the image (the SOP Instance UID, with a frame number for multi-frame
 *     objects); results refer to it
 */
public record DecodedImage(String imageId, int width, int height, int samplesPerPixel, float[] pixels,
                           ImageAttributes attributes) {

    public DecodedImage {
        if (imageId == null || imageId.isBlank()) {
            throw new IllegalArgumentException("imageId is required");
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, was " + width + "×" + height);
        }
        if (samplesPerPixel != 1 && samplesPerPixel != 3) {
            throw new IllegalArgumentException("samples per pixel must be 1 or 3, was " + samplesPerPixel);
        }
        long expected = (long) width * height * samplesPerPixel;
        if (pixels == null || pixels.length != expected) {
            throw new IllegalArgumentException("expected " + expected + " pixel values for " + width + "×" + height
                    + "×" + samplesPerPixel + ", got " + (pixels == null ? "none" : pixels.length));
        }
        if (attributes == null) {
            attributes = ImageAttributes.empty();
        }
    }

    /** A single-sample (greyscale) image. */
    public static DecodedImage greyscale(String imageId, int width, int height, float[] pixels,
                                         ImageAttributes attributes) {
        return new DecodedImage(imageId, width, height, 1, pixels, attributes);
    }
}
