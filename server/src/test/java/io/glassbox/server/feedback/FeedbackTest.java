package io.glassbox.server.feedback;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.glassbox.server.dispatch.ClaimedJob;
import io.glassbox.server.dispatch.JobQueue;
import io.glassbox.server.ingest.IncomingObject.Via;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.WorklistFixture;
import io.glassbox.server.testing.WorklistFixture.Study;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Feedback on findings against real PostgreSQL: replace with history, the latest per user, the per-model summary. */
@QuarkusTest
class FeedbackTest {

    @Inject
    WorklistFixture fixture;

    @Inject
    IndexFixture index;

    @Inject
    JobQueue queue;

    private Study study;
    private String positive;
    private String negative;
    private long job;

    @BeforeEach
    void analysedStudy() throws Exception {
        fixture.clear();
        study = new Study("Feedback^Test", "FB-1", "20240101");
        positive = fixture.store(study, "CT", Via.STOW);
        negative = fixture.store(study, "CT", Via.STOW);
        fixture.enqueue(study, "ct-hyperdense-lesion");
        ClaimedJob claimed = fixture.claim();
        var record = (com.fasterxml.jackson.databind.node.ObjectNode) WorklistFixture.analysis(positive,
                study.series(), 0.9);
        record.withArray("images").add(WorklistFixture.analysis(negative, study.series(), 0.1).path("images").get(0));
        queue.succeed(claimed, record);
        job = claimed.id();
    }

    @AfterEach
    void clean() throws Exception {
        fixture.clear();
    }

    private String body(long jobId, String sop, String verdict, String comment) {
        return "{\"jobId\": " + jobId + ", \"sopInstanceUid\": \"" + sop + "\", \"frame\": 1, \"classId\": \"lesion\","
                + " \"verdict\": \"" + verdict + "\"" + (comment == null ? "" : ", \"comment\": \"" + comment + "\"")
                + "}";
    }

    private ValidatableResponse post(String study, String body) {
        return given().contentType("application/json").body(body).post("/api/studies/" + study + "/feedback").then();
    }

    @Test
    void aSecondVerdictReplacesTheFirstAndKeepsItAsHistory() throws Exception {
        post(study.uid(), body(job, positive, "agree", "clear bleed")).statusCode(201)
                .body("id", notNullValue()).body("jobId", equalTo((int) job))
                .body("sopInstanceUid", equalTo(positive)).body("frame", equalTo(1))
                .body("classId", equalTo("lesion")).body("verdict", equalTo("agree"))
                .body("comment", equalTo("clear bleed")).body("user", equalTo("anonymous"))
                .body("createdAt", notNullValue())
                .body("pluginId", equalTo("ct-hyperdense-lesion")).body("pluginVersion", equalTo("1.0"));
        post(study.uid(), body(job, positive, "disagree", "calcification, not blood")).statusCode(201);

        given().get("/api/studies/" + study.uid() + "/feedback").then().statusCode(200).body("$", hasSize(1))
                .body("[0].verdict", equalTo("disagree")).body("[0].comment", equalTo("calcification, not blood"));
        assertEquals(2, index.count("SELECT count(*) FROM feedback WHERE job_id = ?", job), "the first is kept");

        post(study.uid(), body(job, negative, "uncertain", null)).statusCode(201).body("comment", nullValue());
        given().get("/api/studies/" + study.uid() + "/feedback").then().statusCode(200)
                .body("sopInstanceUid", equalTo(List.of(positive, negative)))
                .body("verdict", equalTo(List.of("disagree", "uncertain")));
        given().get("/api/studies/1.2.3.4/feedback").then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void theSummaryCountsTheLatestVerdictsPerModel() throws Exception {
        given().get("/api/feedback/summary").then().statusCode(200).body("$", hasSize(0));
        post(study.uid(), body(job, positive, "disagree", null)).statusCode(201);
        post(study.uid(), body(job, positive, "agree", null)).statusCode(201);
        post(study.uid(), body(job, negative, "disagree", null)).statusCode(201);
        given().get("/api/feedback/summary").then().statusCode(200).body("$", hasSize(1))
                .body("[0].pluginId", equalTo("ct-hyperdense-lesion")).body("[0].pluginVersion", equalTo("1.0"))
                .body("[0].agree", equalTo(1)).body("[0].disagree", equalTo(1)).body("[0].uncertain", equalTo(0))
                .body("[0].agreementRate", equalTo(0.5f));
        post(study.uid(), body(job, negative, "uncertain", null)).statusCode(201);
        given().get("/api/feedback/summary").then().statusCode(200)
                .body("[0].agree", equalTo(1)).body("[0].disagree", equalTo(0)).body("[0].uncertain", equalTo(1))
                .body("[0].agreementRate", equalTo(1.0f));
    }

    @Test
    void unknownFindingsAre404AndBadBodies400() throws Exception {
        post(study.uid(), body(job + 1000, positive, "agree", null)).statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("no analysis"));
        post("1.2.3.4", body(job, positive, "agree", null)).statusCode(404).contentType("application/problem+json");
        post(study.uid(), body(job, "1.2.3", "agree", null)).statusCode(404)
                .body("detail", containsString("no finding"));
        post(study.uid(), body(job, positive, "agree", null).replace("\"frame\": 1", "\"frame\": 2"))
                .statusCode(404);
        post(study.uid(), body(job, positive, "agree", null).replace("lesion", "fracture")).statusCode(404);

        post(study.uid(), body(job, positive, "maybe", null)).statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("verdict"));
        post(study.uid(), body(job, positive, "agree", "x".repeat(2001))).statusCode(400)
                .body("detail", containsString("comment"));
        post(study.uid(), body(job, positive, "agree", "a\\u0000b")).statusCode(400);
        post(study.uid(), body(job, positive, "agree", null).replace("\"frame\": 1", "\"frame\": 0")).statusCode(400);
        post(study.uid(), "{\"verdict\": \"agree\"}").statusCode(400).contentType("application/problem+json");
        post(study.uid(), "{").statusCode(400).contentType("application/problem+json");
        post(study.uid(), body(job, positive, "agree", "x".repeat(2000))).statusCode(201);
        assertEquals(1, index.count("SELECT count(*) FROM feedback"), "only the valid verdict was stored");
    }
}
