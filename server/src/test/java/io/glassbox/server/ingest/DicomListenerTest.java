package io.glassbox.server.ingest;

import io.glassbox.server.dicom.net.service.DimseStatus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.testing.Dcmtk;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.Part10;
import io.glassbox.server.testing.TestCorpus;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
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
 * The DICOM listener in the running application: dcmtk's echoscu and storescu against it, objects stored and
 * indexed through {@link IngestService}, its outcome answered, and the listener's metrics at /q/metrics.
 */
@QuarkusTest
class DicomListenerTest {

    @Inject
    DicomListener listener;

    @Inject
    IndexFixture index;

    @Inject
    MeterRegistry registry;

    @BeforeEach
    void clean() throws Exception {
        index.clear();
    }

    @Test
    void echoIsAnsweredOnTheBoundPort() throws Exception {
        assertTrue(listener.localPort() > 0, "listening on the port chosen for port 0");
        Dcmtk.Result echo = run("echoscu", "-aec", "GLASSBOX", "127.0.0.1", Integer.toString(listener.localPort()));
        assertEquals(0, echo.exitCode(), echo.toString());
    }

    @Test
    void storedObjectsAreIndexedAndKeptAsTheyArrived() throws Exception {
        Path ct = TestCorpus.file("CT_small.dcm"); // explicit VR little endian, group lengths dropped by storescu
        Path jpegLossless = TestCorpus.file("SC_rgb_jpeg_gdcm.dcm"); // sent byte for byte, still compressed
        Dcmtk.Result store = run("storescu", "-R", "-xs", "-aet", "MODALITY", "-aec", "GLASSBOX", "127.0.0.1",
                Integer.toString(listener.localPort()), ct.toString(), jpegLossless.toString());
        assertEquals(0, store.exitCode(), store.output());
        assertFalse(store.output().contains("Store Failed"), store.output());

        String sop = sopInstanceUid(jpegLossless);
        assertEquals("DIMSE", index.string("SELECT received_via FROM instance WHERE sop_instance_uid = ?", sop));
        assertEquals("MODALITY", index.string("SELECT calling_ae_title FROM instance WHERE sop_instance_uid = ?", sop));
        assertEquals("1.2.840.10008.1.2.4.70",
                index.string("SELECT transfer_syntax_uid FROM instance WHERE sop_instance_uid = ?", sop));
        byte[] stored = Files.readAllBytes(index.dataDir().resolve(
                index.string("SELECT storage_path FROM instance WHERE sop_instance_uid = ?", sop)));
        long offset = index.count("SELECT dataset_offset FROM instance WHERE sop_instance_uid = ?", sop);
        assertArrayEquals(Part10.dataSet(jpegLossless), Arrays.copyOfRange(stored, (int) offset, stored.length),
                "the data set is kept exactly as it arrived");
        assertEquals(2, index.count("SELECT count(*) FROM instance WHERE received_via = 'DIMSE'"));
    }

    @Test
    void aRefusedObjectGetsTheIngestStatusAndTheAssociationGoesOn() throws Exception {
        // MR_small.dcm and MR_small_padded.dcm share a SOP Instance UID with different content: the second is
        // refused as a duplicate (the write-once store keeps the first); CT_small.dcm after it is stored.
        Path first = TestCorpus.file("MR_small.dcm");
        Path conflicting = TestCorpus.file("MR_small_padded.dcm");
        Path next = TestCorpus.file("CT_small.dcm");
        Dcmtk.Result store = run("storescu", "-R", "-nh", "-d", "-aec", "GLASSBOX", "127.0.0.1",
                Integer.toString(listener.localPort()), first.toString(), conflicting.toString(), next.toString());
        List<Integer> statuses = new ArrayList<>();
        Matcher status = Pattern.compile("DIMSE Status\\s+: 0x([0-9a-fA-F]{4})").matcher(store.output());
        while (status.find()) {
            statuses.add(Integer.parseInt(status.group(1), 16));
        }
        assertEquals(List.of(DimseStatus.SUCCESS, DimseStatus.DUPLICATE_SOP_INSTANCE, DimseStatus.SUCCESS),
                statuses, store.output());
        assertTrue(store.output().contains("(0000,0902) LO [a different object is already stored"), store.output());
        assertEquals(2, index.count("SELECT count(*) FROM instance"));
    }

    @Test
    void metricsCountAssociationsAndInstances() throws Exception {
        // Read from the application's registry: /q/metrics itself is checked on a real single start by
        // deploy/smoke-run.sh (Quarkus' test restarts keep an earlier application's Prometheus registry
        // registered globally, so a scrape here can show another start's meters).
        String port = Integer.toString(listener.localPort());
        double acceptedBefore = count("glassbox.dicom.associations.accepted", null, null);
        assertEquals(0, run("storescu", "-R", "-aec", "GLASSBOX", "127.0.0.1", port,
                TestCorpus.file("MR_small_implicit.dcm").toString()).exitCode());
        assertTrue(run("echoscu", "-aec", "NOT_GLASSBOX", "127.0.0.1", port).exitCode() != 0);
        assertTrue(count("glassbox.dicom.associations.accepted", null, null) >= acceptedBefore + 1);
        // The server counts a rejection after sending it, so echoscu may exit first: wait for it, bounded.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (count("glassbox.dicom.associations.rejected", "reason", "called-ae-title-not-recognized") < 1
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(count("glassbox.dicom.associations.rejected", "reason", "called-ae-title-not-recognized") >= 1);
        assertTrue(registry.find("glassbox.ingest.instances").tag("via", "DIMSE").tag("result", "STORED").counter()
                .count() >= 1);
        assertTrue(count("glassbox.dicom.received.bytes", null, null) > 1000);
        assertTrue(registry.find("glassbox.dicom.associations.active").gauge() != null);
    }

    private double count(String name, String tag, String value) {
        var search = tag == null ? registry.find(name) : registry.find(name).tag(tag, value);
        var counter = search.counter();
        return counter == null ? 0 : counter.count();
    }

    private static String sopInstanceUid(Path file) throws Exception {
        return IngestService.readHeader(file).get(com.pixelmed.dicom.TagFromName.SOPInstanceUID)
                .getSingleStringValueOrEmptyString();
    }

    private static Dcmtk.Result run(String... command) {
        return Dcmtk.run(command);
    }
}
