package io.glassbox.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.TestCorpus;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every value ingest extracts lands in its own index column: one C-STORE data set whose indexed attributes all
 * hold different values (dates, times and integers included, rows unlike columns) is ingested, and each patient,
 * study, series and instance column is read back. Two values passed in each other's place, anywhere between the
 * data set and the SQL statement, fail here. Real ingest, real PostgreSQL.
 */
@QuarkusTest
class IndexedColumnsTest {
    private static final String SOP = "2.25.1001";
    private static final String STUDY = "2.25.2002";
    private static final String SERIES = "2.25.3003";
    private static final int ROWS = 3;
    private static final int COLUMNS = 5;
    private static final int FRAMES = 2;

    @Inject
    IngestService ingest;

    @Inject
    IndexFixture index;

    @BeforeEach
    void clean() throws Exception {
        index.clear();
    }

    @Test
    void eachExtractedValueIsStoredInItsOwnColumn() throws Exception {
        Map<AttributeTag, String> values = new LinkedHashMap<>();
        values.put(TagFromName.PatientID, "PID-1");
        values.put(TagFromName.IssuerOfPatientID, "ISSUER-2");
        values.put(TagFromName.PatientName, "Doe^Jane");
        values.put(TagFromName.PatientBirthDate, "19040404");
        values.put(TagFromName.PatientSex, "F");
        values.put(TagFromName.StudyInstanceUID, STUDY);
        values.put(TagFromName.StudyDate, "20010101");
        values.put(TagFromName.StudyTime, "010101");
        values.put(TagFromName.AccessionNumber, "ACC-3");
        values.put(TagFromName.ReferringPhysicianName, "Referrer^Rita");
        values.put(TagFromName.StudyDescription, "study description");
        values.put(TagFromName.StudyID, "SID-4");
        values.put(TagFromName.SeriesInstanceUID, SERIES);
        values.put(TagFromName.Modality, "MR");
        values.put(TagFromName.SeriesNumber, "11");
        values.put(TagFromName.SeriesDescription, "series description");
        values.put(TagFromName.BodyPartExamined, "HEAD");
        values.put(TagFromName.SeriesDate, "20020202");
        values.put(TagFromName.SeriesTime, "020202");
        values.put(TagFromName.PerformedProcedureStepStartDate, "20030303");
        values.put(TagFromName.PerformedProcedureStepStartTime, "030303");
        values.put(TagFromName.InstitutionName, "institution");
        values.put(TagFromName.StationName, "station");
        values.put(TagFromName.SOPInstanceUID, SOP);
        values.put(TagFromName.SOPClassUID, SOPClass.MRImageStorage);
        values.put(TagFromName.InstanceNumber, "22");
        values.put(TagFromName.Rows, Integer.toString(ROWS));
        values.put(TagFromName.Columns, Integer.toString(COLUMNS));
        values.put(TagFromName.NumberOfFrames, Integer.toString(FRAMES));
        values.put(TagFromName.SamplesPerPixel, "1");
        values.put(TagFromName.PhotometricInterpretation, "MONOCHROME2");
        values.put(TagFromName.BitsAllocated, "16");
        values.put(TagFromName.BitsStored, "16");
        values.put(TagFromName.HighBit, "15");
        values.put(TagFromName.PixelRepresentation, "0");
        AttributeList list = new AttributeList();
        for (Map.Entry<AttributeTag, String> e : values.entrySet()) {
            list.putNewAttribute(e.getKey()).addValue(e.getValue());
        }
        OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
        pixels.setValues(new short[ROWS * COLUMNS * FRAMES]);
        list.put(pixels);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, TransferSyntax.ExplicitVRLittleEndian, false, true);
        byte[] dataSet = out.toByteArray();

