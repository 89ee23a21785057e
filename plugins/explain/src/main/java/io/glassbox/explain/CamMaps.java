package io.glassbox.explain;

/**
 * The maps one method produced for a batch, at the target layer's resolution, after the ReLU (so every value
 * is zero or more).
 *
 * @param layerMaps one {@code layerHeight × layerWidth} map per image, row by row
 */
public record CamMaps(String method, int layerWidth, int layerHeight, float[][] layerMaps) {

    public int count() {
        return layerMaps.length;
    }

    /**
     * Image {@code index}'s map bilinearly upsampled to {@code width × height} (pixel centres aligned), scaled
     * so that its maximum is 1 when {@code normalise} is set (an all-zero map stays zero).
     */
    public float[] upsampled(int index, int width, int height, boolean normalise) {
        float[] map = MapResampling.bilinear(layerMaps[index], layerWidth, layerHeight, width, height);
        return normalise ? MapResampling.scaleToUnitMaximumInPlace(map) : map;
    }
}
