package io.glassbox.plugins.hyperdenselesion.training;

import java.util.ArrayDeque;

/**
 * Where a lesion may go on one axial slice: the intracranial space (what the skull encloses) and each of its
 * pixels' distance to the nearest pixel outside it (skull, or anything else that is not brain).
 *
 * <p>The skull is the bone mask plus everything denser than {@value #SKULL_MIN_HU} HU, grown by a disk so
 * that gaps (sutures, thin temporal and occipital bone) do not let the outside in. Everything the image border
 * reaches without crossing it is outside; of what remains, the largest connected part is the cranial cavity (small enclosed pockets such as sinuses are dropped). Brain
 * tissue is the part of the cavity between {@value #TISSUE_MIN_HU} and {@value #TISSUE_MAX_HU} HU. On slices
 * through the skull base the skull is open, the outside floods in, and the slice has (almost) no eligible
 * pixels: those slices are simply not used.
 */
public final class Intracranial {

    static final float TISSUE_MIN_HU = -5f;
    /**
     * Skull pixels: the bone mask (InVesalius's threshold, 226 HU) misses the thin and partial-volumed parts of
     * this scan's skull, some as low as 90 HU. Brain stays below 80 HU but for noise specks, which only punch
     * small holes that the lesion placement then avoids. (Measured on this volume: at 100 HU or with a
     * one-pixel closing the outside still leaks into the cavity on many slices.)
     */
    static final float SKULL_MIN_HU = 80f;
    /** Radius of the disk the skull is grown by before the flood, closing gaps up to about twice this. */
    static final int CLOSING_RADIUS = 2;
    static final float TISSUE_MAX_HU = 70f;

    private final int width;
    private final int height;
    private final boolean[] brain;
    private final float[] distance;

    private Intracranial(int width, int height, boolean[] brain, float[] distance) {
        this.width = width;
        this.height = height;
        this.brain = brain;
        this.distance = distance;
    }

    /** Finds the brain on a slice ({@code hu} in Hounsfield units, {@code bone} the bone mask). */
    public static Intracranial of(float[] hu, boolean[] bone, int width, int height) {
        int n = width * height;
        boolean[] barrier = new boolean[n];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (!bone[i] && hu[i] < SKULL_MIN_HU) {
                    continue;
                }
                for (int dy = -CLOSING_RADIUS; dy <= CLOSING_RADIUS; dy++) {
                    for (int dx = -CLOSING_RADIUS; dx <= CLOSING_RADIUS; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (dx * dx + dy * dy <= CLOSING_RADIUS * CLOSING_RADIUS
                                && yy >= 0 && yy < height && xx >= 0 && xx < width) {
                            barrier[yy * width + xx] = true;
                        }
                    }
                }
            }
        }
        int[] label = new int[n];
        // 1 = outside: flood from the border over everything that is not skull
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            int x = i % width;
            int y = i / width;
            if ((x == 0 || y == 0 || x == width - 1 || y == height - 1) && !barrier[i]) {
                label[i] = 1;
                queue.add(i);
            }
        }
        flood(queue, label, barrier, width, height, 1);
        int best = 0;
        int bestSize = 0;
        int next = 2;
        for (int i = 0; i < n; i++) {
            if (label[i] == 0 && !barrier[i]) {
                label[i] = next;
                queue.add(i);
                int size = flood(queue, label, barrier, width, height, next);
                if (size > bestSize) {
                    bestSize = size;
                    best = next;
                }
                next++;
            }
        }
        boolean[] brain = new boolean[n];
        for (int i = 0; i < n; i++) {
            brain[i] = best != 0 && label[i] == best && hu[i] >= TISSUE_MIN_HU && hu[i] <= TISSUE_MAX_HU;
        }
        return new Intracranial(width, height, brain, distanceToOutside(brain, width, height));
    }

    private static int flood(ArrayDeque<Integer> queue, int[] label, boolean[] barrier, int width, int height,
                             int value) {
        int size = queue.size();
        int[] dx = {1, -1, 0, 0};
        int[] dy = {0, 0, 1, -1};
        while (!queue.isEmpty()) {
            int i = queue.poll();
            int x = i % width;
            int y = i / width;
            for (int d = 0; d < 4; d++) {
                int xx = x + dx[d];
                int yy = y + dy[d];
                if (xx < 0 || yy < 0 || xx >= width || yy >= height) {
                    continue;
                }
                int j = yy * width + xx;
                if (label[j] == 0 && !barrier[j]) {
                    label[j] = value;
                    queue.add(j);
                    size++;
                }
            }
        }
        return size;
    }

    /**
     * Distance in pixels from each brain pixel to the nearest non-brain pixel (0 outside the brain): two-pass
     * chamfer transform with weights 1 and √2, within a few percent of the Euclidean distance.
     */
    static float[] distanceToOutside(boolean[] inside, int width, int height) {
        float diagonal = (float) Math.sqrt(2);
        float[] d = new float[width * height];
        for (int i = 0; i < d.length; i++) {
            d[i] = inside[i] ? Float.MAX_VALUE / 4 : 0f;
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (d[i] == 0f) {
                    continue;
                }
                float best = d[i];
                best = Math.min(best, x > 0 ? d[i - 1] + 1 : 1);
                best = Math.min(best, y > 0 ? d[i - width] + 1 : 1);
                best = Math.min(best, x > 0 && y > 0 ? d[i - width - 1] + diagonal : diagonal);
                best = Math.min(best, x < width - 1 && y > 0 ? d[i - width + 1] + diagonal : diagonal);
                d[i] = best;
            }
        }
        for (int y = height - 1; y >= 0; y--) {
            for (int x = width - 1; x >= 0; x--) {
                int i = y * width + x;
                if (d[i] == 0f) {
                    continue;
                }
                float best = d[i];
                best = Math.min(best, x < width - 1 ? d[i + 1] + 1 : 1);
                best = Math.min(best, y < height - 1 ? d[i + width] + 1 : 1);
                best = Math.min(best, x < width - 1 && y < height - 1 ? d[i + width + 1] + diagonal : diagonal);
                best = Math.min(best, x > 0 && y < height - 1 ? d[i + width - 1] + diagonal : diagonal);
                d[i] = best;
            }
        }
        return d;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public boolean brain(int index) {
        return brain[index];
    }

    public float distance(int index) {
        return distance[index];
    }

    /** How many pixels lie at least {@code margin} pixels inside the brain. */
    public int pixelsDeeperThan(float margin) {
        int count = 0;
        for (float d : distance) {
            if (d >= margin) {
                count++;
            }
        }
        return count;
    }
}
