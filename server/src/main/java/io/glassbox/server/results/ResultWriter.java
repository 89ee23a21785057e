package io.glassbox.server.results;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.glassbox.server.store.FileMeta;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns one {@link AnalysisResult} into the three DICOM objects that carry it, in the analysed image's study,
 * each in its own new series: the heatmap burned over the image (Secondary Capture), the raw heatmap (Parametric
 * Map) and the finding (Structured Report, which references the other two). Pure: no I/O, no clock; the same
 * input gives the same objects, byte for byte.
 */
public final class ResultWriter {

    /** Source Application Entity Title in the file meta of the objects Glassbox creates. */
    static final String SOURCE_AE_TITLE = "GLASSBOX";

    private ResultWriter() {}

    /** The three objects of one result. */
    public record ResultObjects(AttributeList secondaryCapture, AttributeList parametricMap,
            AttributeList structuredReport) {

        /** In the order they should be stored: what the report references comes first. */
        public AttributeList[] inStorageOrder() {
            return new AttributeList[] {parametricMap, secondaryCapture, structuredReport};
        }
    }

    /**
     * @throws IllegalArgumentException when the source cannot be drawn (no pixel data, undecodable)
     */
    public static ResultObjects write(AnalysisResult result, OverlayStyle style) {
        AttributeList pm = ParametricMapWriter.write(result);
        AttributeList sc = SecondaryCaptureWriter.write(result, style);
        AttributeList sr = StructuredReportWriter.write(result, pm, sc);
        return new ResultObjects(sc, pm, sr);
    }

    /**
     * The object as a Part 10 file in Explicit VR Little Endian, with Glassbox's implementation identity in the
     * file meta. The object itself is left unchanged.
     */
    public static byte[] part10(AttributeList object) {
        AttributeList copy = new AttributeList();
        copy.putAll(object);
        try {
            copy.putAll(FileMeta.of(Attribute.getSingleStringValueOrEmptyString(object, TagFromName.SOPClassUID),
                    Attribute.getSingleStringValueOrEmptyString(object, TagFromName.SOPInstanceUID),
                    TransferSyntax.ExplicitVRLittleEndian, SOURCE_AE_TITLE));
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
            copy.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
            return out.toByteArray();
        } catch (DicomException e) {
            throw new IllegalStateException("cannot encode " + object.get(TagFromName.SOPInstanceUID) + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
