package io.glassbox.plugins.hyperdenselesion;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.glassbox.explain.BlockSplitNetwork;
import io.glassbox.explain.CamMaps;
import io.glassbox.explain.CamMethods;
import io.glassbox.explain.ClassActivationMap;
import io.glassbox.explain.ExplanationContext;
import io.glassbox.plugin.api.Acceptance;
import io.glassbox.plugin.api.AnalysisRequest;
import io.glassbox.plugin.api.ComputeDevice;
import io.glassbox.plugin.api.Concept;
import io.glassbox.plugin.api.DecodedImage;
import io.glassbox.plugin.api.DiagnosticPlugin;
import io.glassbox.plugin.api.ExplanationMethod;
import io.glassbox.plugin.api.ExplanationOffer;
import io.glassbox.plugin.api.Heatmap;
import io.glassbox.plugin.api.ImageKind;
import io.glassbox.plugin.api.ImageResult;
import io.glassbox.plugin.api.InputPreprocessor;
import io.glassbox.plugin.api.InputRequirements;
import io.glassbox.plugin.api.IntensityHandling;
import io.glassbox.plugin.api.OutputClass;
import io.glassbox.plugin.api.PluginApi;
import io.glassbox.plugin.api.PluginConfiguration;
import io.glassbox.plugin.api.PluginException;
import io.glassbox.plugin.api.PluginManifest;
import io.glassbox.plugin.api.RegulatoryStatus;
import io.glassbox.plugin.api.ResourceNeeds;
import io.glassbox.plugin.api.Timings;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.Set;

/**
 * Flags a hyperdense, haemorrhage-like lesion on an axial head CT slice and shows where it looked. A research
 * demonstration: trained on synthetic lesions inserted into one real head CT (see TRAINING.md), so that every
 * map can be checked against the lesion's known outline.
 *
 * <p>Configuration: {@code threshold} (lesion probability at or above which the finding is reported, default
 * 0.5).
 */
public final class HyperdenseLesionPlugin implements DiagnosticPlugin {

    public static final String ID = "glassbox.ct-hyperdense-lesion";
    /** The weights file and its digest, next to this class. */
    public static final String WEIGHTS = "lesion-net.params";
    public static final String WEIGHTS_DIGEST = "lesion-net.sha256";
    /** The validation report next to this class, written by {@code bench.sh} with the markdown report. */
    public static final String VALIDATION = "validation.json";

    static final String NO_LESION = "no-lesion";
    static final String LESION = "lesion";

    /**
     * The finding as a code: Glassbox's own (a local scheme), not SNOMED CT's "Intracranial hemorrhage"
     * (1386000), because that is a disorder and this model has never seen one.
     */
    static final Concept LESION_CONCEPT = new Concept("GBX-ICH-LIKE", "99GLASSBOX",
            "Intracranial haemorrhage-like lesion");

    /** Window and normalisation: see the manifest's input requirements below. */
    public static final InputRequirements INPUT = new InputRequirements(LesionNet.INPUT_SIZE, LesionNet.INPUT_SIZE,
            1, IntensityHandling.window(40, 100), 0.3, 0.3);

    private final PluginManifest manifest;
    private volatile Loaded loaded;

    /** What {@link #open} builds: the model and one split of it per target layer. */
    private record Loaded(NDManager manager, Map<String, BlockSplitNetwork> splits, float threshold) {
    }

    public HyperdenseLesionPlugin() {
        this.manifest = manifest(readVersion(), "sha256:" + readWeightsDigest());
    }

    static PluginManifest manifest(String version, String digest) {
        List<ExplanationMethod> methods = Arrays.asList(ExplanationMethod.values());
        return new PluginManifest(ID, "Hyperdense lesion on head CT (research demonstration)", version,
                "Glassbox project",
                "Research demonstration of explainable AI. Scores an axial head CT slice for a hyperdense, "
                        + "haemorrhage-like lesion inside the brain and shows where the model looked. Trained and "
                        + "tested only on synthetic lesions inserted into one real head CT (InVesalius example); "
                        + "never validated on real haemorrhages. Not a medical device; not for diagnosis or any "
                        + "clinical decision.",
                RegulatoryStatus.NOT_A_MEDICAL_DEVICE,
                new Acceptance(Set.of("CT"), Set.of("1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.2.1"),
                        Set.of("HEAD", "BRAIN"), ImageKind.SERIES_SLICE),
                INPUT,
                List.of(new OutputClass(NO_LESION, "No hyperdense lesion", false),
                        new OutputClass(LESION, "Hyperdense lesion (haemorrhage-like)", true, LESION_CONCEPT)),
                new ExplanationOffer(methods, ExplanationMethod.GRAD_CAM, LesionNet.TARGET_LAYERS,
                        LesionNet.DEFAULT_TARGET_LAYER),
                new ResourceNeeds(Set.of(ComputeDevice.Kind.CPU, ComputeDevice.Kind.GPU), 256L << 20, 16),
                digest, PluginApi.VERSION);
    }

