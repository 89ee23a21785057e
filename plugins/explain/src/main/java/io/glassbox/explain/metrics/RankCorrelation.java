package io.glassbox.explain.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Spearman's rank correlation, with tied values given their average rank. */
public final class RankCorrelation {

    private RankCorrelation() {
    }

    /**
     * Spearman's ρ of two samples of equal size: Pearson's correlation of their ranks. NaN when either sample
     * is constant (its ranks have no variance).
     */
    public static double spearman(float[] a, float[] b) {
        if (a.length != b.length || a.length < 2) {
            throw new IllegalArgumentException("two samples of the same size (at least 2) are needed, got "
                    + a.length + " and " + b.length);
        }
        return pearson(ranks(a), ranks(b));
    }

    /** Ranks from 1, ties averaged. */
    static double[] ranks(float[] values) {
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double average = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = average;
            }
            i = j + 1;
        }
        return ranks;
    }

    static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }
}
