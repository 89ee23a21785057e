package io.glassbox.server.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.glassbox.server.dicom.net.service.DimseStatus;
import io.glassbox.server.testing.Dcmtk;
import io.glassbox.server.testing.Http;
import io.glassbox.server.testing.Http.Reply;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.Multipart;
import io.glassbox.server.testing.TestCorpus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The write-once rule's identity is the data set the sender sent, not the file Glassbox writes: the same object
 * re-sent by another calling AE title, or through the other door (C-STORE then STOW-RS, STOW-RS then C-STORE), is
 * acknowledged and the first file is kept as it was; another data set under the same SOP Instance UID is still
 * refused through either door. Real dcmtk storescu with two calling AE titles, real STOW-RS, real PostgreSQL.
 */
@QuarkusTest
class SameObjectResentTest {

    @Inject
    DicomListener listener;

    @Inject
    IndexFixture index;

    @TestHTTPResource("/dicomweb/studies")
    URL studies;

    @BeforeEach
    void clean() throws Exception {
        index.clear();
    }

    @Test
    void theSameDataSetFromAnotherCallingAeTitleIsAcknowledgedAndTheFirstFileKept() throws Exception {
        Path ct = TestCorpus.file("CT_small.dcm");
        assertEquals(List.of(DimseStatus.SUCCESS), storescu("NODE_A", ct));
        String sop = sopInstanceUid(ct);
        Path stored = storedFile(sop);
        byte[] first = Files.readAllBytes(stored);

        // The second node of the same PACS retries: the file Glassbox would write differs (Source AE Title).
        assertEquals(List.of(DimseStatus.SUCCESS), storescu("NODE_B", ct));

        assertEquals(1, index.count("SELECT count(*) FROM instance"));
        assertEquals("NODE_A", index.string("SELECT calling_ae_title FROM instance WHERE sop_instance_uid = ?", sop));
        assertEquals(1, index.filesUnder("objects"), "no second copy");
        assertArrayEquals(first, Files.readAllBytes(storedFile(sop)), "the first file is kept as it was");
        int offset = (int) index.count("SELECT dataset_offset FROM instance WHERE sop_instance_uid = ?", sop);
        assertEquals(TestCorpus.sha256(Arrays.copyOfRange(first, offset, first.length)),
                index.string("SELECT dataset_sha256 FROM instance WHERE sop_instance_uid = ?", sop),
                "the index keeps the digest of the data set as sent");
    }

    @Test
    void theSameObjectOverStowRsAfterCStoreIsAcknowledged() throws Exception {
        Path jpeg = TestCorpus.file("SC_rgb_jpeg_gdcm.dcm"); // storescu -xs sends its data set byte for byte
        assertEquals(List.of(DimseStatus.SUCCESS), storescu("MODALITY", jpeg));
        String sop = sopInstanceUid(jpeg);
        byte[] first = Files.readAllBytes(storedFile(sop));

        Reply again = stow(Files.readAllBytes(jpeg)); // the gateway's re-send over DICOMweb, its own file meta
        assertEquals(200, again.status(), again::toString);
        assertTrue(again.json().path("00081198").isMissingNode(), "no failed instance: " + again);

        assertEquals("DIMSE", index.string("SELECT received_via FROM instance WHERE sop_instance_uid = ?", sop));
        assertEquals(1, index.filesUnder("objects"));
        assertArrayEquals(first, Files.readAllBytes(storedFile(sop)), "the C-STORE's file is kept as it was");
    }

    @Test
    void theSameObjectOverCStoreAfterStowRsIsAcknowledged() throws Exception {
        Path jpeg = TestCorpus.file("SC_rgb_jpeg_gdcm.dcm");
        byte[] file = Files.readAllBytes(jpeg);
        assertEquals(200, stow(file).status());
        String sop = sopInstanceUid(jpeg);

        assertEquals(List.of(DimseStatus.SUCCESS), storescu("MODALITY", jpeg));

        assertEquals("STOW", index.string("SELECT received_via FROM instance WHERE sop_instance_uid = ?", sop));
        assertEquals(1, index.filesUnder("objects"));
        assertArrayEquals(file, Files.readAllBytes(storedFile(sop)), "the STOW-RS file is kept byte for byte");
    }

