package io.glassbox.server.results;

/**
 * The Turbo colormap (Anton Mikhailov, Google, 2019, Apache 2.0): a rainbow map like jet — what radiologists know
 * from heatmaps — but without jet's false bands, so equal steps in attention look like equal steps in colour.
 * Computed from Google's published degree-5 polynomial approximation rather than a 256-entry table.
 */
final class Turbo {

    private static final double[] RED = {0.13572138, 4.61539260, -42.66032258, 132.13108234, -152.94239396,
        59.28637943};
    private static final double[] GREEN = {0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857,
        2.82956604};
    private static final double[] BLUE = {0.10667330, 12.64194608, -60.58204836, 110.36276771, -89.90310912,
        27.34824973};

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            double x = i / 255.0;
            TABLE[i] = channel(RED, x) << 16 | channel(GREEN, x) << 8 | channel(BLUE, x);
        }
    }

    private Turbo() {}

    /** The colour of {@code value} (clamped to 0..1) as 0xRRGGBB. */
    static int rgb(double value) {
        double v = Math.max(0, Math.min(1, value));
        return TABLE[(int) Math.round(v * 255)];
    }

    private static int channel(double[] c, double x) {
        double y = c[0] + x * (c[1] + x * (c[2] + x * (c[3] + x * (c[4] + x * c[5]))));
        return (int) Math.round(Math.max(0, Math.min(1, y)) * 255);
    }
}
