package io.glassbox.explain.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The cascading model-parameter randomisation sanity check (Adebayo et al., 2018). The model's layers are
 * re-initialised from the top (the output end) down, one more at a time; after each step the maps of the same
 * images are computed again and compared with the trained model's by Spearman rank correlation. A method that
 * explains the model gives maps that decorrelate as soon as the top layer is random; one that shows the image's
 * edges (as Guided Backpropagation does) keeps them. The trained weights are restored afterwards, also when the
 * map computation throws.
 *
 * <p>Re-initialisation uses each parameter's kind: weights from a normal distribution with He scaling
 * ({@code σ = √(2 / fan-in)}), biases and BatchNorm shifts zero, BatchNorm scales one; running statistics are
 * left as they are. A seeded {@link Random} draws them, so a run is reproducible.
 */
public final class CascadingRandomisation {

    /** One layer to randomise, by the name the report shows. */
    public record Layer(String name, Block block) {
    }

    /**
     * The comparison after randomising {@code layersRandomised} layers, the last of them {@code layer}.
     *
     * @param correlations per image: Spearman's ρ between the trained and the randomised model's map; a map that
     *     became constant (all zero after the ReLU) shares no ranking with the trained one and counts as 0
     * @param constantMaps how many maps became constant
     * @param meanCorrelationInRegion the same mean, counting only the pixels of each image's region (NaN when no
     *     regions were given)
     */
    public record Step(String layer, int layersRandomised, double meanCorrelation, double[] correlations,
                       int constantMaps, double meanCorrelationInRegion) {
    }

    private CascadingRandomisation() {
    }

    /**
     * Runs the check.
     *
     * @param layersFromTop the layers in cascade order, output end first
     * @param maps computes the maps of a fixed set of images with the network as it is when called
     */
    public static List<Step> run(List<Layer> layersFromTop, Supplier<float[][]> maps, long seed) {
        return run(layersFromTop, maps, seed, null);
    }

    /**
     * Runs the check, also correlating inside a region of each image.
     *
     * @param regions per image, which map pixels to compare for {@link Step#meanCorrelationInRegion()}; null
     *     for none
     */
    public static List<Step> run(List<Layer> layersFromTop, Supplier<float[][]> maps, long seed, boolean[][] regions) {
        Map<Parameter, float[]> trained = new LinkedHashMap<>();
        for (Layer layer : layersFromTop) {
            for (Pair<String, Parameter> parameter : layer.block().getParameters()) {
                trained.put(parameter.getValue(), parameter.getValue().getArray().toFloatArray());
            }
        }
        Random random = new Random(seed);
        try {
            float[][] reference = maps.get();
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < layersFromTop.size(); i++) {
                Layer layer = layersFromTop.get(i);
                for (Pair<String, Parameter> parameter : layer.block().getParameters()) {
                    reinitialise(parameter.getValue(), random);
                }
                float[][] randomised = maps.get();
                double[] correlations = new double[reference.length];
                int constant = 0;
                double sum = 0;
                double regionSum = 0;
                for (int image = 0; image < reference.length; image++) {
                    double rho = RankCorrelation.spearman(reference[image], randomised[image]);
                    if (Double.isNaN(rho)) {
                        constant++;
                        rho = 0;
                    }
                    correlations[image] = rho;
                    sum += rho;
                    if (regions != null) {
                        double inside = RankCorrelation.spearman(select(reference[image], regions[image]),
                                select(randomised[image], regions[image]));
                        regionSum += Double.isNaN(inside) ? 0 : inside;
                    }
                }
                steps.add(new Step(layer.name(), i + 1, sum / reference.length, correlations, constant,
                        regions == null ? Double.NaN : regionSum / reference.length));
            }
            return steps;
        } finally {
            trained.forEach((parameter, values) -> parameter.getArray().set(values));
        }
    }

    private static float[] select(float[] map, boolean[] region) {
        if (region.length != map.length) {
            throw new IllegalArgumentException("region has " + region.length + " pixels, map " + map.length);
        }
        int count = 0;
        for (boolean inside : region) {
            count += inside ? 1 : 0;
        }
        float[] selected = new float[count];
        int next = 0;
        for (int i = 0; i < map.length; i++) {
            if (region[i]) {
                selected[next++] = map[i];
            }
        }
        return selected;
    }

    static void reinitialise(Parameter parameter, Random random) {
        NDArray array = parameter.getArray();
        int size = Math.toIntExact(array.size());
        float[] values = new float[size];
        switch (parameter.getType()) {
            case WEIGHT -> {
                long fanIn = array.getShape().dimension() > 1 ? array.size() / array.getShape().get(0) : size;
                double sigma = Math.sqrt(2.0 / fanIn);
                for (int i = 0; i < size; i++) {
                    values[i] = (float) (random.nextGaussian() * sigma);
                }
            }
            case GAMMA -> java.util.Arrays.fill(values, 1f);
            case BIAS, BETA -> {
                // zeros
            }
            default -> {
                return;
            }
        }
        array.set(values);
    }
}
