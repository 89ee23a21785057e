package io.glassbox.server.results;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

/**
 * Where the analysed frame lies in the patient: taken from the top level of a classic image, or from the shared and
 * per-frame functional groups of an enhanced one. Any part may be missing (a Secondary Capture source has none).
 *
 * @param frameOfReferenceUid Frame of Reference UID, or "" when the source has none
 * @param pixelSpacing        row spacing \ column spacing in mm, or null
 * @param sliceThickness      in mm, or null
 * @param imagePosition       Image Position (Patient) of the frame, or null
 * @param imageOrientation    Image Orientation (Patient), or null
 */
record SourceGeometry(String frameOfReferenceUid, double[] pixelSpacing, Double sliceThickness,
        double[] imagePosition, double[] imageOrientation) {

    boolean hasPatientPlane() {
        return !frameOfReferenceUid.isEmpty() && imagePosition != null && imageOrientation != null;
    }

    static SourceGeometry of(AttributeList source, int frameNumber) {
        AttributeList shared = functionalGroups(source, TagFromName.SharedFunctionalGroupsSequence, 0);
        AttributeList perFrame = functionalGroups(source, TagFromName.PerFrameFunctionalGroupsSequence,
                frameNumber - 1);
        String frameOfReference = Attribute.getSingleStringValueOrEmptyString(source, TagFromName.FrameOfReferenceUID)
                .trim();
        return new SourceGeometry(frameOfReference,
                values(source, shared, perFrame, TagFromName.PixelMeasuresSequence, TagFromName.PixelSpacing, 2),
                single(values(source, shared, perFrame, TagFromName.PixelMeasuresSequence,
                        TagFromName.SliceThickness, 1)),
                values(source, shared, perFrame, TagFromName.PlanePositionSequence,
                        TagFromName.ImagePositionPatient, 3),
                values(source, shared, perFrame, TagFromName.PlaneOrientationSequence,
                        TagFromName.ImageOrientationPatient, 6));
    }

    /** The value from the top level, else the per-frame group, else the shared group; null unless it has n values. */
    private static double[] values(AttributeList top, AttributeList shared, AttributeList perFrame,
            AttributeTag macro, AttributeTag tag, int n) {
        for (AttributeList list : new AttributeList[] {top, inMacro(perFrame, macro), inMacro(shared, macro)}) {
            if (list != null) {
                double[] v = Attribute.getDoubleValues(list, tag);
                if (v != null && v.length == n) {
                    return v;
                }
            }
        }
        return null;
    }

    private static Double single(double[] v) {
        return v == null ? null : v[0];
    }

    private static AttributeList functionalGroups(AttributeList source, AttributeTag sequence, int index) {
        if (source.get(sequence) instanceof SequenceAttribute s && index < s.getNumberOfItems()) {
            return s.getItem(index).getAttributeList();
        }
        return null;
    }

    private static AttributeList inMacro(AttributeList group, AttributeTag macro) {
        if (group != null && group.get(macro) instanceof SequenceAttribute s && s.getNumberOfItems() > 0) {
            return s.getItem(0).getAttributeList();
        }
        return null;
    }
}
