package io.glassbox.plugins.hyperdenselesion.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Labelled slices for training and evaluation: axial slices of the real head CT, half of them with a
 * synthetic lesion ({@link LesionSynthesizer}), the other half without.
 *
 * <p>Slices are split by whole ranges of the volume, so that no test slice has a training slice as its
 * neighbour: adjacent slices 1.5 mm apart look alike, and a random split would leak. Two test ranges (one
 * through the ventricles, one near the vertex), one validation range (used to choose the training epoch),
 * each fenced off by {@value #GUARD} unused slices on either side; training gets the rest of the slices that
 * have room for a lesion. Everything is drawn from seeded generators, so a seed gives the same samples on
 * every machine.
 */
public final class LesionDataset {

    public enum Split { TRAIN, VALIDATION, TEST }

    /** Slices held out for testing, inclusive ranges of z (z grows towards the vertex). */
    static final int[][] TEST_RANGES = {{56, 63}, {78, 83}};
    /** Slices held out for choosing the epoch. */
    static final int[][] VALIDATION_RANGES = {{68, 71}};
    /** Slices left unused around each held-out range. */
    public static final int GUARD = 2;
    /** A slice is used when this many pixels could host the centre of the largest lesion. */
    static final int MIN_ROOM_PIXELS = 150;

    /**
     * One labelled slice in HU at the volume's resolution.
     *
     * @param lesionMask the lesion's pixels (all false on a negative slice): the ground truth for maps
     * @param background the same slice without the lesion (same augmentation and noise): its exact
     *     counterfactual, the baseline of the deletion and insertion games; {@code hu} itself on a negative slice
     */
    public record Sample(int z, float[] hu, int width, int height, boolean positive, boolean[] lesionMask,
                         LesionSynthesizer.Lesion lesion, float[] background) {
    }

    private final HeadCtVolume volume;
    private final LesionSynthesizer synthesizer;
    private final Map<Integer, Intracranial> anatomy = new HashMap<>();
    private final Map<Split, List<Integer>> slices = new HashMap<>();

    private LesionDataset(HeadCtVolume volume) {
        this.volume = volume;
        this.synthesizer = new LesionSynthesizer(volume.spacing()[0]);
        double depth = synthesizer.maxDepthNeededPixels();
        for (Split split : Split.values()) {
            slices.put(split, new ArrayList<>());
        }
        for (int z = 0; z < volume.depth(); z++) {
            Intracranial brain = Intracranial.of(volume.slice(z), volume.boneSlice(z), volume.width(), volume.height());
            if (brain.pixelsDeeperThan((float) depth) < MIN_ROOM_PIXELS) {
                continue;
            }
            anatomy.put(z, brain);
            Split split = splitOf(z);
            if (split != null) {
                slices.get(split).add(z);
            }
        }
    }

    public static LesionDataset load(Path project) throws IOException {
        return new LesionDataset(HeadCtVolume.readInvesalius(project));
    }

    public HeadCtVolume volume() {
        return volume;
    }

    public List<Integer> slices(Split split) {
        return List.copyOf(slices.get(split));
    }

    /**
     * The longest run of consecutive slices none of which the model was trained on (the held-out test and
     * validation ranges and the guard slices between them), lowest first: a series without gaps, as a scanner
     * writes one, that is still all held out. With the ranges above: z 54–73 (the first test range, the
     * validation range and their guards).
     */
    public List<Integer> longestHeldOutRun() {
        int bestStart = 0;
        int bestLength = 0;
        int start = 0;
        for (int z = 0; z <= volume.depth(); z++) {
            boolean heldOut = z < volume.depth() && splitOf(z) != Split.TRAIN;
            if (!heldOut) {
                if (z - start > bestLength) {
                    bestStart = start;
                    bestLength = z - start;
                }
                start = z + 1;
            }
        }
        List<Integer> run = new ArrayList<>();
        for (int z = bestStart; z < bestStart + bestLength; z++) {
            run.add(z);
        }
        return run;
    }

    /** Which split slice {@code z} belongs to; null for guard slices. */
    static Split splitOf(int z) {
        if (within(z, TEST_RANGES, 0)) {
            return Split.TEST;
        }
        if (within(z, VALIDATION_RANGES, 0)) {
            return Split.VALIDATION;
        }
        if (within(z, TEST_RANGES, GUARD) || within(z, VALIDATION_RANGES, GUARD)) {
            return null;
        }
        return Split.TRAIN;
    }

    private static boolean within(int z, int[][] ranges, int margin) {
        for (int[] range : ranges) {
            if (z >= range[0] - margin && z <= range[1] + margin) {
                return true;
            }
        }
        return false;
    }

    /**
     * One sample from a split. Training samples are augmented (mirroring, rotation up to ±10°, scaling by
     * 0.92–1.08, shifts up to ±8 pixels, a global offset up to ±3 HU, noise of 0–4 HU); validation and test
     * samples keep the anatomy as scanned, with 2 HU of noise so that negatives of one slice differ.
     */
    public Sample sample(Split split, boolean positive, Random random) {
        List<Integer> candidates = slices.get(split);
        for (int attempt = 0; attempt < 100; attempt++) {
            int z = candidates.get(random.nextInt(candidates.size()));
            Sample sample;
            if (split == Split.TRAIN) {
                Augmentation augmentation = Augmentation.random(random, volume.width(), volume.height());
                float[] hu = augmentation.applyLinear(volume.slice(z), -1024f);
                boolean[] bone = augmentation.applyNearest(volume.boneSlice(z));
                Intracranial brain = Intracranial.of(hu, bone, volume.width(), volume.height());
                float offset = (float) ((random.nextDouble() * 2 - 1) * 3);
                addNoise(hu, random, random.nextDouble() * 4, offset);
                sample = label(z, hu, brain, positive, random);
            } else {
                sample = asScanned(z, positive, random);
            }
            if (sample != null) {
                return sample;
            }
        }
        throw new IllegalStateException("no slice of " + split + " has room for a lesion");
    }

    /**
     * Slice {@code z} as validation and test samples are made: the anatomy as scanned, not augmented, with 2 HU of
     * noise, and a lesion when {@code positive}. Any slice of the volume may be taken as a negative; a positive
     * needs a slice with room for a lesion (one of {@link #slices}). Null when the drawn lesion found no room.
     */
    public Sample asScanned(int z, boolean positive, Random random) {
        Intracranial brain = anatomy.get(z);
        if (positive && brain == null) {
            throw new IllegalArgumentException("slice " + z + " has no room for a lesion");
        }
        float[] hu = volume.slice(z);
        addNoise(hu, random, 2, 0);
        return label(z, hu, brain, positive, random);
    }

    /** A negative sample of {@code hu} as it is, or a positive with a lesion drawn into it; null when it found no room. */
    private Sample label(int z, float[] hu, Intracranial brain, boolean positive, Random random) {
        if (!positive) {
            return new Sample(z, hu, volume.width(), volume.height(), false, new boolean[hu.length], null, hu);
        }
        float[] background = hu.clone();
        LesionSynthesizer.Lesion lesion = synthesizer.insert(hu, brain, random);
        return lesion == null ? null
                : new Sample(z, hu, volume.width(), volume.height(), true, lesion.mask(), lesion, background);
    }

    /** A fixed, balanced set: {@code perClass} positives and as many negatives, alternating, from one seed. */
    public List<Sample> fixedSet(Split split, int perClass, long seed) {
        Random random = new Random(seed);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < perClass; i++) {
            samples.add(sample(split, true, random));
            samples.add(sample(split, false, random));
        }
        return samples;
    }

    private static void addNoise(float[] hu, Random random, double sigma, float offset) {
        for (int i = 0; i < hu.length; i++) {
            hu[i] += offset + (float) (random.nextGaussian() * sigma);
        }
    }

    /** A random similarity transform about the slice's centre, optionally mirrored left-right. */
    record Augmentation(int width, int height, boolean mirror, double cos, double sin, double scale, double shiftX,
                        double shiftY) {

        static Augmentation random(Random random, int width, int height) {
            double angle = Math.toRadians((random.nextDouble() * 2 - 1) * 10);
            double scale = 0.92 + random.nextDouble() * 0.16;
            return new Augmentation(width, height, random.nextBoolean(), Math.cos(angle), Math.sin(angle), scale,
                    (random.nextDouble() * 2 - 1) * 8, (random.nextDouble() * 2 - 1) * 8);
        }

        /** Where output pixel (x, y) comes from in the source: the inverse transform. */
        private double[] source(int x, int y) {
            double cx = (width - 1) / 2.0;
            double cy = (height - 1) / 2.0;
            double dx = (x - cx - shiftX) / scale;
            double dy = (y - cy - shiftY) / scale;
            double sx = cos * dx + sin * dy + cx;
            double sy = -sin * dx + cos * dy + cy;
            if (mirror) {
                sx = width - 1 - sx;
            }
            return new double[] {sx, sy};
        }

        float[] applyLinear(float[] image, float outside) {
            float[] result = new float[image.length];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double[] s = source(x, y);
                    int x0 = (int) Math.floor(s[0]);
                    int y0 = (int) Math.floor(s[1]);
                    double fx = s[0] - x0;
                    double fy = s[1] - y0;
                    double sum = 0;
                    for (int j = 0; j < 2; j++) {
                        for (int i = 0; i < 2; i++) {
                            int xx = x0 + i;
                            int yy = y0 + j;
                            double value = xx < 0 || yy < 0 || xx >= width || yy >= height ? outside
                                    : image[yy * width + xx];
                            sum += value * (i == 0 ? 1 - fx : fx) * (j == 0 ? 1 - fy : fy);
                        }
                    }
                    result[y * width + x] = (float) sum;
                }
            }
            return result;
        }

        boolean[] applyNearest(boolean[] mask) {
            boolean[] result = new boolean[mask.length];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double[] s = source(x, y);
                    int xx = (int) Math.round(s[0]);
                    int yy = (int) Math.round(s[1]);
                    result[y * width + x] = xx >= 0 && yy >= 0 && xx < width && yy < height && mask[yy * width + xx];
                }
            }
            return result;
        }
    }
}
