package io.glassbox.explain.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PointingGameTest {

    /** A 5×5 mask covering the 2×2 block at x 1-2, y 1-2. */
    private static boolean[] mask() {
        boolean[] mask = new boolean[25];
        for (int y = 1; y <= 2; y++) {
            for (int x = 1; x <= 2; x++) {
                mask[y * 5 + x] = true;
            }
        }
        return mask;
    }

    @Test
    void aPeakInsideTheMaskIsAHitAndOutsideAMiss() {
        float[] map = new float[25];
        map[2 * 5 + 2] = 0.9f;
        map[4 * 5 + 4] = 0.5f;
        assertTrue(PointingGame.hit(map, mask()));
        map[4 * 5 + 4] = 1.0f;
        assertFalse(PointingGame.hit(map, mask()));
    }

    @Test
    void toleranceCountsPeaksNearTheMask() {
        float[] map = new float[25];
        map[3 * 5 + 3] = 1f; // (3, 3): √2 from the nearest mask pixel, (2, 2)
        assertFalse(PointingGame.hit(map, mask(), 5, 1));
        assertTrue(PointingGame.hit(map, mask(), 5, 2));
    }

    @Test
    void anEmptyMapPointsNowhere() {
        assertFalse(PointingGame.hit(new float[25], mask()));
        assertEquals(0, PointingGame.energyInside(new float[25], mask()));
    }

    @Test
    void energyIsTheShareOfPositiveMassInsideTheMask() {
        float[] map = new float[25];
        map[1 * 5 + 1] = 3f;      // inside
        map[2 * 5 + 2] = 1f;      // inside
        map[0] = 4f;              // outside
        map[24] = -10f;           // negative values carry no mass
        assertEquals(0.5, PointingGame.energyInside(map, mask()), 1e-12);
    }

    @Test
    void sizesMustAgree() {
        assertThrows(IllegalArgumentException.class, () -> PointingGame.hit(new float[4], new boolean[5]));
    }
}