    @Test
    void anotherDataSetUnderTheSameUidIsStillRefusedThroughEitherDoor() throws Exception {
        Path mr = TestCorpus.file("MR_small.dcm");
        byte[] file = Files.readAllBytes(mr);
        assertEquals(200, stow(file).status());
        String sop = sopInstanceUid(mr);
        // Same SOP Instance UID and transfer syntax, another patient name: another object.
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(file)));
        list.replaceWithValueIfPresent(TagFromName.PatientName, "Other^Patient");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
        Path other = Files.createTempFile("other-patient", ".dcm");
        try {
            Files.write(other, out.toByteArray());
            assertEquals(List.of(DimseStatus.DUPLICATE_SOP_INSTANCE), storescu("NODE_B", other));
            Reply r = stow(out.toByteArray());
            assertEquals(409, r.status(), r::toString);
            assertEquals(0x0111, r.json().path("00081198").path("Value").get(0).path("00081197").path("Value")
                    .get(0).asInt());
        } finally {
            Files.delete(other);
        }
        assertEquals(1, index.filesUnder("objects"));
        assertArrayEquals(file, Files.readAllBytes(storedFile(sop)), "the stored object is kept");
    }

    @Test
    void aRowIndexedBeforeTheDataSetDigestIsComparedByItsFile() throws Exception {
        // Rows stored before db/migrations/V6 have no data set digest: ingest takes it from the stored file.
        Path ct = TestCorpus.file("CT_small.dcm");
        assertEquals(List.of(DimseStatus.SUCCESS), storescu("NODE_A", ct));
        String sop = sopInstanceUid(ct);
        String digest = index.string("SELECT dataset_sha256 FROM instance WHERE sop_instance_uid = ?", sop);
        index.count("WITH u AS (UPDATE instance SET dataset_sha256 = NULL RETURNING 1) SELECT count(*) FROM u");

        assertEquals(List.of(DimseStatus.SUCCESS), storescu("NODE_B", ct));
        assertEquals(digest, index.string("SELECT dataset_sha256 FROM instance WHERE sop_instance_uid = ?", sop),
                "recorded from the file on the way");
        assertEquals(1, index.filesUnder("objects"));
    }

    /** Sends the files with storescu as {@code callingAeTitle} and returns the C-STORE response statuses. */
    private List<Integer> storescu(String callingAeTitle, Path... files) {
        List<String> command = new ArrayList<>(List.of("storescu", "-R", "-xs", "-d", "-aet", callingAeTitle,
                "-aec", "GLASSBOX", "127.0.0.1", Integer.toString(listener.localPort())));
        for (Path f : files) {
            command.add(f.toString());
        }
        Dcmtk.Result r = Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, command);
        List<Integer> statuses = new ArrayList<>();
        Matcher status = Pattern.compile("DIMSE Status\\s+: 0x([0-9a-fA-F]{4})").matcher(r.output());
        while (status.find()) {
            statuses.add(Integer.parseInt(status.group(1), 16));
        }
        assertEquals(files.length, statuses.size(), r::toString);
        return statuses;
    }

    private Reply stow(byte[] file) {
        Multipart m = Multipart.of(List.of(file));
        return Http.post(studies.toString(), m.contentType(), m.close());
    }

    private Path storedFile(String sop) throws Exception {
        return index.dataDir().resolve(
                index.string("SELECT storage_path FROM instance WHERE sop_instance_uid = ?", sop));
    }

    private static String sopInstanceUid(Path file) throws Exception {
        return IngestService.readHeader(file).get(TagFromName.SOPInstanceUID).getSingleStringValueOrEmptyString();
    }
}
