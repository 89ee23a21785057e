package io.glassbox.server.results;

import static io.glassbox.server.results.Dicom.put;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.Glassbox;
import io.glassbox.server.results.ResultUids.Kind;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The modules the three result objects share: Patient and General Study copied from the analysed image (so the
 * results file into its study), a new series, Glassbox as the equipment, the algorithm as contributing equipment
 * (IHE AI Results), and SOP Common.
 */
final class CommonModules {

    static final String MANUFACTURER = "Glassbox";
    static final String MODEL_NAME = "Glassbox AI results";
    static final String SOFTWARE_VERSION = Glassbox.IMPLEMENTATION_VERSION_NAME;

    /**
     * IHE Radiology AI Results (AIR) Rev 1.1, 6.5.3.1: the Contributing Equipment item that describes an algorithm
     * has this Purpose of Reference. IHE's interim code; DICOM has not assigned a DCM code for it yet.
     */
    static final Code PROCESSING_ALGORITHM = new Code("Newcode1", "99IHE", "Processing Algorithm");

    /** DCM "Source image for image processing operation" (CID 7202). */
    static final Code SOURCE_IMAGE_FOR_PROCESSING = new Code("121322", "DCM",
            "Source image for image processing operation");
    static final Code NO_UNITS = new Code("1", "UCUM", "no units");

    private CommonModules() {}

    /** Patient and General Study modules, copied from the analysed image (PS3.3 C.7.1.1, C.7.2.1). */
    static void patientAndStudy(AttributeList source, AttributeList target) {
        Dicom.copy(source, target, TagFromName.PatientName);
        Dicom.copy(source, target, TagFromName.PatientID);
        Dicom.copyIfPresent(source, target, TagFromName.IssuerOfPatientID);
        Dicom.copy(source, target, TagFromName.PatientBirthDate);
        Dicom.copy(source, target, TagFromName.PatientSex);
        Dicom.copy(source, target, TagFromName.StudyInstanceUID);
        Dicom.copy(source, target, TagFromName.StudyDate);
        Dicom.copy(source, target, TagFromName.StudyTime);
        Dicom.copy(source, target, TagFromName.ReferringPhysicianName);
        Dicom.copy(source, target, TagFromName.StudyID);
        Dicom.copy(source, target, TagFromName.AccessionNumber);
        Dicom.copyIfPresent(source, target, TagFromName.StudyDescription);
    }

    /**
     * General Series attributes of a new series of the given kind (modality-specific ones are the caller's).
     *
     * @param seriesUid the series: the analysis's series of this kind (the report's is the job's, across classes)
     */
    static void series(AnalysisResult r, String seriesUid, AttributeList target, Kind kind, String modality) {
        put(target, TagFromName.Modality, modality);
        put(target, TagFromName.SeriesInstanceUID, seriesUid);
        put(target, TagFromName.SeriesNumber, kind.seriesNumber());
        put(target, TagFromName.SeriesDate, Dicom.date(r.timing().started()));
        put(target, TagFromName.SeriesTime, Dicom.time(r.timing().started()));
        put(target, TagFromName.SeriesDescription, seriesDescription(r, kind));
        // Same side as the analysed image. Laterality is type 2C, required for paired body parts: copied when the
        // source says a side; present but empty when the source says neither side nor body part, as nothing then
        // shows the part is unpaired; absent when the body part is known and the side is not (as for a spine).
        // The SR Document Series module has no Laterality.
        if (kind != Kind.STRUCTURED_REPORT) {
            AttributeList source = r.source();
            if (!r.sourceString(TagFromName.Laterality).isEmpty()) {
                Dicom.copy(source, target, TagFromName.Laterality);
            } else if (r.sourceString(TagFromName.BodyPartExamined).isEmpty()) {
                Dicom.putEmpty(target, TagFromName.Laterality);
            }
            Dicom.copyIfPresent(source, target, TagFromName.BodyPartExamined);
        }
    }

    /**
     * "AI-generated - Glassbox <model> <version> - <method> overlay" and the like. ASCII separators: archives and
     * viewers that ignore the character set still show it right. The model name is shortened when the whole would
     * not fit a LO (64), so "AI-generated" and the method always show.
     */
    static String seriesDescription(AnalysisResult r, Kind kind) {
        String what = switch (kind) {
            case SECONDARY_CAPTURE -> r.explanation().method() + " overlay";
            case PARAMETRIC_MAP -> r.explanation().method() + " map";
            case STRUCTURED_REPORT -> "findings";
        };
        String head = "AI-generated - Glassbox ";
        String tail = " " + r.algorithm().version() + " - " + what;
        int room = 64 - Dicom.utf8Length(head) - Dicom.utf8Length(tail);
        String model = r.algorithm().name();
        if (Dicom.utf8Length(model) > room) {
            model = room > 3 ? Dicom.limit(model, room - 3) + "..." : "";
        }
        return Dicom.limit(head + model + tail, 64);
    }

