package io.glassbox.server.results;

import static io.glassbox.server.results.Dicom.put;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherFloatAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.Glassbox;
import io.glassbox.server.results.ResultUids.Kind;
import java.util.Map;

/**
 * The raw heatmap as a Parametric Map (PS3.3 A.75): one frame of 32-bit floats (Float Pixel Data), exactly the
 * values the plugin returned, with a Real World Value Mapping that says what they mean (normalised attention,
 * 0..1, no units), in the source image's plane and Frame of Reference, derived from the source image.
 */
final class ParametricMapWriter implements ResultObjectWriter {

    /** What the map's values are: the model's normalised attention, as the explanation method computed it. */
    static final Code ATTENTION = new Code("GBX-ATTENTION", Code.GLASSBOX_SCHEME, "Normalized model attention");
    /** How the map was derived from the image: by explaining a model's decision. */
    static final Code EXPLANATION_MAP = new Code("GBX-XAI-MAP", Code.GLASSBOX_SCHEME, "AI explanation heatmap");
    static final Code QUANTITY = new Code("246205007", "SCT", "Quantity");

    /** Image and Frame Type: derived from the image, primary (not a rendering), a slice, a quantity. */
    private static final String[] FRAME_TYPE = {"DERIVED", "PRIMARY", "VOLUME", "QUANTITY"};

    @Override
    public Kind kind() {
        return Kind.PARAMETRIC_MAP;
    }

    @Override
    public AttributeList write(AnalysisResult r, OverlayStyle style, Map<Kind, AttributeList> writtenBefore) {
        AttributeList pm = new AttributeList();
        AttributeList source = r.source();
        SourceGeometry geometry = planeOf(r);
        String method = r.explanation().method();

        CommonModules.patientAndStudy(source, pm);
        CommonModules.series(r, pm, kind(), modalityOf(r));

        // Frame of Reference: the source's, so the map overlays the image in patient space (see planeOf).
        put(pm, TagFromName.FrameOfReferenceUID, geometry.frameOfReferenceUid());
        Dicom.copy(source, pm, TagFromName.PositionReferenceIndicator);

        // General and Enhanced General Equipment. Software has no serial number; the Implementation Class UID
        // names this implementation.
        CommonModules.equipment(pm);
        put(pm, TagFromName.DeviceSerialNumber, Glassbox.IMPLEMENTATION_CLASS_UID);

        // Floating Point Image Pixel and Parametric Map Image modules.
        put(pm, TagFromName.ImageType, FRAME_TYPE);
        put(pm, TagFromName.InstanceNumber, CommonModules.instanceNumber(r));
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

        // Multi-frame Functional Groups and Dimension modules: one frame.
        put(pm, TagFromName.NumberOfFrames, 1);
        put(pm, TagFromName.ContentDate, Dicom.date(r.timing().started()));
        put(pm, TagFromName.ContentTime, Dicom.time(r.timing().started()));
        Dicom.sequence(pm, TagFromName.SharedFunctionalGroupsSequence, sharedGroups(r, geometry));
        Dicom.sequence(pm, TagFromName.PerFrameFunctionalGroupsSequence, perFrameGroups(geometry));
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

        // Acquisition Context (type 2, nothing to say) and Common Instance Reference (the source).
        Dicom.sequence(pm, TagFromName.AcquisitionContextSequence);
        AttributeList referencedSeries = new AttributeList();
        put(referencedSeries, TagFromName.SeriesInstanceUID, r.sourceString(TagFromName.SeriesInstanceUID));
        Dicom.sequence(referencedSeries, TagFromName.ReferencedInstanceSequence, Dicom.reference(
                r.sourceString(TagFromName.SOPClassUID), r.sourceString(TagFromName.SOPInstanceUID)));
        Dicom.sequence(pm, TagFromName.ReferencedSeriesSequence, referencedSeries);

        CommonModules.sopCommon(r, pm, kind(), SOPClass.ParametricMapStorage, ATTENTION,
                EXPLANATION_MAP);

        OtherFloatAttribute pixels = new OtherFloatAttribute(TagFromName.FloatPixelData);
        try {
            pixels.setValues(r.heatmap().clone());
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new IllegalStateException("cannot set float pixel data", e);
        }
        pm.put(pixels);
        return pm;
    }

    /** Functional groups that hold for the whole (single-frame) map. */
    private static AttributeList sharedGroups(AnalysisResult r, SourceGeometry geometry) {
        AttributeList shared = new AttributeList();

        AttributeList measures = new AttributeList();
        if (geometry.pixelSpacing() != null) {
            put(measures, TagFromName.PixelSpacing, geometry.pixelSpacing());
        }
        if (geometry.sliceThickness() != null) {
            put(measures, TagFromName.SliceThickness, geometry.sliceThickness());
        }
        Dicom.sequence(shared, TagFromName.PixelMeasuresSequence, measures);

        AttributeList orientation = new AttributeList();
        put(orientation, TagFromName.ImageOrientationPatient, geometry.imageOrientation());
        Dicom.sequence(shared, TagFromName.PlaneOrientationSequence, orientation);

        AttributeList derivation = new AttributeList();
        put(derivation, TagFromName.DerivationDescription, CommonModules.derivationDescription(r));
        Dicom.code(derivation, TagFromName.DerivationCodeSequence, EXPLANATION_MAP);
        AttributeList sourceImage = CommonModules.sourceReference(r);
        Dicom.code(sourceImage, TagFromName.PurposeOfReferenceCodeSequence,
                CommonModules.SOURCE_IMAGE_FOR_PROCESSING);
        Dicom.sequence(derivation, TagFromName.SourceImageSequence, sourceImage);
        Dicom.sequence(shared, TagFromName.DerivationImageSequence, derivation);

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

    private static AttributeList perFrameGroups(SourceGeometry geometry) {
        AttributeList frame = new AttributeList();
        AttributeList content = new AttributeList();
        put(content, TagFromName.DimensionIndexValues, 1);
        Dicom.sequence(frame, TagFromName.FrameContentSequence, content);
        AttributeList position = new AttributeList();
        put(position, TagFromName.ImagePositionPatient, geometry.imagePosition());
        Dicom.sequence(frame, TagFromName.PlanePositionSequence, position);
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
    static SourceGeometry planeOf(AnalysisResult r) {
        SourceGeometry g = SourceGeometry.of(r.source(), r.frameNumber());
        if (g.hasPatientPlane()) {
            return g;
        }
        return new SourceGeometry(ResultUids.frameOfReferenceUid(r.analysisId(),
                r.sourceString(TagFromName.SOPInstanceUID)), g.pixelSpacing(), g.sliceThickness(),
                new double[] {0, 0, 0}, new double[] {1, 0, 0, 0, 1, 0});
    }

    /** The map carries the modality of the image it explains, as other derived images do. */
    private static String modalityOf(AnalysisResult r) {
        String modality = r.sourceString(TagFromName.Modality);
        return modality.isEmpty() ? "OT" : modality;
    }
}
