package io.glassbox.plugins.hyperdenselesion.training;

import java.util.Random;

/**
 * Inserts a haemorrhage-like hyperdense lesion into a slice: an irregular blob inside the brain, away from
 * bone, brighter than the tissue it replaces by a contrast typical of acute blood against brain.
 *
 * <ul>
 * <li>Size: an equivalent radius of {@value #MIN_RADIUS_MM}–{@value #MAX_RADIUS_MM} mm (diameters of about
 * 9–24 mm: small to medium intraparenchymal haematomas).
 * <li>Shape: an ellipse (axis ratio 0.65–1, any orientation) whose outline is perturbed by harmonics 2–4
 * (up to ±12 % each), with a soft 1.5-pixel edge.
 * <li>Density: {@value #MIN_CONTRAST_HU}–{@value #MAX_CONTRAST_HU} HU above the tissue (acute blood is
 * 50–80 HU against brain's 20–40), plus 3 HU of mottling; the tissue's own texture stays underneath.
 * <li>Place: its centre at least its radius + {@value #CLEARANCE_MM} mm inside the brain (so it touches neither
 * skull nor anything outside the cavity), and it only ever changes brain pixels.
 * </ul>
 * The ground truth is the set of pixels where the lesion's profile is at least one half.
 */
public final class LesionSynthesizer {

    static final double MIN_RADIUS_MM = 4.5;
    static final double MAX_RADIUS_MM = 12;
    static final double CLEARANCE_MM = 5;
    static final double MIN_CONTRAST_HU = 25;
    static final double MAX_CONTRAST_HU = 45;
    private static final double EDGE_PIXELS = 1.5;

    /** A lesion drawn into a slice. */
    public record Lesion(int centreX, int centreY, double radiusPixels, double contrastHu, boolean[] mask) {
    }

    private final double pixelMm;

    /** @param pixelMm the slice's pixel spacing */
    public LesionSynthesizer(double pixelMm) {
        this.pixelMm = pixelMm;
    }

    /** The deepest a centre needs to be for the largest lesion, in pixels. */
    public double maxDepthNeededPixels() {
        return (MAX_RADIUS_MM + CLEARANCE_MM) / pixelMm;
    }

    /**
     * Draws a lesion into {@code hu} (changed in place); null when the brain has no room for one of the drawn
     * size even after shrinking it.
     */
    public Lesion insert(float[] hu, Intracranial brain, Random random) {
        int width = brain.width();
        int height = brain.height();
        double radius = (MIN_RADIUS_MM + random.nextDouble() * (MAX_RADIUS_MM - MIN_RADIUS_MM)) / pixelMm;
        int centre = -1;
        while (centre < 0 && radius * pixelMm >= MIN_RADIUS_MM - 1e-9) {
            centre = pickCentre(brain, radius + CLEARANCE_MM / pixelMm, random);
            if (centre < 0) {
                radius *= 0.8;
            }
        }
        if (centre < 0) {
            return null;
        }
        int cx = centre % width;
        int cy = centre / width;
        double ratio = 0.65 + 0.35 * random.nextDouble();
        double angle = random.nextDouble() * Math.PI;
        double[] amplitude = new double[5];
        double[] phase = new double[5];
        for (int m = 2; m <= 4; m++) {
            amplitude[m] = (random.nextDouble() * 2 - 1) * 0.12;
            phase[m] = random.nextDouble() * 2 * Math.PI;
        }
        // semi-axes a ≥ b with a·b = radius² keep the area of a circle of the drawn radius
        double a = radius / Math.sqrt(ratio);
        double b = radius * Math.sqrt(ratio);
        double contrast = MIN_CONTRAST_HU + random.nextDouble() * (MAX_CONTRAST_HU - MIN_CONTRAST_HU);
        boolean[] mask = new boolean[width * height];
        int reach = (int) Math.ceil(a * 1.5 + EDGE_PIXELS + 2);
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        for (int y = Math.max(0, cy - reach); y <= Math.min(height - 1, cy + reach); y++) {
            for (int x = Math.max(0, cx - reach); x <= Math.min(width - 1, cx + reach); x++) {
                int i = y * width + x;
                if (!brain.brain(i)) {
                    continue;
                }
                double u = ((x - cx) * cos + (y - cy) * sin) / a;
                double v = (-(x - cx) * sin + (y - cy) * cos) / b;
                double rho = Math.hypot(u, v); // 1 on the unperturbed ellipse
                double phi = Math.atan2(v, u);
                double outline = 1;
                for (int m = 2; m <= 4; m++) {
                    outline += amplitude[m] * Math.cos(m * phi + phase[m]);
                }
                // signed distance to the outline, in pixels (approximately: scaled by the local semi-axis)
                double scale = Math.hypot(u * a, v * b) / Math.max(rho, 1e-9);
                double inside = (outline - rho) * scale;
                double profile = Math.min(1, Math.max(0, inside / EDGE_PIXELS + 0.5));
                if (profile <= 0) {
                    continue;
                }
                hu[i] += (float) (profile * (contrast + random.nextGaussian() * 3));
                mask[i] = profile >= 0.5;
            }
        }
        return new Lesion(cx, cy, radius, contrast, mask);
    }

    /** A uniformly chosen pixel at least {@code depth} pixels inside the brain; -1 when there is none. */
    private static int pickCentre(Intracranial brain, double depth, Random random) {
        int n = brain.width() * brain.height();
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (brain.distance(i) >= depth) {
                count++;
            }
        }
        if (count == 0) {
            return -1;
        }
        int chosen = random.nextInt(count);
        for (int i = 0; i < n; i++) {
            if (brain.distance(i) >= depth && chosen-- == 0) {
                return i;
            }
        }
        throw new IllegalStateException("unreachable");
    }
}
