package io.glassbox.explain;

/** Resampling and scaling of maps held as row-major float arrays. */
public final class MapResampling {

    private MapResampling() {
    }

    /**
     * Bilinear resampling with pixel centres aligned (PyTorch's {@code align_corners=false}, OpenCV's
     * {@code INTER_LINEAR}): output pixel {@code x} samples the source at {@code (x + 0.5)·w/W − 0.5}, clamped
     * at the borders.
     */
    public static float[] bilinear(float[] source, int width, int height, int newWidth, int newHeight) {
        if (source.length != width * height) {
            throw new IllegalArgumentException("a " + width + "×" + height + " map needs " + width * height
                    + " values, got " + source.length);
        }
        int[] x0 = new int[newWidth];
        int[] x1 = new int[newWidth];
        float[] fx = new float[newWidth];
        axis(width, newWidth, x0, x1, fx);
        int[] y0 = new int[newHeight];
        int[] y1 = new int[newHeight];
        float[] fy = new float[newHeight];
        axis(height, newHeight, y0, y1, fy);
        // separably: each source row widened first (height × newWidth), then the rows blended
        float[] rows = new float[height * newWidth];
        for (int y = 0; y < height; y++) {
            int in = y * width;
            int out = y * newWidth;
            for (int x = 0; x < newWidth; x++) {
                float left = source[in + x0[x]];
                rows[out + x] = left + fx[x] * (source[in + x1[x]] - left);
            }
        }
        float[] result = new float[newWidth * newHeight];
        for (int y = 0; y < newHeight; y++) {
            int top = y0[y] * newWidth;
            int bottom = y1[y] * newWidth;
            int out = y * newWidth;
            float wy = fy[y];
            for (int x = 0; x < newWidth; x++) {
                float upper = rows[top + x];
                result[out + x] = upper + wy * (rows[bottom + x] - upper);
            }
        }
        return result;
    }

    private static void axis(int length, int newLength, int[] lower, int[] upper, float[] fraction) {
        double scale = (double) length / newLength;
        for (int i = 0; i < newLength; i++) {
            double centre = Math.max(0, (i + 0.5) * scale - 0.5);
            int low = Math.min((int) centre, length - 1);
            lower[i] = low;
            upper[i] = Math.min(low + 1, length - 1);
            fraction[i] = (float) (centre - low);
        }
    }

    /** A copy scaled so that its maximum is 1; a map whose maximum is zero or less is returned unscaled. */
    public static float[] scaleToUnitMaximum(float[] map) {
        return scaleToUnitMaximumInPlace(map.clone());
    }

    /** Scales {@code map} itself so that its maximum is 1 (unless it is zero or less), and returns it. */
    public static float[] scaleToUnitMaximumInPlace(float[] map) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            max = Math.max(max, v);
        }
        if (max > 0f) {
            float scale = 1f / max;
            for (int i = 0; i < map.length; i++) {
                map[i] *= scale;
            }
        }
        return map;
    }

    /** A copy scaled linearly onto [0, 1] (a constant map becomes all zeros). */
    public static float[] scaleToUnitRange(float[] map) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float[] result = new float[map.length];
        if (max > min) {
            for (int i = 0; i < result.length; i++) {
                result[i] = (map[i] - min) / (max - min);
            }
        }
        return result;
    }
}
