package io.glassbox.server.dicomweb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glassbox.server.testing.CorpusLoader;
import io.glassbox.server.testing.CorpusLoader.Loaded;
import io.glassbox.server.testing.Http;
import io.glassbox.server.testing.Http.Reply;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.MultipartResponse;
import io.glassbox.server.testing.MultipartResponse.Part;
import io.glassbox.server.testing.Pydicom;
import io.glassbox.server.testing.TestCorpus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WADO-RS (PS3.18 10.4) against real files ingested through {@link io.glassbox.server.ingest.IngestService} into the
 * real PostgreSQL. Instances must come back byte for byte; frames and bulk data must equal what pydicom finds in the
 * same files.
 */
@QuarkusTest
public class WadoRsTest {

    private static final String DICOM_PARTS = "multipart/related; type=\"application/dicom\"";
    private static final String ANY_OCTETS = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/dicomweb")
    URL service;

    @Inject
    IndexFixture index;

    @Inject
    CorpusLoader corpus;

    /** Leaves the shared test database empty for the test classes that run after this one in the same JVM. */
    @AfterEach
    void leaveNothingBehind() throws Exception {
        index.clear();
    }

    @BeforeEach
    void clean() throws Exception {
        index.clear();
    }

    private String url(Loaded f) {
        return service + "/studies/" + f.studyUid() + "/series/" + f.seriesUid() + "/instances/" + f.sopInstanceUid();
    }

    private static List<Part> parts(Reply r) {
        return MultipartResponse.parse(r.contentType(), r.body());
    }

    private static void assertProblem(Reply r, int status) {
        assertEquals(status, r.status(), r::toString);
        assertEquals("application/problem+json", r.contentType());
        assertEquals(status, r.json().path("status").asInt());
        assertFalse(r.json().path("detail").asText().isEmpty(), r::toString);
    }

    // ---- instances ----

    @Test
    void studySeriesAndInstanceComeBackByteForByte() throws Exception {
        List<Loaded> loaded = corpus.load("SC_rgb_rle_2frame.dcm", "SC_rgb_small_odd.dcm", "CT_small.dcm");
        Loaded first = loaded.get(0);
        assertEquals(first.seriesUid(), loaded.get(1).seriesUid(), "two instances of one series");
        Map<String, Loaded> bySop = loaded.stream().collect(Collectors.toMap(Loaded::sopInstanceUid, f -> f));

        for (String url : List.of(service + "/studies/" + first.studyUid(),
                service + "/studies/" + first.studyUid() + "/series/" + first.seriesUid())) {
            for (String accept : new String[] {DICOM_PARTS, DICOM_PARTS + "; transfer-syntax=*", null, "*/*"}) {
                Reply r = Http.get(url, accept);
                assertEquals(200, r.status(), () -> url + " " + accept + " -> " + r);
                assertTrue(r.contentType().startsWith(DICOM_PARTS), r.contentType());
                List<Part> parts = parts(r);
                assertEquals(2, parts.size(), url);
                for (Part part : parts) {
                    String sop = part.contentLocation().substring(part.contentLocation().lastIndexOf('/') + 1);
                    Loaded f = bySop.get(sop);
                    assertNotNull(f, part.contentLocation());
                    assertEquals(TestCorpus.sha256(f.path()), TestCorpus.sha256(part.body()), f.name());
                    assertEquals(index.string("SELECT sha256 FROM instance WHERE sop_instance_uid = ?", sop),
                            TestCorpus.sha256(part.body()));
                    assertTrue(part.contentType().startsWith("application/dicom; transfer-syntax="),
                            part.contentType());
                    assertEquals(url(f), part.contentLocation());
                }
            }
        }
        Loaded ct = loaded.get(2);
        Reply one = Http.get(url(ct), DICOM_PARTS);
        assertEquals(200, one.status(), one::toString);
        List<Part> parts = parts(one);
        assertEquals(1, parts.size());
        assertArrayEquals(Files.readAllBytes(ct.path()), parts.get(0).body());
    }

