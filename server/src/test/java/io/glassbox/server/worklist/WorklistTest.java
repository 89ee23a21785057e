package io.glassbox.server.worklist;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.glassbox.server.dispatch.ClaimedJob;
import io.glassbox.server.dispatch.DispatchFixture;
import io.glassbox.server.dispatch.JobQueue;
import io.glassbox.server.ingest.IncomingObject.Via;
import io.glassbox.server.testing.WorklistFixture;
import io.glassbox.server.testing.WorklistFixture.Study;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/worklist} against real PostgreSQL: search, filters, order, paging and the AI status rule. */
@QuarkusTest
class WorklistTest {

    @Inject
    WorklistFixture fixture;

    @Inject
    JobQueue queue;

    @BeforeEach
    @AfterEach
    void clean() throws Exception {
        fixture.clear();
    }

    private static ValidatableResponse worklist(Map<String, ?> query) {
        return given().queryParams(query).get("/api/worklist").then().statusCode(200);
    }

    @Test
    void searchesFiltersSortsAndPagesOnTheServer() throws Exception {
        Study doe = new Study("Doe^Jane", "PID-001", "20240105");
        Study roe = new Study("Roe^Richard", "PID-002", "20240310");
        Study poe = new Study("Poe^Edgar", "XYZ-9", "20231224");
        Study moe = new Study("Moe^Anna", "PID-004", "20240601");
        fixture.store(doe, "CT", Via.STOW);
        fixture.store(doe, "CT", Via.STOW);
        // Glassbox's own result: neither counted nor a modality of the study
        fixture.store(doe, DispatchFixture.uid(), "SR", Via.RESULT);
        fixture.store(roe, "MR", Via.STOW);
        fixture.store(poe, "CT", Via.STOW);
        fixture.store(moe, "CT", Via.STOW);
        fixture.store(moe, DispatchFixture.uid(), "PT", Via.STOW);

        worklist(Map.of()).body("total", equalTo(4)).body("offset", equalTo(0)).body("limit", equalTo(50))
                .body("items.patientName", equalTo(List.of("Moe^Anna", "Roe^Richard", "Doe^Jane", "Poe^Edgar")))
                .body("items[2].studyInstanceUid", equalTo(doe.uid()))
                .body("items[2].patientId", equalTo("PID-001"))
                .body("items[2].studyDate", equalTo("20240105"))
                .body("items[2].imageCount", equalTo(2))
                .body("items[2].modalities", equalTo(List.of("CT")))
                .body("items[2].ai.status", equalTo("none"))
                .body("items[2].ai.jobs", equalTo(0))
                .body("items[2].ai.topFinding", nullValue())
                .body("items[0].modalities", equalTo(List.of("CT", "PT")));
        worklist(Map.of("sort", "date")).body("items.patientId",
                equalTo(List.of("XYZ-9", "PID-001", "PID-002", "PID-004")));
        worklist(Map.of("sort", "patient")).body("items.patientName",
                equalTo(List.of("Doe^Jane", "Moe^Anna", "Poe^Edgar", "Roe^Richard")));
        worklist(Map.of("sort", "-patient", "offset", 1, "limit", 2)).body("total", equalTo(4))
                .body("offset", equalTo(1)).body("limit", equalTo(2))
                .body("items.patientName", equalTo(List.of("Poe^Edgar", "Moe^Anna")));
        worklist(Map.of("offset", 10)).body("total", equalTo(4)).body("items", hasSize(0));

        worklist(Map.of("patient", "doe*")).body("items.patientName", equalTo(List.of("Doe^Jane")));
        worklist(Map.of("patient", "DOE^JANE")).body("total", equalTo(1));
        worklist(Map.of("patient", "doe")).body("total", equalTo(0)); // as QIDO-RS: no wildcard, whole value
        worklist(Map.of("patient", "pid-00?", "sort", "patient")).body("items.patientId",
                equalTo(List.of("PID-001", "PID-004", "PID-002")));
        worklist(Map.of("from", "20240101", "to", "20240331", "sort", "date")).body("items.patientName",
                equalTo(List.of("Doe^Jane", "Roe^Richard")));
        worklist(Map.of("from", "20240601")).body("items.patientName", equalTo(List.of("Moe^Anna")));
        worklist(Map.of("modality", "ct", "sort", "patient")).body("items.patientName",
                equalTo(List.of("Doe^Jane", "Moe^Anna", "Poe^Edgar")));
        worklist(Map.of("modality", "SR")).body("total", equalTo(0));
        worklist(Map.of("modality", "MR", "patient", "r*")).body("items.patientName", equalTo(List.of("Roe^Richard")));
    }

    @Test
    void badParametersAreProblems() {
        for (Map<String, String> bad : List.of(Map.of("from", "2024-01-01"), Map.of("to", "20240230"),
                Map.of("from", "20240301", "to", "20240101"), Map.of("modality", "C T!"), Map.of("finding", "yes"),
                Map.of("status", "pending"), Map.of("sort", "size"), Map.of("offset", "-1"), Map.of("limit", "0"),
                Map.of("limit", "501"), Map.of("limit", "ten"), Map.of("patient", "x".repeat(201)))) {
            given().queryParams(bad).get("/api/worklist").then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", containsString(bad.keySet().iterator().next()));
        }
    }

