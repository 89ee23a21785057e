package io.glassbox.plugins.hyperdenselesion.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.glassbox.plugins.hyperdenselesion.HyperdenseLesionPlugin;
import io.glassbox.plugins.hyperdenselesion.LesionNet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few steps of the real training program: it runs, writes loadable weights, and a seed fixes the result. */
class TrainingSmokeTest {

    @TempDir
    Path output;

    @Test
    void shortTrainingWritesLoadableReproducibleWeights() throws Exception {
        String[] args = {"--project", HeadCtVolumeTest.project().toString(), "--epochs", "2", "--samples-per-epoch",
            "32", "--batch", "16", "--validation-per-class", "4", "--seed", "7"};
        TrainLesionDetector.Outcome first = TrainLesionDetector.train(settings(args, output.resolve("a")), "smoke");
        TrainLesionDetector.Outcome second = TrainLesionDetector.train(settings(args, output.resolve("b")), "smoke");

        assertEquals(first.digest(), second.digest(), "same seed, same weights");
        assertEquals(2, first.epochs().size());
        first.epochs().forEach(e -> assertTrue(Double.isFinite(e.trainingLoss()) && e.trainingLoss() > 0, e.toString()));
        byte[] weights = Files.readAllBytes(output.resolve("a").resolve(HyperdenseLesionPlugin.WEIGHTS));
        assertEquals(first.digest(), HyperdenseLesionPlugin.sha256(weights));
        assertEquals(first.digest() + "  " + HyperdenseLesionPlugin.WEIGHTS,
                Files.readString(output.resolve("a").resolve(HyperdenseLesionPlugin.WEIGHTS_DIGEST)).trim());
        String record = Files.readString(output.resolve("a").resolve("training.json"), StandardCharsets.UTF_8);
        assertTrue(record.contains("\"chosenEpoch\": " + first.chosenEpoch()), record);
        assertTrue(record.contains(first.digest()), record);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LesionNet net = HyperdenseLesionPlugin.loadNetwork(manager, weights);
            assertEquals(LesionNet.TARGET_LAYERS, net.targetLayers());
        }
        TrainLesionDetector.Outcome reseeded = TrainLesionDetector.train(settings(new String[] {"--project",
            HeadCtVolumeTest.project().toString(), "--epochs", "2", "--samples-per-epoch", "32", "--batch", "16",
            "--validation-per-class", "4", "--seed", "8"}, output.resolve("c")), "smoke");
        assertTrue(!reseeded.digest().equals(first.digest()), "another seed gives other weights");
    }

    private static TrainLesionDetector.Settings settings(String[] args, Path out) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--output";
        all[args.length + 1] = out.toString();
        return TrainLesionDetector.Settings.parse(all);
    }
}
