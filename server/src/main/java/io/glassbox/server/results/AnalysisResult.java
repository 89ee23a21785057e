package io.glassbox.server.results;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What one analysis of one image produced, in plain terms: the input that {@link ResultWriter} turns into a
 * Secondary Capture, a Parametric Map and a Structured Report. Nothing here depends on the plugin contract, so the
 * job worker can fill it from whatever the plugin returned.
 *
 * @param analysisId  identifies the analysis (the job). The result objects' UIDs are derived from it and from the
 *                    source image, so writing the same analysis again yields the same UIDs and, with the same
 *                    inputs, the same bytes: a retried job stores nothing twice. Several images analysed by one job
 *                    share its result series.
 * @param source      the analysed instance: its header, and its pixel data when the Secondary Capture is wanted
 *                    (decoded with PixelMed's SourceImage)
 * @param frameNumber the analysed frame, 1-based (1 for a single-frame image)
 * @param heatmap     the explanation heatmap, row-major, one value per pixel of the source frame (Rows × Columns),
 *                    normalised to 0..1 (0 = no attention, 1 = the most); written unchanged into the Parametric Map
 * @param finding     what was found and how sure the model is
 * @param explanation how the heatmap was made
 * @param algorithm   which model made it
 * @param timing      when the analysis ran
 */
public record AnalysisResult(
        UUID analysisId,
        AttributeList source,
        int frameNumber,
        float[] heatmap,
        Finding finding,
        Explanation explanation,
        Algorithm algorithm,
        Timing timing) {

    /**
     * @param label       the finding as people say it ("Intracranial haemorrhage-like lesion")
     * @param concept     the finding as a code, e.g. {@link Code#HAEMORRHAGE_LIKE_LESION}
     * @param probability the model's score for the finding, 0..1
     * @param threshold   the decision threshold: at or above it the finding is reported present
     */
    public record Finding(String label, Code concept, double probability, double threshold) {
        public Finding {
            requireText(label, "finding label");
            Objects.requireNonNull(concept, "finding concept");
            requireUnit(probability, "probability");
            requireUnit(threshold, "threshold");
        }

        public boolean present() {
            return probability >= threshold;
        }
    }

    /**
     * @param method      the explanation method as named in docs/explainability.md ("Grad-CAM", "Score-CAM", …)
     * @param targetLayer the layer whose activations it explains ("features.7")
     */
    public record Explanation(String method, String targetLayer) {
        public Explanation {
            requireText(method, "explanation method");
            requireText(targetLayer, "target layer");
        }
    }

    /**
     * @param pluginId              the plugin's identifier ("head-ct-haemorrhage")
     * @param name                  the model's human name ("Head CT haemorrhage detector")
     * @param version               the model's version
     * @param manufacturer          who made the model
     * @param weightsSha256         hex SHA-256 of the weights file: the Device UID follows it, so new weights are
     *                              a new device (IHE AI Results)
     * @param notForDiagnosticUse   whether every object must say "not for diagnostic use"
     */
    public record Algorithm(String pluginId, String name, String version, String manufacturer, String weightsSha256,
            boolean notForDiagnosticUse) {
        public Algorithm {
            requireText(pluginId, "plugin id");
            requireText(name, "model name");
            requireText(version, "model version");
            requireText(manufacturer, "manufacturer");
            requireText(weightsSha256, "weights SHA-256");
            if (weightsSha256.length() != 64) {
                throw new IllegalArgumentException("weights SHA-256 must be 64 hex digits, got " + weightsSha256);
            }
            HexFormat.of().parseHex(weightsSha256);
        }

        /** The Device UID of this model with these weights (IHE AI Results: it changes with the weights). */
        public String deviceUid() {
            return ResultUids.deviceUid(weightsSha256);
        }
    }

    /** When the analysis started and finished; the objects' Content Date/Time is the start. */
    public record Timing(Instant started, Instant finished) {
        public Timing {
            Objects.requireNonNull(started, "started");
            Objects.requireNonNull(finished, "finished");
            if (finished.isBefore(started)) {
                throw new IllegalArgumentException("analysis finished (" + finished + ") before it started ("
                        + started + ")");
            }
        }
    }

    public AnalysisResult {
        Objects.requireNonNull(analysisId, "analysisId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(heatmap, "heatmap");
        Objects.requireNonNull(finding, "finding");
        Objects.requireNonNull(explanation, "explanation");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(timing, "timing");
        requireValue(source, TagFromName.SOPClassUID, "SOP Class UID");
        requireValue(source, TagFromName.SOPInstanceUID, "SOP Instance UID");
        requireValue(source, TagFromName.StudyInstanceUID, "Study Instance UID");
        requireValue(source, TagFromName.SeriesInstanceUID, "Series Instance UID");
        int rows = Attribute.getSingleIntegerValueOrDefault(source, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(source, TagFromName.Columns, 0);
        int frames = Attribute.getSingleIntegerValueOrDefault(source, TagFromName.NumberOfFrames, 1);
        if (rows <= 0 || columns <= 0) {
            throw new IllegalArgumentException("the source image has no Rows/Columns");
        }
        if (frameNumber < 1 || frameNumber > frames) {
            throw new IllegalArgumentException("frame " + frameNumber + " is not in 1.." + frames);
        }
        if (heatmap.length != rows * columns) {
            throw new IllegalArgumentException("heatmap has " + heatmap.length + " values; the source image has "
                    + rows + " × " + columns + " = " + rows * columns + " pixels");
        }
        for (int i = 0; i < heatmap.length; i++) {
            float v = heatmap[i];
            if (!(v >= 0f && v <= 1f)) {
                throw new IllegalArgumentException("heatmap value " + v + " at pixel " + i
                        + " is outside 0..1 (normalise the map before writing it)");
            }
        }
    }

    /**
     * The same result with the source's header only, without its pixel data: what the Parametric Map and the
     * report need of an image once its Secondary Capture is written, so a job holds one image's pixels at a time
     * but every analysed frame's header and heatmap until its maps are written.
     */
    public AnalysisResult withoutSourcePixels() {
        AttributeList header = new AttributeList();
        header.putAll(source);
        header.remove(TagFromName.PixelData);
        header.remove(TagFromName.FloatPixelData);
        header.remove(TagFromName.DoubleFloatPixelData);
        return new AnalysisResult(analysisId, header, frameNumber, heatmap, finding, explanation, algorithm, timing);
    }

    /**
     * {@code first} timed over all of {@code results}, from the earliest start to the latest finish: the
     * representative of an object written from several results (a multi-frame map, the report), whose batches ran
     * one after the other.
     */
    static AnalysisResult spanning(AnalysisResult first, List<AnalysisResult> results) {
        Instant started = first.timing().started();
        Instant finished = first.timing().finished();
        for (AnalysisResult r : results) {
            started = r.timing().started().isBefore(started) ? r.timing().started() : started;
            finished = r.timing().finished().isAfter(finished) ? r.timing().finished() : finished;
        }
        return new AnalysisResult(first.analysisId, first.source, first.frameNumber, first.heatmap, first.finding,
                first.explanation, first.algorithm, new Timing(started, finished));
    }

    /** The analysed frame, as "SOP Instance UID/frame": what tells results of different images apart. */
    String sourceFrameKey() {
        return sourceString(TagFromName.SOPInstanceUID) + "/" + frameNumber;
    }

    public int rows() {
        return Attribute.getSingleIntegerValueOrDefault(source, TagFromName.Rows, 0);
    }

    public int columns() {
        return Attribute.getSingleIntegerValueOrDefault(source, TagFromName.Columns, 0);
    }

    /** Whether the source has more than one frame (then references name the frame). */
    boolean multiFrame() {
        return Attribute.getSingleIntegerValueOrDefault(source, TagFromName.NumberOfFrames, 1) > 1;
    }

    String sourceString(AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(source, tag).trim();
    }

    private static void requireValue(AttributeList list, AttributeTag tag, String name) {
        if (Attribute.getSingleStringValueOrEmptyString(list, tag).isBlank()) {
            throw new IllegalArgumentException("the source image has no " + name);
        }
    }

    private static void requireText(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
    }

    private static void requireUnit(double v, String what) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(what + " must be within 0..1, got " + v);
        }
    }
}