    @Override
    public PluginManifest manifest() {
        return manifest;
    }

    @Override
    public Optional<String> validationReport() {
        return Optional.of(new String(resource(VALIDATION), StandardCharsets.UTF_8));
    }

    @Override
    public void open(PluginConfiguration configuration, ComputeDevice device) throws PluginException {
        if (loaded != null) {
            throw new PluginException(ID + " is already open");
        }
        float threshold;
        try {
            threshold = Float.parseFloat(configuration.get("threshold").orElse("0.5"));
        } catch (NumberFormatException e) {
            throw new PluginException("threshold must be a number: " + e.getMessage(), e);
        }
        byte[] weights = resource(WEIGHTS);
        String digest = "sha256:" + sha256(weights);
        if (!digest.equals(manifest.modelDigest())) {
            throw new PluginException("weights digest " + digest + " does not match the recorded "
                    + manifest.modelDigest() + ": the weights file was changed without its digest");
        }
        Device djlDevice = device.kind() == ComputeDevice.Kind.CPU ? Device.cpu() : Device.gpu(device.index());
        NDManager manager = null;
        try {
            manager = Engine.getEngine("PyTorch").newBaseManager(djlDevice);
            LesionNet net = loadNetwork(manager, weights);
            Map<String, BlockSplitNetwork> splits = new LinkedHashMap<>();
            for (String layer : net.targetLayers()) {
                splits.put(layer, net.split(layer));
            }
            loaded = new Loaded(manager, splits, threshold);
        } catch (RuntimeException | IOException e) {
            if (manager != null) {
                manager.close();
            }
            throw new PluginException("cannot load " + ID + " on " + device + ": " + e.getMessage(), e);
        }
    }

