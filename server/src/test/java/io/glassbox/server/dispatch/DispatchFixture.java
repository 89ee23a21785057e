package io.glassbox.server.dispatch;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import io.agroal.api.AgroalDataSource;
import io.glassbox.server.ingest.IncomingObject;
import io.glassbox.server.ingest.IngestOutcome;
import io.glassbox.server.ingest.IngestService;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.TestCorpus;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;

/** Real instances (pydicom's CT_small.dcm with new identities) stored through the real ingest path. */
@ApplicationScoped
public class DispatchFixture {
    private final IngestService ingest;
    private final IndexFixture index;
    private final AgroalDataSource dataSource;

    public DispatchFixture(IngestService ingest, IndexFixture index, AgroalDataSource dataSource) {
        this.ingest = ingest;
        this.index = index;
        this.dataSource = dataSource;
    }

    /** Empties the index, the store and the job queue. */
    public void clear() throws Exception {
        index.clear();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE job, study_dispatch RESTART IDENTITY");
        }
    }

    public static String uid() {
        return "2.25." + new java.math.BigInteger(UUID.randomUUID().toString().replace("-", ""), 16);
    }

    /** Stores one CT_small.dcm copy under the given identity; returns its SOP Instance UID. */
    public String store(IncomingObject.Via via, String callingAe, String study, String series, String modality,
                        String seriesDescription) throws Exception {
        return store(via, callingAe, study, series, modality, seriesDescription, null);
    }

    /** As {@link #store(IncomingObject.Via, String, String, String, String, String)}, with a Body Part Examined. */
    public String store(IncomingObject.Via via, String callingAe, String study, String series, String modality,
                        String seriesDescription, String bodyPart) throws Exception {
        String sop = uid();
        AttributeList list = instance(study, series, sop, modality, seriesDescription);
        if (bodyPart != null) {
            put(list, new CodeStringAttribute(TagFromName.BodyPartExamined), bodyPart);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IncomingObject incoming;
        if (via == IncomingObject.Via.DIMSE) {
            // What a C-STORE carries: the data set alone, its identity and transfer syntax in the command.
            list.write(out, TransferSyntax.ExplicitVRLittleEndian, false, true);
            incoming = new IncomingObject(via, callingAe, Attribute.getSingleStringValueOrEmptyString(list,
                    TagFromName.SOPClassUID), sop, TransferSyntax.ExplicitVRLittleEndian,
                    new ByteArrayInputStream(out.toByteArray()));
        } else {
            FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "TEST");
            list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
            incoming = new IncomingObject(via, callingAe, null, null, null, new ByteArrayInputStream(out.toByteArray()));
        }
        IngestOutcome outcome = ingest.ingest(incoming);
        if (!outcome.success()) {
            throw new AssertionError("fixture ingest failed: " + outcome);
        }
        return sop;
    }

    /** pydicom's CT_small.dcm data set under a new identity (no file meta). */
    public static AttributeList instance(String study, String series, String sop, String modality,
                                         String seriesDescription) throws Exception {
        AttributeList list = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new FileInputStream(TestCorpus.file("CT_small.dcm").toFile()))) {
            list.read(in);
        }
        list.removeMetaInformationHeaderAttributes();
        put(list, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), study);
        put(list, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), series);
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), sop);
        put(list, new CodeStringAttribute(TagFromName.Modality), modality);
        put(list, new LongStringAttribute(TagFromName.SeriesDescription), seriesDescription);
        return list;
    }

    /** {@link #instance} written as a Part 10 file (for storescu). */
    public static void writeFile(java.nio.file.Path file, String study, String series, String modality)
            throws Exception {
        AttributeList list = instance(study, series, uid(), modality, "Axial");
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "TEST");
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
    }

    private static void put(AttributeList list, Attribute a, String value) throws Exception {
        a.addValue(value);
        AttributeTag tag = a.getTag();
        list.remove(tag);
        list.put(a);
    }
}