        IngestOutcome outcome = ingest.ingest(new IncomingObject(IncomingObject.Via.DIMSE, "NODE_X",
                SOPClass.MRImageStorage, SOP, TransferSyntax.ExplicitVRLittleEndian,
                new ByteArrayInputStream(dataSet)));
        assertEquals(IngestOutcome.Result.STORED, outcome.result(), String.valueOf(outcome));
        assertEquals(new IngestOutcome.Identity(SOPClass.MRImageStorage, SOP, STUDY, SERIES), outcome.ids());

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("p.patient_id", "PID-1");
        expected.put("p.issuer_of_patient_id", "ISSUER-2");
        expected.put("p.patient_name", "Doe^Jane");
        expected.put("p.patient_birth_date", "19040404");
        expected.put("p.patient_sex", "F");
        expected.put("st.study_instance_uid", STUDY);
        expected.put("st.study_date", "20010101");
        expected.put("st.study_time", "010101");
        expected.put("st.accession_number", "ACC-3");
        expected.put("st.referring_physician_name", "Referrer^Rita");
        expected.put("st.study_description", "study description");
        expected.put("st.study_id", "SID-4");
        expected.put("st.patient_name", "Doe^Jane");
        expected.put("st.patient_id", "PID-1");
        expected.put("st.patient_birth_date", "19040404");
        expected.put("st.patient_sex", "F");
        expected.put("se.series_instance_uid", SERIES);
        expected.put("se.modality", "MR");
        expected.put("se.series_number", "11");
        expected.put("se.series_description", "series description");
        expected.put("se.body_part_examined", "HEAD");
        expected.put("se.series_date", "20020202");
        expected.put("se.series_time", "020202");
        expected.put("se.performed_procedure_step_start_date", "20030303");
        expected.put("se.performed_procedure_step_start_time", "030303");
        expected.put("se.institution_name", "institution");
        expected.put("se.station_name", "station");
        expected.put("se.sending_ae_title", "NODE_X");
        expected.put("i.sop_instance_uid", SOP);
        expected.put("i.sop_class_uid", SOPClass.MRImageStorage);
        expected.put("i.instance_number", "22");
        expected.put("i.rows", Integer.toString(ROWS));
        expected.put("i.columns", Integer.toString(COLUMNS));
        expected.put("i.number_of_frames", Integer.toString(FRAMES));
        expected.put("i.transfer_syntax_uid", TransferSyntax.ExplicitVRLittleEndian);
        expected.put("i.received_via", "DIMSE");
        expected.put("i.calling_ae_title", "NODE_X");
        expected.put("i.dataset_sha256", TestCorpus.sha256(dataSet));
        expected.put("i.metadata->'00100020'->'Value'->>0", "PID-1");
        expected.put("i.metadata->'00080018'->'Value'->>0", SOP);
        Map<String, String> actual = new LinkedHashMap<>();
        for (String column : expected.keySet()) {
            actual.put(column, column(column));
        }
        assertEquals(expected, actual);

        // The storage columns describe the file Glassbox wrote: the file meta it put in front, then the data set
        // as received, whose last element is the Pixel Data.
        byte[] file = Files.readAllBytes(index.dataDir().resolve(column("i.storage_path")));
        int datasetOffset = file.length - dataSet.length;
        assertTrue(datasetOffset > 132, "a preamble and file meta precede the data set");
        assertEquals(file.length, Long.parseLong(column("i.size_bytes")));
        assertEquals(TestCorpus.sha256(file), column("i.sha256"));
        assertEquals(datasetOffset, Long.parseLong(column("i.dataset_offset")));
        assertEquals(ROWS * COLUMNS * FRAMES * 2, Long.parseLong(column("i.pixel_data_length")));
        assertEquals(file.length - ROWS * COLUMNS * FRAMES * 2, Long.parseLong(column("i.pixel_data_offset")));
        assertTrue(Arrays.equals(dataSet, Arrays.copyOfRange(file, datasetOffset, file.length)),
                "the data set is stored as received");
    }

    private String column(String expression) throws Exception {
        return index.string("SELECT (" + expression + ")::text FROM instance i"
                + " JOIN series se ON se.pk = i.series_fk JOIN study st ON st.pk = se.study_fk"
                + " JOIN patient p ON p.pk = st.patient_fk WHERE i.sop_instance_uid = ?", SOP);
    }
}
