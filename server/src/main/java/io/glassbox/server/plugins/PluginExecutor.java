package io.glassbox.server.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.plugin.api.Concept;
import io.glassbox.plugin.api.DecodedImage;
import io.glassbox.plugin.api.DiagnosticPlugin;
import io.glassbox.plugin.api.Heatmap;
import io.glassbox.plugin.api.ImageResult;
import io.glassbox.plugin.api.IntensityHandling;
import io.glassbox.plugin.api.OutputClass;
import io.glassbox.plugin.api.PluginException;
import io.glassbox.plugin.api.PluginManifest;
import io.glassbox.plugin.api.RegulatoryStatus;
import io.glassbox.server.dispatch.ClaimedJob;
import io.glassbox.server.dispatch.JobExecutor;
import io.glassbox.server.dispatch.JobInput;
import io.glassbox.server.results.AnalysisResult;
import io.glassbox.server.results.Code;
import io.glassbox.server.results.OverlayStyle;
import io.glassbox.server.results.ResultStorer;
import io.glassbox.server.results.ResultStorer.ResultStorageException;
import io.glassbox.server.results.ResultStorer.StoredObject;
import io.glassbox.server.results.ResultUids;
import io.glassbox.server.results.ResultUids.Kind;
import io.glassbox.server.results.ResultWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs a job through an installed plugin and stores what it found as DICOM in the study ({@link ResultWriter}),
 * through the ingest path ({@link ResultStorer}): for every analysed image (every frame of a multi-frame one) and
 * every reported finding class a Secondary Capture with the heatmap over the image, stored as its batch finishes;
 * once every image is analysed, per class one multi-frame Parametric Map per analysed series (its frames the raw
 * heatmaps in the series' spatial order), and one Structured Report of the whole analysis, stored last. The job's
 * recorded result is the complete record of the inference: plugin, version, weights, device settings, method,
 * layer, per-image scores, findings and thresholds, the stored objects (each map with the source frame of each of
 * its frames), what could not be analysed and why, and where the time went.
 *
 * <p>Work goes in batches of the plan's size: read and decode (PixelMed), analyse (the plugin), write and store the
 * captures, then report progress; memory holds one batch's images, and every analysed frame's header and heatmap
 * (4 bytes a pixel per class) until the maps are written. Retries are safe: result UIDs are derived from the job,
 * the class and the inputs ({@link #analysisId}, {@link #reportId}), so an attempt that is run again (its worker
 * was killed part way) stores into the same series, keeps what the earlier one stored, and adds exactly the one map
 * per series and class and the one report that were missing.
 */
@ApplicationScoped
public class PluginExecutor implements JobExecutor {

    private static final Logger LOG = Logger.getLogger(PluginExecutor.class);

    private final PluginRegistry registry;
    private final ResultStorer storer;
    private final MeterRegistry meters;

    public PluginExecutor(PluginRegistry registry, ResultStorer storer, MeterRegistry meters) {
        this.registry = registry;
        this.storer = storer;
        this.meters = meters;
    }

    @Override
    public boolean handles(String pluginId, String pluginVersion) {
        return registry.find(pluginId, pluginVersion).isPresent();
    }

    /** One frame to analyse. */
    private record Item(JobInput input, AttributeList object, int frame, DecodedImage image) {
    }

    /** Where the time of a job went, in milliseconds, summed over its batches. */
    private static final class Phases {
        final Map<String, Double> millis = new LinkedHashMap<>();

        void add(String phase, double ms) {
            millis.merge(phase, ms, Double::sum);
        }

        ObjectNode json() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            millis.forEach((k, v) -> node.put(k, Math.round(v * 10) / 10.0));
            return node;
        }
    }

    @Override
    public JsonNode execute(ClaimedJob job, Progress progress) throws Exception {
        long jobStarted = System.nanoTime();
        InstalledPlugin installed = registry.find(job.pluginId(), job.pluginVersion())
                .orElseThrow(() -> new PermanentFailure("plugin " + job.pluginId() + " " + job.pluginVersion()
                        + " is not installed in this server"));
        PluginManifest manifest = installed.manifest();
        AnalysisPlan plan = AnalysisPlan.of(manifest, job.parameters());
        DiagnosticPlugin plugin;
        try {
            plugin = registry.opened(installed);
        } catch (PluginException e) {
            throw new PermanentFailure("cannot open plugin " + manifest.id() + " " + manifest.version() + ": "
                    + e.getMessage());
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        for (OutputClass c : plan.classes()) {
            OptionalDouble t = plugin.decisionThreshold(c.id());
            if (t.isEmpty() || !(t.getAsDouble() >= 0 && t.getAsDouble() <= 1)) {
                throw new PermanentFailure("plugin " + manifest.id() + " states no decision threshold in 0..1 for "
                        + "class '" + c.id() + "'; Glassbox reports a finding only with the threshold it was decided by");
            }
            thresholds.put(c.id(), t.getAsDouble());
        }
        AnalysisResult.Algorithm algorithm = algorithm(manifest);
        OverlayStyle style = style(manifest);

        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.put("kind", "analysis");
        ObjectNode pluginNode = record.putObject("plugin");
        pluginNode.put("id", manifest.id()).put("name", manifest.name()).put("version", manifest.version())
                .put("vendor", manifest.vendor()).put("regulatoryStatus", manifest.regulatoryStatus().name())
                .put("modelDigest", manifest.modelDigest()).put("deviceUid", algorithm.deviceUid());
        record.put("method", plan.method().id()).put("methodName", plan.method().displayName())
                .put("targetLayer", plan.targetLayer()).put("batchSize", plan.batchSize());
        ObjectNode seriesNode = record.putObject("resultSeries");
        Map<String, UUID> analyses = new LinkedHashMap<>();
        for (OutputClass c : plan.classes()) {
            UUID id = analysisId(job, c.id());
            analyses.put(c.id(), id);
            ObjectNode classSeries = seriesNode.putObject(c.id()).put("analysisId", id.toString())
                    .put("threshold", thresholds.get(c.id()));
            for (Kind kind : Kind.values()) {
                classSeries.put(kind.recordKey(), ResultUids.seriesUid(kind == Kind.STRUCTURED_REPORT
                        ? reportId(job) : id, kind));
            }
        }
        ArrayNode images = record.putArray("images");
        ArrayNode notAnalysed = record.putArray("notAnalysed");
        Phases phases = new Phases();
        Analysed analysed = new Analysed();

        int total = job.inputs().size();
        int inputsDone = 0;
        int positives = 0;
        List<Item> batch = new ArrayList<>();
        for (JobInput input : job.inputs()) {
            inputsDone++;
            List<Item> items = read(input, manifest, notAnalysed, phases);
            for (Item item : items) {
                batch.add(item);
                if (batch.size() == plan.batchSize()) {
                    positives += run(batch, job, plugin, installed, plan, thresholds, analyses, algorithm, style,
                            images, analysed, phases);
                    batch.clear();
                }
            }
            if (batch.isEmpty() && !progress.report(inputsDone, total, images.size() + " images analysed")) {
                throw new IllegalStateException("the job's lease was lost after " + inputsDone + " inputs");
            }
        }
        if (!batch.isEmpty()) {
            positives += run(batch, job, plugin, installed, plan, thresholds, analyses, algorithm, style, images,
                    analysed, phases);
            progress.report(total, total, images.size() + " images analysed");
        }
        if (images.isEmpty()) {
            throw new PermanentFailure("no image of the job could be analysed: " + reasons(notAnalysed));
        }
        storeMapsAndReport(job, plan, analyses, analysed, record, phases);
        record.put("imagesAnalysed", images.size()).put("imagesWithFindings", positives)
                .put("inputsNotAnalysed", notAnalysed.size());
        phases.add("total", (System.nanoTime() - jobStarted) / 1e6);
        record.set("timingsMillis", phases.json());
        return record;
    }

    /** Reads and decodes every frame of one input; what cannot be analysed is recorded with its reason. */
    private List<Item> read(JobInput input, PluginManifest manifest, ArrayNode notAnalysed, Phases phases) {
        if (input.file() == null) {
            skip(notAnalysed, input, "the instance is no longer in the index");
            return List.of();
        }
        long t0 = System.nanoTime();
        AttributeList object;
        try {
            object = FrameDecoder.read(input.file());
        } catch (NoSuchFileException e) {
            skip(notAnalysed, input, "its stored file is missing: " + input.file());
            return List.of();
        } catch (IOException | FrameDecoder.UndecodableException e) {
            skip(notAnalysed, input, "cannot be read: " + e.getMessage());
            return List.of();
        }
        long t1 = System.nanoTime();
        phases.add("read", (t1 - t0) / 1e6);
        var attributes = FrameDecoder.attributes(object);
        String modality = attributes.string("Modality").orElse(null);
        String bodyPart = attributes.string("BodyPartExamined").orElse(null);
        if (!manifest.accepts().accepts(modality, input.sopClassUid(), bodyPart)) {
            skip(notAnalysed, input, "the plugin does not accept it (modality " + modality + ", body part "
                    + bodyPart + ", SOP class " + input.sopClassUid() + ")");
            return List.of();
        }
        FrameDecoder.Frames decodable;
        try {
            decodable = FrameDecoder.open(object, attributes);
        } catch (FrameDecoder.UndecodableException e) {
            skip(notAnalysed, input, e.getMessage());
            return List.of();
        }
        int frames = FrameDecoder.frames(object);
        List<Item> items = new ArrayList<>(frames);
        for (int frame = 1; frame <= frames; frame++) {
            String imageId = frames == 1 ? input.sopInstanceUid() : input.sopInstanceUid() + "#" + frame;
            try {
                items.add(new Item(input, object, frame, decodable.frame(frame, imageId)));
            } catch (FrameDecoder.UndecodableException e) {
                skip(notAnalysed, input, (frames == 1 ? "" : "frame " + frame + ": ") + e.getMessage());
                if (items.isEmpty()) {
                    break; // the codec fails the same way on every frame
                }
            }
        }
        phases.add("decode", (System.nanoTime() - t1) / 1e6);
        return items;
    }

    /** Analyses one batch and stores its results; returns how many of its images have a finding. */
    private int run(List<Item> batch, ClaimedJob job, DiagnosticPlugin plugin, InstalledPlugin installed,
                    AnalysisPlan plan, Map<String, Double> thresholds, Map<String, UUID> analyses,
                    AnalysisResult.Algorithm algorithm, OverlayStyle style, ArrayNode images, Analysed analysed,
                    Phases phases) throws Exception {
        List<DecodedImage> decoded = batch.stream().map(Item::image).toList();
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<ImageResult> results;
        try {
            results = installed.call(() -> plugin.analyse(decoded, plan.request()));
        } catch (PluginException e) {
            throw new PermanentFailure("plugin " + job.pluginId() + " refused a batch of " + batch.size() + " images: "
                    + e.getMessage());
        }
        Instant finished = Instant.now();
        double pluginMillis = (System.nanoTime() - t0) / 1e6;
        phases.add("plugin", pluginMillis);
        time("plugin", job, pluginMillis);
        if (results == null || results.size() != batch.size()) {
            throw new PermanentFailure("plugin " + job.pluginId() + " returned " + (results == null ? "no" : results.size())
                    + " results for " + batch.size() + " images");
        }
        if (!results.isEmpty()) {
            phases.add("pluginPreprocess", results.get(0).timings().preprocessMillis());
            phases.add("pluginInference", results.get(0).timings().inferenceMillis());
            phases.add("pluginExplanation", results.get(0).timings().explanationMillis());
        }
        int positives = 0;
        for (int i = 0; i < batch.size(); i++) {
            Item item = batch.get(i);
            ImageResult result = results.get(i);
            if (!item.image().imageId().equals(result.imageId())) {
                throw new PermanentFailure("plugin " + job.pluginId() + " returned results out of order: expected "
                        + item.image().imageId() + ", got " + result.imageId());
            }
            ObjectNode image = images.addObject();
            image.put("sopInstanceUid", item.input().sopInstanceUid())
                    .put("seriesInstanceUid", item.input().seriesInstanceUid()).put("frame", item.frame());
            ObjectNode scores = image.putObject("scores");
            result.scores().forEach(scores::put);
            ArrayNode findingsNode = image.putArray("findings");
            result.findings().forEach(findingsNode::add);
            ArrayNode resultsNode = image.putArray("results");
            boolean anyFinding = false;
            for (OutputClass c : plan.classes()) {
                Double score = result.scores().get(c.id());
                if (score == null || !(score >= 0 && score <= 1)) {
                    throw new PermanentFailure("plugin " + job.pluginId() + " gave no score in 0..1 for '" + c.id()
                            + "' on " + result.imageId() + " (" + score + ")");
                }
                double threshold = thresholds.get(c.id());
                boolean present = score >= threshold;
                if (present != result.findings().contains(c.id())) {
                    throw new PermanentFailure("plugin " + job.pluginId() + " contradicts itself on "
                            + result.imageId() + ": score " + score + " against its threshold " + threshold
                            + (present ? " but no finding '" : " yet a finding '") + c.id() + "'");
                }
                anyFinding |= present;
                Heatmap map = heatmap(result, c.id(), plan, item, job);
                AnalysisResult analysis;
                try {
                    analysis = new AnalysisResult(analyses.get(c.id()), item.object(), item.frame(), map.values(),
                            new AnalysisResult.Finding(c.displayName(), code(c.concept()), score, threshold),
                            new AnalysisResult.Explanation(plan.method().displayName(), plan.targetLayer()),
                            algorithm, new AnalysisResult.Timing(started, finished));
                } catch (IllegalArgumentException e) {
                    throw new PermanentFailure("the result for " + result.imageId() + " cannot be written: "
                            + e.getMessage());
                }
                long w0 = System.nanoTime();
                AttributeList capture;
                try {
                    capture = ResultWriter.secondaryCapture(analysis, style);
                } catch (IllegalArgumentException e) {
                    throw new PermanentFailure("the Secondary Capture for " + result.imageId() + " cannot be written: "
                            + e.getMessage());
                }
                long w1 = System.nanoTime();
                StoredObject stored = store(Kind.SECONDARY_CAPTURE, capture);
                long w2 = System.nanoTime();
                phases.add("write", (w1 - w0) / 1e6);
                phases.add("store", (w2 - w1) / 1e6);
                time("write", job, (w1 - w0) / 1e6);
                time("store", job, (w2 - w1) / 1e6);
                ObjectNode r = resultsNode.addObject();
                r.put("classId", c.id()).put("label", c.displayName()).put("score", score)
                        .put("threshold", threshold).put("present", present)
                        .put("heatmapMax", max(map.values()))
                        .put(Kind.SECONDARY_CAPTURE.recordKey(), stored.sopInstanceUid());
                if (stored.keptFromEarlierAttempt()) {
                    r.put("keptFromEarlierAttempt", true);
                }
                analysed.add(analysis.withoutSourcePixels(), r);
            }
            positives += anyFinding ? 1 : 0;
        }
        LOG.debugf("job %s: batch of %s analysed in %s ms", job.id(), batch.size(), Math.round(pluginMillis));
        return positives;
    }

    /**
     * Every frame analysed so far, per class, without its pixels (its header and heatmap), with the record of its
     * result, which the map and the report fill in once they are stored.
     */
    private static final class Analysed {
        final List<AnalysisResult> results = new ArrayList<>();
        final Map<String, ObjectNode> records = new HashMap<>();

        void add(AnalysisResult result, ObjectNode record) {
            results.add(result);
            records.put(key(result.analysisId(), result.source(), result.frameNumber()), record);
        }

        ObjectNode record(AnalysisResult result) {
            return records.get(key(result.analysisId(), result.source(), result.frameNumber()));
        }

        private static String key(UUID analysisId, AttributeList source, int frame) {
            return analysisId + "/" + Attribute.getSingleStringValueOrEmptyString(source,
                    TagFromName.SOPInstanceUID) + "/" + frame;
        }
    }

    /**
     * Once every image is analysed: per class the Parametric Maps (one per analysed series, frames in spatial
     * order), then the report that references them and the captures, stored last. Each result's record learns its
     * map and frame, and the job's record lists the maps with the source frame of each of their frames.
     */
    private void storeMapsAndReport(ClaimedJob job, AnalysisPlan plan, Map<String, UUID> analyses,
            Analysed analysed, ObjectNode record, Phases phases) throws Exception {
        long w0 = System.nanoTime();
        List<ResultWriter.WrittenMap> maps;
        AttributeList report;
        try {
            maps = ResultWriter.parametricMaps(analysed.results);
            report = ResultWriter.structuredReport(reportId(job), analysed.results, maps);
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure("the Parametric Maps and the report cannot be written: " + e.getMessage());
        }
        long w1 = System.nanoTime();
        Map<UUID, OutputClass> classes = new HashMap<>();
        for (OutputClass c : plan.classes()) {
            classes.put(analyses.get(c.id()), c);
        }
        ArrayNode mapsNode = record.putArray("parametricMaps");
        for (ResultWriter.WrittenMap map : maps) {
            StoredObject stored = store(Kind.PARAMETRIC_MAP, map.object());
            OutputClass c = classes.get(map.analysisId());
            ObjectNode m = mapsNode.addObject().put("classId", c.id()).put("label", c.displayName())
                    .put("seriesInstanceUid", stored.seriesInstanceUid())
                    .put("sopInstanceUid", stored.sopInstanceUid())
                    .put("numberOfFrames", map.frames().size());
            if (stored.keptFromEarlierAttempt()) {
                m.put("keptFromEarlierAttempt", true);
            }
            ArrayNode frames = m.putArray("frames");
            for (int i = 0; i < map.frames().size(); i++) {
                AnalysisResult frame = map.frames().get(i);
                frames.addObject().put("sourceSopInstanceUid", Attribute.getSingleStringValueOrEmptyString(
                        frame.source(), TagFromName.SOPInstanceUID)).put("sourceFrame", frame.frameNumber());
                analysed.record(frame).put(Kind.PARAMETRIC_MAP.recordKey(), stored.sopInstanceUid())
                        .put("parametricMapFrame", i + 1);
            }
        }
        StoredObject stored = store(Kind.STRUCTURED_REPORT, report);
        ObjectNode r = record.putObject("structuredReport").put("seriesInstanceUid", stored.seriesInstanceUid())
                .put("sopInstanceUid", stored.sopInstanceUid());
        if (stored.keptFromEarlierAttempt()) {
            r.put("keptFromEarlierAttempt", true);
        }
        analysed.records.values().forEach(n -> n.put(Kind.STRUCTURED_REPORT.recordKey(), stored.sopInstanceUid()));
        long w2 = System.nanoTime();
        phases.add("write", (w1 - w0) / 1e6);
        phases.add("store", (w2 - w1) / 1e6);
        time("write", job, (w1 - w0) / 1e6);
        time("store", job, (w2 - w1) / 1e6);
    }

    /** Stores one result object; storage trouble is retried (the job is), a refused object fails the job. */
    private StoredObject store(Kind kind, AttributeList object) throws Exception {
        try {
            return storer.store(kind, object);
        } catch (ResultStorageException e) {
            if (e.retryable()) {
                throw e;
            }
            throw new PermanentFailure(e.getMessage());
        }
    }

    private static Heatmap heatmap(ImageResult result, String classId, AnalysisPlan plan, Item item, ClaimedJob job)
            throws PermanentFailure {
        for (Heatmap map : result.heatmaps()) {
            if (map.classId().equals(classId) && map.method() == plan.method()) {
                if (map.width() != item.image().width() || map.height() != item.image().height()) {
                    throw new PermanentFailure("plugin " + job.pluginId() + " returned a " + map.width() + "×"
                            + map.height() + " map for a " + item.image().width() + "×" + item.image().height()
                            + " image");
                }
                return map;
            }
        }
        throw new PermanentFailure("plugin " + job.pluginId() + " returned no " + plan.method().id() + " map of '"
                + classId + "' for " + result.imageId());
    }

    /**
     * The analysis id of one class of one job: the same for every attempt of the job (so retries store into the
     * same series and UIDs), different for any other job or class. A job is one plugin version over one set of
     * inputs with one set of parameters (its idempotency key), so a new run over changed inputs gets new series.
     */
    static UUID analysisId(ClaimedJob job, String classId) {
        return ResultUids.nameBasedUuid("glassbox-analysis", Long.toString(job.id()), job.inputDigest(), classId);
    }

    /** The id of the job's report, which covers every class: like {@link #analysisId}, the same for every attempt. */
    static UUID reportId(ClaimedJob job) {
        return ResultUids.nameBasedUuid("glassbox-analysis-report", Long.toString(job.id()), job.inputDigest());
    }

    /**
     * The model as the result objects name it. Its weights' digest makes the Device UID; a plugin without
     * weights is identified by its id and version instead (its code is the model).
     */
    static AnalysisResult.Algorithm algorithm(PluginManifest m) {
        String digest = m.modelDigest() != null ? m.modelDigest().substring("sha256:".length())
                : HexFormat.of().formatHex(sha256(m.id() + "\0" + m.version()));
        return new AnalysisResult.Algorithm(m.id(), m.name(), m.version(), m.vendor(), digest,
                m.regulatoryStatus() != RegulatoryStatus.MEDICAL_DEVICE);
    }

    /** The Secondary Capture shows the image in the window the model was given, when it was given one. */
    static OverlayStyle style(PluginManifest m) {
        IntensityHandling intensity = m.input().intensity();
        return intensity.kind() == IntensityHandling.Kind.WINDOW
                ? OverlayStyle.window(intensity.windowCentre(), intensity.windowWidth())
                : OverlayStyle.DEFAULT;
    }

    private static Code code(Concept concept) {
        return new Code(concept.codeValue(), concept.codingScheme(), concept.codeMeaning());
    }

    private void time(String phase, ClaimedJob job, double millis) {
        Timer.builder("glassbox.analysis.phase").description("Time per step of running plugins on jobs")
                .tag("phase", phase).tag("plugin", job.pluginId()).register(meters)
                .record((long) (millis * 1e6), TimeUnit.NANOSECONDS);
    }

    private static void skip(ArrayNode notAnalysed, JobInput input, String reason) {
        notAnalysed.addObject().put("sopInstanceUid", input.sopInstanceUid()).put("reason", reason);
    }

    private static String reasons(ArrayNode notAnalysed) {
        List<String> reasons = new ArrayList<>();
        notAnalysed.forEach(n -> reasons.add(n.path("sopInstanceUid").asText() + ": " + n.path("reason").asText()));
        return reasons.isEmpty() ? "the job has no inputs" : String.join("; ", reasons.subList(0,
                Math.min(5, reasons.size()))) + (reasons.size() > 5 ? "; and " + (reasons.size() - 5) + " more" : "");
    }

    private static double max(float[] values) {
        float m = 0;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