    /** General Equipment module: Glassbox made the object. */
    static void equipment(AttributeList target) {
        put(target, TagFromName.Manufacturer, MANUFACTURER);
        put(target, TagFromName.ManufacturerModelName, MODEL_NAME);
        put(target, TagFromName.SoftwareVersions, SOFTWARE_VERSION);
    }

    /**
     * SOP Common module: identity, creation time, character set, the local ("99") coding schemes among
     * {@code codesUsed} (anyone may make one, so each object says whose it is), and the algorithm as Contributing
     * Equipment (IHE AI Results: manufacturer, model name, software version and a Device UID that follows the
     * weights).
     */
    static void sopCommon(AnalysisResult r, AttributeList target, String sopInstanceUid, String sopClassUid,
            Code... codesUsed) {
        put(target, TagFromName.SpecificCharacterSet, Dicom.UTF8_TERM);
        put(target, TagFromName.SOPClassUID, sopClassUid);
        put(target, TagFromName.SOPInstanceUID, sopInstanceUid);
        Instant created = r.timing().finished();
        put(target, TagFromName.InstanceCreationDate, Dicom.date(created));
        put(target, TagFromName.InstanceCreationTime, Dicom.time(created));
        put(target, TagFromName.TimezoneOffsetFromUTC, "+0000");

        AnalysisResult.Algorithm a = r.algorithm();
        AttributeList algorithm = new AttributeList();
        Dicom.code(algorithm, TagFromName.PurposeOfReferenceCodeSequence, PROCESSING_ALGORITHM);
        put(algorithm, TagFromName.Manufacturer, Dicom.limit(a.manufacturer(), 64));
        put(algorithm, TagFromName.ManufacturerModelName, Dicom.limit(a.name(), 64));
        put(algorithm, TagFromName.SoftwareVersions, Dicom.limit(a.version(), 64));
        put(algorithm, TagFromName.DeviceUID, a.deviceUid());
        put(algorithm, Dicom.CONTRIBUTION_DATE_TIME, Dicom.dateTime(r.timing().started()));
        put(algorithm, TagFromName.ContributionDescription, Dicom.limit("Plugin " + a.pluginId() + ", weights SHA-256 "
                + a.weightsSha256() + ", explained by " + r.explanation().method() + " at layer "
                + r.explanation().targetLayer(), 1024));
        Dicom.sequence(target, TagFromName.ContributingEquipmentSequence, algorithm);

        Map<String, AttributeList> schemes = new LinkedHashMap<>();
        schemes.put(PROCESSING_ALGORITHM.scheme(), scheme(PROCESSING_ALGORITHM.scheme(), "IHE interim codes",
                "IHE International"));
        for (Code c : codesUsed) {
            if (c.isGlassbox()) {
                schemes.putIfAbsent(c.scheme(), scheme(c.scheme(), "Glassbox local codes", MANUFACTURER));
            } else if (c.isPrivate()) {
                // A plugin's own scheme: its maker answers for it.
                schemes.putIfAbsent(c.scheme(), scheme(c.scheme(),
                        Dicom.limit("Local codes of " + a.manufacturer(), 64), a.manufacturer()));
            }
        }
        Dicom.sequence(target, TagFromName.CodingSchemeIdentificationSequence,
                schemes.values().toArray(AttributeList[]::new));
    }

    static String instanceUid(AnalysisResult r, Kind kind) {
        return ResultUids.instanceUid(r.analysisId(), kind, r.sourceString(TagFromName.SOPInstanceUID),
                r.frameNumber());
    }

    /** The analysed image's Instance Number, so results sort like their sources; 1 when it has none. */
    static int instanceNumber(AnalysisResult r) {
        String s = r.sourceString(TagFromName.InstanceNumber);
        try {
            return s.isEmpty() ? 1 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** How an image result was derived: which method explained which model's decision about which finding. */
    static String derivationDescription(AnalysisResult r) {
        AnalysisResult.Algorithm a = r.algorithm();
        return Dicom.limit(r.explanation().method() + " heatmap (layer " + r.explanation().targetLayer() + ") of "
                + a.name() + " " + a.version() + " (" + a.pluginId() + ") for \"" + r.finding().label() + "\"", 1024);
    }

    /** The analysed image: class, instance and, for a multi-frame source, the frame. */
    static AttributeList sourceReference(AnalysisResult r) {
        AttributeList ref = Dicom.reference(r.sourceString(TagFromName.SOPClassUID),
                r.sourceString(TagFromName.SOPInstanceUID));
        if (r.multiFrame()) {
            put(ref, TagFromName.ReferencedFrameNumber, r.frameNumber());
        }
        return ref;
    }

    private static AttributeList scheme(String designator, String name, String organization) {
        AttributeList item = new AttributeList();
        put(item, TagFromName.CodingSchemeDesignator, designator);
        put(item, TagFromName.CodingSchemeName, name);
        put(item, TagFromName.CodingSchemeResponsibleOrganization, organization);
        return item;
    }
}
