package io.glassbox.server.dicomweb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.ingest.DicomListener;
import io.glassbox.server.testing.Dcmtk;
import io.glassbox.server.testing.Http;
import io.glassbox.server.testing.Http.Reply;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.Multipart;
import io.glassbox.server.testing.MultipartResponse;
import io.glassbox.server.testing.Part10;
import io.glassbox.server.testing.TestCorpus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The issue's round trip, end to end on the running server: every pydicom corpus file with pixel data goes in over
 * STOW-RS and, separately, over C-STORE from dcmtk's storescu, and comes back from WADO-RS byte-identical
 * (SHA-256): over STOW-RS the very file that was sent; over C-STORE the data set as it was on the wire, behind
 * file meta that names the sender and Glassbox.
 */
@QuarkusTest
class CorpusRoundTripTest {

    /** Files storescu itself cannot read (it refuses them before sending): covered by the STOW-RS half only. */
    private static final Set<String> UNREADABLE_TO_STORESCU = Set.of("rtdose_rle.dcm", "rtdose_rle_1frame.dcm");

    @TestHTTPResource("/dicomweb")
    URL dicomweb;

    @Inject
    IndexFixture index;

    @Inject
    DicomListener listener;

    static List<String> corpus() {
        return TestCorpus.withPixelData();
    }

    @BeforeEach
    void clean() throws Exception {
        index.clear();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void storedOverStowRsAndRetrievedByteIdentical(String name) throws Exception {
        byte[] file = Files.readAllBytes(TestCorpus.file(name));
        Multipart m = Multipart.of(List.of(file));
        Reply stored = Http.post(dicomweb + "/studies", m.contentType(), m.close());
        assertEquals(200, stored.status(), stored::toString);
        byte[] retrieved = retrieve(identity(file));
        assertEquals(TestCorpus.sha256(file), TestCorpus.sha256(retrieved), name);
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void storedOverCStoreAndRetrievedByteIdentical(String name, @org.junit.jupiter.api.io.TempDir Path work)
            throws Exception {
        if (UNREADABLE_TO_STORESCU.contains(name)) {
            return;
        }
        Path path = TestCorpus.file(name);
        byte[] file = Files.readAllBytes(path);
        String[] uids = identity(file);
        String option = Dcmtk.PROPOSE_FIRST.get(uids[3]);
        Dcmtk.Result storescu = Dcmtk.run("storescu", "-R", "-aet", "MODALITY", "-aec", "GLASSBOX", option, "127.0.0.1",
                Integer.toString(listener.localPort()), path.toString());
        assertTrue(storescu.succeeded() && !storescu.output().contains("Store Failed"), storescu::toString);

        byte[] retrieved = retrieve(uids);
        assertEquals(index.string("SELECT sha256 FROM instance WHERE sop_instance_uid = ?", uids[2]),
                TestCorpus.sha256(retrieved), "WADO-RS must serve exactly what was stored");
        byte[] dataSet = Arrays.copyOfRange(retrieved, Part10.dataSetOffset(retrieved), retrieved.length);
        byte[] expected = Part10.dataSet(path);
        if (!Arrays.equals(expected, dataSet)) {
            // storescu re-encoded this one while sending: compare with what dcmtk's own storescp received
            expected = Dcmtk.dataSetReceivedByStorescp(path, option, work);
        }
        assertArrayEquals(expected, dataSet, name + ": the data set is not what was on the wire");

        AttributeList meta = new AttributeList();
        meta.readOnlyMetaInformationHeader(new com.pixelmed.dicom.DicomInputStream(
                new ByteArrayInputStream(retrieved)));
        assertEquals("MODALITY", Attribute.getSingleStringValueOrEmptyString(meta,
                TagFromName.SourceApplicationEntityTitle));
        assertEquals(io.glassbox.server.Glassbox.IMPLEMENTATION_CLASS_UID,
                Attribute.getSingleStringValueOrEmptyString(meta, TagFromName.ImplementationClassUID));
        assertEquals(uids[3], Attribute.getSingleStringValueOrEmptyString(meta, TagFromName.TransferSyntaxUID));
    }

    /** study, series, instance UID (from the data set) and transfer syntax UID (from the meta). */
    private static String[] identity(byte[] file) throws Exception {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        list.read(new com.pixelmed.dicom.DicomInputStream(new ByteArrayInputStream(file)), TagFromName.PixelData);
        return new String[] {
            Attribute.getSingleStringValueOrEmptyString(list, TagFromName.StudyInstanceUID),
            Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SeriesInstanceUID),
            Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID),
            Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID)};
    }

    private byte[] retrieve(String[] uids) {
        Reply r = Http.get(dicomweb + "/studies/" + uids[0] + "/series/" + uids[1] + "/instances/" + uids[2],
                "multipart/related; type=\"application/dicom\"");
        assertEquals(200, r.status(), r::toString);
        List<MultipartResponse.Part> parts = MultipartResponse.parse(r.contentType(), r.body());
        assertEquals(1, parts.size());
        return parts.get(0).body();
    }
}
