package io.glassbox.server.dicomweb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.testing.CorpusLoader;
import io.glassbox.server.testing.CorpusLoader.Loaded;
import io.glassbox.server.testing.CuttableDatabaseResource;
import io.glassbox.server.testing.Http;
import io.glassbox.server.testing.Http.Reply;
import io.glassbox.server.testing.IndexFixture;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With the index database really unreachable (its connections cut by a relay), searches and retrievals answer
 * 503 with a problem body — not an empty result, which a client would take for "nothing stored" — and work again
 * once it is back.
 */
@QuarkusTest
@QuarkusTestResource(value = CuttableDatabaseResource.class, restrictToAnnotatedClass = true)
public class DicomWebDatabaseOutageTest {

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

    @Test
    void anUnreachableIndexIs503NotAnEmptyAnswer() throws Exception {
        index.clear();
        Loaded ct = corpus.load("CT_small.dcm").get(0);
        String series = service + "/studies/" + ct.studyUid() + "/series/" + ct.seriesUid();
        List<String> urls = List.of(service + "/studies?PatientID=" + ct.text(com.pixelmed.dicom.TagFromName.PatientID),
                series + "/instances", series + "/metadata", series);
        CuttableDatabaseResource.proxy.cut();
        try {
            for (String url : urls) {
                Reply r = Http.get(url, null);
                assertEquals(503, r.status(), () -> url + " -> " + r);
                assertEquals("application/problem+json", r.contentType());
                assertTrue(r.json().path("detail").asText().contains("index"), r::toString);
            }
        } finally {
            CuttableDatabaseResource.proxy.restore();
        }
        for (String url : urls) {
            Reply r = Http.get(url, null);
            assertEquals(200, r.status(), () -> url + " -> " + r);
        }
        assertEquals(1, Http.get(series + "/instances", null).json().size());
    }
}
