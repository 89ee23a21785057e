package io.glassbox.server.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.glassbox.server.testing.Dcmtk;
import io.glassbox.server.testing.ServerProcesses;
import io.glassbox.server.testing.ServerProcesses.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real server jar ({@code server/target/quarkus-app/quarkus-run.jar}, built by {@code package}) as separate
 * processes on one real PostgreSQL database, studies sent with dcmtk's storescu, jobs run by the diagnostic
 * checksum executor (slowed down so a job is caught while running):
 * <ul>
 * <li>kill -9 of the process running a job: after a restart the job completes exactly once (one job row,
 * succeeded, second attempt, by the new process);</li>
 * <li>two processes sharing the database and data directory process a batch of studies with no job claimed
 * twice.</li>
 * </ul>
 */
class DispatchProcessesIT {
    private static final Map<String, String> ENV = Map.of("GLASSBOX_QUIET_SECONDS", "1",
            "GLASSBOX_JOB_LEASE_SECONDS", "3", "GLASSBOX_MAX_CONCURRENT_PER_PLUGIN", "4");

    private ServerProcesses servers;
    private Map<String, String> env;

    @BeforeEach
    void freshDatabase() throws Exception {
        servers = new ServerProcesses("glassbox_it_dispatch", "it-dispatch");
        Files.writeString(servers.work().resolve("rules.yaml"), """
                rules:
                  - name: checksum-ct
                    match: {modality: [CT]}
                    plugin: {id: glassbox-checksum, version: "1"}
                    parameters: {delayMillisPerInput: 700}
                """);
        env = new HashMap<>(ENV);
        env.put("GLASSBOX_ROUTING_RULES", servers.work().resolve("rules.yaml").toString());
    }

    @AfterEach
    void stopAll() {
        servers.close();
    }

    @Test
    void aJobInterruptedByKillDashNineCompletesExactlyOnceAfterRestart() throws Exception {
        Server first = servers.start("first", env);
        sendStudy(first, 4);
        JsonNode running = await(first, "a running job with progress", jobs -> jobs.size() == 1
                && jobs.get(0).get("state").asText().equals("running")
                && jobs.get(0).get("progress").get("done").asInt() >= 1);
        long id = running.get(0).get("id").asLong();
        String firstOwner = running.get(0).get("leaseOwner").asText();
        first.process().destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no lease released

        Server second = servers.start("second", env);
        JsonNode done = await(second, "the job succeeded", jobs -> jobs.size() == 1
                && jobs.get(0).get("state").asText().equals("succeeded"));
        JsonNode job = done.get(0);
        assertEquals(id, job.get("id").asLong(), "the same job, not a new one");
        assertEquals(2, job.get("attempts").asInt(), "the killed attempt and the one that finished");
        assertEquals(4, job.get("result").get("checked").asInt());
        assertEquals(0, job.get("result").get("mismatches").asInt());
        assertEquals(1, servers.count("SELECT count(*) FROM job"));
        assertTrue(firstOwner.contains("/" + first.process().pid() + "/"), firstOwner);
        assertNotEquals(first.process().pid(), second.process().pid());
        Thread.sleep(2500);
        assertEquals(1, servers.count("SELECT count(*) FROM job"), "nothing queued again after it succeeded");
        assertEquals(1, servers.count("SELECT count(*) FROM job WHERE state = 'succeeded'"));
    }

    @Test
    void twoProcessesOnOneDatabaseRunEveryJobOnce() throws Exception {
        Server a = servers.start("a", env);
        Server b = servers.start("b", env);
        int studies = 8;
        for (int i = 0; i < studies; i++) {
            sendStudy(i % 2 == 0 ? a : b, 2);
        }
        await(a, "every job succeeded", jobs -> jobs.size() == studies
                && ServerProcesses.count(jobs, j -> j.get("state").asText().equals("succeeded")) == studies);
        assertEquals(studies, servers.count("SELECT count(*) FROM job"));
        assertEquals(studies, servers.count("SELECT count(*) FROM job WHERE attempts = 1"), "no job claimed twice");
        assertEquals(studies, servers.count("SELECT count(DISTINCT study_instance_uid) FROM job"));
        // Both processes worked (the per-plugin limit of 4 across both, 2 workers each, 1.4 s jobs).
        assertEquals(2, servers.count("SELECT count(DISTINCT split_part(worked_by, '/', 2)) FROM job"),
                "jobs were run by both processes");
    }

    private void sendStudy(Server server, int instances) throws Exception {
        String study = DispatchFixture.uid();
        String series = DispatchFixture.uid();
        List<Object> command = new ArrayList<>(List.of("storescu", "-aet", "IT", "-aec", "GLASSBOX", "127.0.0.1",
                server.dicomPort()));
        for (int i = 0; i < instances; i++) {
            Path f = servers.work().resolve("send-" + series + "-" + i + ".dcm");
            DispatchFixture.writeFile(f, study, series, "CT");
            command.add(f.toString());
        }
        Dcmtk.Result r = Dcmtk.run(Duration.ofSeconds(30), Dcmtk.command(command.toArray()));
        assertTrue(r.succeeded(), r::toString);
    }

    private static JsonNode await(Server server, String what, Predicate<JsonNode> condition) throws Exception {
        return ServerProcesses.await(server, "/api/jobs", Duration.ofSeconds(60), what, condition);
    }
}
