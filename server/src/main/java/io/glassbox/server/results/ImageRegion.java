package io.glassbox.server.results;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Where on the image a heatmap points, as an SR spatial coordinate (PS3.3 C.18.6): the outline of the region
 * around the map's peak where the map is at or above a level, as a closed POLYLINE, or the peak alone as a POINT
 * when no pixel reaches the level.
 *
 * <p>The region is the 4-connected component of pixels at or above the level that contains the peak (the brightest
 * pixel, the first in row order among equals); holes inside it are not outlined. The outline runs along pixel
 * edges, so it encloses exactly the region's pixels. Coordinates are image-relative column\row pairs in which
 * 0\0 is the top left corner of the top left pixel and Columns\Rows the bottom right corner of the bottom right
 * one (PS3.3 C.18.6.1.1); the POINT is the centre of the peak pixel.
 *
 * @param graphicType {@code POLYLINE} or {@code POINT}
 * @param graphicData column\row pairs; a POLYLINE's last point repeats its first (a closed outline)
 */
record ImageRegion(String graphicType, float[] graphicData) {

    /** Column and row steps of the four directions, clockwise on screen: right, down, left, up. */
    private static final int[] DX = {1, 0, -1, 0};
    private static final int[] DY = {0, 1, 0, -1};

    /**
     * @param map     row-major values, {@code rows × columns}
     * @param level   the region is where the map is at or above it
     */
    static ImageRegion of(float[] map, int rows, int columns, double level) {
        int peak = 0;
        for (int i = 1; i < map.length; i++) {
            if (map[i] > map[peak]) {
                peak = i;
            }
        }
        if (!(map[peak] >= level)) {
            return new ImageRegion("POINT", new float[] {peak % columns + 0.5f, peak / columns + 0.5f});
        }
        boolean[] region = component(map, rows, columns, level, peak);
        return new ImageRegion("POLYLINE", outline(region, rows, columns));
    }

    /** The pixels at or above {@code level} 4-connected to {@code seed}. */
    private static boolean[] component(float[] map, int rows, int columns, double level, int seed) {
        boolean[] in = new boolean[map.length];
        ArrayDeque<Integer> todo = new ArrayDeque<>();
        in[seed] = true;
        todo.add(seed);
        while (!todo.isEmpty()) {
            int p = todo.poll();
            int x = p % columns;
            int y = p / columns;
            for (int d = 0; d < 4; d++) {
                int nx = x + DX[d];
                int ny = y + DY[d];
                if (nx >= 0 && ny >= 0 && nx < columns && ny < rows) {
                    int n = ny * columns + nx;
                    if (!in[n] && map[n] >= level) {
                        in[n] = true;
                        todo.add(n);
                    }
                }
            }
        }
        return in;
    }

    /**
     * The outer boundary of a 4-connected region, traced along pixel edges with the region on the right-hand side
     * (clockwise on screen), from the top left corner of its first pixel in row order, which is always on the
     * outer boundary. Only corners where the direction changes are kept.
     */
    private static float[] outline(boolean[] region, int rows, int columns) {
        int first = 0;
        while (!region[first]) {
            first++;
        }
        int startX = first % columns;
        int startY = first / columns;
        int x = startX;
        int y = startY;
        int d = 0; // along the top edge of the first pixel, to the right
        List<int[]> corners = new ArrayList<>();
        corners.add(new int[] {x, y});
        do {
            x += DX[d];
            y += DY[d];
            // The two pixels ahead of corner (x, y) in direction d: on the left and on the right of the next edge.
            int right = (d + 1) % 4;
            boolean aheadRight = inside(region, rows, columns, x + pixelOffset(d, right, true),
                    y + pixelOffset(d, right, false));
            boolean aheadLeft = inside(region, rows, columns, x + pixelOffset(d, (d + 3) % 4, true),
                    y + pixelOffset(d, (d + 3) % 4, false));
            int next;
            if (!aheadRight) {
                next = right; // the region ends ahead: turn right, round it
            } else if (aheadLeft) {
                next = (d + 3) % 4; // the region goes on to the left too: turn left
            } else {
                next = d;
            }
            if (next != d) {
                corners.add(new int[] {x, y});
            }
            d = next;
        } while (x != startX || y != startY || d != 0);
        // The start corner is where the trace ends too: close the outline there.
        if (corners.size() > 1 && corners.get(corners.size() - 1)[0] == startX
                && corners.get(corners.size() - 1)[1] == startY) {
            corners.remove(corners.size() - 1);
        }
        float[] data = new float[(corners.size() + 1) * 2];
        for (int i = 0; i < corners.size(); i++) {
            data[2 * i] = corners.get(i)[0];
            data[2 * i + 1] = corners.get(i)[1];
        }
        data[data.length - 2] = startX;
        data[data.length - 1] = startY;
        return data;
    }

    /**
     * The column (or row) offset, from a corner, of the pixel that lies ahead in direction {@code d} on side
     * {@code side} (perpendicular to {@code d}): the pixel whose centre is the corner + d/2 + side/2. One of the
     * two steps is along this axis, so the centre is half a pixel after the corner (the pixel starting at it) or
     * half a pixel before (the pixel before it).
     */
    private static int pixelOffset(int d, int side, boolean column) {
        int step = column ? DX[d] + DX[side] : DY[d] + DY[side];
        return step > 0 ? 0 : -1;
    }

    private static boolean inside(boolean[] region, int rows, int columns, int x, int y) {
        return x >= 0 && y >= 0 && x < columns && y < rows && region[y * columns + x];
    }
}
