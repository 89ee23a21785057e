package io.glassbox.server.results;

import static io.glassbox.server.results.Dicom.put;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.results.ResultUids.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The finding as a Comprehensive SR whose content is a TID 1500 Measurement Report: the algorithm as the (device)
 * observer, the analysed image in the Image Library, and one TID 1501 measurement group with the finding, the
 * model's score, the algorithm identification (TID 4019: name, version, parameters), and references to the source
 * image, the Parametric Map and the Secondary Capture. PARTIAL and UNVERIFIED: no radiologist has confirmed it.
 */
final class StructuredReportWriter implements ResultObjectWriter {

    static final Code IMAGING_MEASUREMENT_REPORT = new Code("126000", "DCM", "Imaging Measurement Report");
    static final Code LANGUAGE = new Code("121049", "DCM", "Language of Content Item and Descendants");
    static final Code ENGLISH = new Code("en", "RFC5646", "English");
    static final Code OBSERVER_TYPE = new Code("121005", "DCM", "Observer Type");
    static final Code DEVICE = new Code("121007", "DCM", "Device");
    static final Code DEVICE_OBSERVER_UID = new Code("121012", "DCM", "Device Observer UID");
    static final Code DEVICE_OBSERVER_NAME = new Code("121013", "DCM", "Device Observer Name");
    static final Code DEVICE_OBSERVER_MANUFACTURER = new Code("121014", "DCM", "Device Observer Manufacturer");
    static final Code DEVICE_OBSERVER_MODEL_NAME = new Code("121015", "DCM", "Device Observer Model Name");
    static final Code PROCEDURE_REPORTED = new Code("121058", "DCM", "Procedure reported");
    static final Code IMAGE_LIBRARY = new Code("111028", "DCM", "Image Library");
    static final Code IMAGE_LIBRARY_GROUP = new Code("126200", "DCM", "Image Library Group");
    static final Code IMAGING_MEASUREMENTS = new Code("126010", "DCM", "Imaging Measurements");
    static final Code MEASUREMENT_GROUP = new Code("125007", "DCM", "Measurement Group");
    static final Code TRACKING_IDENTIFIER = new Code("112039", "DCM", "Tracking Identifier");
    static final Code TRACKING_UID = new Code("112040", "DCM", "Tracking Unique Identifier");
    static final Code FINDING_CATEGORY = new Code("276214006", "SCT", "Finding category");
    static final Code MORPHOLOGICALLY_ABNORMAL_STRUCTURE = new Code("49755003", "SCT",
            "Morphologically abnormal structure");
    static final Code FINDING = new Code("121071", "DCM", "Finding");
    static final Code ALGORITHM_NAME = new Code("111001", "DCM", "Algorithm Name");
    static final Code ALGORITHM_VERSION = new Code("111003", "DCM", "Algorithm Version");
    static final Code ALGORITHM_PARAMETERS = new Code("111002", "DCM", "Algorithm Parameters");
    /** The model's score: "the likelihood that the feature analyzed is in fact the type of feature identified". */
    static final Code CERTAINTY_OF_FINDING = new Code("111012", "DCM", "Certainty of Finding");
    static final Code PRESENT = new Code("52101004", "SCT", "Present");
    static final Code ABSENT = new Code("272519000", "SCT", "Absent");
    static final Code SOURCE_OF_MEASUREMENT = new Code("121112", "DCM", "Source of Measurement");
    static final Code ILLUSTRATION_OF_FINDING = new Code("125201", "DCM", "Illustration of Finding");
    static final Code CT_PROCEDURE = new Code("25045-6", "LN", "CT unspecified body region");
    static final Code MR_PROCEDURE = new Code("25056-3", "LN", "MRI unspecified body region");
    static final Code IMAGING_PROCEDURE = new Code("363679005", "SCT", "Imaging procedure");

    @Override
    public Kind kind() {
        return Kind.STRUCTURED_REPORT;
    }