    /** A network with the given weights (a DJL parameter file of {@link LesionNet#block()}). */
    public static LesionNet loadNetwork(NDManager manager, byte[] weights) throws IOException {
        LesionNet net = new LesionNet();
        net.block().initialize(manager, DataType.FLOAT32, new Shape(1, 1, LesionNet.INPUT_SIZE, LesionNet.INPUT_SIZE));
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights))) {
            net.block().loadParameters(manager, in);
        } catch (ai.djl.MalformedModelException e) {
            throw new IOException("malformed weights: " + e.getMessage(), e);
        }
        return net;
    }

    @Override
    public List<ImageResult> analyse(List<DecodedImage> images, AnalysisRequest request) throws PluginException {
        Loaded model = loaded;
        if (model == null) {
            throw new PluginException(ID + " is not open");
        }
        if (images.isEmpty()) {
            return List.of();
        }
        String layer = request.targetLayer().orElse(LesionNet.DEFAULT_TARGET_LAYER);
        BlockSplitNetwork network = model.splits().get(layer);
        if (network == null) {
            throw new PluginException("no target layer '" + layer + "'; offered: " + model.splits().keySet());
        }
        List<ClassActivationMap> methods = new ArrayList<>();
        for (ExplanationMethod method : request.methods()) {
            methods.add(CamMethods.of(method));
        }
        int[] explicitTargets = new int[request.explainClassIds().size()];
        for (int i = 0; i < explicitTargets.length; i++) {
            explicitTargets[i] = classIndex(request.explainClassIds().get(i));
        }
        int n = images.size();
        try (NDManager requestManager = model.manager().newSubManager()) {
            long start = System.nanoTime();
            InputPreprocessor preprocessor = new InputPreprocessor(INPUT);
            float[] batch = new float[n * preprocessor.valuesPerImage()];
            for (int i = 0; i < n; i++) {
                preprocessor.prepare(Orientation.of(images.get(i)).toTraining(images.get(i)), batch,
                        i * preprocessor.valuesPerImage());
            }
            long prepared = System.nanoTime();
            NDArray input = requestManager.create(batch, new Shape(n, 1, LesionNet.INPUT_SIZE, LesionNet.INPUT_SIZE));
            ExplanationContext context = ExplanationContext.of(network, input);
            float[] probabilities = context.logits().softmax(1).toFloatArray();
            long inferred = System.nanoTime();

            List<List<String>> findings = new ArrayList<>();
            int[] ownTargets = new int[n];
            for (int i = 0; i < n; i++) {
                float lesion = probabilities[i * 2 + 1];
                findings.add(lesion >= model.threshold() ? List.of(LESION) : List.of());
                ownTargets[i] = lesion >= model.threshold() ? 1 : (probabilities[i * 2] >= lesion ? 0 : 1);
            }
            List<int[]> targetSets = new ArrayList<>();
            if (explicitTargets.length == 0) {
                targetSets.add(ownTargets);
            } else {
                for (int target : explicitTargets) {
                    int[] all = new int[n];
                    Arrays.fill(all, target);
                    targetSets.add(all);
                }
            }
            List<List<Heatmap>> heatmaps = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                heatmaps.add(new ArrayList<>());
            }
            for (ClassActivationMap method : methods) {
                ExplanationMethod apiMethod = method.method();
                for (int[] targets : targetSets) {
                    long methodStart = System.nanoTime();
                    CamMaps maps = method.compute(context, targets);
                    float[][] upsampled = new float[n][];
                    for (int i = 0; i < n; i++) {
                        DecodedImage image = images.get(i);
                        upsampled[i] = Orientation.of(image).fromTraining(maps.upsampled(i, image.width(),
                                image.height(), request.normaliseMaps()), image.width(), image.height());
                    }
                    double millis = (System.nanoTime() - methodStart) / 1e6;
                    for (int i = 0; i < n; i++) {
                        DecodedImage image = images.get(i);
                        heatmaps.get(i).add(new Heatmap(manifest.outputClasses().get(targets[i]).id(), apiMethod, layer,
                                image.width(), image.height(), upsampled[i], request.normaliseMaps(), millis));
                    }
                }
            }
            long explained = System.nanoTime();
            Timings timings = new Timings(n, (prepared - start) / 1e6, (inferred - prepared) / 1e6,
                    (explained - inferred) / 1e6);
            List<ImageResult> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Map<String, Double> scores = new LinkedHashMap<>();
                scores.put(NO_LESION, (double) probabilities[i * 2]);
                scores.put(LESION, (double) probabilities[i * 2 + 1]);
                results.add(new ImageResult(images.get(i).imageId(), scores, findings.get(i), heatmaps.get(i), timings));
            }
            return results;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw new PluginException(e.getMessage(), e);
        } catch (ai.djl.engine.EngineException e) {
            throw new PluginException("the inference engine failed: " + e.getMessage(), e);
        }
    }

    @Override
    public OptionalDouble decisionThreshold(String classId) {
        Loaded model = loaded;
        return model != null && LESION.equals(classId) ? OptionalDouble.of(model.threshold()) : OptionalDouble.empty();
    }

    private int classIndex(String classId) throws PluginException {
        for (int i = 0; i < manifest.outputClasses().size(); i++) {
            if (manifest.outputClasses().get(i).id().equals(classId)) {
                return i;
            }
        }
        throw new PluginException("no output class '" + classId + "'; classes: "
                + manifest.outputClasses().stream().map(OutputClass::id).toList());
    }

    @Override
    public void close() {
        Loaded model = loaded;
        loaded = null;
        if (model != null) {
            model.manager().close();
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = HyperdenseLesionPlugin.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the plugin jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readVersion() {
        Properties properties = new Properties();
        try (InputStream in = HyperdenseLesionPlugin.class.getResourceAsStream("plugin.properties")) {
            if (in == null) {
                throw new IllegalStateException("plugin.properties is missing from the plugin jar");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    /** The recorded digest: the first word of the digest file (sha256sum's format). */
    private static String readWeightsDigest() {
        return new String(resource(WEIGHTS_DIGEST), StandardCharsets.US_ASCII).trim().split("\\s+")[0];
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
