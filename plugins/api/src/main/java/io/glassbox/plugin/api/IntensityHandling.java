package io.glassbox.plugin.api;

/**
 * How a plugin maps modality values (Hounsfield units for CT) to its network's input range.
 *
 * @param kind {@link Kind#WINDOW}: a fixed window, values {@code centre ± width/2} mapped linearly onto
 *     [0, 1] and clipped (DICOM's linear VOI LUT function, PS3.3 C.11.2.1.2); {@link Kind#MODALITY_UNITS}:
 *     the modality values as they are (rescaled to HU, no window)
 */
public record IntensityHandling(Kind kind, double windowCentre, double windowWidth) {

    public enum Kind { WINDOW, MODALITY_UNITS }

    public IntensityHandling {
        if (kind == null) {
            throw new IllegalArgumentException("intensity handling kind is required");
        }
        if (kind == Kind.WINDOW && !(windowWidth >= 1)) {
            throw new IllegalArgumentException("window width must be at least 1, was " + windowWidth);
        }
    }

    public static IntensityHandling window(double centre, double width) {
        return new IntensityHandling(Kind.WINDOW, centre, width);
    }

    public static IntensityHandling modalityUnits() {
        return new IntensityHandling(Kind.MODALITY_UNITS, Double.NaN, Double.NaN);
    }

    /** Applies this handling to one modality value. */
    public float apply(float value) {
        if (kind == Kind.MODALITY_UNITS) {
            return value;
        }
        // PS3.3 C.11.2.1.2.1: the linear function's exact breakpoints (centre - 0.5, width - 1)
        double lower = windowCentre - 0.5 - (windowWidth - 1) / 2;
        double upper = windowCentre - 0.5 + (windowWidth - 1) / 2;
        if (value <= lower) {
            return 0f;
        }
        if (value > upper) {
            return 1f;
        }
        return (float) (((value - (windowCentre - 0.5)) / (windowWidth - 1)) + 0.5);
    }
}
