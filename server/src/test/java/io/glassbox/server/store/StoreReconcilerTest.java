package io.glassbox.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.glassbox.server.store.ObjectStore.TempObject;
import io.glassbox.server.testing.Http;
import io.glassbox.server.testing.Http.Reply;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.Multipart;
import io.glassbox.server.testing.TestCorpus;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crash leftovers made the way a crash makes them, and what the server does with them: temporary files removed at
 * start and by age; a file renamed into the store whose index row never committed removed once older than the
 * safe age (and not before); an index row whose file is gone reported (log, gauge, readiness detail) and kept.
 */
@QuarkusTest
@WithTestResource(CrashLeftoversResource.class)
class StoreReconcilerTest {
    private static final Duration OLDER_THAN_THE_SAFE_AGE = Duration.ofHours(2); // the default safe age is 1 h

    @Inject
    ObjectStore store;

    @Inject
    StoreReconciler reconciler;

    @Inject
    IndexFixture index;

    @Inject
    MeterRegistry registry;

    @TestHTTPResource("/dicomweb/studies")
    URL studies;

    @BeforeEach
    void clean() throws Exception {
        index.clear();
        reconciler.pass(); // with the store and the index empty, the next pass starts a round at the beginning
    }

    @Test
    void temporaryFilesLeftByACrashAreRemovedAtStart() {
        for (String name : CrashLeftoversResource.PARTS) {
            assertFalse(Files.exists(CrashLeftoversResource.INCOMING.resolve(name)), name + " is still there");
        }
        assertTrue(store.temporaryFilesRemovedAtStart() >= CrashLeftoversResource.PARTS.size());
        assertTrue(removed("temporary") >= CrashLeftoversResource.PARTS.size());
    }

    @Test
    void aTemporaryFileIsRemovedByThePassOnceOlderThanTheSafeAge() throws Exception {
        // Left by a crash of another server sharing the directory (the start-up clean-up skips those).
        Path incoming = index.dataDir().resolve("incoming");
        Files.createDirectories(incoming);
        Path old = Files.write(incoming.resolve("other-server-killed.part"), new byte[100]);
        age(old);
        Path young = Files.write(incoming.resolve("other-server-receiving.part"), new byte[100]);
        double before = removed("temporary");

        reconciler.pass();

        assertFalse(Files.exists(old));
        assertTrue(Files.exists(young), "a file possibly still being received is left alone");
        assertEquals(before + 1, removed("temporary"));
        Files.delete(young);
    }

    @Test
    void aFileRenamedIntoPlaceWhoseRowNeverCommittedIsRemovedOnceOlderThanTheSafeAge() throws Exception {
        byte[] ct = Files.readAllBytes(TestCorpus.file("CT_small.dcm"));
        byte[] mr = Files.readAllBytes(TestCorpus.file("MR_small.dcm"));
        // What ingest does up to the crash: receive, fsync, rename into place; the kill comes before the commit.
        List<Path> old = List.of(publishWithoutRow(ct, "2.25.1", "2.25.2", "2.25.3"),
                publishWithoutRow(mr, "2.25.1", "2.25.2", "2.25.4"), publishWithoutRow(ct, "2.25.9", "2.25.8", "2.25.7"));
        for (Path p : old) {
            age(p);
        }
        Path young = publishWithoutRow(mr, "2.25.1", "2.25.5", "2.25.6");
        // An acknowledged object, as old: its row references it.
        assertEquals(200, stow(Files.readAllBytes(TestCorpus.file("rtdose.dcm"))).status());
        Path indexed = index.dataDir().resolve(index.string("SELECT storage_path FROM instance"));
        age(indexed);
        double before = removed("orphan");

        // Five files, two a pass: a round takes three passes, each going on where the previous one stopped.
        int lookedAt = 0;
        for (int i = 0; i < 3; i++) {
            StoreReconciler.Pass pass = reconciler.pass();
            assertTrue(pass.filesLookedAt() <= CrashLeftoversResource.BATCH_SIZE, pass::toString);
            lookedAt += pass.filesLookedAt();
        }

        assertEquals(5, lookedAt, "every file once in a round");
        for (Path p : old) {
            assertFalse(Files.exists(p), "the orphan older than the safe age is removed: " + p);
        }
        assertTrue(Files.exists(young), "a file younger than the safe age may be an ingest about to commit its row");
        assertTrue(Files.exists(indexed), "a file an index row references is never removed");
        assertEquals(before + old.size(), removed("orphan"));
        assertEquals(1, index.count("SELECT count(*) FROM instance"));
    }

    @Test
    void anIndexRowWhoseFileIsMissingIsReportedAndKept() throws Exception {
        byte[] mr = Files.readAllBytes(TestCorpus.file("MR_small.dcm"));
        assertEquals(200, stow(mr).status());
        String sop = index.string("SELECT sop_instance_uid FROM instance");
        Path file = index.dataDir().resolve(index.string("SELECT storage_path FROM instance"));
        byte[] kept = Files.readAllBytes(file);
        Files.delete(file); // lost: a disk fault, a careless operator

        reconciler.pass();

        assertEquals(List.of(sop), reconciler.missingFiles().stream().map(StoreReconciler.MissingFile::sopInstanceUid)
                .toList());
        assertEquals(1, registry.find("glassbox.store.missing.files").gauge().value());
        Reply health = Http.get(studies.toString().replace("/dicomweb/studies", "/q/health/ready"), null);
        assertEquals(200, health.status(), "a missing file does not take the server out of service: " + health);
        JsonNode check = integrityCheck(health.json());
        assertEquals("UP", check.path("status").asText());
        assertEquals(1, check.path("data").path("missingFiles").asInt(), check::toString);
        // health is open: counts only, never which object (the log names it)
        assertFalse(health.toString().contains(sop), health::toString);
        assertEquals(1, index.count("SELECT count(*) FROM instance"), "the row is never dropped");

        Files.write(file, kept); // restored from a backup
        reconciler.pass();
        assertTrue(reconciler.missingFiles().isEmpty());
        assertEquals(0, registry.find("glassbox.store.missing.files").gauge().value());
    }

    private Path publishWithoutRow(byte[] part10, String study, String series, String sop) throws Exception {
        TempObject temp = store.receive(new byte[0], new ByteArrayInputStream(part10));
        return store.publish(temp, store.relativePathFor(study, series, sop, temp.sha256()));
    }

    private static void age(Path file) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(OLDER_THAN_THE_SAFE_AGE)));
    }

    private double removed(String kind) {
        return registry.find("glassbox.store.leftovers.removed").tag("kind", kind).counter().count();
    }

    private Reply stow(byte[] file) {
        Multipart m = Multipart.of(List.of(file));
        return Http.post(studies.toString(), m.contentType(), m.close());
    }

    private static JsonNode integrityCheck(JsonNode health) {
        for (JsonNode check : health.path("checks")) {
            if (check.path("name").asText().equals("store-integrity")) {
                return check;
            }
        }
        throw new AssertionError("no store-integrity check in " + health);
    }
}
