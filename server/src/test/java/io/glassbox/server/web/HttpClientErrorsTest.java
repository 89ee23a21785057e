package io.glassbox.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.glassbox.server.testing.CorpusLoader;
import io.glassbox.server.testing.CorpusLoader.Loaded;
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
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client errors of issue 8 one by one, each against a stored instance where it matters: each is a 4xx
 * problem in plain words, not a 5xx, and a sound request next to it still works.
 */
@QuarkusTest
class HttpClientErrorsTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TestHTTPResource("/")
    URL root;

    @Inject
    IndexFixture index;

    @Inject
    CorpusLoader corpus;

    @AfterEach
    void leaveNothingBehind() throws Exception {
        index.clear();
    }

    private String url(String path) {
        return root.toString().replaceAll("/$", "") + path;
    }

    private static Reply put(String url, String contentType, byte[] body) throws Exception {
        HttpResponse<byte[]> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    private static void assertProblem(int status, Reply r, String detailContains) {
        assertEquals(status, r.status(), r::toString);
        assertEquals(Problem.MEDIA_TYPE, r.contentType(), r::toString);
        assertEquals(status, r.json().path("status").asInt(), r::toString);
        String detail = r.json().path("detail").asText();
        assertTrue(detail.contains(detailContains), () -> "detail lacks '" + detailContains + "': " + r);
        assertFalse(detail.matches("(?s).*(java\\.|jakarta\\.|io\\.glassbox|Exception).*"), r::toString);
    }

    @Test
    void aNulByteInAQueryParameterOrAPathUidIsTheClientsError() throws Exception {
        Loaded ct = corpus.load("CT_small.dcm").get(0);
        assertProblem(400, Http.get(url("/dicomweb/studies?PatientName=a%00b"), null), "control character U+0000");
        assertProblem(400, Http.get(url("/dicomweb/studies/1.2%003/series"), null), "control character U+0000");
        assertProblem(400, Http.get(url("/dicomweb/studies/" + ct.studyUid() + "/series/%00/metadata"), null),
                "control character");
        assertProblem(400, Http.get(url("/api/studies/%00/results"), null), "control character");
        assertProblem(400, Http.get(url("/api/jobs?study=1%002"), null), "control character");
        // A UID in a path is a UID: digits and dots, at most 64 characters.
        assertProblem(400, Http.get(url("/dicomweb/studies/" + "1.".repeat(40) + "1/metadata"), null),
                "must be a UID");
        assertProblem(400, Http.get(url("/dicomweb/studies/abc/series"), null), "must be a UID");
        assertEquals(200, Http.get(url("/dicomweb/studies/" + ct.studyUid() + "/series"), null).status());
    }

    @Test
    void emptyOrUnparsableAcceptOnInstanceAndMetadata() throws Exception {
        Loaded ct = corpus.load("CT_small.dcm").get(0);
        String instance = url("/dicomweb/studies/" + ct.studyUid() + "/series/" + ct.seriesUid() + "/instances/"
                + ct.sopInstanceUid());
        for (String target : List.of(instance, instance + "/metadata")) {
            // An empty Accept states no preference: answered as if it were absent.
            assertEquals(200, Http.get(target, "").status(), target);
            for (String accept : List.of("%%%", "application/", "a/b/c", ";;;")) {
                assertProblem(400, Http.get(target, accept), "is not a media type");
            }
        }
    }

    @Test
    void bulkDataOfANonBulkAttributeIsNotFound() throws Exception {
        Loaded ct = corpus.load("CT_small.dcm").get(0);
        String instance = url("/dicomweb/studies/" + ct.studyUid() + "/series/" + ct.seriesUid() + "/instances/"
                + ct.sopInstanceUid());
        for (String tag : List.of("00100010", "00280010", "00080016", "00200032")) {
            assertProblem(404, Http.get(instance + "/bulkdata/" + tag, null), "has no bulk data at " + tag);
        }
        assertEquals(200, Http.get(instance + "/bulkdata/7FE00010", null).status());
    }

    @Test
    void aNumberThatIsNotANumberIs400Not404() {
        assertProblem(400, Http.get(url("/api/jobs?limit=abc"), null), "'abc' is not a number");
        assertProblem(400, Http.get(url("/api/jobs?before=x"), null), "is not a number");
        assertProblem(400, Http.get(url("/api/forwarding?limit=1.5"), null), "is not a number");
        assertProblem(400, Http.get(url("/api/jobs/abc"), null), "is not a number");
        assertEquals(200, Http.get(url("/api/jobs?limit=5"), null).status());
    }

    @Test
    void qidoValuesOutOfRangeForTheirVrAreRefused() {
        for (String query : List.of("StudyTime=256199", "StudyTime=2360", "StudyTime=120061", "StudyTime=120000-256199",
                "StudyDate=20251399", "StudyDate=20250230", "StudyDate=20250101-20251301",
                "AcquisitionDateTime=2025133", "AcquisitionDateTime=2025010125")) {
            assertProblem(400, Http.get(url("/dicomweb/studies?" + query), null), "range");
        }
        for (String query : List.of("Rows=-99999999999", "Rows=65536", "Rows=-1", "NumberOfFrames=99999999999",
                "SeriesNumber=2147483648", "BitsAllocated=70000")) {
            assertProblem(400, Http.get(url("/dicomweb/instances?" + query), null), "takes a whole number from");
        }
        for (String query : List.of("SliceThickness=1e999999999", "SliceThickness=NaN", "SliceThickness=1e-99999")) {
            assertProblem(400, Http.get(url("/dicomweb/instances?" + query), null), "finite decimal number");
        }
        for (String query : List.of("StudyTime=235960", "StudyTime=000000-235959.999999", "StudyDate=20240229",
                "AcquisitionDateTime=20251231235960", "Rows=65535", "Rows=0", "SeriesNumber=-2147483648",
                "SliceThickness=1e-300")) {
            assertEquals(200, Http.get(url("/dicomweb/instances?" + query), null).status(), query);
        }
    }

    @Test
    void wrongMethodsAndMediaTypesAreProblemsWithTheirHeaders() throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url("/dicomweb/studies/1.2.3/metadata")))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode(), r::body);
        assertEquals(Problem.MEDIA_TYPE, r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.headers().firstValue("Allow").orElse("").contains("GET"), r.headers()::toString);
        assertTrue(r.body().contains("DELETE is not a method of"), r::body);

        assertProblem(406, Http.get(url("/dicomweb/studies/1.2.3/metadata"), "image/png"), "image/png");
        assertProblem(415, Http.post(url("/api/forwarding"), "text/plain", "x".getBytes()), "text/plain");
        assertProblem(404, Http.get(url("/no/such/route/1.2.3"), null), "Nothing is served at");
    }

    @Test
    void routingRulesThatAreNotJsonOfTheRightShapeAreDescribedWithoutJavaTypes() throws Exception {
        assertProblem(400, put(url("/api/routing-rules"), "application/json", "[]".getBytes()),
                "not a routing rule set");
        assertProblem(400, put(url("/api/routing-rules"), "application/json", "{\"rules\": \"x\"}".getBytes()),
                "the value of 'rules' is not of the expected kind");
        assertProblem(400, put(url("/api/routing-rules"), "application/json", "{\"rulez\": []}".getBytes()),
                "unknown field 'rulez'");
        assertProblem(400, Http.post(url("/api/forwarding"), "application/json", "{".getBytes()),
                "not well-formed JSON");
    }

    @Test
    void stowRefusesADataSetWhoseSopClassIsNotAStorageClass() throws Exception {
        byte[] ct = Files.readAllBytes(TestCorpus.file("CT_small.dcm"));
        for (String sopClass : List.of("1.2.840.10008.1.1", "1.2.840.10008.5.1.4.1.2.2.1", "1.2.840.10008.1.20.1",
                "1.2.840.10008.3.1.2.3.3")) {
            AttributeList list = new AttributeList();
            list.read(new DicomInputStream(new ByteArrayInputStream(ct)));
            list.replaceWithValueIfPresent(TagFromName.SOPClassUID, sopClass);
            list.replaceWithValueIfPresent(TagFromName.MediaStorageSOPClassUID, sopClass);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
            Multipart m = Multipart.of(List.of(out.toByteArray()));
            Reply r = Http.post(url("/dicomweb/studies"), m.contentType(), m.close());
            assertEquals(409, r.status(), r::toString);
            var failed = r.json().path("00081198").path("Value").get(0);
            assertEquals(0x0122, failed.path("00081197").path("Value").get(0).asInt(), r::toString);
            assertEquals(sopClass, failed.path("00081150").path("Value").get(0).asText(), r::toString);
            assertTrue(failed.path("00000902").path("Value").get(0).asText().contains("not a storage SOP class"),
                    r::toString);
            assertEquals(0, index.count("SELECT count(*) FROM instance"), "a non-storage object was indexed");
            assertEquals(0, index.filesUnder("objects"), "a non-storage object was stored");
        }
        // The same object as CT Image Storage is stored.
        Multipart m = Multipart.of(List.of(ct));
        assertEquals(200, Http.post(url("/dicomweb/studies"), m.contentType(), m.close()).status());
    }
}
