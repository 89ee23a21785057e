package io.glassbox.server.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.ingest.IncomingObject.Via;
import io.glassbox.server.testing.IndexFixture;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The study-complete trigger over instances stored through the real ingest service into the real index
 * (test profile: quiet time 1 s), and the worker running the diagnostic checksum executor on what it queued.
 */
@QuarkusTest
class StabilityTrackerTest {

    @Inject
    StabilityTracker tracker;

    @Inject
    RoutingRules rules;

    @Inject
    Worker worker;

    @Inject
    JobQueue queue;

    @Inject
    DispatchFixture fixture;

    @Inject
    IndexFixture index;

    @BeforeEach
    void clean() throws Exception {
        fixture.clear();
        rules.replace(new RoutingRuleSet(List.of(
                new RoutingRule("ct-checksum", new RoutingRule.Match(List.of("CT"), null, null, null, null),
                        RoutingRule.Level.STUDY, new RoutingRule.Plugin(ChecksumExecutor.PLUGIN_ID, "1"),
                        Map.of("method", "sha256")),
                new RoutingRule("mr-only", new RoutingRule.Match(List.of("MR"), null, null, null, null),
                        RoutingRule.Level.STUDY, new RoutingRule.Plugin("mr-plugin", "1"), Map.of()),
                new RoutingRule("axial-series", new RoutingRule.Match(List.of("CT"), null, null, "axial", null),
                        RoutingRule.Level.SERIES, new RoutingRule.Plugin("per-series", "2"), Map.of()))));
    }

    @Test
    void aQuietStudyGetsOneJobPerMatchingRuleAndANewInstanceANewJob() throws Exception {
        String study = DispatchFixture.uid();
        String axial = DispatchFixture.uid();
        String scout = DispatchFixture.uid();
        fixture.store(Via.DIMSE, "CT01", study, axial, "CT", "Head Axial 5mm");
        fixture.store(Via.STOW, "", study, axial, "CT", "Head Axial 5mm");
        fixture.store(Via.DIMSE, "CT01", study, scout, "CT", "Scout");

        assertEquals(0, tracker.scanOnce(), "still arriving: not quiet yet");
        awaitQuiet();
        assertEquals(2, tracker.scanOnce(), "ct-checksum over the study, axial-series over one series; mr-only none");
        assertEquals(0, tracker.scanOnce(), "evaluated once");
        assertEquals(3, index.count("SELECT jsonb_array_length(inputs) FROM job WHERE rule_name = 'ct-checksum'"));
        assertEquals(2, index.count("SELECT jsonb_array_length(inputs) FROM job WHERE rule_name = 'axial-series'"));
        assertEquals(axial, index.string("SELECT series_instance_uid FROM job WHERE rule_name = 'axial-series'"));
        assertEquals(0, index.count("SELECT count(*) FROM job WHERE plugin_id = 'mr-plugin'"));

        // Forgetting the marks (as after a restart that lost memory, or a second process) re-queues nothing.
        assertEquals(1, index.count("WITH d AS (DELETE FROM study_dispatch RETURNING 1) SELECT count(*) FROM d"));
        assertEquals(0, tracker.scanOnce(), "same inputs: same idempotency keys");

        // An AI result filed in the study re-evaluates it but is never an input.
        fixture.store(Via.RESULT, "", study, DispatchFixture.uid(), "CT", "AI-generated axial heatmap");
        awaitQuiet();
        assertEquals(0, tracker.scanOnce(), "RESULT instances trigger nothing");
        assertEquals(2, index.count("SELECT count(*) FROM job"));

        String firstDigest = index.string("SELECT input_digest FROM job WHERE rule_name = 'ct-checksum'");
        fixture.store(Via.DIMSE, "CT01", study, scout, "CT", "Scout");
        awaitQuiet();
        assertEquals(1, tracker.scanOnce(), "a new instance in the scout series: ct-checksum again, axial unchanged");
        assertEquals(2, index.count("SELECT count(*) FROM job WHERE rule_name = 'ct-checksum'"));
        assertEquals(4, index.count("SELECT jsonb_array_length(inputs) FROM job WHERE rule_name = 'ct-checksum' "
                + "ORDER BY pk DESC LIMIT 1"));
        assertNotEquals(firstDigest, index.string("SELECT input_digest FROM job WHERE rule_name = 'ct-checksum' "
                + "ORDER BY pk DESC LIMIT 1"));
    }

