package io.glassbox.server.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The region a heatmap points at, outlined along pixel edges in SR image coordinates. */
class ImageRegionTest {

    @Test
    void aRectangleIsOutlinedByItsFourCornersClockwiseAndClosed() {
        int rows = 8;
        int columns = 10;
        float[] map = new float[rows * columns];
        for (int y = 3; y <= 4; y++) {
            for (int x = 2; x <= 5; x++) {
                map[y * columns + x] = y == 4 && x == 4 ? 1f : 0.6f;
            }
        }
        ImageRegion region = ImageRegion.of(map, rows, columns, 0.5);
        assertEquals("POLYLINE", region.graphicType());
        assertArrayEquals(new float[] {2, 3, 6, 3, 6, 5, 2, 5, 2, 3}, region.graphicData(), 0f);
    }

    @Test
    void onlyThePeaksRegionIsOutlinedAndHolesAndDiagonalNeighboursAreNotPartOfIt() {
        // Rows 1..3 × columns 1..3 with a hole in the middle holding the peak's ring; a diagonal neighbour at (4, 4);
        // a separate brighter-than-level region at the far corner; an L-shaped step on the right.
        int rows = 7;
        int columns = 7;
        float[] map = new float[rows * columns];
        int[][] ring = {{1, 1}, {2, 1}, {3, 1}, {1, 2}, {3, 2}, {1, 3}, {2, 3}, {3, 3}, {3, 4}};
        for (int[] p : ring) {
            map[p[1] * columns + p[0]] = 0.7f;
        }
        map[2 * columns + 1] = 1f; // the peak, on the ring
        map[5 * columns + 4] = 0.9f; // touches (3, 4) at a corner only
        map[6 * columns + 6] = 0.8f; // apart
        ImageRegion region = ImageRegion.of(map, rows, columns, 0.5);
        assertEquals("POLYLINE", region.graphicType());
        assertArrayEquals(new float[] {1, 1, 4, 1, 4, 5, 3, 5, 3, 4, 1, 4, 1, 1}, region.graphicData(), 0f);
    }

    @Test
    void aSinglePixelAtTheEdgeIsItsSquare() {
        float[] map = new float[4 * 4];
        map[0] = 1f;
        assertArrayEquals(new float[] {0, 0, 1, 0, 1, 1, 0, 1, 0, 0},
                ImageRegion.of(map, 4, 4, 0.5).graphicData(), 0f);
    }

    @Test
    void aMapThatNeverReachesTheLevelIsItsPeakAsAPoint() {
        float[] map = new float[6 * 5];
        map[2 * 5 + 3] = 0.4f;
        ImageRegion region = ImageRegion.of(map, 6, 5, 0.5);
        assertEquals("POINT", region.graphicType());
        assertArrayEquals(new float[] {3.5f, 2.5f}, region.graphicData(), 0f);
    }
}
