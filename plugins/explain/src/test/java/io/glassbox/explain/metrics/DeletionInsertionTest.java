package io.glassbox.explain.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeletionInsertionTest {

    private static final int PIXELS = 100;

    /** An image that is 1 on pixels 0-19 (the "lesion") and 0 elsewhere. */
    private static float[] image() {
        float[] image = new float[PIXELS];
        java.util.Arrays.fill(image, 0, 20, 1f);
        return image;
    }

    /** A model whose score is the lesion's mean brightness. */
    private static float[] lesionScore(float[][] images) {
        float[] scores = new float[images.length];
        for (int i = 0; i < images.length; i++) {
            float sum = 0;
            for (int p = 0; p < 20; p++) {
                sum += images[i][p];
            }
            scores[i] = sum / 20;
        }
        return scores;
    }

    @Test
    void deletingThePerfectMapsPixelsDropsTheScoreAtOnce() {
        float[] map = image(); // points exactly at the lesion
        DeletionInsertion.Curve curve = DeletionInsertion.deletion(image(), map, new float[PIXELS], 10,
                DeletionInsertionTest::lesionScore);
        assertArrayEquals(new double[] {1, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0}, curve.scores(), 1e-6);
        assertEquals(0.2, curve.fractions()[2], 1e-12);
        // trapezoids: 0.1·(1 + 0.5)/2 + 0.1·(0.5 + 0)/2
        assertEquals(0.1, curve.auc(), 1e-6);
    }

    @Test
    void insertionIsTheMirror() {
        DeletionInsertion.Curve curve = DeletionInsertion.insertion(image(), image(), new float[PIXELS], 10,
                DeletionInsertionTest::lesionScore);
        assertArrayEquals(new double[] {0, 0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1}, curve.scores(), 1e-6);
        assertEquals(0.9, curve.auc(), 1e-6);
    }

    @Test
    void aRandomMapDeletesSlowly() {
        double sum = 0;
        for (long seed = 0; seed < 20; seed++) {
            sum += DeletionInsertion.deletion(image(), DeletionInsertion.randomMap(PIXELS, seed), new float[PIXELS],
                    20, DeletionInsertionTest::lesionScore).auc();
        }
        // a random order removes lesion pixels evenly: the score falls linearly, area ≈ 0.5
        assertEquals(0.5, sum / 20, 0.05);
    }

    @Test
    void stepsThatChangeNothingAreNotScoredAgain() {
        // baseline equal to the image except on the lesion: only steps that reach lesion pixels make new images
        float[] baseline = image();
        java.util.Arrays.fill(baseline, 0, 20, 0f);
        int[] scored = {0};
        DeletionInsertion.Curve curve = DeletionInsertion.deletion(image(), image(), baseline, 10, images -> {
            scored[0] += images.length;
            return lesionScore(images);
        });
        assertEquals(3, scored[0], "the original, and the two steps that remove lesion pixels");
        assertArrayEquals(new double[] {1, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0}, curve.scores(), 1e-6);
    }

    @Test
    void channelsOfAPixelAreRemovedTogether() {
        float[] image = {1, 2, 3, 4, 5, 6}; // two channels of three pixels
        float[] map = {0.1f, 0.9f, 0.5f};
        float[][] seen = new float[4][];
        DeletionInsertion.deletion(image, map, new float[6], 3, images -> {
            assertEquals(4, images.length, "every step changes the image here");
            for (int i = 0; i < images.length; i++) {
                seen[i] = images[i];
            }
            return new float[images.length];
        });
        assertArrayEquals(new float[] {1, 0, 3, 4, 0, 6}, seen[1]);
        assertArrayEquals(new float[] {1, 0, 0, 4, 0, 0}, seen[2]);
        assertArrayEquals(new float[6], seen[3]);
    }

    @Test
    void theOrderIsDeterministicForTies() {
        assertArrayEquals(new int[] {1, 3, 0, 2}, DeletionInsertion.order(new float[] {0f, 1f, 0f, 1f}));
        assertTrue(DeletionInsertion.area(new double[] {0, 1}, new double[] {1, 1}) == 1.0);
    }
}
