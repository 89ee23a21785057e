package io.glassbox.explain.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RankCorrelationTest {

    @Test
    void matchesScipysDocumentedExampleWithATie() {
        // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) = 0.8207826816681233
        assertEquals(0.8207826816681233,
                RankCorrelation.spearman(new float[] {1, 2, 3, 4, 5}, new float[] {5, 6, 7, 8, 7}), 1e-12);
    }

    @Test
    void monotoneRelationsGiveOneOrMinusOne() {
        float[] x = {0.1f, 0.4f, 0.2f, 0.9f};
        float[] cubed = new float[x.length];
        float[] negated = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            cubed[i] = x[i] * x[i] * x[i];
            negated[i] = -x[i];
        }
        assertEquals(1.0, RankCorrelation.spearman(x, cubed), 1e-12);
        assertEquals(-1.0, RankCorrelation.spearman(x, negated), 1e-12);
    }

    @Test
    void tiesShareTheirAverageRank() {
        assertArrayEquals(new double[] {1.5, 3, 1.5, 4}, RankCorrelation.ranks(new float[] {2, 5, 2, 7}), 0);
    }

    @Test
    void aConstantSampleHasNoCorrelation() {
        assertTrue(Double.isNaN(RankCorrelation.spearman(new float[] {1, 1, 1}, new float[] {1, 2, 3})));
        assertThrows(IllegalArgumentException.class,
                () -> RankCorrelation.spearman(new float[] {1, 2}, new float[] {1, 2, 3}));
    }
}
