package io.glassbox.server.results;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.testing.TestCorpus;
import java.time.Instant;
import java.util.UUID;

/** Analysis results for tests: a real image of the pydicom corpus and a synthetic heatmap (a Gaussian blob). */
final class Results {

    static final String WEIGHTS_SHA256 = "3f2a9c1e8b7d6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877";
    static final Instant STARTED = Instant.parse("2025-05-01T10:15:30.123456Z");
    static final Instant FINISHED = Instant.parse("2025-05-01T10:15:31.250Z");

    private Results() {}

    /** The whole object (header and pixels), as the job worker would have it. */
    static AttributeList read(String corpusFile) throws Exception {
        AttributeList list = new AttributeList();
        list.read(TestCorpus.file(corpusFile).toString());
        return list;
    }

    /**
     * A Gaussian blob centred at (0.6 × columns, 0.4 × rows) with σ = 0.12 × the larger side, peak exactly 1: what a
     * normalised Grad-CAM map of one lesion looks like.
     */
    static float[] blob(AttributeList source) {
        int rows = Attribute.getSingleIntegerValueOrDefault(source, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(source, TagFromName.Columns, 0);
        return blobAt(rows, columns, Math.round(columns * 0.6), Math.round(rows * 0.4),
                Math.max(rows, columns) * 0.12);
    }

    /** A Gaussian blob like {@link #blob} centred at ({@code cx}, {@code cy}) with σ = {@code sigma}, peak 1. */
    static float[] blobAt(int rows, int columns, double cx, double cy, double sigma) {
        float[] h = new float[rows * columns];
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < columns; x++) {
                h[y * columns + x] = (float) Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy))
                        / (2 * sigma * sigma));
            }
        }
        return h;
    }

    /**
     * A slice of a synthetic series: pydicom's CT_small (128 × 128, axial) as instance {@code sop} of
     * {@code series}, moved {@code offsetMm} along the slice normal, with the given Instance Number. Frame of
     * Reference, orientation and spacing stay CT_small's, so slices of one series make one stack.
     */
    static AttributeList slice(String series, String sop, double offsetMm, int instanceNumber) throws Exception {
        AttributeList list = read("CT_small.dcm");
        double[] position = Attribute.getDoubleValues(list, TagFromName.ImagePositionPatient);
        double[] o = Attribute.getDoubleValues(list, TagFromName.ImageOrientationPatient);
        double[] normal = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
        Dicom.put(list, TagFromName.ImagePositionPatient, position[0] + offsetMm * normal[0],
                position[1] + offsetMm * normal[1], position[2] + offsetMm * normal[2]);
        Dicom.put(list, TagFromName.SeriesInstanceUID, series);
        Dicom.put(list, TagFromName.SOPInstanceUID, sop);
        Dicom.put(list, TagFromName.InstanceNumber, instanceNumber);
        return list;
    }

    /**
     * CT_small's header (no pixels) as one Enhanced CT image of several frames: orientation and pixel
     * measures in the shared functional groups, each frame's position, {@code offsetsMm} along the normal, in its
     * per-frame group, and none of them at the top level.
     */
    static AttributeList multiFrame(String series, String sop, double... offsetsMm) throws Exception {
        AttributeList list = slice(series, sop, 0, 1);
        double[] position = Attribute.getDoubleValues(list, TagFromName.ImagePositionPatient);
        double[] o = Attribute.getDoubleValues(list, TagFromName.ImageOrientationPatient);
        double[] normal = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
        AttributeList orientation = new AttributeList();
        Dicom.put(orientation, TagFromName.ImageOrientationPatient, o);
        AttributeList measures = new AttributeList();
        Dicom.put(measures, TagFromName.PixelSpacing, Attribute.getDoubleValues(list, TagFromName.PixelSpacing));
        Dicom.put(measures, TagFromName.SliceThickness, Attribute.getDoubleValues(list, TagFromName.SliceThickness));
        AttributeList shared = new AttributeList();
        Dicom.sequence(shared, TagFromName.PlaneOrientationSequence, orientation);
        Dicom.sequence(shared, TagFromName.PixelMeasuresSequence, measures);
        AttributeList[] perFrame = new AttributeList[offsetsMm.length];
        for (int i = 0; i < perFrame.length; i++) {
            AttributeList plane = new AttributeList();
            Dicom.put(plane, TagFromName.ImagePositionPatient, position[0] + offsetsMm[i] * normal[0],
                    position[1] + offsetsMm[i] * normal[1], position[2] + offsetsMm[i] * normal[2]);
            perFrame[i] = new AttributeList();
            Dicom.sequence(perFrame[i], TagFromName.PlanePositionSequence, plane);
        }
        Dicom.sequence(list, TagFromName.SharedFunctionalGroupsSequence, shared);
        Dicom.sequence(list, TagFromName.PerFrameFunctionalGroupsSequence, perFrame);
        for (com.pixelmed.dicom.AttributeTag moved : new com.pixelmed.dicom.AttributeTag[] {
            TagFromName.ImagePositionPatient, TagFromName.ImageOrientationPatient, TagFromName.PixelSpacing,
            TagFromName.SliceThickness, TagFromName.PixelData}) {
            list.remove(moved);
        }
        Dicom.put(list, TagFromName.NumberOfFrames, offsetsMm.length);
        // Frames of a CT Image (a single-frame class) cannot be referenced; of an Enhanced CT Image they can.
        Dicom.put(list, TagFromName.SOPClassUID, com.pixelmed.dicom.SOPClass.EnhancedCTImageStorage);
        return list;
    }

    /** The result of one class ({@code analysisId}, {@code concept}) on one image, with the given heatmap. */
    static AnalysisResult of(AttributeList source, UUID analysisId, Code concept, double probability, float[] map) {
        return of(source, 1, analysisId, concept, probability, map);
    }

    /** The result of one class on one frame of an image, with the given heatmap. */
    static AnalysisResult of(AttributeList source, int frame, UUID analysisId, Code concept, double probability,
            float[] map) {
        return new AnalysisResult(analysisId, source, frame, map,
                new AnalysisResult.Finding(concept.meaning(), concept, probability, 0.5),
                new AnalysisResult.Explanation("Grad-CAM", "features.7"),
                new AnalysisResult.Algorithm("head-ct-ich", "Head CT ICH detector", "1.0.0", "Glassbox project",
                        WEIGHTS_SHA256, true),
                new AnalysisResult.Timing(STARTED, FINISHED));
    }

    static AnalysisResult of(AttributeList source, UUID analysisId, double probability, String weightsSha256) {
        return new AnalysisResult(analysisId, source, 1, blob(source),
                new AnalysisResult.Finding("Intracranial haemorrhage-like lesion", Code.HAEMORRHAGE_LIKE_LESION,
                        probability, 0.5),
                new AnalysisResult.Explanation("Grad-CAM", "features.7"),
                new AnalysisResult.Algorithm("head-ct-ich", "Head CT ICH detector", "1.0.0", "Glassbox project",
                        weightsSha256, true),
                new AnalysisResult.Timing(STARTED, FINISHED));
    }

    static AnalysisResult of(String corpusFile) throws Exception {
        return of(read(corpusFile), UUID.nameUUIDFromBytes(corpusFile.getBytes()), 0.87, WEIGHTS_SHA256);
    }
}
