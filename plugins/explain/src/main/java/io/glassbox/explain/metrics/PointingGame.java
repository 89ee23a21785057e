package io.glassbox.explain.metrics;

/**
 * Localisation against a ground-truth mask (maps and masks are row-major arrays of the same size).
 * <ul>
 * <li>Pointing game (Zhang et al., 2016): a hit when the map's maximum lies inside the mask. An all-zero map
 * points nowhere: a miss.
 * <li>Energy-based pointing game (Wang et al., 2020, Score-CAM): the share of the map's mass inside the mask.
 * </ul>
 */
public final class PointingGame {

    private PointingGame() {
    }

    /** Whether the map's (first) maximum is inside the mask. */
    public static boolean hit(float[] map, boolean[] mask) {
        return hit(map, mask, 0, 0);
    }

    /**
     * Whether the map's maximum is within {@code tolerance} pixels (Euclidean) of a mask pixel; the original
     * pointing game used 15 pixels at ImageNet resolution. {@code width} is only needed when
     * {@code tolerance > 0}.
     */
    public static boolean hit(float[] map, boolean[] mask, int width, int tolerance) {
        checkSizes(map, mask);
        int peak = -1;
        float best = 0f;
        for (int i = 0; i < map.length; i++) {
            if (map[i] > best) {
                best = map[i];
                peak = i;
            }
        }
        if (peak < 0) {
            return false;
        }
        if (mask[peak]) {
            return true;
        }
        if (tolerance <= 0) {
            return false;
        }
        int px = peak % width;
        int py = peak / width;
        int height = mask.length / width;
        for (int y = Math.max(0, py - tolerance); y <= Math.min(height - 1, py + tolerance); y++) {
            for (int x = Math.max(0, px - tolerance); x <= Math.min(width - 1, px + tolerance); x++) {
                int dx = x - px;
                int dy = y - py;
                if (dx * dx + dy * dy <= tolerance * tolerance && mask[y * width + x]) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The share of the map's positive mass inside the mask, in [0, 1]; zero for an all-zero map. */
    public static double energyInside(float[] map, boolean[] mask) {
        checkSizes(map, mask);
        double inside = 0;
        double total = 0;
        for (int i = 0; i < map.length; i++) {
            double value = Math.max(0f, map[i]);
            total += value;
            if (mask[i]) {
                inside += value;
            }
        }
        return total > 0 ? inside / total : 0;
    }

    private static void checkSizes(float[] map, boolean[] mask) {
        if (map.length != mask.length) {
            throw new IllegalArgumentException("map has " + map.length + " values, mask " + mask.length);
        }
    }
}