    @Test
    void aTransferSyntaxThatNeedsTranscodingIsNotAcceptable() throws Exception {
        Loaded j2k = corpus.load("JPEG2000.dcm").get(0);
        String stored = index.string("SELECT transfer_syntax_uid FROM instance WHERE sop_instance_uid = ?",
                j2k.sopInstanceUid());
        assertProblem(Http.get(url(j2k), DICOM_PARTS + "; transfer-syntax=1.2.840.10008.1.2.1"), 406);
        assertProblem(Http.get(url(j2k), "application/dicom+xml"), 406);
        Reply asStored = Http.get(url(j2k), DICOM_PARTS + "; transfer-syntax=" + stored);
        assertEquals(200, asStored.status(), asStored::toString);
        assertArrayEquals(Files.readAllBytes(j2k.path()), parts(asStored).get(0).body());
    }

    @Test
    void unknownStudySeriesOrInstanceIs404() throws Exception {
        Loaded ct = corpus.load("CT_small.dcm").get(0);
        assertProblem(Http.get(service + "/studies/1.2.3.999", DICOM_PARTS), 404);
        assertProblem(Http.get(service + "/studies/" + ct.studyUid() + "/series/1.2.3.999", DICOM_PARTS), 404);
        assertProblem(Http.get(service + "/studies/" + ct.studyUid() + "/series/" + ct.seriesUid()
                + "/instances/1.2.3.999", DICOM_PARTS), 404);
        assertProblem(Http.get(service + "/studies/1.2.3.999/metadata", "application/dicom+json"), 404);
        assertProblem(Http.get((url(ct) + "/frames/1").replace(ct.studyUid(), "1.2.3.999"), null), 404);
    }

    // ---- metadata and bulk data ----

    @Test
    void metadataIsTheStoredJsonAndItsBulkDataUrisResolveToTheRightBytes() throws Exception {
        List<Loaded> loaded = corpus.load("waveform_ecg.dcm", "CT_small.dcm", "JPEG2000.dcm", "SC_rgb_rle_2frame.dcm");
        for (Loaded f : loaded) {
            Reply r = Http.get(url(f) + "/metadata", "application/dicom+json");
            assertEquals(200, r.status(), r::toString);
            assertTrue(r.contentType().startsWith("application/dicom+json"), r.contentType());
            assertEquals(1, r.json().size());
            JsonNode served = r.json().get(0);
            List<String> uris = new ArrayList<>();
            collectBulkDataUris(served, uris);
            assertFalse(uris.isEmpty(), f.name() + " has bulk data");
            String prefix = url(f) + "/";
            for (String uri : uris) {
                assertTrue(uri.startsWith(prefix + "bulkdata/"), uri);
            }
            String stored = index.string("SELECT metadata::text FROM instance WHERE sop_instance_uid = ?",
                    f.sopInstanceUid());
            assertEquals(JSON.readTree(stored), JSON.readTree(r.json().get(0).toString().replace(prefix, "")),
                    "served metadata is the stored metadata with absolute BulkDataURIs");

            for (String uri : uris) {
                String tagPath = uri.substring((prefix + "bulkdata/").length());
                Reply bulk = Http.get(uri, ANY_OCTETS);
                assertEquals(200, bulk.status(), () -> uri + " -> " + bulk);
                List<Part> parts = parts(bulk);
                byte[] value = concat(parts);
                if (tagPath.equals("7FE00010")) {
                    List<String> frames = Pydicom.frameSha256s(f.path());
                    if (parts.size() == 1 && frames.size() == 1) {
                        assertEquals(frames.get(0), TestCorpus.sha256(value), f.name());
                    } else {
                        assertEquals(frames, parts.stream().map(p -> TestCorpus.sha256(p.body())).toList());
                        for (int k = 0; k < parts.size(); k++) {
                            assertEquals(url(f) + "/frames/" + (k + 1), parts.get(k).contentLocation());
                        }
                    }
                } else {
                    assertEquals(1, parts.size());
                    assertEquals(Pydicom.valueSha256(f.path(), tagPath), TestCorpus.sha256(value), uri);
                    assertEquals("application/octet-stream", parts.get(0).contentType());
                }
            }
        }
        Loaded ecg = loaded.get(0);
        assertProblem(Http.get(url(ecg) + "/bulkdata/54000100/7/54001010", ANY_OCTETS), 404);
        assertProblem(Http.get(url(ecg) + "/bulkdata/not-a-path", ANY_OCTETS), 404);
    }

    private static byte[] concat(List<Part> parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        parts.forEach(p -> out.writeBytes(p.body()));
        return out.toByteArray();
    }

