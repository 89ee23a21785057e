package io.glassbox.server.worklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glassbox.server.dispatch.ClaimedJob;
import io.glassbox.server.dispatch.JobQueue;
import io.glassbox.server.ingest.IncomingObject.Via;
import io.glassbox.server.testing.WorklistFixture;
import io.glassbox.server.testing.WorklistFixture.Study;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/worklist/events}: a study event when a job's progress or state changes, or an instance arrives. */
@QuarkusTest
class WorklistEventsTest {
    /** Generous: the stream looks every 200 ms in tests, CI machines are slow. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/api/worklist/events")
    URL events;

    @Inject
    WorklistFixture fixture;

    @Inject
    JobQueue queue;

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private InputStream stream;

    @BeforeEach
    @AfterEach
    void clean() throws Exception {
        if (stream != null) {
            stream.close();
        }
        fixture.clear();
    }

    /** Opens the stream; its lines arrive in {@link #lines} from a reader thread. */
    private void listen() throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(events.toURI())
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        stream = response.body();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // closed by the test
            }
        }, "worklist-events-test-reader");
        reader.setDaemon(true);
        reader.start();
        nextLine(l -> l.startsWith(":"));
    }

    private String nextLine(Predicate<String> wanted) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line != null && wanted.test(line)) {
                return line;
            }
        }
        throw new AssertionError("no such line within " + DEADLINE);
    }

    /** The next {@code study} event's data about {@code study} that satisfies {@code wanted}. */
    private JsonNode nextEvent(String study, Predicate<JsonNode> wanted) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        boolean named = false;
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            if (line.equals("event: study") || line.equals("event:study")) {
                named = true;
            } else if (named && line.startsWith("data:")) {
                named = false;
                JsonNode data = JSON.readTree(line.substring(5).trim());
                if (data.path("studyInstanceUid").asText().equals(study) && wanted.test(data)) {
                    return data;
                }
            }
        }
        throw new AssertionError("no matching study event within " + DEADLINE);
    }

    @Test
    void progressStateAndNewInstancesAreSentAsTheyHappen() throws Exception {
        Study study = new Study("Events^Test", "EV-1", "20240101");
        String sop = fixture.store(study, "CT", Via.STOW);
        listen();

        fixture.enqueue(study, "p");
        nextEvent(study.uid(), e -> e.path("ai").path("status").asText().equals("queued"));
        ClaimedJob job = fixture.claim();
        queue.progress(job, 1, 4, "1 image analysed");
        JsonNode running = nextEvent(study.uid(), e -> e.path("ai").path("progress").path("done").asInt() == 1);
        assertEquals("running", running.path("ai").path("status").asText());
        assertEquals(4, running.path("ai").path("progress").path("total").asInt());
        queue.progress(job, 3, 4, "3 images analysed");
        nextEvent(study.uid(), e -> e.path("ai").path("progress").path("done").asInt() == 3);
        queue.succeed(job, WorklistFixture.analysis(sop, study.series(), 0.75));
        JsonNode done = nextEvent(study.uid(), e -> e.path("ai").path("status").asText().equals("done"));
        assertEquals(0.75, done.path("ai").path("topFinding").path("score").asDouble(), 1e-9);

        fixture.store(study, "CT", Via.STOW);
        nextEvent(study.uid(), e -> e.path("imageCount").asInt() == 2);
    }

    @Test
    void anIdleStreamSendsHeartbeats() throws Exception {
        listen();
        // every second in tests (15 s in production)
        nextLine(l -> l.startsWith(":") && l.contains("heartbeat"));
        nextLine(l -> l.startsWith(":") && l.contains("heartbeat"));
    }
}
