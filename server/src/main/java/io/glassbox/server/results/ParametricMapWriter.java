package io.glassbox.server.results;

import static io.glassbox.server.results.Dicom.put;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherFloatAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.Glassbox;
import io.glassbox.server.results.ResultUids.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw heatmaps of one analysis (one class of one job) as multi-frame Parametric Maps (PS3.3 A.75): one map per
 * stack of analysed source frames, one frame per source frame in the stack's spatial order, each frame exactly the
 * 32-bit floats the plugin returned (Float Pixel Data), with a Real World Value Mapping that says what they mean
 * (normalised attention, 0..1, no units). Each frame carries its own Derivation Image (the source instance and
 * frame), Plane Position, Plane Orientation and Pixel Measures, so a viewer that fuses the map with its source
 * volume places every frame on its slice; the top-level Referenced Series Sequence names the source instances.
 *
 * <p>A stack is the analysed frames of one source series that share a plane geometry: Rows and Columns, Frame of
 * Reference, Image Orientation (Patient) and Pixel Spacing ({@link #stackKey}). A series usually is one stack; one
 * that mixes sizes or orientations (a localizer with its axial slices) gets one map per consistent group, as a
 * volume of mixed frames is no volume. A source without a patient plane (a radiograph, a secondary capture) has no
 * position to order or stack by, so each such frame gets a single-frame map of its own.
 */
final class ParametricMapWriter {

    /** What the map's values are: the model's normalised attention, as the explanation method computed it. */
    static final Code ATTENTION = new Code("GBX-ATTENTION", Code.GLASSBOX_SCHEME, "Normalized model attention");
    /** How the map was derived from the image: by explaining a model's decision. */
    static final Code EXPLANATION_MAP = new Code("GBX-XAI-MAP", Code.GLASSBOX_SCHEME, "AI explanation heatmap");
    static final Code QUANTITY = new Code("246205007", "SCT", "Quantity");

    /** Image and Frame Type: derived from the image, primary (not a rendering), a volume, a quantity. */
    private static final String[] FRAME_TYPE = {"DERIVED", "PRIMARY", "VOLUME", "QUANTITY"};

    private ParametricMapWriter() {}

    /**
     * The maps of one analysis, one per stack, stacks in the order their first frame comes in {@code results}.
     *
     * @param results every analysed frame of one analysis (all with the same analysis id), any order
     */
    static List<ResultWriter.WrittenMap> write(List<AnalysisResult> results) {
        Map<String, List<AnalysisResult>> stacks = new LinkedHashMap<>();
        for (AnalysisResult r : results) {
            if (!r.analysisId().equals(results.get(0).analysisId())) {
                throw new IllegalArgumentException("a Parametric Map holds the frames of one analysis, not of "
                        + results.get(0).analysisId() + " and " + r.analysisId());
            }
            stacks.computeIfAbsent(stackKey(r), k -> new ArrayList<>()).add(r);
        }
        List<ResultWriter.WrittenMap> maps = new ArrayList<>();
        for (Map.Entry<String, List<AnalysisResult>> stack : stacks.entrySet()) {
            List<AnalysisResult> frames = inSpatialOrder(stack.getValue());
            maps.add(new ResultWriter.WrittenMap(write(stack.getKey(), frames, maps.size() + 1), frames));
        }
        return maps;
    }

    /**
     * What frames of one stack share: the source series and, when the frame lies in a patient plane, its size,
     * Frame of Reference, orientation and pixel spacing (rounded, so that rounding noise in the sources' decimal
     * strings does not split a stack); without a plane, the frame itself. It also names the map's UID, so a retry
     * over the same inputs writes the same maps.
     */
    static String stackKey(AnalysisResult r) {
        SourceGeometry g = SourceGeometry.of(r.source(), r.frameNumber());
        String series = r.sourceString(TagFromName.SeriesInstanceUID);
        if (!g.hasPatientPlane()) {
            return series + "|" + r.sourceFrameKey();
        }
        return series + "|" + r.rows() + "x" + r.columns() + "|" + g.frameOfReferenceUid() + "|"
                + rounded(g.imageOrientation()) + "|" + rounded(g.pixelSpacing());
    }

    /**
     * What names a map: its stack and its frames' sources in frame order. A retry over the same inputs names the
     * same map (and finds it stored); one that could analyse other frames of the stack (an input gone since) names
     * another, so a stored map never stands for frames it does not hold.
     */
    static String contentKey(String stackKey, List<AnalysisResult> frames) {
        StringBuilder key = new StringBuilder(stackKey);
        for (AnalysisResult f : frames) {
            key.append('|').append(f.sourceFrameKey());
        }
        return key.toString();
    }

    private static String rounded(double[] values) {
        if (values == null) {
            return "-";
        }
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            s.append(Math.round(v * 1e4)).append(',');
        }
        return s.toString();
    }

    /**
     * The spatial order of a stack: by position along the slice normal (Image Position (Patient) · the cross
     * product of the row and column directions of Image Orientation (Patient)), ascending; frames at the same
     * position, or without one, by Instance Number, then SOP Instance UID, then frame number. A total order: the
     * order the job met its inputs in never shows, so a retry writes the same map.
     */
    static List<AnalysisResult> inSpatialOrder(List<AnalysisResult> stack) {
        List<AnalysisResult> sorted = new ArrayList<>(stack);
        sorted.sort(Comparator.comparingDouble(ParametricMapWriter::alongNormal)
                .thenComparingInt(CommonModules::instanceNumber)
                .thenComparing((AnalysisResult r) -> r.sourceString(TagFromName.SOPInstanceUID))
                .thenComparingInt(AnalysisResult::frameNumber));
        return sorted;
    }

    private static double alongNormal(AnalysisResult r) {
        SourceGeometry g = SourceGeometry.of(r.source(), r.frameNumber());
        if (!g.hasPatientPlane()) {
            return 0;
        }
        double[] o = g.imageOrientation();
        double[] p = g.imagePosition();
        double nx = o[1] * o[5] - o[2] * o[4];
        double ny = o[2] * o[3] - o[0] * o[5];
        double nz = o[0] * o[4] - o[1] * o[3];
        return p[0] * nx + p[1] * ny + p[2] * nz;
    }

    /** One map: the frames of one stack, already in spatial order. */
    private static AttributeList write(String stackKey, List<AnalysisResult> frames, int instanceNumber) {
        AttributeList pm = new AttributeList();
        AnalysisResult r = AnalysisResult.spanning(frames.get(0), frames);
        AttributeList source = r.source();
        List<SourceGeometry> planes = new ArrayList<>(frames.size());
        for (AnalysisResult frame : frames) {
            planes.add(planeOf(frame, stackKey));
        }
        String method = r.explanation().method();

        CommonModules.patientAndStudy(source, pm);
        CommonModules.series(r, ResultUids.seriesUid(r.analysisId(), Kind.PARAMETRIC_MAP), pm,
                Kind.PARAMETRIC_MAP, modalityOf(r));

        // Frame of Reference: the source's, so the map overlays the image in patient space (see planeOf).
        put(pm, TagFromName.FrameOfReferenceUID, planes.get(0).frameOfReferenceUid());
        Dicom.copy(source, pm, TagFromName.PositionReferenceIndicator);

        // General and Enhanced General Equipment. Software has no serial number; the Implementation Class UID
        // names this implementation.
        CommonModules.equipment(pm);
        put(pm, TagFromName.DeviceSerialNumber, Glassbox.IMPLEMENTATION_CLASS_UID);

        // Floating Point Image Pixel and Parametric Map Image modules.
        put(pm, TagFromName.ImageType, FRAME_TYPE);
        put(pm, TagFromName.InstanceNumber, instanceNumber);
        put(pm, TagFromName.ContentLabel, "HEATMAP");
        put(pm, TagFromName.ContentDescription, Dicom.limit(method + " heatmap of " + r.finding().label()
                + (r.algorithm().notForDiagnosticUse() ? ", not for diagnostic use" : ""), 64));
        Dicom.putEmpty(pm, TagFromName.ContentCreatorName);
        put(pm, TagFromName.ContentQualification, r.algorithm().notForDiagnosticUse() ? "RESEARCH" : "PRODUCT");
        put(pm, TagFromName.SamplesPerPixel, 1);
        put(pm, TagFromName.PhotometricInterpretation, "MONOCHROME2");
        put(pm, TagFromName.Rows, r.rows());
        put(pm, TagFromName.Columns, r.columns());
        put(pm, TagFromName.BitsAllocated, 32);
        put(pm, TagFromName.PresentationLUTShape, "IDENTITY");
        put(pm, TagFromName.LossyImageCompression, "00");
        put(pm, TagFromName.BurnedInAnnotation, "NO");
        put(pm, TagFromName.RecognizableVisualFeatures, "NO");

        // Multi-frame Functional Groups and Dimension modules: one frame per source frame, indexed by position
        // (one dimension, Image Position (Patient) in the Plane Position functional group, as PM producers do for
        // a single stack).
        put(pm, TagFromName.NumberOfFrames, frames.size());
        put(pm, TagFromName.ContentDate, Dicom.date(r.timing().started()));
        put(pm, TagFromName.ContentTime, Dicom.time(r.timing().started()));
        Dicom.sequence(pm, TagFromName.SharedFunctionalGroupsSequence, sharedGroups(r));
        AttributeList[] perFrame = new AttributeList[frames.size()];
        for (int i = 0; i < perFrame.length; i++) {
            perFrame[i] = perFrameGroups(frames.get(i), planes.get(i), i + 1);
        }
        Dicom.sequence(pm, TagFromName.PerFrameFunctionalGroupsSequence, perFrame);
        String dimensionOrganization = ResultUids.dimensionOrganizationUid(r.analysisId());
        AttributeList organization = new AttributeList();
        put(organization, TagFromName.DimensionOrganizationUID, dimensionOrganization);
        Dicom.sequence(pm, TagFromName.DimensionOrganizationSequence, organization);
        AttributeList index = new AttributeList();
        put(index, TagFromName.DimensionOrganizationUID, dimensionOrganization);
        Dicom.putTag(index, TagFromName.DimensionIndexPointer, TagFromName.ImagePositionPatient);
        Dicom.putTag(index, TagFromName.FunctionalGroupPointer, TagFromName.PlanePositionSequence);
        put(index, TagFromName.DimensionDescriptionLabel, "Image Position");
        Dicom.sequence(pm, TagFromName.DimensionIndexSequence, index);

        // Acquisition Context (type 2, nothing to say) and Common Instance Reference (the source instances).
        Dicom.sequence(pm, TagFromName.AcquisitionContextSequence);
        Dicom.sequence(pm, TagFromName.ReferencedSeriesSequence, referencedSeries(frames));

        CommonModules.sopCommon(r, pm, ResultUids.parametricMapUid(r.analysisId(), contentKey(stackKey, frames)),
                SOPClass.ParametricMapStorage, ATTENTION, EXPLANATION_MAP);

        int pixels = r.rows() * r.columns();
        float[] values = new float[pixels * frames.size()];
        for (int i = 0; i < frames.size(); i++) {
            System.arraycopy(frames.get(i).heatmap(), 0, values, i * pixels, pixels);
        }
        OtherFloatAttribute data = new OtherFloatAttribute(TagFromName.FloatPixelData);
        try {
            data.setValues(values);
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new IllegalStateException("cannot set float pixel data", e);
        }
        pm.put(data);
        return pm;
    }

    /** The source series of the stack and each of its instances once (a multi-frame source gives many frames). */
    private static AttributeList referencedSeries(List<AnalysisResult> frames) {
        AnalysisResult first = frames.get(0);
        Map<String, AttributeList> instances = new LinkedHashMap<>();
        for (AnalysisResult f : frames) {
            instances.computeIfAbsent(f.sourceString(TagFromName.SOPInstanceUID), sop -> Dicom.reference(
                    f.sourceString(TagFromName.SOPClassUID), sop));
        }
        AttributeList series = new AttributeList();
        put(series, TagFromName.SeriesInstanceUID, first.sourceString(TagFromName.SeriesInstanceUID));
        Dicom.sequence(series, TagFromName.ReferencedInstanceSequence,
                instances.values().toArray(AttributeList[]::new));
        return series;
    }

    /** Functional groups that hold for every frame: how values map to meaning and how to show them. */
    private static AttributeList sharedGroups(AnalysisResult r) {
        AttributeList shared = new AttributeList();
        AttributeList identity = new AttributeList();
        put(identity, TagFromName.RescaleIntercept, 0.0);
        put(identity, TagFromName.RescaleSlope, 1.0);
        put(identity, TagFromName.RescaleType, "US");
        Dicom.sequence(shared, TagFromName.PixelValueTransformationSequence, identity);

        AttributeList voi = new AttributeList();
        put(voi, TagFromName.WindowCenter, 0.5);
        put(voi, TagFromName.WindowWidth, 1.0);
        put(voi, TagFromName.VOILUTFunction, "LINEAR");
        Dicom.sequence(shared, TagFromName.FrameVOILUTSequence, voi);

        Dicom.sequence(shared, TagFromName.RealWorldValueMappingSequence, realWorldValueMapping(r));

        AttributeList frameType = new AttributeList();
        put(frameType, TagFromName.FrameType, FRAME_TYPE);
        Dicom.sequence(shared, TagFromName.ParametricMapFrameTypeSequence, frameType);
        return shared;
    }

    /**
     * The stored floats are the values themselves (identity mapping over 0..1): normalised attention without
     * units, where 1 marks what mattered most to the model's score and 0 what did not matter.
     */
    static AttributeList realWorldValueMapping(AnalysisResult r) {
        AttributeList m = new AttributeList();
        put(m, Dicom.DOUBLE_FLOAT_RWV_FIRST_VALUE_MAPPED, 0.0);
        put(m, Dicom.DOUBLE_FLOAT_RWV_LAST_VALUE_MAPPED, 1.0);
        put(m, TagFromName.RealWorldValueIntercept, 0.0);
        put(m, TagFromName.RealWorldValueSlope, 1.0);
        put(m, TagFromName.LUTExplanation, Dicom.limit(r.explanation().method()
                + " attention normalized to 0 (none) .. 1 (most)", 64));
        put(m, TagFromName.LUTLabel, "ATTENTION");
        Dicom.code(m, TagFromName.MeasurementUnitsCodeSequence, CommonModules.NO_UNITS);
        AttributeList quantity = new AttributeList();
        put(quantity, TagFromName.ValueType, "CODE");
        Dicom.code(quantity, TagFromName.ConceptNameCodeSequence, QUANTITY);
        Dicom.code(quantity, TagFromName.ConceptCodeSequence, ATTENTION);
        Dicom.sequence(m, TagFromName.QuantityDefinitionSequence, quantity);
        return m;
    }

    /**
     * Functional groups of one frame: its place in the dimension, its plane (position, orientation, pixel
     * measures) and the source frame it was derived from.
     */
    private static AttributeList perFrameGroups(AnalysisResult r, SourceGeometry geometry, int positionIndex) {
        AttributeList frame = new AttributeList();

        AttributeList content = new AttributeList();
        put(content, TagFromName.DimensionIndexValues, positionIndex);
        Dicom.sequence(frame, TagFromName.FrameContentSequence, content);

        AttributeList position = new AttributeList();
        put(position, TagFromName.ImagePositionPatient, geometry.imagePosition());
        Dicom.sequence(frame, TagFromName.PlanePositionSequence, position);

        AttributeList orientation = new AttributeList();
        put(orientation, TagFromName.ImageOrientationPatient, geometry.imageOrientation());
        Dicom.sequence(frame, TagFromName.PlaneOrientationSequence, orientation);

        AttributeList measures = new AttributeList();
        if (geometry.pixelSpacing() != null) {
            put(measures, TagFromName.PixelSpacing, geometry.pixelSpacing());
        }
        if (geometry.sliceThickness() != null) {
            put(measures, TagFromName.SliceThickness, geometry.sliceThickness());
        }
        Dicom.sequence(frame, TagFromName.PixelMeasuresSequence, measures);

        AttributeList derivation = new AttributeList();
        put(derivation, TagFromName.DerivationDescription, CommonModules.derivationDescription(r));
        Dicom.code(derivation, TagFromName.DerivationCodeSequence, EXPLANATION_MAP);
        AttributeList sourceImage = CommonModules.sourceReference(r);
        Dicom.code(sourceImage, TagFromName.PurposeOfReferenceCodeSequence,
                CommonModules.SOURCE_IMAGE_FOR_PROCESSING);
        Dicom.sequence(derivation, TagFromName.SourceImageSequence, sourceImage);
        Dicom.sequence(frame, TagFromName.DerivationImageSequence, derivation);
        return frame;
    }

    /**
     * The plane of the map. A Parametric Map must lie in a Frame of Reference (PS3.3 A.75: Frame of Reference
     * module, Plane Position and Plane Orientation functional groups, all required). When the source has one,
     * with position and orientation, the map takes them and overlays the image in patient space. When it has not
     * (a radiograph, a secondary capture), the map gets a Frame of Reference of its own, used by nothing else,
     * with the nominal plane position 0\0\0 and orientation 1\0\0\0\1\0: nothing can be registered to it by
     * mistake, and it still overlays its source pixel for pixel (same Rows and Columns, Derivation Image names the
     * source), which is how viewers overlay a map on the image it was derived from.
     */
    static SourceGeometry planeOf(AnalysisResult r, String stackKey) {
        SourceGeometry g = SourceGeometry.of(r.source(), r.frameNumber());
        if (g.hasPatientPlane()) {
            return g;
        }
        return new SourceGeometry(ResultUids.frameOfReferenceUid(r.analysisId(), stackKey), g.pixelSpacing(),
                g.sliceThickness(),
                new double[] {0, 0, 0}, new double[] {1, 0, 0, 0, 1, 0});
    }

    /** The map carries the modality of the image it explains, as other derived images do. */
    private static String modalityOf(AnalysisResult r) {
        String modality = r.sourceString(TagFromName.Modality);
        return modality.isEmpty() ? "OT" : modality;
    }
}