    @Test
    void aStudyNoRuleMatchesIsSimplyStored() throws Exception {
        String study = DispatchFixture.uid();
        fixture.store(Via.DIMSE, "US01", study, DispatchFixture.uid(), "US", "Abdomen");
        awaitQuiet();
        assertEquals(0, tracker.scanOnce());
        assertEquals(0, index.count("SELECT count(*) FROM job"));
        assertEquals(1, index.count("SELECT count(*) FROM study_dispatch WHERE jobs_queued = 0"), "evaluated, once");
    }

    @Test
    void theWorkerRunsTheChecksumExecutorOverTheStoredFiles() throws Exception {
        String study = DispatchFixture.uid();
        String series = DispatchFixture.uid();
        fixture.store(Via.DIMSE, "CT01", study, series, "CT", "Coronal");
        fixture.store(Via.DIMSE, "CT01", study, series, "CT", "Coronal");
        awaitQuiet();
        assertEquals(1, tracker.scanOnce());
        long id = index.count("SELECT pk FROM job");

        // A file that cannot be read fails the attempt (retryable); once readable again the retry succeeds.
        Path stored = index.dataDir().resolve(index.string("SELECT storage_path FROM instance ORDER BY pk LIMIT 1"));
        Path aside = stored.resolveSibling(stored.getFileName() + ".aside");
        Files.move(stored, aside);
        assertEquals(id, worker.runOnce("test-worker").orElseThrow());
        assertEquals("failed", index.string("SELECT state FROM job"));
        assertTrue(index.string("SELECT last_error FROM job").contains("NoSuchFileException"),
                index.string("SELECT last_error FROM job"));
        Files.move(aside, stored);

        long deadline = System.currentTimeMillis() + 5000;
        while (worker.runOnce("test-worker").isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertEquals("succeeded", index.string("SELECT state FROM job"));
        assertEquals(2, index.count("SELECT attempts FROM job"));
        assertEquals(2, index.count("SELECT (result->>'checked')::int FROM job"));
        assertEquals(0, index.count("SELECT (result->>'mismatches')::int FROM job"));
        assertEquals(2, index.count("SELECT progress_done FROM job"));
        assertEquals(2, index.count("SELECT count(*) FROM job j, jsonb_array_elements(j.result->'inputs') r "
                + "JOIN instance i ON i.sop_instance_uid = r->>'sopInstanceUid' AND i.sha256 = r->>'sha256'"),
                "the digests it recorded are those of the stored files");
    }

    @Test
    void aJobForAPluginThisServerDoesNotHaveIsDeadWithTheReason() throws Exception {
        String study = DispatchFixture.uid();
        fixture.store(Via.DIMSE, "CT01", study, DispatchFixture.uid(), "CT", "Axial");
        awaitQuiet();
        assertEquals(2, tracker.scanOnce());
        assertTrue(worker.runOnce("w").isPresent());
        assertTrue(worker.runOnce("w").isPresent());
        assertEquals("dead", index.string("SELECT state FROM job WHERE plugin_id = 'per-series'"));
        assertEquals("no executor for plugin per-series 2 is installed in this server",
                index.string("SELECT last_error FROM job WHERE plugin_id = 'per-series'"));
        assertEquals("succeeded", index.string("SELECT state FROM job WHERE plugin_id = ?", ChecksumExecutor.PLUGIN_ID));
    }

    private static void awaitQuiet() throws InterruptedException {
        Thread.sleep(1200);
    }
}
