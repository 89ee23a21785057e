package io.glassbox.server.results;

import static io.glassbox.server.results.Dicom.put;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.results.ResultUids.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The findings of one analysis (one job, every class it reported) as one Comprehensive SR whose content is a TID 1500
 * Measurement Report: the algorithm as the (device) observer, the analysed images in the Image Library, and one
 * TID 1410 measurement group per image and class with a finding present, each with the finding, the model's score,
 * the algorithm identification (TID 4019: name, version, parameters, among them the explanation method), the image
 * region the heatmap points at (an SCOORD on the source image, {@link ImageRegion}: the outline of the map at or
 * above the decision threshold around its peak), and references to the source image, the Parametric Map frame and
 * the Secondary Capture. A Qualitative Evaluations container says per class whether the finding is present anywhere
 * (the whole answer when nothing was found). PARTIAL and UNVERIFIED: no radiologist has confirmed it.
 */
final class StructuredReportWriter {

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
    static final Code IMAGE_REGION = new Code("111030", "DCM", "Image Region");
    static final Code QUALITATIVE_EVALUATIONS = new Code("C0034375", "UMLS", "Qualitative Evaluations");

    private StructuredReportWriter() {}

    /**
     * @param reportId the analysis (job) the report is of: it names the report's series and instance
     * @param results  every analysed frame of every class, each written into one of {@code maps}, in job order
     * @param maps     the Parametric Maps written of {@code results}, referenced frame by frame
     */
    static AttributeList write(UUID reportId, List<AnalysisResult> results, List<ResultWriter.WrittenMap> maps) {
        AnalysisResult r = AnalysisResult.spanning(results.get(0), results);
        AttributeList sr = new AttributeList();
        AttributeList source = r.source();
        AnalysisResult.Algorithm a = r.algorithm();

        CommonModules.patientAndStudy(source, sr);
        CommonModules.series(r, ResultUids.seriesUid(reportId, Kind.STRUCTURED_REPORT), sr,
                Kind.STRUCTURED_REPORT, "SR");
        Dicom.sequence(sr, TagFromName.ReferencedPerformedProcedureStepSequence);
        CommonModules.equipment(sr);

        // SR Document General module.
        put(sr, TagFromName.InstanceNumber, 1);
        put(sr, Dicom.PRELIMINARY_FLAG, "PRELIMINARY");
        put(sr, TagFromName.CompletionFlag, "PARTIAL");
        put(sr, TagFromName.VerificationFlag, "UNVERIFIED");
        put(sr, TagFromName.ContentDate, Dicom.date(r.timing().started()));
        put(sr, TagFromName.ContentTime, Dicom.time(r.timing().started()));
        Dicom.sequence(sr, TagFromName.PerformedProcedureCodeSequence);

        // The measurement groups, map by map and frame by frame (so by class, then in spatial order).
        List<Instance> evidence = new ArrayList<>();
        Map<String, Instance> library = new LinkedHashMap<>();
        List<AttributeList> groups = new ArrayList<>();
        Map<UUID, AnalysisResult> classes = new LinkedHashMap<>();
        Map<UUID, Boolean> presentAnywhere = new LinkedHashMap<>();
        for (AnalysisResult result : results) {
            classes.putIfAbsent(result.analysisId(), result);
            presentAnywhere.merge(result.analysisId(), result.finding().present(), Boolean::logicalOr);
            library.putIfAbsent(result.sourceFrameKey(), Instance.source(result));
        }
        for (ResultWriter.WrittenMap map : maps) {
            evidence.add(Instance.of(map.object(), null));
            for (int i = 0; i < map.frames().size(); i++) {
                AnalysisResult frame = map.frames().get(i);
                if (frame.finding().present()) {
                    Instance capture = Instance.capture(frame);
                    evidence.add(capture);
                    groups.add(measurementGroup(frame, Instance.of(map.object(), i + 1), capture));
                }
            }
        }
        evidence.addAll(0, library.values());
        Dicom.sequence(sr, TagFromName.CurrentRequestedProcedureEvidenceSequence,
                evidence(r.sourceString(TagFromName.StudyInstanceUID), evidence));

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

        List<AttributeList> entries = new ArrayList<>();
        for (Instance image : library.values()) {
            entries.add(image("CONTAINS", null, image));
        }
        AttributeList libraryGroup = container("CONTAINS", IMAGE_LIBRARY_GROUP, null,
                entries.toArray(AttributeList[]::new));
        root.add(container("CONTAINS", IMAGE_LIBRARY, null, libraryGroup));
        if (!groups.isEmpty()) {
            root.add(container("CONTAINS", IMAGING_MEASUREMENTS, null, groups.toArray(AttributeList[]::new)));
        }
        List<AttributeList> evaluations = new ArrayList<>();
        for (AnalysisResult c : classes.values()) {
            evaluations.add(code("CONTAINS", c.finding().concept(),
                    presentAnywhere.get(c.analysisId()) ? PRESENT : ABSENT));
        }
        root.add(container("CONTAINS", QUALITATIVE_EVALUATIONS, null, evaluations.toArray(AttributeList[]::new)));
        Dicom.sequence(sr, TagFromName.ContentSequence, root.toArray(AttributeList[]::new));

        List<Code> codes = new ArrayList<>();
        classes.values().forEach(c -> codes.add(c.finding().concept()));
        codes.add(ParametricMapWriter.EXPLANATION_MAP);
        CommonModules.sopCommon(r, sr, ResultUids.reportUid(reportId), SOPClass.ComprehensiveSRStorage,
                codes.toArray(Code[]::new));
        return sr;
    }

