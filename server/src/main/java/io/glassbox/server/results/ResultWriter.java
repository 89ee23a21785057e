package io.glassbox.server.results;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.glassbox.server.results.ResultUids.Kind;
import io.glassbox.server.store.FileMeta;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one {@link AnalysisResult} into the DICOM objects that carry it, one per {@link ResultObjectWriter}, in
 * the analysed image's study, each in its own new series: the heatmap burned over the image (Secondary Capture),
 * the raw heatmap (Parametric Map) and the finding (Structured Report, which references the other two). Pure: no
 * I/O, no clock; the same input gives the same objects, byte for byte.
 */
public final class ResultWriter {

    /** Source Application Entity Title in the file meta of the objects Glassbox creates. */
    static final String SOURCE_AE_TITLE = "GLASSBOX";

    /**
     * One writer per result kind, in storage order: an object comes after those it references, so a report is
     * never stored that points at an object that is not. A new kind is its writer, registered here.
     */
    private static final List<ResultObjectWriter> WRITERS = List.of(
            new ParametricMapWriter(), new SecondaryCaptureWriter(), new StructuredReportWriter());

    private ResultWriter() {}

    /** The objects of one result, by kind, in storage order. */
    public record ResultObjects(Map<Kind, AttributeList> byKind) {

        public ResultObjects {
            byKind = Collections.unmodifiableMap(new LinkedHashMap<>(byKind));
        }

        public AttributeList secondaryCapture() {
            return byKind.get(Kind.SECONDARY_CAPTURE);
        }

        public AttributeList parametricMap() {
            return byKind.get(Kind.PARAMETRIC_MAP);
        }

        public AttributeList structuredReport() {
            return byKind.get(Kind.STRUCTURED_REPORT);
        }

        /** In the order they should be stored: what the report references comes first. */
        public AttributeList[] inStorageOrder() {
            return byKind.values().toArray(AttributeList[]::new);
        }
    }

    /**
     * @throws IllegalArgumentException when the source cannot be drawn (no pixel data, undecodable)
     */
    public static ResultObjects write(AnalysisResult result, OverlayStyle style) {
        Map<Kind, AttributeList> written = new LinkedHashMap<>();
        for (ResultObjectWriter writer : WRITERS) {
            written.put(writer.kind(), writer.write(result, style, Collections.unmodifiableMap(written)));
        }
        return new ResultObjects(written);
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
