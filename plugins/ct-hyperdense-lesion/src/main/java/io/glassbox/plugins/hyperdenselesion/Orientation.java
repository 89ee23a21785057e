package io.glassbox.plugins.hyperdenselesion;

import io.glassbox.plugin.api.DecodedImage;
import java.util.List;

/**
 * How an axial slice lies compared with the slices the network learnt from. The training volume (InVesalius'
 * row order) has the face at the bottom: its columns run from posterior to anterior (Image Orientation (Patient)
 * {@code 1\0\0\0\-1\0}). Scanners usually store axial slices with the face at the top ({@code 1\0\0\0\1\0}); such
 * a slice is turned upside down before the network sees it, and its maps turned back, so that results refer to the
 * image as stored. Likewise a slice whose rows run to the patient's right is mirrored. A slice without Image
 * Orientation (Patient), or one that is not close to axial, is taken as it is.
 *
 * @param flipRows turn the slice upside down
 * @param flipColumns mirror it left to right
 */
record Orientation(boolean flipRows, boolean flipColumns) {

    static final Orientation AS_TRAINED = new Orientation(false, false);

    static Orientation of(DecodedImage image) {
        List<String> cosines = image.attributes().strings("ImageOrientationPatient");
        if (cosines.size() != 6) {
            return AS_TRAINED;
        }
        double rowX;
        double columnY;
        try {
            rowX = Double.parseDouble(cosines.get(0).trim());
            columnY = Double.parseDouble(cosines.get(4).trim());
        } catch (NumberFormatException e) {
            return AS_TRAINED;
        }
        // Only clearly axial slices: rows along the patient's x, columns along y (within about 45°).
        if (Math.abs(rowX) < 0.7 || Math.abs(columnY) < 0.7) {
            return AS_TRAINED;
        }
        return new Orientation(columnY > 0, rowX < 0);
    }

    /** The image as the network expects it (the same image when nothing needs turning). */
    DecodedImage toTraining(DecodedImage image) {
        if (this.equals(AS_TRAINED)) {
            return image;
        }
        return new DecodedImage(image.imageId(), image.width(), image.height(), image.samplesPerPixel(),
                flip(image.pixels(), image.width(), image.height(), image.samplesPerPixel()), image.attributes());
    }

    /** A map computed on {@link #toTraining}'s image, turned back onto the image as stored. */
    float[] fromTraining(float[] map, int width, int height) {
        return this.equals(AS_TRAINED) ? map : flip(map, width, height, 1);
    }

    /** Both flips are their own inverse, so one method serves both ways. */
    private float[] flip(float[] values, int width, int height, int samples) {
        float[] out = new float[values.length];
        int row = width * samples;
        for (int y = 0; y < height; y++) {
            int source = (flipRows ? height - 1 - y : y) * row;
            int target = y * row;
            if (!flipColumns) {
                System.arraycopy(values, source, out, target, row); // whole rows: this runs on every map
                continue;
            }
            for (int x = 0; x < width; x++) {
                for (int s = 0; s < samples; s++) {
                    out[target + x * samples + s] = values[source + (width - 1 - x) * samples + s];
                }
            }
        }
        return out;
    }
}
