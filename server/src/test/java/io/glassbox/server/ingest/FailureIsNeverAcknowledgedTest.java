package io.glassbox.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.glassbox.server.testing.CuttableDatabaseResource;
import io.glassbox.server.testing.Dcmtk;
import io.glassbox.server.testing.Http;
import io.glassbox.server.testing.Http.Reply;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.Multipart;
import io.glassbox.server.testing.TestCorpus;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the object cannot be made durable and indexed, the sender is told so (0xA700 / 503) and nothing becomes
 * visible; once the fault is gone the same object is accepted. The database really goes away (its connections
 * are cut by a relay); the storage directory really cannot be written. Both doors: STOW-RS and C-STORE (dcmtk).
 */
@QuarkusTest
@QuarkusTestResource(value = CuttableDatabaseResource.class, restrictToAnnotatedClass = true)
class FailureIsNeverAcknowledgedTest {

    @TestHTTPResource("/dicomweb/studies")
    URL studies;

    @Inject
    IndexFixture index;

    @Inject
    DicomListener listener;

    @BeforeEach
    void clean() throws Exception {
        index.clear();
    }

    @Test
    void databaseUnreachableIsAFailureNotASuccess() throws Exception {
        byte[] file = Files.readAllBytes(TestCorpus.file("CT_small.dcm"));
        CuttableDatabaseResource.proxy.cut();
        try {
            Reply r = stow(file);
            assertEquals(503, r.status(), r::toString);
            JsonNode failed = r.json().path("00081198").path("Value").get(0);
            assertEquals(0xA700, failed.path("00081197").path("Value").get(0).asInt());
            assertEquals(0, index.filesUnder("objects"), "a file was left visible in the store");
            assertEquals(0, index.filesUnder("incoming"));
        } finally {
            CuttableDatabaseResource.proxy.restore();
        }
        Reply again = stow(file);
        assertEquals(200, again.status(), again::toString);
        assertEquals(1, index.count("SELECT count(*) FROM instance"));
    }

    @Test
    void unwritableStorageIsAFailureNotASuccess() throws Exception {
        byte[] file = Files.readAllBytes(TestCorpus.file("MR_small.dcm"));
        // A plain file where the store's directory should be: unwritable for root as for anyone.
        Path incoming = index.dataDir().resolve("incoming");
        IndexFixture.deleteTree(incoming);
        Files.createDirectories(incoming.getParent());
        Files.writeString(incoming, "not a directory");
        try {
            Reply r = stow(file);
            assertEquals(503, r.status(), r::toString);
            assertEquals(0xA700, r.json().path("00081198").path("Value").get(0).path("00081197").path("Value")
                    .get(0).asInt());
            Reply health = Http.get(health(), null);
            assertEquals(503, health.status(), "readiness must report the unwritable store: " + health);
        } finally {
            Files.delete(incoming);
        }
        Path objects = index.dataDir().resolve("objects");
        IndexFixture.deleteTree(objects);
        Files.writeString(objects, "not a directory");
        try {
            Reply r = stow(file);
            assertEquals(503, r.status(), r::toString);
            assertEquals(0, index.count("SELECT count(*) FROM instance"));
            assertEquals(0, index.filesUnder("incoming"));
        } finally {
            Files.delete(objects);
        }
        assertEquals(200, stow(file).status());
        assertEquals(200, Http.get(health(), null).status());
    }

    private String health() {
        return studies.toString().replace("/dicomweb/studies", "/q/health/ready");
    }

    @Test
    void cStoreIsAnsweredOutOfResourcesWhileTheDatabaseIsDownAndTheAssociationGoesOn() throws Exception {
        String port = Integer.toString(listener.localPort());
        CuttableDatabaseResource.proxy.cut();
        try {
            Dcmtk.Result r = Dcmtk.run("storescu", "-nh", "-d", "-aec", "GLASSBOX", "127.0.0.1", port,
                    TestCorpus.file("CT_small.dcm").toString(), TestCorpus.file("MR_small.dcm").toString());
            assertEquals(List.of(0xA700, 0xA700), statuses(r.output()), r.output());
            assertTrue(r.output().contains("index database unavailable"), r.output());
            assertEquals(0, index.filesUnder("objects"));
            assertEquals(0, index.filesUnder("incoming"));
        } finally {
            CuttableDatabaseResource.proxy.restore();
        }
        Dcmtk.Result again = Dcmtk.run("storescu", "-nh", "-d", "-aec", "GLASSBOX", "127.0.0.1", port,
                TestCorpus.file("CT_small.dcm").toString());
        assertEquals(List.of(0x0000), statuses(again.output()), again.output());
        assertEquals(1, index.count("SELECT count(*) FROM instance"));
    }

    @Test
    void cStoreIsAnsweredOutOfResourcesWhenTheStoreCannotBeWritten() throws Exception {
        Path objects = index.dataDir().resolve("objects");
        IndexFixture.deleteTree(objects);
        Files.createDirectories(objects.getParent());
        Files.writeString(objects, "not a directory");
        try {
            Dcmtk.Result r = Dcmtk.run("storescu", "-nh", "-d", "-aec", "GLASSBOX", "127.0.0.1",
                    Integer.toString(listener.localPort()), TestCorpus.file("CT_small.dcm").toString());
            assertEquals(List.of(0xA700), statuses(r.output()), r.output());
            assertEquals(0, index.count("SELECT count(*) FROM instance"));
            assertEquals(0, index.filesUnder("incoming"));
        } finally {
            Files.delete(objects);
        }
    }

    /** The DIMSE status of each C-STORE response, from storescu's debug output. */
    private static List<Integer> statuses(String storescuOutput) {
        List<Integer> statuses = new java.util.ArrayList<>();
        Matcher m = Pattern.compile("DIMSE Status\\s+: 0x([0-9a-fA-F]{4})").matcher(storescuOutput);
        while (m.find()) {
            statuses.add(Integer.parseInt(m.group(1), 16));
        }
        return statuses;
    }

    private Reply stow(byte[] file) {
        Multipart m = Multipart.of(List.of(file));
        return Http.post(studies.toString(), m.contentType(), m.close());
    }
}
