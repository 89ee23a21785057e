package io.glassbox.plugins.hyperdenselesion.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.glassbox.explain.CamMaps;
import io.glassbox.explain.ClassActivationMap;
import io.glassbox.explain.ExplanationContext;
import io.glassbox.explain.SplitNetwork;
import io.glassbox.plugin.api.DecodedImage;
import io.glassbox.plugin.api.ImageAttributes;
import io.glassbox.plugin.api.InputPreprocessor;
import io.glassbox.plugins.hyperdenselesion.HyperdenseLesionPlugin;
import io.glassbox.plugins.hyperdenselesion.LesionNet;
import java.util.ArrayList;
import java.util.List;

/** Running a network over samples, and the classification figures. Shared by training and the report. */
public final class Evaluation {

    static final int LESION = 1;

    private Evaluation() {
    }

    /** The network input for a sample: exactly the plugin's preprocessing. */
    public static float[] input(LesionDataset.Sample sample) {
        return input(sample.hu(), sample.width(), sample.height());
    }

    /** The network input for a slice in HU. */
    public static float[] input(float[] hu, int width, int height) {
        InputPreprocessor preprocessor = new InputPreprocessor(HyperdenseLesionPlugin.INPUT);
        float[] input = new float[preprocessor.valuesPerImage()];
        preprocessor.prepare(DecodedImage.greyscale("slice", width, height, hu, ImageAttributes.empty()), input, 0);
        return input;
    }

    /** A sample as the host would hand it to the plugin. */
    public static DecodedImage decoded(LesionDataset.Sample sample, String id) {
        ImageAttributes attributes = ImageAttributes.empty().with("Modality", "CT").with("BodyPartExamined", "HEAD")
                .with("RescaleSlope", "1").with("RescaleIntercept", "0");
        return DecodedImage.greyscale(id, sample.width(), sample.height(), sample.hu(), attributes);
    }

    /** P(lesion) for each input, in batches. */
    public static float[] lesionProbabilities(SplitNetwork network, NDManager manager, List<float[]> inputs, int batch) {
        float[] result = new float[inputs.size()];
        for (int first = 0; first < inputs.size(); first += batch) {
            int count = Math.min(batch, inputs.size() - first);
            try (NDManager scratch = manager.newSubManager()) {
                float[] probabilities = network.scores(stack(scratch, inputs, first, count)).softmax(1).toFloatArray();
                for (int i = 0; i < count; i++) {
                    result[first + i] = probabilities[i * 2 + LESION];
                }
            }
        }
        return result;
    }

    /** Maps of the lesion class, upsampled to {@code width × height} and normalised. */
    public static List<float[]> lesionMaps(ClassActivationMap method, SplitNetwork network, NDManager manager,
                                           List<float[]> inputs, int batch, int width, int height) {
        List<float[]> maps = new ArrayList<>();
        for (int first = 0; first < inputs.size(); first += batch) {
            int count = Math.min(batch, inputs.size() - first);
            try (NDManager scratch = manager.newSubManager()) {
                ExplanationContext context = ExplanationContext.of(network, stack(scratch, inputs, first, count));
                int[] targets = new int[count];
                java.util.Arrays.fill(targets, LESION);
                CamMaps result = method.compute(context, targets);
                for (int i = 0; i < count; i++) {
                    maps.add(result.upsampled(i, width, height, true));
                }
            }
        }
        return maps;
    }

    static NDArray stack(NDManager manager, List<float[]> inputs, int first, int count) {
        int size = LesionNet.INPUT_SIZE * LesionNet.INPUT_SIZE;
        float[] batch = new float[count * size];
        for (int i = 0; i < count; i++) {
            System.arraycopy(inputs.get(first + i), 0, batch, i * size, size);
        }
        return manager.create(batch, new Shape(count, 1, LesionNet.INPUT_SIZE, LesionNet.INPUT_SIZE));
    }

    /** Area under the ROC curve: the probability that a random positive outscores a random negative (ties ½). */
    public static double rocAuc(float[] scores, boolean[] positive) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!positive[i]) {
                continue;
            }
            for (int j = 0; j < scores.length; j++) {
                if (positive[j]) {
                    continue;
                }
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }
        return pairs == 0 ? Double.NaN : wins / pairs;
    }

    /** Accuracy, sensitivity, specificity at a threshold. */
    public record Confusion(int truePositives, int falseNegatives, int trueNegatives, int falsePositives) {

        public static Confusion at(float[] scores, boolean[] positive, float threshold) {
            int tp = 0;
            int fn = 0;
            int tn = 0;
            int fp = 0;
            for (int i = 0; i < scores.length; i++) {
                boolean flagged = scores[i] >= threshold;
                if (positive[i]) {
                    if (flagged) {
                        tp++;
                    } else {
                        fn++;
                    }
                } else if (flagged) {
                    fp++;
                } else {
                    tn++;
                }
            }
            return new Confusion(tp, fn, tn, fp);
        }

        public double accuracy() {
            return (double) (truePositives + trueNegatives) / (truePositives + trueNegatives + falsePositives + falseNegatives);
        }

        public double sensitivity() {
            return (double) truePositives / (truePositives + falseNegatives);
        }

        public double specificity() {
            return (double) trueNegatives / (trueNegatives + falsePositives);
        }
    }
}
