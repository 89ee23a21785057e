package io.glassbox.server.forward;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import io.agroal.api.AgroalDataSource;
import io.glassbox.server.dicom.net.assoc.TransferSyntaxes;
import io.glassbox.server.results.AnalysisResult;
import io.glassbox.server.results.Code;
import io.glassbox.server.results.OverlayStyle;
import io.glassbox.server.results.ResultStorer;
import io.glassbox.server.results.ResultStorer.StoredObject;
import io.glassbox.server.results.ResultStorer.StoredResult;
import io.glassbox.server.testing.CorpusLoader;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.Part10;
import io.glassbox.server.testing.TestCorpus;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forwarding to real peers on 127.0.0.1 ({@link ForwardPeers}): Debian's Orthanc as the PACS, dcmtk's storescp.
 * Every wait is bounded; the server's retry settings are short (6 attempts over about 7 s).
 */
@QuarkusTest
@QuarkusTestResource(value = ForwardPeers.class, restrictToAnnotatedClass = true)
class ForwardingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Forwarder forwarder;

    @Inject
    ForwardQueue queue;

    @Inject
    ResultStorer results;

    @Inject
    CorpusLoader corpus;

    @Inject
    IndexFixture index;

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void clean() throws Exception {
        index.clear();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM forward_item");
        }
        for (ForwardPeers.Peer peer : List.of(ForwardPeers.archive, ForwardPeers.implicitOnly, ForwardPeers.refusing)) {
            for (Path file : received(peer)) {
                Files.delete(file);
            }
        }
    }

    @Test
    void resultsReachThePacsByRuleWithTheirDataSetsAsStored() throws Exception {
        CorpusLoader.Loaded source = corpus.load("CT_small.dcm").get(0);
        StoredResult stored = results.store(analysisOf(source.path()), OverlayStyle.DEFAULT);

        for (StoredObject object : stored.all()) {
            ForwardItem item = awaitItem("pacs", object.sopInstanceUid(), i -> i.state().equals(ForwardItem.DELIVERED));
            assertEquals("rule", item.queuedBy());
            assertEquals(1, item.attempts());
            assertOrthancHoldsWhatIsStored(object.sopInstanceUid());
        }
        // the rule is for results: the analysed CT itself (received by STOW-RS) is not forwarded
        assertTrue(queue.list(List.of(), 100).stream().noneMatch(i -> i.sopInstanceUid().equals(source.sopInstanceUid())));

        JsonNode delivered = JSON.readTree(given().queryParam("state", "delivered").get("/api/forwarding")
                .then().statusCode(200).extract().asByteArray());
        assertEquals(3, delivered.get("items").size(), delivered.toString());
        assertEquals(5, delivered.get("destinations").size());
    }

    @Test
    void requestedInstancesReachStorescpOnceEachAsStored() throws Exception {
        List<CorpusLoader.Loaded> loaded = corpus.load("CT_small.dcm", "MR_small_implicit.dcm", "SC_rgb_rle.dcm",
                "JPEG2000.dcm");
        List<ForwardItem> items = new ArrayList<>();
        for (CorpusLoader.Loaded object : loaded) {
            ForwardItem item = forwarder.enqueue(object.sopInstanceUid(), "archive");
            assertEquals(item.id(), forwarder.enqueue(object.sopInstanceUid(), "archive").id(),
                    "queued twice, still one item");
            items.add(item);
        }
        // and once more through the API
        JsonNode viaApi = JSON.readTree(given().contentType("application/json")
                .body(Map.of("sopInstanceUid", loaded.get(0).sopInstanceUid(), "destination", "archive"))
                .post("/api/forwarding").then().statusCode(200).extract().asByteArray());
        assertEquals(items.get(0).id(), viaApi.get("id").asLong());

        for (ForwardItem item : items) {
            ForwardItem done = awaitItem(item.id(), i -> i.state().equals(ForwardItem.DELIVERED));
            assertEquals(1, done.attempts());
            assertNull(done.lastError());
        }
        Thread.sleep(1000); // time enough for a wrong second sending to show
        Map<String, Integer> receivedDataSets = new HashMap<>();
        for (Path file : received(ForwardPeers.archive)) {
            receivedDataSets.merge(TestCorpus.sha256(Part10.dataSet(file)), 1, Integer::sum);
        }
        Map<String, Integer> expected = new HashMap<>();
        for (CorpusLoader.Loaded object : loaded) {
            expected.merge(TestCorpus.sha256(storedDataSet(object.sopInstanceUid())), 1, Integer::sum);
        }
        assertEquals(expected, receivedDataSets,
                "storescp (bit-preserving) received each stored data set exactly once, as stored");
    }

    @Test
    void whileThePacsIsDownTheItemWaitsWithItsErrorAndOnceBackItIsDeliveredOnce() throws Exception {
        CorpusLoader.Loaded object = corpus.load("MR_small.dcm").get(0);
        ForwardPeers.orthanc.close();
        ForwardItem item;
        try {
            item = forwarder.enqueue(object.sopInstanceUid(), "pacs");
            ForwardItem waiting = awaitItem(item.id(), i -> i.attempts() >= 2 && i.state().equals(ForwardItem.PENDING));
            assertTrue(waiting.lastError().contains("cannot associate with ORTHANC@127.0.0.1:"), waiting.lastError());
            assertNull(waiting.lastDimseStatus());
            // the next attempt waits initial × 2^(attempts-1): both columns are set by one statement
            assertEquals(queue.retryPolicy().backoff(waiting.attempts()).toMillis(),
                    Duration.between(waiting.updatedAt(), waiting.nextAttemptAt()).toMillis(), 5.0);
            assertEquals(Duration.ofMillis(800), queue.retryPolicy().backoff(2));
            assertEquals(Duration.ofSeconds(2), queue.retryPolicy().backoff(5), "capped at max-backoff");
        } finally {
            ForwardPeers.orthanc.restart();
        }
        ForwardItem done = awaitItem(item.id(), i -> i.state().equals(ForwardItem.DELIVERED));
        assertTrue(done.attempts() >= 3, "delivered after the failed attempts: " + done);
        Thread.sleep(1000);
        ForwardItem later = queue.find(item.id()).orElseThrow();
        assertEquals(done.attempts(), later.attempts(), "not sent again once delivered");
        assertEquals(done.updatedAt(), later.updatedAt());
        JsonNode found = ForwardPeers.orthanc.lookup(object.sopInstanceUid());
        assertEquals(1, found.size(), "Orthanc holds the instance once: " + found);
        assertOrthancHoldsWhatIsStored(object.sopInstanceUid());
    }

    @Test
    void aRefusingPeerSendsTheItemToTheDeadLettersAndTheApiRetriesIt() throws Exception {
        CorpusLoader.Loaded object = corpus.load("CT_small.dcm").get(0);
        ForwardItem item = forwarder.enqueue(object.sopInstanceUid(), "refusing");
        ForwardItem dead = awaitItem(item.id(), i -> i.state().equals(ForwardItem.DEAD));
        assertEquals(6, dead.attempts());
        assertTrue(dead.lastError().startsWith("association rejected by REFUSER@127.0.0.1:"), dead.lastError());

        JsonNode listing = JSON.readTree(given().get("/api/forwarding").then().statusCode(200).extract().asByteArray());
        JsonNode listed = find(listing.get("items"), item.id());
        assertEquals("dead", listed.get("state").asText());
        assertEquals(dead.lastError(), listed.get("lastError").asText());
        JsonNode deadOnly = JSON.readTree(given().queryParam("state", "dead").get("/api/forwarding")
                .then().statusCode(200).extract().asByteArray());
        assertNotNull(find(deadOnly.get("items"), item.id()));

        // the peer's operator fixes it: the same AE title and port now accept
        ForwardPeers.Peer fixed = ForwardPeers.replaceRefusingWithAccepting();
        JsonNode retried = JSON.readTree(given().post("/api/forwarding/" + item.id() + "/retry")
                .then().statusCode(200).extract().asByteArray());
        assertEquals(0, retried.get("attempts").asInt());
        ForwardItem done = awaitItem(item.id(), i -> i.state().equals(ForwardItem.DELIVERED));
        assertEquals(1, done.attempts());
        List<Path> files = received(fixed);
        assertEquals(1, files.size());
        assertArrayEquals(storedDataSet(object.sopInstanceUid()), Part10.dataSet(files.get(0)));

        given().post("/api/forwarding/" + item.id() + "/retry").then().statusCode(409)
                .contentType("application/problem+json");
        given().post("/api/forwarding/999999999/retry").then().statusCode(404).contentType("application/problem+json");
        given().queryParam("state", "lost").get("/api/forwarding").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType("application/json").body(Map.of("sopInstanceUid", "1.2.3.4", "destination", "archive"))
                .post("/api/forwarding").then().statusCode(422).contentType("application/problem+json");
    }

    @Test
    void aPeersFailureStatusAndErrorCommentAreKeptWithTheDeadItem() throws Exception {
        CorpusLoader.Loaded object = corpus.load("CT_small.dcm").get(0);
        ForwardItem item = forwarder.enqueue(object.sopInstanceUid(), "failing");
        ForwardItem dead = awaitItem(item.id(), i -> i.state().equals(ForwardItem.DEAD));
        assertEquals(6, dead.attempts());
        assertEquals(0xA700, dead.lastDimseStatus());
        assertEquals(ForwardPeers.FAILING_COMMENT, dead.lastErrorComment());
        assertEquals("FAILING refused the object: C-STORE status 0xA700 (" + ForwardPeers.FAILING_COMMENT + ")",
                dead.lastError());
        JsonNode listed = find(JSON.readTree(given().queryParam("state", "dead").get("/api/forwarding")
                .then().statusCode(200).extract().asByteArray()).get("items"), item.id());
        assertEquals("0xA700", listed.get("lastDimseStatusHex").asText());
        assertEquals(ForwardPeers.FAILING_COMMENT, listed.get("lastErrorComment").asText());
    }

    @Test
    void anItemWhoseSenderDiedIsTakenAgainOnceItsLeaseRunsOut() throws Exception {
        CorpusLoader.Loaded object = corpus.load("MR_small_implicit.dcm").get(0);
        // what a sender that crashed mid-attempt leaves behind: 'sending', its attempt counted, its lease running
        long id;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("INSERT INTO forward_item (destination, sop_instance_uid, queued_by, state,"
                    + " attempts, lease_expires_at) VALUES ('archive', '" + object.sopInstanceUid() + "', 'request',"
                    + " 'sending', 1, now() + interval '1.5 seconds') RETURNING id")) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        Thread.sleep(700);
        assertEquals(ForwardItem.SENDING, queue.find(id).orElseThrow().state(), "not taken while its lease runs");
        ForwardItem done = awaitItem(id, i -> i.state().equals(ForwardItem.DELIVERED));
        assertEquals(2, done.attempts());
    }

    @Test
    void aPeerThatRefusesTheStoredTransferSyntaxGetsItReencodedInTheFallback() throws Exception {
        CorpusLoader.Loaded object = corpus.load("CT_small.dcm").get(0); // explicit VR little endian
        ForwardItem item = forwarder.enqueue(object.sopInstanceUid(), "implicit");
        awaitItem(item.id(), i -> i.state().equals(ForwardItem.DELIVERED));
        List<Path> files = received(ForwardPeers.implicitOnly);
        assertEquals(1, files.size());
        AttributeList got = new AttributeList();
        got.read(files.get(0).toFile());
        assertEquals(TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN,
                Attribute.getSingleStringValueOrEmptyString(got, TagFromName.TransferSyntaxUID));
        AttributeList stored = new AttributeList();
        stored.read(object.path().toFile());
        for (var tag : List.of(TagFromName.SOPInstanceUID, TagFromName.PatientName, TagFromName.Rows,
                TagFromName.RescaleSlope)) {
            assertEquals(Attribute.getDelimitedStringValuesOrEmptyString(stored, tag),
                    Attribute.getDelimitedStringValuesOrEmptyString(got, tag), tag.toString());
        }
        assertArrayEquals(stored.getPixelData().getShortValues(), got.getPixelData().getShortValues());
    }

    @Test
    void anUnknownInstanceOrDestinationIsNotQueued() throws Exception {
        ForwardQueue.NotQueueableException e = assertThrows(ForwardQueue.NotQueueableException.class,
                () -> forwarder.enqueue("1.2.3.4.5", "archive"));
        assertEquals("no instance 1.2.3.4.5 is stored", e.getMessage());
        String stored = corpus.load("CT_small.dcm").get(0).sopInstanceUid();
        e = assertThrows(ForwardQueue.NotQueueableException.class, () -> forwarder.enqueue(stored, "nowhere"));
        assertEquals("no forwarding destination named 'nowhere' is configured", e.getMessage());
        assertTrue(queue.list(List.of(), 10).isEmpty());
    }

    // ---- helpers ----

    private static AnalysisResult analysisOf(Path sourceFile) throws Exception {
        AttributeList source = new AttributeList();
        source.read(sourceFile.toFile());
        int rows = Attribute.getSingleIntegerValueOrDefault(source, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(source, TagFromName.Columns, 0);
        float[] heatmap = new float[rows * columns];
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < columns; x++) {
                double dx = x - columns * 0.6;
                double dy = y - rows * 0.4;
                heatmap[y * columns + x] = (float) Math.exp(-(dx * dx + dy * dy) / (2 * Math.pow(columns * 0.12, 2)));
            }
        }
        Instant now = Instant.now();
        return new AnalysisResult(UUID.randomUUID(), source, 1, heatmap,
                new AnalysisResult.Finding("Intracranial haemorrhage-like lesion", Code.HAEMORRHAGE_LIKE_LESION,
                        0.87, 0.5),
                new AnalysisResult.Explanation("Grad-CAM", "features.7"),
                new AnalysisResult.Algorithm("head-ct-ich", "Head CT ICH detector", "1.0.0", "Glassbox project",
                        "3f2a9c1e8b7d6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877", true),
                new AnalysisResult.Timing(now.minusMillis(900), now));
    }

    private ForwardItem awaitItem(long id, Predicate<ForwardItem> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        ForwardItem item = null;
        while (System.nanoTime() < deadline) {
            item = queue.find(id).orElseThrow();
            if (condition.test(item)) {
                return item;
            }
            Thread.sleep(50);
        }
        return fail("forward item never got there within " + WAIT + ": " + item);
    }

    private ForwardItem awaitItem(String destination, String sopInstanceUid, Predicate<ForwardItem> condition)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ForwardItem item : queue.list(List.of(), 1000)) {
                if (item.destination().equals(destination) && item.sopInstanceUid().equals(sopInstanceUid)) {
                    return awaitItem(item.id(), condition);
                }
            }
            Thread.sleep(50);
        }
        return fail(sopInstanceUid + " was never queued for " + destination);
    }

    private byte[] storedDataSet(String sopInstanceUid) throws Exception {
        String path = index.string("SELECT storage_path FROM instance WHERE sop_instance_uid = ?", sopInstanceUid);
        return Part10.dataSet(index.dataDir().resolve(path));
    }

    /**
     * Orthanc's stored file holds the data set Glassbox stored, in the same transfer syntax. Not byte for byte:
     * Orthanc (dcmtk) writes its file with explicit lengths for sequences received with undefined lengths (seen with
     * dcmdump), so both data sets are compared after one canonical re-encoding by PixelMed. That what goes on the
     * wire is the stored data set byte for byte is shown with storescp, which keeps what it receives bit for bit.
     */
    private void assertOrthancHoldsWhatIsStored(String sopInstanceUid) throws Exception {
        JsonNode found = ForwardPeers.orthanc.lookup(sopInstanceUid);
        assertEquals(1, found.size(), "Orthanc's look-up of " + sopInstanceUid + ": " + found);
        HttpResponse<byte[]> file = ForwardPeers.orthanc.get("/instances/" + found.get(0).get("ID").asText() + "/file");
        assertEquals(200, file.statusCode());
        byte[] bytes = file.body();
        String transferSyntax = index.string("SELECT transfer_syntax_uid FROM instance WHERE sop_instance_uid = ?",
                sopInstanceUid);
        AttributeList orthancMeta = new AttributeList();
        orthancMeta.read(new DicomInputStream(new ByteArrayInputStream(bytes)), TagFromName.SOPClassUID);
        assertEquals(transferSyntax, Attribute.getSingleStringValueOrEmptyString(orthancMeta,
                TagFromName.TransferSyntaxUID), "Orthanc keeps the transfer syntax it was sent");
        byte[] orthancDataSet = Arrays.copyOfRange(bytes, Part10.dataSetOffset(bytes), bytes.length);
        assertArrayEquals(canonical(storedDataSet(sopInstanceUid), transferSyntax),
                canonical(orthancDataSet, transferSyntax), "Orthanc holds the data set Glassbox stored: " + sopInstanceUid);
    }

    private static byte[] canonical(byte[] dataSet, String transferSyntax) throws Exception {
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(dataSet), transferSyntax, false));
        list.removeGroupLengthAttributes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, transferSyntax, false, true);
        return out.toByteArray();
    }

    private static List<Path> received(ForwardPeers.Peer peer) throws Exception {
        Path directory = peer.directory.resolve("received");
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static JsonNode find(JsonNode items, long id) {
        for (JsonNode item : items) {
            if (item.get("id").asLong() == id) {
                return item;
            }
        }
        return fail("item " + id + " not listed: " + items);
    }
}