    /**
     * The study's status is decided by its current jobs (the latest per plugin and series): running wins over
     * queued, queued over failed, failed over done.
     */
    @Test
    void aiStatusIsTheMostUrgentCurrentJobAndTheTopFindingComesFromTheSucceededOnes() throws Exception {
        Study study = new Study("Status^Test", "ST-1", "20240101");
        String sop = fixture.store(study, "CT", Via.STOW);
        Study quiet = new Study("Quiet^Study", "ST-2", "20240102");
        fixture.store(quiet, "CT", Via.STOW);
        fixture.enqueue(study, "running-plugin");
        fixture.enqueue(study, "dead-plugin");
        fixture.enqueue(study, "done-plugin");
        fixture.enqueue(study, "queued-plugin");
        ClaimedJob running = fixture.claim();
        queue.progress(running, 3, 10, "3 images analysed");
        queue.fail(fixture.claim(), "the plugin cannot read JPEG-LS", false);
        queue.succeed(fixture.claim(), WorklistFixture.analysis(sop, study.series(), 0.87));

        Map<String, String> one = Map.of("patient", "Status*");
        worklist(one).body("items[0].ai.status", equalTo("running"))
                .body("items[0].ai.progress.done", equalTo(3)).body("items[0].ai.progress.total", equalTo(10))
                .body("items[0].ai.progress.message", equalTo("3 images analysed"))
                .body("items[0].ai.reason", nullValue())
                .body("items[0].ai.jobs", equalTo(4))
                .body("items[0].ai.topFinding.label", equalTo("Hyperdense lesion"))
                .body("items[0].ai.topFinding.score", equalTo(0.87f))
                .body("items[0].ai.topFinding.threshold", equalTo(0.5f))
                .body("items[0].ai.topFinding.present", equalTo(true))
                .body("items[0].ai.topFinding.pluginId", equalTo("done-plugin"))
                .body("items[0].ai.topFinding.pluginVersion", equalTo("1.0"));
        worklist(Map.of("status", "running")).body("items.patientName", equalTo(List.of("Status^Test")));
        worklist(Map.of("status", "none")).body("items.patientName", equalTo(List.of("Quiet^Study")));
        worklist(Map.of("finding", "true")).body("items.patientName", equalTo(List.of("Status^Test")));
        worklist(Map.of("finding", "false")).body("total", equalTo(0));

        queue.succeed(running, WorklistFixture.analysis(sop, study.series(), 0.2));
        worklist(one).body("items[0].ai.status", equalTo("queued")).body("items[0].ai.progress", nullValue());

        ClaimedJob retried = fixture.claim(); // queued-plugin: its attempt fails and waits for a retry
        queue.fail(retried, "out of memory", true);
        worklist(one).body("items[0].ai.status", equalTo("queued"))
                .body("items[0].ai.reason", equalTo("out of memory"));
        worklist(Map.of("status", "queued")).body("total", equalTo(1));

        // Its retries run out (as the queue does after the last attempt): the study has a job that failed for good.
        fixture.execute("UPDATE job SET state = 'dead', finished_at = now() WHERE state = 'failed'");
        worklist(one).body("items[0].ai.status", equalTo("failed"))
                .body("items[0].ai.reason", equalTo("out of memory"));

        // A newer analysis by each failed plugin of the same series supersedes the failures: done.
        fixture.enqueue(study, "dead-plugin");
        fixture.enqueue(study, "queued-plugin");
        queue.succeed(fixture.claim(), WorklistFixture.analysis(sop, study.series(), 0.1));
        queue.succeed(fixture.claim(), WorklistFixture.analysis(sop, study.series(), 0.3));
        worklist(one).body("items[0].ai.status", equalTo("done")).body("items[0].ai.jobs", equalTo(6))
                .body("items[0].ai.reason", nullValue())
                .body("items[0].ai.topFinding.score", equalTo(0.87f));
        worklist(Map.of("status", "done")).body("items.patientName", equalTo(List.of("Status^Test")));
    }

    @Test
    void findingFalseMeansAnalysedWithoutAPresentFinding() throws Exception {
        Study negative = new Study("Negative^Study", "N-1", "20240101");
        String sop = fixture.store(negative, "CT", Via.STOW);
        fixture.store(new Study("Unanalysed^Study", "N-2", "20240102"), "CT", Via.STOW);
        fixture.enqueue(negative, "p");
        queue.succeed(fixture.claim(), WorklistFixture.analysis(sop, negative.series(), 0.12));
        worklist(Map.of("finding", "false")).body("items.patientName", equalTo(List.of("Negative^Study")))
                .body("items[0].ai.topFinding.present", equalTo(false))
                .body("items[0].ai.topFinding.score", equalTo(0.12f));
        worklist(Map.of("finding", "true")).body("total", equalTo(0));
    }
}
