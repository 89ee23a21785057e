package io.glassbox.explain.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The deletion and insertion games (Petsiuk et al., 2018, RISE). Pixels are ranked by the map, most salient
 * first. Deletion replaces them, a step at a time, by a baseline image and records the class score: a faithful
 * map makes it fall fast, so its area under the curve is low. Insertion starts from the baseline and puts the
 * original pixels back in the same order: the score should rise fast (high area). Either is judged against the
 * same game played with a random map ({@link #randomMap}).
 *
 * <p>Images are channel-first ({@code channels × height × width}) network inputs; the map has one value per
 * pixel ({@code height × width}) and ranks all channels of a pixel together.
 */
public final class DeletionInsertion {

    /** Scores a batch of images for the class being explained (a probability, typically). */
    @FunctionalInterface
    public interface Scorer {
        float[] score(float[][] images);
    }

    /**
     * One game's curve.
     *
     * @param fractions the share of pixels changed at each point, 0 to 1
     * @param scores the class score at each point
     * @param auc the trapezoidal area under the curve, over fractions 0 to 1
     */
    public record Curve(double[] fractions, double[] scores, double auc) {
    }

    private DeletionInsertion() {
    }

    /** Deletion: the most salient pixels are replaced by the baseline's first. */
    public static Curve deletion(float[] image, float[] map, float[] baseline, int steps, Scorer scorer) {
        return play(image, baseline, map, steps, scorer);
    }

    /** Insertion: from the baseline, the most salient pixels of the image come back first. */
    public static Curve insertion(float[] image, float[] map, float[] baseline, int steps, Scorer scorer) {
        return play(baseline, image, map, steps, scorer);
    }

    /** A map of independent uniform values: the order it gives is a random permutation of the pixels. */
    public static float[] randomMap(int pixels, long seed) {
        Random random = new Random(seed);
        float[] map = new float[pixels];
        for (int i = 0; i < pixels; i++) {
            map[i] = random.nextFloat();
        }
        return map;
    }

    /** Pixel indices by decreasing map value; ties keep index order, so the result is deterministic. */
    static int[] order(float[] map) {
        return IntStream.range(0, map.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -map[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    /** Starts from {@code from} and copies pixels of {@code to} in the map's order. */
    private static Curve play(float[] from, float[] to, float[] map, int steps, Scorer scorer) {
        if (from.length != to.length || from.length % map.length != 0) {
            throw new IllegalArgumentException("image, baseline and map sizes do not match: " + from.length + ", "
                    + to.length + ", " + map.length);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("at least one step is needed");
        }
        int pixels = map.length;
        int channels = from.length / pixels;
        int[] order = order(map);
        double[] fractions = new double[steps + 1];
        // only distinct images are scored: a step that changes no value (the baseline equals the image there, as
        // with a counterfactual baseline away from the lesion) keeps the previous score
        List<float[]> distinct = new ArrayList<>();
        int[] imageOfStep = new int[steps + 1];
        float[] current = from.clone();
        int done = 0;
        for (int step = 0; step <= steps; step++) {
            int target = (int) Math.round((double) step * pixels / steps);
            boolean changed = step == 0;
            for (; done < target; done++) {
                int pixel = order[done];
                for (int c = 0; c < channels; c++) {
                    int i = c * pixels + pixel;
                    if (current[i] != to[i]) {
                        current[i] = to[i];
                        changed = true;
                    }
                }
            }
            if (changed) {
                distinct.add(current.clone());
            }
            imageOfStep[step] = distinct.size() - 1;
            fractions[step] = (double) done / pixels;
        }
        float[] raw = scorer.score(distinct.toArray(float[][]::new));
        if (raw.length != distinct.size()) {
            throw new IllegalStateException("scorer returned " + raw.length + " scores for " + distinct.size()
                    + " images");
        }
        double[] scores = new double[steps + 1];
        Arrays.setAll(scores, step -> raw[imageOfStep[step]]);
        return new Curve(fractions, scores, area(fractions, scores));
    }

    /** Trapezoidal area under a curve. */
    static double area(double[] x, double[] y) {
        double area = 0;
        for (int i = 1; i < x.length; i++) {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }
        return area;
    }
}
