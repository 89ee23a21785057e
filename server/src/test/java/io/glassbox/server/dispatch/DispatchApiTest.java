package io.glassbox.server.dispatch;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.dispatch.JobQueue.InputRef;
import io.glassbox.server.dispatch.JobQueue.NewJob;
import io.glassbox.server.testing.IndexFixture;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /api/jobs} and {@code /api/routing-rules} over HTTP, errors as problem+json. */
@QuarkusTest
class DispatchApiTest {

    @Inject
    JobQueue queue;

    @Inject
    RoutingRules rules;

    @Inject
    DispatchFixture fixture;

    @Inject
    IndexFixture index;

    @BeforeEach
    void clean() throws Exception {
        fixture.clear();
    }

    @Test
    void jobsAreListedWithStateProgressAttemptsAndErrorAndADeadOneCanBeRetried() throws Exception {
        queue.enqueue(new NewJob("1.2.3", "", "r", "p", "1", Map.of("method", "gradcam"),
                List.of(new InputRef("1.1", "a"), new InputRef("1.2", "b"))));
        queue.enqueue(new NewJob("1.2.4", "", "r", "p", "1", Map.of(), List.of(new InputRef("2.1", "c"))));
        ClaimedJob running = queue.claim("api-test").orElseThrow();
        assertTrue(queue.progress(running, 1, 2, "half"));
        long runningId = running.id();
        ClaimedJob doomed = queue.claim("api-test").orElseThrow();
        assertTrue(queue.fail(doomed, "cannot decode JPEG-LS", false));

        given().get("/api/jobs").then().statusCode(200).body("$", hasSize(2));
        given().queryParam("state", "running").get("/api/jobs").then().statusCode(200)
                .body("$", hasSize(1))
                .body("[0].id", equalTo((int) runningId))
                .body("[0].progress.done", equalTo(1))
                .body("[0].progress.total", equalTo(2))
                .body("[0].progress.message", equalTo("half"))
                .body("[0].attempts", equalTo(1))
                .body("[0].leaseOwner", equalTo("api-test"));
        given().queryParam("state", "dead").get("/api/jobs").then().statusCode(200)
                .body("[0].id", equalTo((int) doomed.id()))
                .body("[0].lastError", equalTo("cannot decode JPEG-LS"));

        assertTrue(queue.heartbeat(running), "still running (the test lease is 2 s)");
        given().post("/api/jobs/" + runningId + "/retry").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("is running"));

        given().post("/api/jobs/" + doomed.id() + "/retry").then().statusCode(200)
                .body("state", equalTo("queued")).body("attempts", equalTo(0));
        assertEquals(doomed.id(), queue.claim("again").orElseThrow().id(), "claimable again at once");
        given().post("/api/jobs/999999/retry").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/jobs/999999").then().statusCode(404).contentType("application/problem+json");
        given().queryParam("state", "finished").get("/api/jobs").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("unknown state 'finished'"));
        given().queryParam("limit", 0).get("/api/jobs").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void routingRulesAreReplacedValidatedAndWrittenToTheirFile() throws Exception {
        String valid = """
                {"rules": [{"name": "head-ct", "match": {"modality": ["CT"], "bodyPart": ["HEAD"]},
                            "level": "series", "plugin": {"id": "ich", "version": "1.0.0"},
                            "parameters": {"method": "gradcam++", "classes": ["hemorrhage"]}}]}""";
        given().contentType("application/json").body(valid).put("/api/routing-rules").then().statusCode(200)
                .body("rules[0].name", equalTo("head-ct"));
        given().get("/api/routing-rules").then().statusCode(200)
                .body("rules", hasSize(1))
                .body("rules[0].level", equalTo("series"))
                .body("rules[0].match.bodyPart[0]", equalTo("HEAD"))
                .body("rules[0].parameters.method", equalTo("gradcam++"));
        String written = Files.readString(rules.file());
        assertTrue(written.contains("\"ich\""), written);

        given().contentType("application/json")
                .body("{\"rules\": [{\"name\": \"x\", \"match\": {\"seriesDescription\": \"(\"}, \"plugin\": {\"id\": \"a\"}}]}")
                .put("/api/routing-rules").then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("not a regular expression"))
                .body("detail", containsString("plugin.id and plugin.version are required"));
        given().contentType("application/json")
                .body("{\"rules\": [{\"name\": \"x\", \"modalty\": [\"CT\"], \"plugin\": {\"id\": \"a\", \"version\": \"1\"}}]}")
                .put("/api/routing-rules").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("modalty"));
        given().contentType("application/json").body("{\"rules\": [").put("/api/routing-rules").then()
                .statusCode(400).contentType("application/problem+json");
        given().get("/api/routing-rules").then().body("rules[0].name", equalTo("head-ct"));
        assertEquals(written, Files.readString(rules.file()), "a refused PUT changes nothing");
    }
}