    /**
     * TID 1410 Planar ROI Measurements and Qualitative Evaluations: the finding on one image, where on the image
     * (the region the heatmap points at, selected from the source image), how sure the model is, and the map frame
     * and the capture that show it.
     */
    private static AttributeList measurementGroup(AnalysisResult r, Instance mapFrame, Instance capture) {
        AnalysisResult.Finding f = r.finding();
        AnalysisResult.Algorithm a = r.algorithm();
        Instance analysed = Instance.source(r);
        List<AttributeList> group = new ArrayList<>();
        group.add(text("HAS OBS CONTEXT", TRACKING_IDENTIFIER, Dicom.limit(f.label() + " on image "
                + CommonModules.instanceNumber(r) + (r.multiFrame() ? " frame " + r.frameNumber() : ""), 64)));
        group.add(uid("HAS OBS CONTEXT", TRACKING_UID, ResultUids.trackingUid(r.analysisId(),
                r.sourceString(TagFromName.SOPInstanceUID), r.frameNumber())));
        group.add(code("CONTAINS", FINDING_CATEGORY, MORPHOLOGICALLY_ABNORMAL_STRUCTURE));
        group.add(code("CONTAINS", FINDING, f.concept()));
        group.add(text("HAS CONCEPT MOD", ALGORITHM_NAME, a.name()));
        group.add(text("HAS CONCEPT MOD", ALGORITHM_VERSION, a.version()));
        for (String parameter : algorithmParameters(r)) {
            group.add(text("HAS CONCEPT MOD", ALGORITHM_PARAMETERS, parameter));
        }
        ImageRegion region = ImageRegion.of(r.heatmap(), r.rows(), r.columns(), f.threshold());
        AttributeList scoord = item("CONTAINS", "SCOORD", IMAGE_REGION);
        put(scoord, TagFromName.GraphicType, region.graphicType());
        double[] data = new double[region.graphicData().length];
        for (int i = 0; i < data.length; i++) {
            data[i] = region.graphicData()[i];
        }
        put(scoord, TagFromName.GraphicData, data);
        Dicom.sequence(scoord, TagFromName.ContentSequence, image("SELECTED FROM", null, analysed));
        group.add(scoord);
        group.add(number("CONTAINS", CERTAINTY_OF_FINDING, f.probability(), CommonModules.NO_UNITS));
        group.add(code("CONTAINS", f.concept(), f.present() ? PRESENT : ABSENT));
        group.add(image("CONTAINS", SOURCE_OF_MEASUREMENT, analysed));
        group.add(image("CONTAINS", ParametricMapWriter.EXPLANATION_MAP, mapFrame));
        group.add(image("CONTAINS", ILLUSTRATION_OF_FINDING, capture));
        return container("CONTAINS", MEASUREMENT_GROUP, "1410", group.toArray(AttributeList[]::new));
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

    /** An instance the report refers to (one frame of it, when {@code frame} is not null), and its series. */
    private record Instance(String seriesUid, String sopClassUid, String sopInstanceUid, Integer frame) {

        static Instance source(AnalysisResult r) {
            return new Instance(r.sourceString(TagFromName.SeriesInstanceUID),
                    r.sourceString(TagFromName.SOPClassUID), r.sourceString(TagFromName.SOPInstanceUID),
                    r.multiFrame() ? r.frameNumber() : null);
        }

        /** The Secondary Capture of the result (its UIDs follow from the result, see SecondaryCaptureWriter). */
        static Instance capture(AnalysisResult r) {
            return new Instance(ResultUids.seriesUid(r.analysisId(), Kind.SECONDARY_CAPTURE),
                    SOPClass.SecondaryCaptureImageStorage, CommonModules.instanceUid(r, Kind.SECONDARY_CAPTURE),
                    null);
        }

        static Instance of(AttributeList object, Integer frame) {
            return new Instance(string(object, TagFromName.SeriesInstanceUID),
                    string(object, TagFromName.SOPClassUID), string(object, TagFromName.SOPInstanceUID), frame);
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

    /**
     * Hierarchical SOP Instance Reference Macro: the study, each series once, each of its instances once (whole
     * instances), in the order they are first named.
     */
    private static AttributeList[] evidence(String studyUid, List<Instance> instances) {
        Map<String, Map<String, Instance>> bySeries = new LinkedHashMap<>();
        for (Instance instance : instances) {
            bySeries.computeIfAbsent(instance.seriesUid(), s -> new LinkedHashMap<>())
                    .putIfAbsent(instance.sopInstanceUid(), instance);
        }
        AttributeList study = new AttributeList();
        put(study, TagFromName.StudyInstanceUID, studyUid);
        List<AttributeList> series = new ArrayList<>();
        for (Map.Entry<String, Map<String, Instance>> e : bySeries.entrySet()) {
            AttributeList s = new AttributeList();
            put(s, TagFromName.SeriesInstanceUID, e.getKey());
            Dicom.sequence(s, TagFromName.ReferencedSOPSequence,
                    e.getValue().values().stream().map(i -> i.item(false)).toArray(AttributeList[]::new));
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