    private static void collectBulkDataUris(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("BulkDataURI")) {
                    out.add(e.getValue().asText());
                } else {
                    collectBulkDataUris(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectBulkDataUris(n, out));
        }
    }

    @Test
    void metadataNeverReadsTheFiles() throws Exception {
        List<Loaded> loaded = corpus.load("SC_rgb_rle_2frame.dcm", "SC_rgb_small_odd.dcm");
        Loaded f = loaded.get(0);
        String seriesUrl = service + "/studies/" + f.studyUid() + "/series/" + f.seriesUid();
        Reply before = Http.get(seriesUrl + "/metadata", null);
        assertEquals(200, before.status(), before::toString);
        assertEquals(2, before.json().size());
        Path stored = index.dataDir().resolve(index.string("SELECT storage_path FROM instance WHERE sop_instance_uid = ?",
                f.sopInstanceUid()));
        Path aside = stored.resolveSibling(stored.getFileName() + ".aside");
        Files.move(stored, aside, StandardCopyOption.ATOMIC_MOVE);
        try {
            Reply without = Http.get(seriesUrl + "/metadata", null);
            assertEquals(200, without.status(), without::toString);
            assertEquals(before.json(), without.json());
            Reply study = Http.get(service + "/studies/" + f.studyUid() + "/metadata", null);
            assertEquals(before.json(), study.json());
            // retrieving the instance itself needs the file: its loss is reported, not hidden
            assertProblem(Http.get(url(f), DICOM_PARTS), 500);
        } finally {
            Files.move(aside, stored, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    // ---- frames ----

    @Test
    void framesOfUncompressedMultiFrameObjectsLittleAndBigEndian() throws Exception {
        for (String name : List.of("rtdose.dcm", "rtdose_expb.dcm", "image_dfl.dcm", "SC_rgb_small_odd.dcm")) {
            index.clear(); // rtdose and rtdose_expb share their SOP Instance UID
            Loaded f = corpus.load(name).get(0);
            List<String> expected = Pydicom.frameSha256s(f.path());
            String list = expected.size() >= 3 ? "1," + expected.size() + ",3" : "1";
            Reply r = Http.get(url(f) + "/frames/" + list, "multipart/related; type=\"application/octet-stream\"");
            assertEquals(200, r.status(), () -> name + " -> " + r);
            assertTrue(r.contentType().contains("type=\"application/octet-stream\""), r.contentType());
            List<Part> parts = parts(r);
            String[] numbers = list.split(",");
            assertEquals(numbers.length, parts.size());
            for (int k = 0; k < numbers.length; k++) {
                int frame = Integer.parseInt(numbers[k]);
                assertEquals(expected.get(frame - 1), TestCorpus.sha256(parts.get(k).body()), name + " frame " + frame);
                assertEquals(url(f) + "/frames/" + frame, parts.get(k).contentLocation());
                assertEquals("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1",
                        parts.get(k).contentType());
            }
        }
    }

    @Test
    void framesOfEncapsulatedObjectsAsStored() throws Exception {
        // with a Basic Offset Table; without one (one fragment per frame); single frame
        for (String name : List.of("SC_rgb_rle_2frame.dcm", "rtdose_rle.dcm", "JPEG2000.dcm", "SC_rgb_dcmtk_+eb+cr.dcm")) {
            index.clear();
            Loaded f = corpus.load(name).get(0);
            String ts = index.string("SELECT transfer_syntax_uid FROM instance WHERE sop_instance_uid = ?",
                    f.sopInstanceUid());
            List<String> expected = Pydicom.frameSha256s(f.path());
            String all = java.util.stream.IntStream.rangeClosed(1, expected.size()).mapToObj(Integer::toString)
                    .collect(Collectors.joining(","));

            Reply r = Http.get(url(f) + "/frames/" + all, null);
            assertEquals(200, r.status(), () -> name + " -> " + r);
            List<Part> parts = parts(r);
            assertEquals(expected, parts.stream().map(p -> TestCorpus.sha256(p.body())).toList(), name);
            String mediaType = parts.get(0).contentType();
            assertTrue(mediaType.endsWith("; transfer-syntax=" + ts), mediaType);
            assertTrue(mediaType.startsWith("image/"), mediaType);
            assertTrue(r.contentType().contains("transfer-syntax=" + ts), r.contentType());

            Reply octets = Http.get(url(f) + "/frames/1", ANY_OCTETS);
            assertEquals(200, octets.status(), octets::toString);
            assertEquals("application/octet-stream; transfer-syntax=" + ts, parts(octets).get(0).contentType());
            assertEquals(expected.get(0), TestCorpus.sha256(parts(octets).get(0).body()));

            // octet-stream with no transfer-syntax means Explicit VR Little Endian: that would need decoding
            assertProblem(Http.get(url(f) + "/frames/1", "multipart/related; type=\"application/octet-stream\""), 406);
        }
    }

    @Test
    void framesOutOfRangeOrMalformed() throws Exception {
        Loaded dose = corpus.load("rtdose.dcm").get(0);
        int frames = Pydicom.frameSha256s(dose.path()).size();
        assertProblem(Http.get(url(dose) + "/frames/" + (frames + 1), null), 404);
        assertProblem(Http.get(url(dose) + "/frames/0", null), 404);
        assertProblem(Http.get(url(dose) + "/frames/1,x", null), 400);
        Loaded sr = corpus.load("test-SR.dcm").get(0);
        assertProblem(Http.get(url(sr) + "/frames/1", null), 404);
    }

    // ---- rendered ----

    @Test
    void renderedImagesDecodeAtTheImageSize() throws Exception {
        List<Loaded> loaded = corpus.load("CT_small.dcm", "SC_rgb_rle_2frame.dcm", "JPEG2000.dcm",
                "SC_rgb_dcmtk_+eb+cr.dcm", "liver_1frame.dcm");
        for (Loaded f : loaded) {
            int rows = Integer.parseInt(f.text(com.pixelmed.dicom.TagFromName.Rows));
            int columns = Integer.parseInt(f.text(com.pixelmed.dicom.TagFromName.Columns));
            for (String accept : new String[] {null, "image/png", "image/jpeg", "image/*"}) {
                Reply r = Http.get(url(f) + "/rendered", accept);
                assertEquals(200, r.status(), () -> f.name() + " " + accept + " -> " + r);
                assertEquals("image/jpeg".equals(accept) ? "image/jpeg" : "image/png", r.contentType());
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.body()));
                assertNotNull(image, f.name() + " " + accept + " decodes");
                assertEquals(columns, image.getWidth(), f.name());
                assertEquals(rows, image.getHeight(), f.name());
            }
        }
        Loaded ct = loaded.get(0);
        Reply own = Http.get(url(ct) + "/rendered", "image/png");
        Reply narrow = Http.get(url(ct) + "/rendered?window=0,1,linear", "image/png");
        assertEquals(200, narrow.status(), narrow::toString);
        assertFalse(java.util.Arrays.equals(own.body(), narrow.body()), "the requested window is applied");
        Reply sigmoid = Http.get(url(ct) + "/rendered?window=40,400,sigmoid", "image/png");
        assertEquals(200, sigmoid.status(), sigmoid::toString);
        assertProblem(Http.get(url(ct) + "/rendered?window=40", "image/png"), 400);
        assertProblem(Http.get(url(ct) + "/rendered", "image/gif"), 406);

        Loaded twoFrames = loaded.get(1);
        Reply second = Http.get(url(twoFrames) + "/frames/2/rendered", "image/png");
        assertEquals(200, second.status(), second::toString);
        Reply first = Http.get(url(twoFrames) + "/frames/1/rendered", "image/png");
        assertFalse(java.util.Arrays.equals(first.body(), second.body()), "frame 2 is not frame 1");
        assertProblem(Http.get(url(twoFrames) + "/frames/3/rendered", "image/png"), 404);
    }

    @Test
    void anUndecodableImageIsAClearProblem() throws Exception {
        Loaded jpegLs = corpus.load("MR_small_jpeg_ls_lossless.dcm").get(0);
        Reply r = Http.get(url(jpegLs) + "/rendered", "image/png");
        assertProblem(r, 501);
        assertTrue(r.json().path("detail").asText().contains("not decodable"), r::toString);
        // its frames are still served as stored
        Reply frame = Http.get(url(jpegLs) + "/frames/1", null);
        assertEquals(200, frame.status(), frame::toString);
        assertEquals(Pydicom.frameSha256s(jpegLs.path()).get(0), TestCorpus.sha256(parts(frame).get(0).body()));
        assertTrue(parts(frame).get(0).contentType().startsWith("image/jls"));
    }
}
