package io.glassbox.plugins.hyperdenselesion.report;

import ai.djl.ndarray.NDManager;
import io.glassbox.explain.CamMethods;
import io.glassbox.explain.ClassActivationMap;
import io.glassbox.explain.SplitNetwork;
import io.glassbox.explain.metrics.CascadingRandomisation;
import io.glassbox.explain.metrics.DeletionInsertion;
import io.glassbox.explain.metrics.PointingGame;
import io.glassbox.plugin.api.AnalysisRequest;
import io.glassbox.plugin.api.ComputeDevice;
import io.glassbox.plugin.api.DecodedImage;
import io.glassbox.plugin.api.ExplanationMethod;
import io.glassbox.plugin.api.ImageResult;
import io.glassbox.plugin.api.PluginConfiguration;
import io.glassbox.plugin.api.PluginException;
import io.glassbox.plugins.hyperdenselesion.HyperdenseLesionPlugin;
import io.glassbox.plugins.hyperdenselesion.LesionNet;
import io.glassbox.plugins.hyperdenselesion.demo.Json;
import io.glassbox.plugins.hyperdenselesion.training.Evaluation;
import io.glassbox.plugins.hyperdenselesion.training.HeadCtVolume;
import io.glassbox.plugins.hyperdenselesion.training.LesionDataset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the committed model on the held-out test slices and writes the report
 * ({@code docs/plugin-ct-hyperdense-lesion-report.md}) and its picture ({@code docs/plugin-ct-hyperdense-lesion-maps.png}),
 * printing the report as well. Run it with {@code plugins/ct-hyperdense-lesion/bench.sh}; options:
 * {@code --project PATH --docs DIR --resources DIR --per-class N --deletion-images N --sanity-images N
 * --latency-rounds N --seed N}. Besides the markdown it writes the same figures as {@code validation.json} into the
 * plugin's resources ({@code --resources}), which the plugin publishes to the server
 * ({@link HyperdenseLesionPlugin#validationReport()}).
 *
 * <p>What is measured where:
 * <ul>
 * <li>classification, pointing games and latency go through the plugin contract ({@code analyse}) on 256×256
 * slices in HU, exactly as the server would call it; maps are at the slice's resolution;
 * <li>deletion/insertion and the sanity check need the network itself: they run on the 128×128 network input,
 * with maps upsampled to it.
 * </ul>
 */
public final class LesionDetectorReport {

    private static final int LESION = 1;
    /**
     * Steps of the counterfactual games: 8 pixels each. A lesion covers a few dozen to a few hundred input
     * pixels, so coarser steps would remove it in the first one for any map that peaks on it; only steps that
     * reach lesion pixels cost a forward pass.
     */
    private static final int COUNTERFACTUAL_STEPS = 2048;
    /** Steps of the flat-baseline deletion, shown for comparison only (every step is a forward pass there). */
    private static final int FLAT_STEPS = 32;
    /**
     * The sanity verdict: a method fails when its maps, inside the head, keep a Spearman rank correlation of at
     * least this much with the trained model's maps after only the classifier is re-initialised. It is a judgement,
     * not a statistical test: at 0.5 more of a map's order survives replacing the learned decision than is lost, so
     * the map shows the features' response to the image more than what the model learned to call a lesion.
     */
    static final double SANITY_FAILS_AT = 0.5;

    private record Settings(Path project, Path docs, Path resources, int perClass, int deletionImages, int sanityImages,
                            int latencyRounds, long seed) {
    }

    /** One method's faithfulness figures. */
    private record MethodFigures(String method, double pointingGame, double energy, Games games,
                                 List<CascadingRandomisation.Step> sanity) {
    }

    /**
     * Mean areas: deletion and insertion against the lesion-free counterfactual, and deletion to a flat 20 HU
     * (the RISE-style baseline, for comparison).
     */
    private record Games(double deletion, double insertion, double flatDeletion) {
    }

    private record Latency(String configuration, double batch1Millis, double batch16Millis) {
    }

    private LesionDetectorReport() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Settings settings = new Settings(
                Path.of(options.getOrDefault("project", HeadCtVolume.DEBIAN_CRANIUM.toString())),
                Path.of(options.getOrDefault("docs", "../../docs")),
                Path.of(options.getOrDefault("resources", "src/main/resources/io/glassbox/plugins/hyperdenselesion")),
                Integer.parseInt(options.getOrDefault("per-class", "150")),
                Integer.parseInt(options.getOrDefault("deletion-images", "60")),
                Integer.parseInt(options.getOrDefault("sanity-images", "40")),
                Integer.parseInt(options.getOrDefault("latency-rounds", "40")),
                Long.parseLong(options.getOrDefault("seed", "4242")));
        String report = run(settings, String.join(" ", args));
        System.out.println(report);
    }

    static String run(Settings settings, String commandLine) throws Exception {
        long started = System.nanoTime();
        LesionDataset dataset = LesionDataset.load(settings.project());
        List<LesionDataset.Sample> test = dataset.fixedSet(LesionDataset.Split.TEST, settings.perClass(), settings.seed());
        List<LesionDataset.Sample> positives = test.stream().filter(LesionDataset.Sample::positive).toList();
        List<DecodedImage> images = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            images.add(Evaluation.decoded(test.get(i), "test-" + i));
        }
        List<DecodedImage> positiveImages = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            if (test.get(i).positive()) {
                positiveImages.add(images.get(i));
            }
        }
        StringBuilder out = new StringBuilder();
        String validation;
        try (HyperdenseLesionPlugin plugin = new HyperdenseLesionPlugin()) {
            plugin.open(PluginConfiguration.empty(), ComputeDevice.cpu());
            log("classifying %d held-out slices", test.size());
            float[] scores = new float[test.size()];
            boolean[] labels = new boolean[test.size()];
            List<ImageResult> scored = analyse(plugin, images, AnalysisRequest.scoresOnly());
            for (int i = 0; i < test.size(); i++) {
                scores[i] = scored.get(i).scores().get("lesion").floatValue();
                labels[i] = test.get(i).positive();
            }
            double auc = Evaluation.rocAuc(scores, labels);
            Evaluation.Confusion confusion = Evaluation.Confusion.at(scores, labels, 0.5f);

            Map<String, List<float[]>> pluginMaps = new LinkedHashMap<>();
            for (ExplanationMethod method : ExplanationMethod.values()) {
                log("maps: %s", method.id());
                List<ImageResult> explained = analyse(plugin, positiveImages,
                        AnalysisRequest.explain(method).forClasses("lesion"));
                pluginMaps.put(method.id(), explained.stream().map(r -> r.heatmaps().get(0).values()).toList());
            }

            List<MethodFigures> figures;
            Games random;
            float blankProbability;
            try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
                LesionNet net = HyperdenseLesionPlugin.loadNetwork(manager,
                        resource(HyperdenseLesionPlugin.WEIGHTS));
                SplitNetwork network = net.split(LesionNet.DEFAULT_TARGET_LAYER);
                int gameImages = Math.min(settings.deletionImages(), positives.size());
                List<float[]> inputs = positives.stream().map(Evaluation::input).toList();
                List<float[]> gameInputs = inputs.subList(0, gameImages);
                List<float[]> backgrounds = positives.subList(0, gameImages).stream()
                        .map(p -> Evaluation.input(p.background(), p.width(), p.height())).toList();
                DeletionInsertion.Scorer scorer = batch -> Evaluation.lesionProbabilities(network, manager,
                        Arrays.asList(batch), 33);
                blankProbability = Evaluation.lesionProbabilities(network, manager,
                        List.of(new float[LesionNet.INPUT_SIZE * LesionNet.INPUT_SIZE]), 1)[0];
                log("deletion and insertion with random maps");
                random = games(gameInputs, backgrounds, i -> DeletionInsertion.randomMap(
                        LesionNet.INPUT_SIZE * LesionNet.INPUT_SIZE, settings.seed() + i), scorer);
                int sanityImages = Math.min(settings.sanityImages(), positives.size());
                List<float[]> sanityInputs = inputs.subList(0, sanityImages);
                boolean[][] heads = new boolean[sanityImages][];
                for (int i = 0; i < sanityImages; i++) {
                    heads[i] = head(positives.get(i));
                }
                figures = new ArrayList<>();
                for (ClassActivationMap method : CamMethods.ALL) {
                    List<float[]> maps = pluginMaps.get(method.id());
                    int hits = 0;
                    double energy = 0;
                    for (int i = 0; i < positives.size(); i++) {
                        boolean[] mask = positives.get(i).lesionMask();
                        hits += PointingGame.hit(maps.get(i), mask) ? 1 : 0;
                        energy += PointingGame.energyInside(maps.get(i), mask);
                    }
                    log("deletion, insertion and sanity check: %s", method.id());
                    List<float[]> inputMaps = inputMaps(method, network, manager, gameInputs);
                    Games games = games(gameInputs, backgrounds, inputMaps::get, scorer);
                    List<CascadingRandomisation.Step> sanity = CascadingRandomisation.run(net.layersFromTop(),
                            () -> inputMaps(method, network, manager, sanityInputs).toArray(float[][]::new),
                            settings.seed(), heads);
                    figures.add(new MethodFigures(method.id(), (double) hits / positives.size(),
                            energy / positives.size(), games, sanity));
                }
            }

            log("latency");
            List<Latency> latencies = latency(plugin, images, settings.latencyRounds());

            log("picture");
            writePicture(settings.docs().resolve("plugin-ct-hyperdense-lesion-maps.png"), plugin, test);

            double seconds = (System.nanoTime() - started) / 1e9;
            LocalDate measured = LocalDate.now(ZoneOffset.UTC);
            String data = dataDescription(settings, dataset, test.size(), positives.size());
            out.append(markdown(settings, commandLine, plugin, data, measured, auc, confusion,
                    figures, random, blankProbability, latencies, seconds));
            validation = validationJson(settings, commandLine, plugin, data, measured, test.size(), positives.size(),
                    auc, confusion, figures, random, seconds);
        }
        Files.createDirectories(settings.docs());
        Files.writeString(settings.docs().resolve("plugin-ct-hyperdense-lesion-report.md"), out, StandardCharsets.UTF_8);
        Files.createDirectories(settings.resources());
        Files.writeString(settings.resources().resolve(HyperdenseLesionPlugin.VALIDATION), validation,
                StandardCharsets.UTF_8);
        return out.toString();
    }

    private static List<ImageResult> analyse(HyperdenseLesionPlugin plugin, List<DecodedImage> images,
                                             AnalysisRequest request) throws PluginException {
        List<ImageResult> results = new ArrayList<>();
        for (int first = 0; first < images.size(); first += 16) {
            results.addAll(plugin.analyse(images.subList(first, Math.min(images.size(), first + 16)), request));
        }
        return results;
    }

    /** A method's lesion maps at the network input's resolution, normalised. */
    private static List<float[]> inputMaps(ClassActivationMap method, SplitNetwork network, NDManager manager,
                                           List<float[]> inputs) {
        return Evaluation.lesionMaps(method, network, manager, inputs, 16, LesionNet.INPUT_SIZE, LesionNet.INPUT_SIZE);
    }

    /** The games over the inputs, maps by index, averaged. */
    private static Games games(List<float[]> inputs, List<float[]> backgrounds,
                               java.util.function.IntFunction<float[]> maps, DeletionInsertion.Scorer scorer) {
        double deletion = 0;
        double insertion = 0;
        double flat = 0;
        float[] flatBaseline = new float[LesionNet.INPUT_SIZE * LesionNet.INPUT_SIZE]; // 0 after normalisation: 20 HU
        for (int i = 0; i < inputs.size(); i++) {
            float[] map = maps.apply(i);
            deletion += DeletionInsertion.deletion(inputs.get(i), map, backgrounds.get(i), COUNTERFACTUAL_STEPS, scorer)
                    .auc();
            insertion += DeletionInsertion.insertion(inputs.get(i), map, backgrounds.get(i), COUNTERFACTUAL_STEPS, scorer)
                    .auc();
            flat += DeletionInsertion.deletion(inputs.get(i), map, flatBaseline, FLAT_STEPS, scorer).auc();
        }
        int n = inputs.size();
        return new Games(deletion / n, insertion / n, flat / n);
    }

    /** The head on the network input's grid: everything that is not air (above −500 HU). */
    private static boolean[] head(LesionDataset.Sample sample) {
        float[] small = io.glassbox.plugin.api.InputPreprocessor.resample(sample.hu(), sample.width(), sample.height(),
                LesionNet.INPUT_SIZE, LesionNet.INPUT_SIZE);
        boolean[] head = new boolean[small.length];
        for (int i = 0; i < small.length; i++) {
            head[i] = small[i] > -500f;
        }
        return head;
    }

    /**
     * Plain inference against inference plus each method, measured side by side: every round times each
     * configuration once, in turn, so that load from other processes falls on all of them alike; the median of
     * the rounds is reported.
     */
    private static List<Latency> latency(HyperdenseLesionPlugin plugin, List<DecodedImage> images, int rounds)
            throws PluginException {
        List<String> names = new ArrayList<>();
        List<AnalysisRequest> requests = new ArrayList<>();
        names.add("plain inference");
        requests.add(AnalysisRequest.scoresOnly());
        for (ExplanationMethod method : ExplanationMethod.values()) {
            names.add("+ " + method.id());
            requests.add(AnalysisRequest.explain(method).forClasses("lesion"));
        }
        double[][] medians = new double[2][];
        int[] batchSizes = {1, 16};
        for (int b = 0; b < batchSizes.length; b++) {
            List<DecodedImage> batch = images.subList(0, batchSizes[b]);
            double[][] times = new double[requests.size()][rounds];
            for (int warm = 0; warm < 3; warm++) {
                for (AnalysisRequest request : requests) {
                    plugin.analyse(batch, request);
                }
            }
            for (int round = 0; round < rounds; round++) {
                for (int c = 0; c < requests.size(); c++) {
                    long start = System.nanoTime();
                    plugin.analyse(batch, requests.get(c));
                    times[c][round] = (System.nanoTime() - start) / 1e6;
                }
            }
            medians[b] = new double[requests.size()];
            for (int c = 0; c < requests.size(); c++) {
                double[] sorted = times[c].clone();
                Arrays.sort(sorted);
                medians[b][c] = rounds % 2 == 1 ? sorted[rounds / 2] : (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
            }
        }
        List<Latency> latencies = new ArrayList<>();
        for (int c = 0; c < requests.size(); c++) {
            latencies.add(new Latency(names.get(c), medians[0][c], medians[1][c]));
        }
        return latencies;
    }

    private static void writePicture(Path file, HyperdenseLesionPlugin plugin, List<LesionDataset.Sample> test)
            throws PluginException, IOException {
        List<ExplanationMethod> shown = List.of(ExplanationMethod.CAM, ExplanationMethod.GRAD_CAM,
                ExplanationMethod.GRAD_CAM_PLUS_PLUS, ExplanationMethod.LAYER_CAM, ExplanationMethod.SCORE_CAM,
                ExplanationMethod.ABLATION_CAM);
        List<ReportPicture.Row> rows = new ArrayList<>();
        int positivesShown = 0;
        int negativesShown = 0;
        for (int i = 0; i < test.size() && rows.size() < 5; i++) {
            LesionDataset.Sample sample = test.get(i);
            if (sample.positive() ? positivesShown >= 4 : negativesShown >= 1) {
                continue;
            }
            ImageResult result = plugin.analyse(List.of(Evaluation.decoded(sample, "picture-" + i)),
                    new AnalysisRequest(List.of("lesion"), shown, Optional.empty(), true)).get(0);
            String title = String.format(Locale.ROOT, "slice z=%d, %s, P(lesion)=%.3f", sample.z(),
                    sample.positive() ? String.format(Locale.ROOT, "lesion +%.0f HU", sample.lesion().contrastHu())
                            : "no lesion", result.scores().get("lesion"));
            rows.add(new ReportPicture.Row(sample.hu(), sample.lesionMask(), title,
                    result.heatmaps().stream().map(h -> h.values()).toList()));
            if (sample.positive()) {
                positivesShown++;
            } else {
                negativesShown++;
            }
        }
        Files.createDirectories(file.getParent());
        ReportPicture.write(file, test.get(0).width(), shown.stream().map(ExplanationMethod::id).toList(), rows);
    }

    /** What the figures were measured on, in one paragraph (markdown), for the report and the validation json. */
    private static String dataDescription(Settings settings, LesionDataset dataset, int testImages, int positives) {
        return String.format(Locale.ROOT, "The real head CT of Debian's `invesalius-examples` (`Cranium.inv3`: "
                        + "%d×%d×%d, %.3f×%.3f×%.1f mm). Synthetic hyperdense lesions (equivalent radius 4.5–12 mm, +25–45 HU, "
                        + "irregular outline, inside the brain and at least 5 mm from anything that is not brain) are "
                        + "inserted into half the slices. Slices are split by whole ranges (guard of %d slices): "
                        + "training %s, validation %s, **test %s** (never seen in training or epoch choice). "
                        + "The test set: %d slices drawn from the test range with seed %d, %d with a lesion, %d without; "
                        + "2 HU of noise, no other augmentation.",
                dataset.volume().depth(), dataset.volume().height(), dataset.volume().width(),
                dataset.volume().spacing()[0], dataset.volume().spacing()[1], dataset.volume().spacing()[2],
                LesionDataset.GUARD, dataset.slices(LesionDataset.Split.TRAIN),
                dataset.slices(LesionDataset.Split.VALIDATION), dataset.slices(LesionDataset.Split.TEST), testImages,
                settings.seed(), positives, testImages - positives);
    }

    /** The sanity verdict ({@link #SANITY_FAILS_AT}) from the check with only the classifier re-initialised. */
    private static boolean passesSanity(MethodFigures figures) {
        return figures.sanity().get(0).meanCorrelationInRegion() < SANITY_FAILS_AT;
    }

    private static String sanityRule() {
        return String.format(Locale.ROOT, "fails when the Spearman rank correlation inside the head between the "
                + "trained model's maps and the maps after re-initialising only the classifier is %.2f or more: more of "
                + "the map's order then survives replacing what the model learned than is lost, so the map shows image "
                + "structure (the features' response) more than the model's decision. A judgement, not a statistical "
                + "test.", SANITY_FAILS_AT);
    }

    /**
     * The machine-readable validation report: the same figures as the markdown, for the plugin to publish
     * ({@code validation.json}; its fields are described in {@code docs/explainability.md}).
     */
    private static String validationJson(Settings settings, String commandLine, HyperdenseLesionPlugin plugin,
                                         String data, LocalDate measured, int testImages, int positives, double auc,
                                         Evaluation.Confusion confusion, List<MethodFigures> figures, Games random,
                                         double seconds) {
        var manifest = plugin.manifest();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", "glassbox-validation-1");
        json.put("pluginId", manifest.id());
        json.put("pluginVersion", manifest.version());
        json.put("modelDigest", manifest.modelDigest());
        json.put("measured", measured.toString());
        json.put("command", "plugins/ct-hyperdense-lesion/bench.sh" + (commandLine.isBlank() ? "" : " " + commandLine));
        json.put("seconds", Math.round(seconds));
        json.put("report", "docs/plugin-ct-hyperdense-lesion-report.md");
        json.put("data", data);
        Map<String, Object> classification = new LinkedHashMap<>();
        classification.put("testImages", testImages);
        classification.put("withFinding", positives);
        classification.put("threshold", 0.5);
        classification.put("accuracy", round(confusion.accuracy()));
        classification.put("rocAuc", round(auc));
        classification.put("sensitivity", round(confusion.sensitivity()));
        classification.put("specificity", round(confusion.specificity()));
        classification.put("truePositives", confusion.truePositives());
        classification.put("falseNegatives", confusion.falseNegatives());
        classification.put("trueNegatives", confusion.trueNegatives());
        classification.put("falsePositives", confusion.falsePositives());
        json.put("classification", classification);
        Map<String, Object> explanations = new LinkedHashMap<>();
        explanations.put("classId", "lesion");
        explanations.put("targetLayer", LesionNet.DEFAULT_TARGET_LAYER);
        explanations.put("pointingGameImages", positives);
        explanations.put("deletionImages", Math.min(settings.deletionImages(), positives));
        explanations.put("sanityImages", Math.min(settings.sanityImages(), positives));
        explanations.put("randomDeletionAuc", round(random.deletion()));
        explanations.put("randomInsertionAuc", round(random.insertion()));
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("statistic", "Spearman rank correlation inside the head, classifier re-initialised");
        rule.put("failsAtOrAbove", SANITY_FAILS_AT);
        rule.put("rule", sanityRule());
        explanations.put("sanityRule", rule);
        List<Object> methods = new ArrayList<>();
        for (MethodFigures f : figures) {
            Map<String, Object> method = new LinkedHashMap<>();
            method.put("method", f.method());
            method.put("pointingGame", round(f.pointingGame()));
            method.put("energy", round(f.energy()));
            method.put("deletionAuc", round(f.games().deletion()));
            method.put("deletionRatioToRandom", round(f.games().deletion() / random.deletion()));
            method.put("insertionAuc", round(f.games().insertion()));
            method.put("insertionRatioToRandom", round(f.games().insertion() / random.insertion()));
            List<Object> steps = new ArrayList<>();
            for (CascadingRandomisation.Step step : f.sanity()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("randomisedDownTo", step.layer());
                s.put("spearmanInHead", round(step.meanCorrelationInRegion()));
                s.put("spearmanWholeSlice", round(step.meanCorrelation()));
                s.put("constantMaps", step.constantMaps());
                steps.add(s);
            }
            Map<String, Object> sanity = new LinkedHashMap<>();
            sanity.put("spearmanClassifierReinitialised", round(f.sanity().get(0).meanCorrelationInRegion()));
            sanity.put("verdict", passesSanity(f) ? "passes" : "fails");
            sanity.put("steps", steps);
            method.put("sanity", sanity);
            methods.add(method);
        }
        explanations.put("methods", methods);
        json.put("explanations", explanations);
        return Json.pretty(json);
    }

    /** Four decimals, as the report prints them: the json carries no false precision. */
    private static double round(double value) {
        return Math.round(value * 1e4) / 1e4;
    }

    private static String markdown(Settings settings, String commandLine, HyperdenseLesionPlugin plugin,
                                   String data, LocalDate measured, double auc,
                                   Evaluation.Confusion confusion, List<MethodFigures> figures, Games random,
                                   float blankProbability, List<Latency> latencies, double seconds) throws IOException {
        StringBuilder md = new StringBuilder();
        var manifest = plugin.manifest();
        md.append("# Report: ").append(manifest.name()).append("\n\n");
        md.append("Plugin `").append(manifest.id()).append("` ").append(manifest.version()).append(", weights `")
                .append(manifest.modelDigest()).append("`. ").append(manifest.intendedUse()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s by `plugins/ct-hyperdense-lesion/bench.sh%s` in %.0f s "
                        + "(one PyTorch thread: `ai.djl.pytorch.num_threads=%s`; CPU, %d cores visible, shared with other work).%n%n",
                measured, commandLine.isBlank() ? "" : " " + commandLine, seconds,
                System.getProperty("ai.djl.pytorch.num_threads", "default"), Runtime.getRuntime().availableProcessors()));
        md.append("## Data\n\n");
        md.append(data).append("\n\n");
        md.append("## Classification (held-out test slices, threshold 0.5)\n\n");
        md.append("| accuracy | ROC AUC | sensitivity | specificity | TP | FN | TN | FP |\n|---|---|---|---|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| %.3f | %.4f | %.3f | %.3f | %d | %d | %d | %d |%n%n", confusion.accuracy(),
                auc, confusion.sensitivity(), confusion.specificity(), confusion.truePositives(),
                confusion.falseNegatives(), confusion.trueNegatives(), confusion.falsePositives()));

        md.append("## Explanations (lesion class, target layer `").append(LesionNet.DEFAULT_TARGET_LAYER)
                .append("`, every test slice with a lesion)\n\n");
        md.append(String.format(Locale.ROOT, "- **Pointing game**: the map's maximum (at the slice's 256×256 resolution) "
                + "lies inside the lesion mask (no tolerance). **Energy**: share of the map's mass inside the mask "
                + "(a lesion covers about 0.2–2 %% of a slice).%n"
                + "- **Deletion / insertion** (first %d lesions, %d steps of 8 pixels, on the 128×128 network input): pixels in the "
                + "map's order, most salient first, are replaced by the same pixels of the slice *without* the lesion "
                + "(deletion), or restored into it (insertion); area under P(lesion). This baseline is the lesion's exact "
                + "counterfactual, known because the lesion is synthetic, and keeps every intermediate image a plausible "
                + "slice. Random-map baseline: deletion %.4f, insertion %.4f. Ratio = method ÷ random (deletion: lower "
                + "is better; insertion: higher).%n"
                + "- **Deletion to flat 20 HU** (RISE-style constant baseline, %d steps), for comparison: random map %.4f. It says "
                + "little here: this network calls a blank 20 HU image a lesion (P = %.4f; it never saw one), so as "
                + "pixels are flattened the score climbs back whatever the order.%n"
                + "- **Sanity check** (first %d lesions): table below.%n%n", settings.deletionImages(), COUNTERFACTUAL_STEPS,
                random.deletion(), random.insertion(), FLAT_STEPS, random.flatDeletion(), blankProbability,
                settings.sanityImages()));
        md.append("| method | pointing game | energy | deletion AUC | ratio | insertion AUC | ratio | flat-20-HU deletion | ratio |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (MethodFigures f : figures) {
            md.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.4f | %.2f | %.4f | %.2f | %.4f | %.2f |%n",
                    f.method(), f.pointingGame(), f.energy(), f.games().deletion(), f.games().deletion() / random.deletion(),
                    f.games().insertion(), f.games().insertion() / random.insertion(), f.games().flatDeletion(),
                    f.games().flatDeletion() / random.flatDeletion()));
        }
        md.append("\nFor this network's head (global average pooling + one linear layer) CAM, Grad-CAM, HiResCAM and "
                + "XGrad-CAM are the same map up to a constant factor (the gradient is the classifier row divided by the "
                + "map's area, the same at every position), so their figures coincide; Grad-CAM++ and LayerCAM keep only "
                + "positive gradients, i.e. only the channels with positive classifier weights.\n\n");
        List<String> layers = figures.get(0).sanity().stream().map(CascadingRandomisation.Step::layer).toList();
        md.append("**Sanity check**: Spearman rank correlation between the trained model's maps and the maps after "
                + "re-initialising the layers from the top down (cascading; He-normal weights, zero biases, seeded), "
                + "mean over the images; *inside the head* (above −500 HU) / over the whole slice. Outside the head the "
                + "input is uniform air, every activation there is a constant, and so is every map: half the pixels form "
                + "one block of ties shared by any two maps, which inflates the whole-slice figure without saying "
                + "anything about the model. Maps that became constant count as 0.\n\n");
        md.append("Verdict: a method ").append(sanityRule()).append("\n\n");
        md.append("| method |");
        for (String layer : layers) {
            md.append(" randomised down to ").append(layer).append(" |");
        }
        md.append(" verdict |\n|---|").append("---|".repeat(layers.size() + 1)).append("\n");
        for (MethodFigures f : figures) {
            md.append("| ").append(f.method()).append(" |");
            for (CascadingRandomisation.Step step : f.sanity()) {
                md.append(String.format(Locale.ROOT, " %.3f / %.3f%s |", step.meanCorrelationInRegion(),
                        step.meanCorrelation(), step.constantMaps() > 0 ? " (" + step.constantMaps() + " flat)" : ""));
            }
            md.append(passesSanity(f) ? " passes" : " **fails**").append(" |\n");
        }
        md.append("\n![held-out slices and their maps](plugin-ct-hyperdense-lesion-maps.png)\n\n");
        md.append("Held-out test slices: the lesion outlined in green, each method's normalised map over the slice "
                + "(jet colours, transparent where low). The last row has no lesion; its maps still show what the "
                + "lesion class responds to most.\n\n");

        md.append("## Latency (plugin `analyse` on 256×256 slices, CPU, median of ")
                .append(settings.latencyRounds()).append(" interleaved rounds)\n\n");
        md.append("| configuration | batch 1 (ms) | × plain | batch 16 (ms) | × plain |\n|---|---|---|---|---|\n");
        Latency plain = latencies.get(0);
        for (Latency l : latencies) {
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.1f | %.2f |%n", l.configuration(),
                    l.batch1Millis(), l.batch1Millis() / plain.batch1Millis(), l.batch16Millis(),
                    l.batch16Millis() / plain.batch16Millis()));
        }
        md.append("\n");

        MethodFigures gradCam = figures.stream().filter(f -> f.method().equals("grad-cam")).findFirst().orElseThrow();
        Latency gradCamLatency = latencies.stream().filter(l -> l.configuration().equals("+ grad-cam")).findFirst()
                .orElseThrow();
        double worstGradient = latencies.stream().filter(l -> isGradient(l.configuration()))
                .mapToDouble(l -> Math.max(l.batch1Millis() / plain.batch1Millis(), l.batch16Millis() / plain.batch16Millis()))
                .max().orElseThrow();
        md.append("## Targets\n\n| target | measured | met |\n|---|---|---|\n");
        target(md, "ROC AUC ≥ 0.95", String.format(Locale.ROOT, "%.4f", auc), auc >= 0.95);
        target(md, "Grad-CAM pointing game ≥ 90 %", String.format(Locale.ROOT, "%.1f %%", 100 * gradCam.pointingGame()),
                gradCam.pointingGame() >= 0.9);
        target(md, "Grad-CAM deletion AUC ≥ 30 % below random", String.format(Locale.ROOT,
                "%.0f %% below (counterfactual baseline); flat 20 HU: %.0f %% below",
                100 * (1 - gradCam.games().deletion() / random.deletion()),
                100 * (1 - gradCam.games().flatDeletion() / random.flatDeletion())),
                gradCam.games().deletion() <= 0.7 * random.deletion());
        CascadingRandomisation.Step classifier = gradCam.sanity().get(0);
        CascadingRandomisation.Step block4 = gradCam.sanity().get(1);
        target(md, "Grad-CAM rank correlation ≤ 0.3 once the top block is randomised", String.format(Locale.ROOT,
                "classifier randomised: %.3f inside the head (%.3f whole slice); with block4 too: %.3f (%.3f)",
                classifier.meanCorrelationInRegion(), classifier.meanCorrelation(), block4.meanCorrelationInRegion(),
                block4.meanCorrelation()), classifier.meanCorrelationInRegion() <= 0.3);
        target(md, "gradient methods ≤ 1.15× plain inference", String.format(Locale.ROOT,
                "Grad-CAM %.2f× (batch 1), %.2f× (batch 16); worst gradient method %.2f×",
                gradCamLatency.batch1Millis() / plain.batch1Millis(), gradCamLatency.batch16Millis() / plain.batch16Millis(),
                worstGradient), worstGradient <= 1.15);
        md.append("\n## Training\n\n").append(trainingSummary()).append("\n");
        return md.toString();
    }

    private static boolean isGradient(String configuration) {
        for (ExplanationMethod method : ExplanationMethod.values()) {
            if (configuration.equals("+ " + method.id())) {
                return method.gradientBased();
            }
        }
        return false;
    }

    private static void target(StringBuilder md, String target, String measured, boolean met) {
        md.append("| ").append(target).append(" | ").append(measured).append(" | ").append(met ? "yes" : "**no**")
                .append(" |\n");
    }

    /** The epochs table from the training record committed next to the weights. */
    private static String trainingSummary() throws IOException {
        String json = new String(resource("training.json"), StandardCharsets.UTF_8);
        StringBuilder md = new StringBuilder();
        Matcher command = Pattern.compile("\"command\": \"([^\"]*)\"").matcher(json);
        Matcher chosen = Pattern.compile("\"chosenEpoch\": (\\d+)").matcher(json);
        Matcher rule = Pattern.compile("\"epochRule\": \"([^\"]*)\"").matcher(json);
        Matcher secondsMatch = Pattern.compile("\"seconds\": (\\d+)\\s*\\}\\s*$").matcher(json);
        md.append("Command: `").append(command.find() ? command.group(1) : "?").append("`");
        if (secondsMatch.find()) {
            md.append(" (").append(secondsMatch.group(1)).append(" s)");
        }
        md.append(". Epoch rule: ").append(rule.find() ? rule.group(1) : "?").append("; kept epoch **")
                .append(chosen.find() ? chosen.group(1) : "?").append("**.\n\n");
        md.append("| epoch | training loss | validation AUC | validation accuracy | validation Grad-CAM pointing game |\n");
        md.append("|---|---|---|---|---|\n");
        Matcher epoch = Pattern.compile("\\{\"epoch\": (\\d+), \"trainingLoss\": ([0-9.]+), \"validationAuc\": ([0-9.]+), "
                + "\"validationAccuracy\": ([0-9.]+), \"validationGradCamPointingGame\": ([0-9.]+)").matcher(json);
        while (epoch.find()) {
            md.append("| ").append(epoch.group(1)).append(" | ").append(epoch.group(2)).append(" | ").append(epoch.group(3))
                    .append(" | ").append(epoch.group(4)).append(" | ").append(epoch.group(5)).append(" |\n");
        }
        return md.toString();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = HyperdenseLesionPlugin.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not in the plugin's resources");
            }
            return in.readAllBytes();
        }
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[report] " + format + "%n", args);
    }
}
