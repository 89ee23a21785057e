package io.glassbox.server.dicomweb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.glassbox.server.testing.Http;
import io.glassbox.server.testing.Http.Reply;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.Multipart;
import io.glassbox.server.testing.TestCorpus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** STOW-RS against the real server and the real PostgreSQL: what is acknowledged is stored byte for byte. */
@QuarkusTest
class StowRsTest {

    @TestHTTPResource("/dicomweb/studies")
    URL studies;

    @Inject
    IndexFixture index;

    @BeforeEach
    void clean() throws Exception {
        index.clear();
    }

    static List<String> corpus() {
        return TestCorpus.withPixelData();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void everyCorpusFileIsStoredByteForByte(String name) throws Exception {
        byte[] file = Files.readAllBytes(TestCorpus.file(name));
        Multipart m = Multipart.of(List.of(file));
        Reply r = Http.post(studies.toString(), m.contentType(), m.close());
        assertEquals(200, r.status(), r::toString);
        assertEquals("application/dicom+json", r.contentType());
        JsonNode referenced = r.json().path("00081199").path("Value");
        assertEquals(1, referenced.size(), r::toString);
        String sop = referenced.get(0).path("00081155").path("Value").get(0).asText();
        assertTrue(referenced.get(0).path("00081190").path("Value").get(0).asText().endsWith("/instances/" + sop));

        String path = index.string("SELECT storage_path FROM instance WHERE sop_instance_uid = ?", sop);
        byte[] stored = Files.readAllBytes(index.dataDir().resolve(path));
        assertArrayEquals(file, stored, "stored file differs from what was sent");
        assertEquals(TestCorpus.sha256(file),
                index.string("SELECT sha256 FROM instance WHERE sop_instance_uid = ?", sop));
        assertEquals(0, index.filesUnder("incoming"), "temporary files left behind");
    }

    @Test
    void severalInstancesInOneRequestAndIdenticalResendIsNotDuplicated() throws Exception {
        List<byte[]> files = List.of(Files.readAllBytes(TestCorpus.file("CT_small.dcm")),
                Files.readAllBytes(TestCorpus.file("rtdose.dcm")),
                Files.readAllBytes(TestCorpus.file("dicomdirtests/77654033/CT2/17106")));
        Multipart m = Multipart.of(files);
        byte[] body = m.close();
        Reply first = Http.post(studies.toString(), m.contentType(), body);
        assertEquals(200, first.status(), first::toString);
        assertEquals(3, first.json().path("00081199").path("Value").size());

        Reply again = Http.post(studies.toString(), m.contentType(), body);
        assertEquals(200, again.status(), again::toString);
        assertEquals(3, index.count("SELECT count(*) FROM instance"));
        assertEquals(3, index.filesUnder("objects"));
    }

    @Test
    void differentObjectUnderAStoredUidIsRefusedAndTheFirstKept() throws Exception {
        // MR_small.dcm and MR_small_bigendian.dcm are one instance in two encodings: same SOP Instance UID.
        byte[] first = Files.readAllBytes(TestCorpus.file("MR_small.dcm"));
        byte[] other = Files.readAllBytes(TestCorpus.file("MR_small_bigendian.dcm"));
        Multipart a = Multipart.of(List.of(first));
        assertEquals(200, Http.post(studies.toString(), a.contentType(), a.close()).status());
        Multipart b = Multipart.of(List.of(other));
        Reply r = Http.post(studies.toString(), b.contentType(), b.close());
        assertEquals(409, r.status(), r::toString);
        JsonNode failed = r.json().path("00081198").path("Value").get(0);
        assertEquals(0x0111, failed.path("00081197").path("Value").get(0).asInt());
        assertEquals(TestCorpus.sha256(first), index.string("SELECT sha256 FROM instance"));
        assertEquals(1, index.filesUnder("objects"));
    }

    @Test
    void aSeriesAlreadyFiledUnderAnotherStudyIsRefusedWholly() throws Exception {
        byte[] original = Files.readAllBytes(TestCorpus.file("CT_small.dcm"));
        Multipart first = Multipart.of(List.of(original));
        assertEquals(200, Http.post(studies.toString(), first.contentType(), first.close()).status());
        // Same series UID, another study and instance: the hierarchy would be corrupted by filing it.
        com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
        list.read(new com.pixelmed.dicom.DicomInputStream(new java.io.ByteArrayInputStream(original)));
        list.replaceWithValueIfPresent(com.pixelmed.dicom.TagFromName.StudyInstanceUID, "2.25.1111");
        list.replaceWithValueIfPresent(com.pixelmed.dicom.TagFromName.SOPInstanceUID, "2.25.2222");
        list.replaceWithValueIfPresent(com.pixelmed.dicom.TagFromName.MediaStorageSOPInstanceUID, "2.25.2222");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        list.write(out, com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, true, true);
        Multipart second = Multipart.of(List.of(out.toByteArray()));
        Reply r = Http.post(studies.toString(), second.contentType(), second.close());
        assertEquals(409, r.status(), r::toString);
        assertTrue(r.json().path("00081198").path("Value").get(0).path("00000902").path("Value").get(0).asText()
                .contains("already belongs to another study"), r::toString);
        assertEquals(1, index.count("SELECT count(*) FROM study"), "the refused object left a study row behind");
        assertEquals(1, index.count("SELECT count(*) FROM instance"));
        assertEquals(1, index.filesUnder("objects"));
    }

    static List<String> malformed() {
        return List.of("no_meta.dcm", "MR_truncated.dcm", "rtplan_truncated.dcm", "meta_missing_tsyntax.dcm",
                "README.txt", "ExplVR_BigEndNoMeta.dcm", "ExplVR_LitEndNoMeta.dcm", "no_meta_group_length.dcm",
                "nested_priv_SQ.dcm", "SC_rgb_jpeg.dcm");
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedFilesAreRefusedWithAReasonAndNothingIsStored(String name) throws Exception {
        Multipart m = Multipart.of(List.of(Files.readAllBytes(TestCorpus.file(name))));
        Reply r = Http.post(studies.toString(), m.contentType(), m.close());
        assertEquals(409, r.status(), r::toString);
        JsonNode failed = r.json().path("00081198").path("Value");
        assertEquals(1, failed.size(), r::toString);
        int reason = failed.get(0).path("00081197").path("Value").get(0).asInt();
        assertTrue(reason == 0xC000 || reason == 0xA900, "failure reason " + Integer.toHexString(reason));
        assertTrue(failed.get(0).path("00000902").path("Value").get(0).asText().length() > 5, r::toString);
        assertNothingStored();
    }

    @Test
    void corruptedCopiesAreRefused() throws Exception {
        byte[] good = Files.readAllBytes(TestCorpus.file("CT_small.dcm"));
        // An unknown VR: the first data set element's VR ("CS" of (0008,0008)) replaced by "ZZ".
        byte[] unknownVr = good.clone();
        int at = indexOf(unknownVr, new byte[] {0x08, 0x00, 0x08, 0x00, 'C', 'S'});
        unknownVr[at + 4] = 'Z';
        unknownVr[at + 5] = 'Z';
        // An element whose length claims more bytes than the file has.
        byte[] oversized = good.clone();
        int pd = indexOf(oversized, new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W'});
        oversized[pd + 8] = (byte) 0xFF;
        oversized[pd + 9] = (byte) 0xFF;
        oversized[pd + 10] = (byte) 0xFF;
        oversized[pd + 11] = 0x7F;
        // Cut in the middle of the header.
        byte[] cut = java.util.Arrays.copyOf(good, 700);
        for (byte[] bad : List.of(unknownVr, oversized, cut)) {
            Multipart m = Multipart.of(List.of(bad));
            Reply r = Http.post(studies.toString(), m.contentType(), m.close());
            assertEquals(409, r.status(), r::toString);
        }
        assertNothingStored();
    }

    @Test
    void aBatchWithGoodAndBadPartsIsPartial() throws Exception {
        Multipart m = new Multipart()
                .part("application/dicom", Files.readAllBytes(TestCorpus.file("CT_small.dcm")))
                .part("application/dicom", Files.readAllBytes(TestCorpus.file("MR_truncated.dcm")))
                .part("text/plain", "hello".getBytes());
        Reply r = Http.post(studies.toString(), m.contentType(), m.close());
        assertEquals(202, r.status(), r::toString);
        assertEquals(1, r.json().path("00081199").path("Value").size());
        assertEquals(2, r.json().path("00081198").path("Value").size());
        assertEquals(1, index.count("SELECT count(*) FROM instance"));
    }

    @Test
    void targetStudyMismatchIsRefused() throws Exception {
        Multipart m = Multipart.of(List.of(Files.readAllBytes(TestCorpus.file("CT_small.dcm"))));
        Reply r = Http.post(studies + "/1.2.3.4.5", m.contentType(), m.close());
        assertEquals(409, r.status(), r::toString);
        assertNothingStored();
    }

    @Test
    void badRequestsGetAProblemBody() throws Exception {
        byte[] file = Files.readAllBytes(TestCorpus.file("CT_small.dcm"));
        Reply wrongType = Http.post(studies.toString(), "application/octet-stream", file);
        assertEquals(415, wrongType.status(), wrongType::toString);
        assertEquals("application/problem+json", wrongType.contentType());
        assertEquals(415, wrongType.json().path("status").asInt());

        Reply jsonParts = Http.post(studies.toString(),
                "multipart/related; type=\"application/dicom+json\"; boundary=x", "--x--\r\n".getBytes());
        assertEquals(415, jsonParts.status(), jsonParts::toString);

        Reply noBoundary = Http.post(studies.toString(), "multipart/related; type=\"application/dicom\"", file);
        assertEquals(400, noBoundary.status(), noBoundary::toString);
        assertTrue(noBoundary.json().path("detail").asText().contains("boundary"));

        Multipart empty = new Multipart();
        Reply emptyReply = Http.post(studies.toString(), empty.contentType(), empty.close());
        assertEquals(400, emptyReply.status(), emptyReply::toString);

        Multipart truncated = Multipart.of(List.of(file));
        Reply cut = Http.post(studies.toString(), truncated.contentType(), truncated.truncated(1000));
        assertEquals(400, cut.status(), cut::toString);
        assertNothingStored();
    }

    private void assertNothingStored() throws Exception {
        assertEquals(0, index.count("SELECT count(*) FROM instance"));
        assertEquals(0, index.filesUnder("objects"), "a refused object left a file in the store");
        assertEquals(0, index.filesUnder("incoming"), "temporary files left behind");
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("pattern not found");
    }
}
