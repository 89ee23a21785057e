package io.glassbox.plugin.api;

/**
 * Turns a {@link DecodedImage} into the network input its plugin's {@link InputRequirements} declare: the whole
 * image resampled to the input size (area averaging when shrinking, bilinear when enlarging), the intensity
 * handling applied, then the normalisation. Output is channel-first ({@code channels × height × width}).
 * Shared here so that every plugin does what its manifest says, and the host can record it.
 */
public final class InputPreprocessor {

    private final InputRequirements requirements;

    public InputPreprocessor(InputRequirements requirements) {
        this.requirements = requirements;
    }

    public int valuesPerImage() {
        return requirements.channels() * requirements.height() * requirements.width();
    }

    /** Writes the network input for {@code image} into {@code target} from {@code offset} on. */
    public void prepare(DecodedImage image, float[] target, int offset) {
        int samples = image.samplesPerPixel();
        int channels = requirements.channels();
        if (samples == 3 && channels == 1) {
            throw new IllegalArgumentException("this model takes greyscale images; image " + image.imageId()
                    + " is colour");
        }
        int outW = requirements.width();
        int outH = requirements.height();
        int plane = outW * outH;
        float[] source = new float[image.width() * image.height()];
        float mean = (float) requirements.normalisationMean();
        float std = (float) requirements.normalisationStd();
        for (int c = 0; c < channels; c++) {
            int sample = samples == 1 ? 0 : c;
            float[] pixels = image.pixels();
            for (int i = 0; i < source.length; i++) {
                source[i] = pixels[i * samples + sample];
            }
            float[] resized = resample(source, image.width(), image.height(), outW, outH);
            int base = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                target[base + i] = (requirements.intensity().apply(resized[i]) - mean) / std;
            }
        }
    }

    /**
     * Resamples a single-channel image, separably: area averaging along an axis that shrinks (every source
     * pixel counts by its overlap, so no detail is skipped), bilinear along one that grows (pixel centres
     * aligned, as PyTorch's {@code align_corners=false}).
     */
    public static float[] resample(float[] source, int width, int height, int newWidth, int newHeight) {
        if (width == newWidth && height == newHeight) {
            return source.clone();
        }
        AxisWeights horizontal = AxisWeights.of(width, newWidth);
        AxisWeights vertical = AxisWeights.of(height, newHeight);
        float[] rows = new float[height * newWidth];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < newWidth; x++) {
                rows[y * newWidth + x] = horizontal.apply(source, y * width, 1, x);
            }
        }
        float[] result = new float[newHeight * newWidth];
        for (int y = 0; y < newHeight; y++) {
            for (int x = 0; x < newWidth; x++) {
                result[y * newWidth + x] = vertical.apply(rows, x, newWidth, y);
            }
        }
        return result;
    }

    /** For each output index along one axis: which source indices contribute, with which weights. */
    private record AxisWeights(int[] first, float[][] weights) {

        static AxisWeights of(int sourceLength, int targetLength) {
            int[] first = new int[targetLength];
            float[][] weights = new float[targetLength][];
            double scale = (double) sourceLength / targetLength;
            for (int i = 0; i < targetLength; i++) {
                if (targetLength <= sourceLength) {
                    double start = i * scale;
                    double end = (i + 1) * scale;
                    int from = (int) Math.floor(start);
                    int to = Math.min(sourceLength, (int) Math.ceil(end));
                    first[i] = from;
                    weights[i] = new float[to - from];
                    for (int j = from; j < to; j++) {
                        double overlap = Math.min(end, j + 1) - Math.max(start, j);
                        weights[i][j - from] = (float) (overlap / scale);
                    }
                } else {
                    double centre = Math.max(0, (i + 0.5) * scale - 0.5);
                    int lower = Math.min((int) Math.floor(centre), sourceLength - 1);
                    int upper = Math.min(lower + 1, sourceLength - 1);
                    float fraction = (float) (centre - lower);
                    first[i] = lower;
                    weights[i] = upper == lower ? new float[] {1f} : new float[] {1f - fraction, fraction};
                }
            }
            return new AxisWeights(first, weights);
        }

        float apply(float[] data, int base, int stride, int index) {
            float[] w = weights[index];
            int start = base + first[index] * stride;
            float sum = 0f;
            for (int k = 0; k < w.length; k++) {
                sum += w[k] * data[start + k * stride];
            }
            return sum;
        }
    }
}
