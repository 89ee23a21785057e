package io.glassbox.server.results;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherFloatAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.glassbox.server.results.ResultUids.Kind;
import io.glassbox.server.store.FileMeta;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns the results of an analysis into the DICOM objects that carry them, in the analysed images' study, each kind
 * in its own new series: per analysed frame and class, the heatmap burned over the image (Secondary Capture, what a
 * PACS without AI support shows); per class and stack of source frames (usually: per analysed series), the raw
 * heatmaps as one multi-frame Parametric Map; and per analysis, the findings as one Structured Report that
 * references the other two. Pure: no I/O, no clock; the same input gives the same objects, byte for byte.
 *
 * <p>A job writes the captures as its batches finish and the maps and the report once every frame is analysed
 * ({@link #secondaryCapture}, {@link #parametricMaps}, {@link #structuredReport}); {@link #write} does all three at
 * once. Stored in the order of {@link ResultObjects#inStorageOrder}, the report comes last, so a report is never
 * stored that points at an object that is not.
 */
public final class ResultWriter {

    /** Source Application Entity Title in the file meta of the objects Glassbox creates. */
    static final String SOURCE_AE_TITLE = "GLASSBOX";

    private ResultWriter() {}

    /**
     * One Parametric Map as written, and the results whose heatmaps are its frames, in frame order (frame 1 first).
     */
    public record WrittenMap(AttributeList object, List<AnalysisResult> frames) {

        public WrittenMap {
            frames = List.copyOf(frames);
        }

        public String sopInstanceUid() {
            return Attribute.getSingleStringValueOrEmptyString(object, TagFromName.SOPInstanceUID);
        }

        public String seriesInstanceUid() {
            return Attribute.getSingleStringValueOrEmptyString(object, TagFromName.SeriesInstanceUID);
        }

        /** The analysis (class) whose map it is. */
        public UUID analysisId() {
            return frames.get(0).analysisId();
        }
    }

    /** The objects of an analysis, by kind. */
    public record ResultObjects(List<AttributeList> secondaryCaptures, List<WrittenMap> parametricMaps,
            AttributeList structuredReport) {

        public ResultObjects {
            secondaryCaptures = List.copyOf(secondaryCaptures);
            parametricMaps = List.copyOf(parametricMaps);
        }

        /** In the order they should be stored: the maps, the captures, and the report that references them last. */
        public List<Map.Entry<Kind, AttributeList>> inStorageOrder() {
            List<Map.Entry<Kind, AttributeList>> all = new ArrayList<>();
            parametricMaps.forEach(m -> all.add(Map.entry(Kind.PARAMETRIC_MAP, m.object())));
            secondaryCaptures.forEach(c -> all.add(Map.entry(Kind.SECONDARY_CAPTURE, c)));
            all.add(Map.entry(Kind.STRUCTURED_REPORT, structuredReport));
            return all;
        }
    }

    /**
     * The heatmap of one analysed frame burned over the image.
     *
     * @throws IllegalArgumentException when the source cannot be drawn (no pixel data, undecodable)
     */
    public static AttributeList secondaryCapture(AnalysisResult result, OverlayStyle style) {
        return SecondaryCaptureWriter.write(result, style);
    }

    /**
     * The Parametric Maps of the results: for each analysis (class) among them, one per stack of source frames
     * (see ParametricMapWriter), in the order the analyses and stacks first come in {@code results}. The source
     * pixels are not needed ({@link AnalysisResult#withoutSourcePixels}).
     */
    public static List<WrittenMap> parametricMaps(List<AnalysisResult> results) {
        Map<UUID, List<AnalysisResult>> byAnalysis = new LinkedHashMap<>();
        for (AnalysisResult r : results) {
            byAnalysis.computeIfAbsent(r.analysisId(), k -> new ArrayList<>()).add(r);
        }
        List<WrittenMap> maps = new ArrayList<>();
        for (List<AnalysisResult> analysis : byAnalysis.values()) {
            maps.addAll(ParametricMapWriter.write(analysis));
        }
        return maps;
    }

    /**
     * The report of one analysis: every class's findings on every image, referencing {@code maps} (written of the
     * same results by {@link #parametricMaps}) and the captures.
     *
     * @param reportId the analysis (the job), which names the report
     * @throws IllegalArgumentException when a result is in none of the maps
     */
    public static AttributeList structuredReport(UUID reportId, List<AnalysisResult> results,
            List<WrittenMap> maps) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one result");
        }
        Set<String> mapped = new HashSet<>();
        for (WrittenMap map : maps) {
            map.frames().forEach(f -> mapped.add(f.analysisId() + "/" + f.sourceFrameKey()));
        }
        for (AnalysisResult r : results) {
            if (!mapped.contains(r.analysisId() + "/" + r.sourceFrameKey())) {
                throw new IllegalArgumentException("the result for " + r.sourceFrameKey()
                        + " is in none of the Parametric Maps the report references");
            }
        }
        return StructuredReportWriter.write(reportId, results, maps);
    }

    /**
     * All objects of an analysis at once.
     *
     * @throws IllegalArgumentException when a source cannot be drawn (no pixel data, undecodable)
     */
    public static ResultObjects write(UUID reportId, List<AnalysisResult> results, OverlayStyle style) {
        List<AttributeList> captures = new ArrayList<>();
        for (AnalysisResult r : results) {
            captures.add(secondaryCapture(r, style));
        }
        List<WrittenMap> maps = parametricMaps(results);
        return new ResultObjects(captures, maps, structuredReport(reportId, results, maps));
    }

    /** The objects of an analysis of one image, the report named after the analysis. */
    public static ResultObjects write(AnalysisResult result, OverlayStyle style) {
        return write(result.analysisId(), List.of(result), style);
    }

    /**
     * The object as a Part 10 file in Explicit VR Little Endian, with Glassbox's implementation identity in the
     * file meta. The object itself is left unchanged.
     */
    public static byte[] part10(AttributeList object) {
        AttributeList copy = new AttributeList();
        copy.putAll(object);
        // A map's Float Pixel Data (the last element: nothing in a map comes after it) is appended here in one go;
        // PixelMed writes an OF value a float at a time, seconds for a series of 512 × 512 slices.
        float[] floats = null;
        if (copy.get(TagFromName.FloatPixelData) instanceof OtherFloatAttribute pixels
                && copy.tailMap(TagFromName.FloatPixelData, false).isEmpty()) {
            try {
                floats = pixels.getFloatValues();
            } catch (DicomException e) {
                throw new IllegalStateException("cannot read back the float pixel data", e);
            }
            copy.remove(TagFromName.FloatPixelData);
        }
        try {
            copy.putAll(FileMeta.of(Attribute.getSingleStringValueOrEmptyString(object, TagFromName.SOPClassUID),
                    Attribute.getSingleStringValueOrEmptyString(object, TagFromName.SOPInstanceUID),
                    TransferSyntax.ExplicitVRLittleEndian, SOURCE_AE_TITLE));
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
            copy.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
            if (floats == null) {
                return out.toByteArray();
            }
            byte[] header = out.toByteArray();
            // Explicit VR Little Endian, OF: tag, "OF", two reserved bytes, a 32-bit length, the values.
            ByteBuffer file = ByteBuffer.allocate(header.length + 12 + floats.length * 4)
                    .order(ByteOrder.LITTLE_ENDIAN);
            file.put(header).putShort((short) 0x7FE0).putShort((short) 0x0008).put((byte) 'O').put((byte) 'F')
                    .putShort((short) 0).putInt(floats.length * 4);
            file.asFloatBuffer().put(floats);
            return file.array();
        } catch (DicomException e) {
            throw new IllegalStateException("cannot encode " + object.get(TagFromName.SOPInstanceUID) + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
