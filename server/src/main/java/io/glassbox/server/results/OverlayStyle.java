package io.glassbox.server.results;

/**
 * How the Secondary Capture draws the heatmap over the image.
 *
 * @param opacity      the overlay's opacity where attention is 1; it falls linearly to 0 with the attention, so
 *                     regions the model ignored show the plain image (0..1)
 * @param windowCenter VOI window centre for the grey image, in modality units (HU for CT); null: the source's own
 *                     window, else its full range
 * @param windowWidth  VOI window width; given together with the centre
 */
public record OverlayStyle(double opacity, Double windowCenter, Double windowWidth) {

    public static final OverlayStyle DEFAULT = new OverlayStyle(0.55, null, null);

    public OverlayStyle {
        if (!(opacity >= 0 && opacity <= 1)) {
            throw new IllegalArgumentException("opacity must be within 0..1, got " + opacity);
        }
        if ((windowCenter == null) != (windowWidth == null)) {
            throw new IllegalArgumentException("give both window centre and width, or neither");
        }
        if (windowWidth != null && !(windowWidth >= 1)) {
            throw new IllegalArgumentException("window width must be at least 1, got " + windowWidth);
        }
    }

    /** The default opacity with a fixed window, e.g. a brain window (40, 80) for head CT. */
    public static OverlayStyle window(double center, double width) {
        return new OverlayStyle(DEFAULT.opacity(), center, width);
    }
}