    /**
     * @param writtenBefore the Parametric Map written for the same result (referenced as the heatmap) and its
     *                      Secondary Capture (referenced as its illustration)
     */
    @Override
    public AttributeList write(AnalysisResult r, OverlayStyle style, Map<Kind, AttributeList> writtenBefore) {
        AttributeList parametricMap = required(writtenBefore, Kind.PARAMETRIC_MAP);
        AttributeList secondaryCapture = required(writtenBefore, Kind.SECONDARY_CAPTURE);
        AttributeList sr = new AttributeList();
        AttributeList source = r.source();
        AnalysisResult.Finding f = r.finding();
        AnalysisResult.Algorithm a = r.algorithm();

        CommonModules.patientAndStudy(source, sr);
        CommonModules.series(r, sr, kind(), "SR");
        Dicom.sequence(sr, TagFromName.ReferencedPerformedProcedureStepSequence);
        CommonModules.equipment(sr);

        // SR Document General module.
        put(sr, TagFromName.InstanceNumber, CommonModules.instanceNumber(r));
        put(sr, Dicom.PRELIMINARY_FLAG, "PRELIMINARY");
        put(sr, TagFromName.CompletionFlag, "PARTIAL");
        put(sr, TagFromName.VerificationFlag, "UNVERIFIED");
        put(sr, TagFromName.ContentDate, Dicom.date(r.timing().started()));
        put(sr, TagFromName.ContentTime, Dicom.time(r.timing().started()));
        Dicom.sequence(sr, TagFromName.PerformedProcedureCodeSequence);
        Instance analysed = Instance.source(r);
        Instance map = Instance.of(parametricMap);
        Instance illustration = Instance.of(secondaryCapture);
        Dicom.sequence(sr, TagFromName.CurrentRequestedProcedureEvidenceSequence,
                evidence(r.sourceString(TagFromName.StudyInstanceUID), analysed, map, illustration));

        // SR Document Content module: the root of the TID 1500 tree.
        put(sr, TagFromName.ValueType, "CONTAINER");
        Dicom.code(sr, TagFromName.ConceptNameCodeSequence, IMAGING_MEASUREMENT_REPORT);
        put(sr, TagFromName.ContinuityOfContent, "SEPARATE");
        template(sr, "1500");
        List<AttributeList> root = new ArrayList<>();
        root.add(code("HAS CONCEPT MOD", LANGUAGE, ENGLISH));
        root.add(code("HAS OBS CONTEXT", OBSERVER_TYPE, DEVICE));
        root.add(uid("HAS OBS CONTEXT", DEVICE_OBSERVER_UID, a.deviceUid()));
        root.add(text("HAS OBS CONTEXT", DEVICE_OBSERVER_NAME, a.name()));
        root.add(text("HAS OBS CONTEXT", DEVICE_OBSERVER_MANUFACTURER, a.manufacturer()));
        root.add(text("HAS OBS CONTEXT", DEVICE_OBSERVER_MODEL_NAME, a.name() + " " + a.version()));
        root.add(code("HAS CONCEPT MOD", PROCEDURE_REPORTED, procedureReported(r)));

        AttributeList libraryEntry = image("CONTAINS", null, analysed);
        AttributeList libraryGroup = container("CONTAINS", IMAGE_LIBRARY_GROUP, null, libraryEntry);
        root.add(container("CONTAINS", IMAGE_LIBRARY, null, libraryGroup));

        List<AttributeList> group = new ArrayList<>();
        group.add(text("HAS OBS CONTEXT", TRACKING_IDENTIFIER, Dicom.limit(f.label(), 64)));
        group.add(uid("HAS OBS CONTEXT", TRACKING_UID, ResultUids.trackingUid(r.analysisId(),
                r.sourceString(TagFromName.SOPInstanceUID), r.frameNumber())));
        group.add(code("CONTAINS", FINDING_CATEGORY, MORPHOLOGICALLY_ABNORMAL_STRUCTURE));
        group.add(code("CONTAINS", FINDING, f.concept()));
        group.add(text("HAS CONCEPT MOD", ALGORITHM_NAME, a.name()));
        group.add(text("HAS CONCEPT MOD", ALGORITHM_VERSION, a.version()));
        for (String parameter : algorithmParameters(r)) {
            group.add(text("HAS CONCEPT MOD", ALGORITHM_PARAMETERS, parameter));
        }
        group.add(number("CONTAINS", CERTAINTY_OF_FINDING, f.probability(), CommonModules.NO_UNITS));
        group.add(code("CONTAINS", f.concept(), f.present() ? PRESENT : ABSENT));
        group.add(image("CONTAINS", SOURCE_OF_MEASUREMENT, analysed));
        group.add(image("CONTAINS", ParametricMapWriter.EXPLANATION_MAP, map));
        group.add(image("CONTAINS", ILLUSTRATION_OF_FINDING, illustration));
        AttributeList measurementGroup = container("CONTAINS", MEASUREMENT_GROUP, "1501",
                group.toArray(AttributeList[]::new));
        root.add(container("CONTAINS", IMAGING_MEASUREMENTS, null, measurementGroup));
        Dicom.sequence(sr, TagFromName.ContentSequence, root.toArray(AttributeList[]::new));

        CommonModules.sopCommon(r, sr, kind(), SOPClass.ComprehensiveSRStorage, f.concept(),
                ParametricMapWriter.EXPLANATION_MAP);
        return sr;
    }

    private static AttributeList required(Map<Kind, AttributeList> writtenBefore, Kind kind) {
        AttributeList object = writtenBefore.get(kind);
        if (object == null) {
            throw new IllegalStateException("the report references the " + kind.displayName()
                    + ", which must be written before it");
        }
        return object;
    }

    /** TID 4019 Algorithm Parameters: how the score and the heatmap were made. */
    static List<String> algorithmParameters(AnalysisResult r) {
        return List.of(
                "Plugin: " + r.algorithm().pluginId(),
                "Weights SHA-256: " + r.algorithm().weightsSha256(),
                String.format(Locale.ROOT, "Decision threshold: %.4f", r.finding().threshold()),
                "Explanation method: " + r.explanation().method(),
                "Explanation target layer: " + r.explanation().targetLayer(),
                r.algorithm().notForDiagnosticUse() ? "Intended use: not for diagnostic use"
                        : "Intended use: decision support; confirm on the original images");
    }

