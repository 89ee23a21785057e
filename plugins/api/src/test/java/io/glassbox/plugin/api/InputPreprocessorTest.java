package io.glassbox.plugin.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class InputPreprocessorTest {

    @Test
    void windowFollowsTheDicomLinearFunction() {
        IntensityHandling brain = IntensityHandling.window(40, 80);
        // PS3.3 C.11.2.1.2.1 with c=40, w=80: below 0.0 is 0, above 79.0 is 1, y = (x - 39.5)/79 + 0.5 between
        assertEquals(0f, brain.apply(-1000f));
        assertEquals(0f, brain.apply(0f));
        assertEquals(1f, brain.apply(79.5f));
        assertEquals((40 - 39.5) / 79 + 0.5, brain.apply(40f), 1e-6);
        assertEquals(25f, IntensityHandling.modalityUnits().apply(25f));
    }

    @Test
    void shrinkingByAnIntegerFactorAveragesBlocks() {
        float[] source = new float[16];
        for (int i = 0; i < 16; i++) {
            source[i] = i;
        }
        float[] half = InputPreprocessor.resample(source, 4, 4, 2, 2);
        // blocks {0,1,4,5}, {2,3,6,7}, {8,9,12,13}, {10,11,14,15}
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, half, 1e-6f);
    }

    @Test
    void shrinkingByAFractionalFactorKeepsTheMean() {
        float[] source = new float[5 * 5];
        for (int i = 0; i < source.length; i++) {
            source[i] = (i * 37) % 11;
        }
        float[] smaller = InputPreprocessor.resample(source, 5, 5, 3, 3);
        assertEquals(mean(source), mean(smaller), 1e-5);
    }

    @Test
    void enlargingIsBilinearWithPixelCentresAligned() {
        float[] source = {0f, 4f};
        float[] wide = InputPreprocessor.resample(source, 2, 1, 4, 1);
        // centres at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (upper neighbour clamped)
        assertArrayEquals(new float[] {0f, 1f, 3f, 4f}, wide, 1e-6f);
    }

    @Test
    void preparesChannelFirstNormalisedInputAndReplicatesGreyscale() {
        InputRequirements requirements = new InputRequirements(2, 2, 3, IntensityHandling.window(50, 101), 0.5, 0.25);
        float[] pixels = {0f, 100f, 50f, 50f};
        DecodedImage image = DecodedImage.greyscale("1.2.3", 2, 2, pixels, ImageAttributes.empty());
        InputPreprocessor preprocessor = new InputPreprocessor(requirements);
        float[] input = new float[preprocessor.valuesPerImage() + 1];
        preprocessor.prepare(image, input, 1);
        float[] windowed = new float[4];
        for (int i = 0; i < 4; i++) {
            windowed[i] = (requirements.intensity().apply(pixels[i]) - 0.5f) / 0.25f;
        }
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) {
                assertEquals(windowed[i], input[1 + c * 4 + i], 1e-6f);
            }
        }
        DecodedImage colour = new DecodedImage("rgb", 2, 2, 3, new float[12], ImageAttributes.empty());
        InputPreprocessor greyOnly = new InputPreprocessor(
                new InputRequirements(2, 2, 1, IntensityHandling.modalityUnits(), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> greyOnly.prepare(colour, new float[4], 0));
    }

    @Test
    void decodedImagesRefuseInconsistentSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DecodedImage.greyscale("x", 3, 3, new float[8], null));
        assertEquals("expected 9 pixel values for 3×3×1, got 8", e.getMessage());
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
