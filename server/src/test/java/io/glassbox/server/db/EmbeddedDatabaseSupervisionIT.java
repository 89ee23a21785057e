package io.glassbox.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.glassbox.server.dispatch.DispatchFixture;
import io.glassbox.server.testing.Dcmtk;
import io.glassbox.server.testing.EmbeddedPostmaster;
import io.glassbox.server.testing.ServerProcesses;
import io.glassbox.server.testing.ServerProcesses.Server;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged server on its embedded PostgreSQL (the first-run default, no GLASSBOX_DB_URL), whose postmaster is
 * killed with SIGKILL under it: the server brings the database back by itself, says why it is not ready meanwhile,
 * counts the restart, and stores again over C-STORE (dcmtk's storescu) without being restarted.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class EmbeddedDatabaseSupervisionIT {

    private static final Pattern RESTARTS = Pattern.compile("(?m)^glassbox_embedded_database_restarts_total(?:\\{[^}]*})? (\\S+)$");

    private ServerProcesses servers;

    @BeforeEach
    void fresh() throws Exception {
        servers = new ServerProcesses("glassbox_it_supervision_crash", "it-supervision-crash");
    }

    @AfterEach
    void stop() throws Exception {
        servers.close();
        EmbeddedPostmaster.stopOrphan(servers.work());
    }

    @Test
    void aKilledPostmasterIsRestartedReadinessSaysWhyMeanwhileAndStoresSucceedAfterwards() throws Exception {
        Server server = servers.start("server", Map.of("GLASSBOX_DB_URL", "")); // blank: the embedded database
        String study = DispatchFixture.uid();
        store(server, study, "before");
        assertEquals(1, instancesIn(server, study));

        long postmaster = EmbeddedPostmaster.kill(servers.work());

        // (the datasource's check may go DOWN first, on its own: wait for ours)
        JsonNode down = awaitReadiness(server, 503, Duration.ofSeconds(30), "readiness DOWN with the reason",
                health -> "DOWN".equals(embeddedDatabaseCheck(health).path("status").asText()));
        JsonNode check = embeddedDatabaseCheck(down);
        assertTrue(check.path("data").path("reason").asText()
                .startsWith("embedded database restarting after its process exited; attempt 1"), down::toString);

        awaitReadiness(server, 200, Duration.ofSeconds(60), "readiness UP again", health -> true);
        assertTrue(server.process().isAlive(), "the server itself was not restarted");
        assertTrue(EmbeddedPostmaster.pid(servers.work()) != postmaster, "a new postmaster");
        store(server, study, "after");
        assertEquals(2, instancesIn(server, study), "the instance stored before the kill and the one after");
        assertEquals(1.0, restartsCounted(server));
    }

    private void store(Server server, String study, String name) throws Exception {
        Path file = servers.work().resolve(name + ".dcm");
        DispatchFixture.writeFile(file, study, DispatchFixture.uid(), "CT");
        Dcmtk.Result r = Dcmtk.run("storescu", "-aec", "GLASSBOX", "127.0.0.1", Integer.toString(server.dicomPort()),
                file.toString());
        assertTrue(r.succeeded() && !r.output().contains("Failed"), r::toString);
    }

    private static int instancesIn(Server server, String study) throws Exception {
        return ServerProcesses.get(server, "/dicomweb/studies/" + study + "/instances").size();
    }

    private static double restartsCounted(Server server) throws Exception {
        HttpResponse<byte[]> r = ServerProcesses.send(HttpRequest.newBuilder(URI.create(server.url("/q/metrics")))
                .build());
        Matcher m = RESTARTS.matcher(new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(m.find(), "glassbox_embedded_database_restarts_total in /q/metrics");
        return Double.parseDouble(m.group(1));
    }

    private static JsonNode embeddedDatabaseCheck(JsonNode health) {
        for (JsonNode check : health.path("checks")) {
            if ("embedded-database".equals(check.path("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no embedded-database check in " + health);
    }

    /** Polls readiness until it answers {@code status} with a body that satisfies {@code condition}; that body. */
    private static JsonNode awaitReadiness(Server server, int status, Duration timeout, String what,
                                           Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<byte[]> r = ServerProcesses.send(
                    HttpRequest.newBuilder(URI.create(server.url("/q/health/ready"))).build());
            last = r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8);
            if (r.statusCode() == status) {
                JsonNode health = ServerProcesses.JSON.readTree(r.body());
                if (condition.test(health)) {
                    return health;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not seen within " + timeout.toSeconds() + " s: " + what + "; last: " + last);
    }
}
