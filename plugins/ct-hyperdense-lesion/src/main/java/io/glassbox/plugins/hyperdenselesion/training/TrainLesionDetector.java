package io.glassbox.plugins.hyperdenselesion.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.glassbox.explain.GradCam;
import io.glassbox.explain.metrics.PointingGame;
import io.glassbox.plugins.hyperdenselesion.HyperdenseLesionPlugin;
import io.glassbox.plugins.hyperdenselesion.LesionNet;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains the lesion detector and writes its weights, their digest and a training record.
 *
 * <p>Every epoch sees freshly generated, augmented samples (half with a lesion) from the training slices;
 * after each epoch the weights are scored on a fixed validation set for ROC AUC and for how often Grad-CAM's
 * peak falls inside the lesion. The epoch kept is the one with the best Grad-CAM pointing game among those
 * whose validation AUC is at least {@value #MIN_VALIDATION_AUC} (the best AUC if none is): accuracy alone
 * would prefer late epochs, where a network can stay accurate while its maps drift off the lesion, and the
 * maps are what this plugin exists to show. The test slices are never seen here.
 *
 * <p>Reproducible: all data comes from seeded generators, the engine's generator is seeded, and with one
 * intra-op thread (the default) PyTorch's CPU kernels are deterministic, so the same command gives the same
 * weights digest. Run it with {@code plugins/ct-hyperdense-lesion/train.sh}; options:
 * {@code --project PATH --output DIR --epochs N --samples-per-epoch N --batch N --validation-per-class N
 * --learning-rate X --seed N}.
 */
public final class TrainLesionDetector {

    static final double MIN_VALIDATION_AUC = 0.97;

    /** Settings of one run, all recorded with the weights. */
    public record Settings(Path project, Path output, int epochs, int samplesPerEpoch, int batch,
                           int validationPerClass, float learningRate, long seed) {

        static Settings parse(String[] args) {
            Map<String, String> options = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("options are --name value pairs; got " + String.join(" ", args));
                }
                options.put(args[i].substring(2), args[i + 1]);
            }
            Settings settings = new Settings(
                    Path.of(options.getOrDefault("project", HeadCtVolume.DEBIAN_CRANIUM.toString())),
                    Path.of(options.getOrDefault("output", "src/main/resources/io/glassbox/plugins/hyperdenselesion")),
                    Integer.parseInt(options.getOrDefault("epochs", "12")),
                    Integer.parseInt(options.getOrDefault("samples-per-epoch", "4096")),
                    Integer.parseInt(options.getOrDefault("batch", "16")),
                    Integer.parseInt(options.getOrDefault("validation-per-class", "100")),
                    Float.parseFloat(options.getOrDefault("learning-rate", "0.001")),
                    Long.parseLong(options.getOrDefault("seed", "20260701")));
            options.keySet().removeAll(List.of("project", "output", "epochs", "samples-per-epoch", "batch",
                    "validation-per-class", "learning-rate", "seed"));
            if (!options.isEmpty()) {
                throw new IllegalArgumentException("unknown options " + options.keySet());
            }
            return settings;
        }
    }

    /** One epoch's figures. */
    public record EpochRecord(int epoch, double trainingLoss, double validationAuc, double validationAccuracy,
                              double validationPointingGame, double seconds) {
    }

    /** What a run produced. */
    public record Outcome(int chosenEpoch, String digest, List<EpochRecord> epochs) {
    }

    private TrainLesionDetector() {
    }

    public static void main(String[] args) throws IOException {
        Settings settings = Settings.parse(args);
        Outcome outcome = train(settings, String.join(" ", args));
        System.out.printf(Locale.ROOT, "kept epoch %d, weights sha256:%s%n", outcome.chosenEpoch(), outcome.digest());
    }

    public static Outcome train(Settings settings, String commandLine) throws IOException {
        long started = System.nanoTime();
        LesionDataset dataset = LesionDataset.load(settings.project());
        List<LesionDataset.Sample> validation = dataset.fixedSet(LesionDataset.Split.VALIDATION,
                settings.validationPerClass(), settings.seed() ^ 0x5A17L);
        List<float[]> validationInputs = validation.stream().map(Evaluation::input).toList();
        System.out.printf(Locale.ROOT, "slices: train %s%n        validation %s%n        test (not used here) %s%n",
                dataset.slices(LesionDataset.Split.TRAIN), dataset.slices(LesionDataset.Split.VALIDATION),
                dataset.slices(LesionDataset.Split.TEST));

        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed((int) settings.seed());
        List<EpochRecord> epochs = new ArrayList<>();
        List<byte[]> snapshots = new ArrayList<>();
        LesionNet net = new LesionNet();
        try (Model model = Model.newInstance("lesion-net", Device.cpu(), "PyTorch")) {
            model.setBlock(net.block());
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(settings.learningRate())).build())
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(settings.batch(), 1, LesionNet.INPUT_SIZE, LesionNet.INPUT_SIZE));
                for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
                    long epochStart = System.nanoTime();
                    Random data = new Random(settings.seed() * 31 + epoch);
                    double lossSum = 0;
                    int batches = settings.samplesPerEpoch() / settings.batch();
                    for (int b = 0; b < batches; b++) {
                        lossSum += step(trainer, dataset, data, settings.batch());
                    }
                    byte[] snapshot = parameters(net);
                    snapshots.add(snapshot);
                    EpochRecord record = validate(epoch, lossSum / batches, snapshot, validation, validationInputs,
                            (System.nanoTime() - epochStart) / 1e9);
                    epochs.add(record);
                    System.out.printf(Locale.ROOT,
                            "epoch %2d  loss %.4f  validation AUC %.4f  accuracy %.3f  Grad-CAM pointing game %.3f  (%.0f s)%n",
                            epoch, record.trainingLoss(), record.validationAuc(), record.validationAccuracy(),
                            record.validationPointingGame(), record.seconds());
                }
            }
        }
        int chosen = choose(epochs);
        byte[] weights = snapshots.get(chosen - 1);
        String digest = HyperdenseLesionPlugin.sha256(weights);
        Files.createDirectories(settings.output());
        Files.write(settings.output().resolve(HyperdenseLesionPlugin.WEIGHTS), weights);
        Files.writeString(settings.output().resolve(HyperdenseLesionPlugin.WEIGHTS_DIGEST),
                digest + "  " + HyperdenseLesionPlugin.WEIGHTS + "\n", StandardCharsets.US_ASCII);
        Files.writeString(settings.output().resolve("training.json"),
                record(settings, commandLine, epochs, chosen, digest, (System.nanoTime() - started) / 1e9),
                StandardCharsets.UTF_8);
        return new Outcome(chosen, digest, epochs);
    }

    private static double step(Trainer trainer, LesionDataset dataset, Random data, int batch) {
        int size = LesionNet.INPUT_SIZE * LesionNet.INPUT_SIZE;
        float[] inputs = new float[batch * size];
        float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) {
            boolean positive = i % 2 == 0;
            LesionDataset.Sample sample = dataset.sample(LesionDataset.Split.TRAIN, positive, data);
            System.arraycopy(Evaluation.input(sample), 0, inputs, i * size, size);
            labels[i] = positive ? 1 : 0;
        }
        try (NDManager scratch = trainer.getManager().newSubManager()) {
            NDArray x = scratch.create(inputs, new Shape(batch, 1, LesionNet.INPUT_SIZE, LesionNet.INPUT_SIZE));
            NDArray y = scratch.create(labels, new Shape(batch));
            float loss;
            synchronized (GradientCollector.class) { // the same JVM-wide lock as the explanation library's
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                    NDArray value = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
                    collector.backward(value);
                    loss = value.getFloat();
                }
            }
            trainer.step();
            return loss;
        }
    }

    private static byte[] parameters(LesionNet net) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            net.block().saveParameters(out);
        }
        return bytes.toByteArray();
    }

    /** Scores a snapshot exactly as the plugin would load it: a fresh network, frozen. */
    private static EpochRecord validate(int epoch, double loss, byte[] snapshot, List<LesionDataset.Sample> samples,
                                        List<float[]> inputs, double seconds) throws IOException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            LesionNet copy = HyperdenseLesionPlugin.loadNetwork(manager, snapshot);
            var network = copy.split(LesionNet.DEFAULT_TARGET_LAYER);
            float[] probabilities = Evaluation.lesionProbabilities(network, manager, inputs, 32);
            boolean[] positive = new boolean[samples.size()];
            List<float[]> positiveInputs = new ArrayList<>();
            List<LesionDataset.Sample> positiveSamples = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                positive[i] = samples.get(i).positive();
                if (positive[i]) {
                    positiveInputs.add(inputs.get(i));
                    positiveSamples.add(samples.get(i));
                }
            }
            LesionDataset.Sample first = samples.get(0);
            List<float[]> maps = Evaluation.lesionMaps(new GradCam(), network, manager, positiveInputs, 32,
                    first.width(), first.height());
            int hits = 0;
            for (int i = 0; i < maps.size(); i++) {
                if (PointingGame.hit(maps.get(i), positiveSamples.get(i).lesionMask())) {
                    hits++;
                }
            }
            return new EpochRecord(epoch, loss, Evaluation.rocAuc(probabilities, positive),
                    Evaluation.Confusion.at(probabilities, positive, 0.5f).accuracy(), (double) hits / maps.size(),
                    seconds);
        }
    }

    /** The epoch rule described in the class comment; ties go to the earlier epoch. */
    static int choose(List<EpochRecord> epochs) {
        boolean anyAccurate = epochs.stream().anyMatch(e -> e.validationAuc() >= MIN_VALIDATION_AUC);
        EpochRecord best = null;
        for (EpochRecord e : epochs) {
            if (anyAccurate) {
                if (e.validationAuc() >= MIN_VALIDATION_AUC
                        && (best == null || e.validationPointingGame() > best.validationPointingGame())) {
                    best = e;
                }
            } else if (best == null || e.validationAuc() > best.validationAuc()) {
                best = e;
            }
        }
        return best.epoch();
    }

    private static String record(Settings settings, String commandLine, List<EpochRecord> epochs, int chosen,
                                 String digest, double seconds) {
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"command\": \"plugins/ct-hyperdense-lesion/train.sh").append(commandLine.isBlank() ? "" : " ")
                .append(commandLine.replace("\\", "\\\\").replace("\"", "\\\"")).append("\",\n");
        json.append(String.format(Locale.ROOT,
                "  \"settings\": {\"epochs\": %d, \"samplesPerEpoch\": %d, \"batch\": %d, \"validationPerClass\": %d, "
                        + "\"learningRate\": %s, \"seed\": %d, \"optimizer\": \"adam\", \"loss\": \"softmax cross-entropy\"},%n",
                settings.epochs(), settings.samplesPerEpoch(), settings.batch(), settings.validationPerClass(),
                Float.toString(settings.learningRate()), settings.seed()));
        json.append(String.format(Locale.ROOT, "  \"pytorchThreads\": \"%s\",%n",
                System.getProperty("ai.djl.pytorch.num_threads", "default")));
        json.append("  \"epochs\": [\n");
        for (int i = 0; i < epochs.size(); i++) {
            EpochRecord e = epochs.get(i);
            json.append(String.format(Locale.ROOT,
                    "    {\"epoch\": %d, \"trainingLoss\": %.5f, \"validationAuc\": %.5f, \"validationAccuracy\": %.4f, "
                            + "\"validationGradCamPointingGame\": %.4f, \"seconds\": %.1f}%s%n",
                    e.epoch(), e.trainingLoss(), e.validationAuc(), e.validationAccuracy(), e.validationPointingGame(),
                    e.seconds(), i + 1 < epochs.size() ? "," : ""));
        }
        json.append("  ],\n");
        json.append(String.format(Locale.ROOT, "  \"epochRule\": \"best validation Grad-CAM pointing game among epochs "
                + "with validation AUC >= %s\",%n", MIN_VALIDATION_AUC));
        json.append("  \"chosenEpoch\": ").append(chosen).append(",\n");
        json.append("  \"weightsSha256\": \"").append(digest).append("\",\n");
        json.append(String.format(Locale.ROOT, "  \"seconds\": %.0f%n}%n", seconds));
        return json.toString();
    }
}