    private static Code procedureReported(AnalysisResult r) {
        return switch (r.sourceString(TagFromName.Modality)) {
            case "CT" -> CT_PROCEDURE;
            case "MR" -> MR_PROCEDURE;
            default -> IMAGING_PROCEDURE;
        };
    }

    /** An instance the report refers to, and the series it is in. */
    private record Instance(String seriesUid, String sopClassUid, String sopInstanceUid, Integer frame) {

        static Instance source(AnalysisResult r) {
            return new Instance(r.sourceString(TagFromName.SeriesInstanceUID),
                    r.sourceString(TagFromName.SOPClassUID), r.sourceString(TagFromName.SOPInstanceUID),
                    r.multiFrame() ? r.frameNumber() : null);
        }

        static Instance of(AttributeList object) {
            return new Instance(string(object, TagFromName.SeriesInstanceUID),
                    string(object, TagFromName.SOPClassUID), string(object, TagFromName.SOPInstanceUID), null);
        }

        /** Referenced SOP Class and Instance UID, and the frame when one frame of a multi-frame is meant. */
        AttributeList item(boolean withFrame) {
            AttributeList item = Dicom.reference(sopClassUid, sopInstanceUid);
            if (withFrame && frame != null) {
                put(item, TagFromName.ReferencedFrameNumber, frame);
            }
            return item;
        }

        private static String string(AttributeList list, AttributeTag tag) {
            return Attribute.getSingleStringValueOrEmptyString(list, tag);
        }
    }

    /** Hierarchical SOP Instance Reference Macro: the study, each series, its instances (whole instances). */
    private static AttributeList[] evidence(String studyUid, Instance... instances) {
        AttributeList study = new AttributeList();
        put(study, TagFromName.StudyInstanceUID, studyUid);
        List<AttributeList> series = new ArrayList<>();
        for (Instance instance : instances) {
            AttributeList s = new AttributeList();
            put(s, TagFromName.SeriesInstanceUID, instance.seriesUid());
            Dicom.sequence(s, TagFromName.ReferencedSOPSequence, instance.item(false));
            series.add(s);
        }
        Dicom.sequence(study, TagFromName.ReferencedSeriesSequence, series.toArray(AttributeList[]::new));
        return new AttributeList[] {study};
    }

    // Content items (PS3.3 C.17.3): relationship, value type, concept name, value.

    private static AttributeList item(String relationship, String valueType, Code conceptName) {
        AttributeList item = new AttributeList();
        put(item, TagFromName.RelationshipType, relationship);
        put(item, TagFromName.ValueType, valueType);
        if (conceptName != null) {
            Dicom.code(item, TagFromName.ConceptNameCodeSequence, conceptName);
        }
        return item;
    }

    private static AttributeList container(String relationship, Code conceptName, String templateId,
            AttributeList... children) {
        AttributeList item = item(relationship, "CONTAINER", conceptName);
        put(item, TagFromName.ContinuityOfContent, "SEPARATE");
        if (templateId != null) {
            template(item, templateId);
        }
        Dicom.sequence(item, TagFromName.ContentSequence, children);
        return item;
    }

    private static void template(AttributeList item, String templateId) {
        AttributeList t = new AttributeList();
        put(t, TagFromName.MappingResource, "DCMR");
        put(t, TagFromName.TemplateIdentifier, templateId);
        Dicom.sequence(item, TagFromName.ContentTemplateSequence, t);
    }

    private static AttributeList code(String relationship, Code conceptName, Code value) {
        AttributeList item = item(relationship, "CODE", conceptName);
        Dicom.code(item, TagFromName.ConceptCodeSequence, value);
        return item;
    }

    private static AttributeList text(String relationship, Code conceptName, String value) {
        AttributeList item = item(relationship, "TEXT", conceptName);
        put(item, TagFromName.TextValue, value);
        return item;
    }

    private static AttributeList uid(String relationship, Code conceptName, String value) {
        AttributeList item = item(relationship, "UIDREF", conceptName);
        put(item, TagFromName.UID, value);
        return item;
    }

    private static AttributeList number(String relationship, Code conceptName, double value, Code unit) {
        AttributeList item = item(relationship, "NUM", conceptName);
        AttributeList measured = new AttributeList();
        put(measured, TagFromName.NumericValue, value);
        put(measured, TagFromName.FloatingPointValue, value);
        Dicom.code(measured, TagFromName.MeasurementUnitsCodeSequence, unit);
        Dicom.sequence(item, TagFromName.MeasuredValueSequence, measured);
        return item;
    }

    private static AttributeList image(String relationship, Code conceptName, Instance instance) {
        AttributeList item = item(relationship, "IMAGE", conceptName);
        Dicom.sequence(item, TagFromName.ReferencedSOPSequence, instance.item(true));
        return item;
    }
}
