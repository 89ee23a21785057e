package io.glassbox.plugins.hyperdenselesion.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DemoClient against a stand-in for the server's HTTP API (loopback), shaped as the server's resources answer. */
class DemoClientTest {

    private static final String PLUGINS = """
            [{"id":"other","version":"1","status":"available","source":"installed"},
             {"id":"glassbox.ct-hyperdense-lesion","version":"0.0.9","status":"failed","source":"installed","errors":["x"]},
             {"id":"glassbox.ct-hyperdense-lesion","version":"0.1.0-SNAPSHOT","status":"available","source":"built-in"}]""";
    private static final String OTHER_RULE = "{\"name\":\"demo-head-ct\",\"match\":{\"modality\":[\"MR\"],"
            + "\"seriesDescription\":\"t1|t2\"},\"level\":\"study\",\"plugin\":{\"id\":\"glassbox-checksum\","
            + "\"version\":\"1\"},\"parameters\":{\"threshold\":0.50,\"classes\":[\"a\",{\"b\":null}]}}";

    private HttpServer server;
    private String url;
    private volatile String plugins = PLUGINS;
    private volatile String rules = "{\"rules\":[" + OTHER_RULE + "]}";
    private volatile String putBody;
    private final Deque<String> jobAnswers = new ArrayDeque<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/plugins", e -> answer(e, 200, plugins));
        server.createContext("/api/routing-rules", e -> {
            if ("PUT".equals(e.getRequestMethod())) {
                putBody = new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                rules = putBody;
            }
            answer(e, 200, rules);
        });
        server.createContext("/api/jobs", e -> {
            assertEquals("study=1.2.3", e.getRequestURI().getRawQuery());
            String jobs;
            synchronized (jobAnswers) {
                jobs = jobAnswers.size() > 1 ? jobAnswers.poll() : jobAnswers.peek();
            }
            answer(e, 200, jobs);
        });
        server.createContext("/dicomweb/studies/1.2.3/series", e -> answer(e, 200, """
                [{"00080060":{"vr":"CS","Value":["CT"]},"00201209":{"vr":"IS","Value":[13]},
                  "0008103E":{"vr":"LO","Value":["Axial head CT (demo, synthetic lesions)"]}}]"""));
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void addsTheRuleToTheRulesInForceNamingTheAvailableBuiltInVersion() throws Exception {
        new DemoClient(url, out).ensureRule();
        List<Object> put = Json.array(Json.object(Json.parse(putBody), "body").get("rules"), "rules");
        assertEquals(2, put.size());
        assertEquals(Json.parse(OTHER_RULE), put.get(0), "the rule in force is kept exactly, parameters and all");
        assertEquals(Json.parse("{\"name\":\"demo-head-ct-2\",\"match\":{\"modality\":[\"CT\"],\"bodyPart\":[\"HEAD\"]},"
                + "\"level\":\"series\",\"plugin\":{\"id\":\"glassbox.ct-hyperdense-lesion\","
                + "\"version\":\"0.1.0-SNAPSHOT\"},\"parameters\":{}}"), put.get(1));
        assertTrue(printed().contains("ADDED rule 'demo-head-ct-2'"), printed());

        // a second run finds it and leaves the rules alone
        putBody = null;
        new DemoClient(url, out).ensureRule();
        assertNull(putBody);
        assertTrue(printed().contains("'demo-head-ct-2' (version 0.1.0-SNAPSHOT) already names"), printed());
        assertFalse(printed().contains("WARNING"), printed());
    }

    @Test
    void aRuleForAnotherVersionIsLeftButWarnedAbout() throws Exception {
        rules = "{\"rules\":[{\"name\":\"mine\",\"plugin\":{\"id\":\"glassbox.ct-hyperdense-lesion\",\"version\":\"0.0.9\"}}]}";
        new DemoClient(url, out).ensureRule();
        assertNull(putBody);
        assertTrue(printed().contains("WARNING: the server has loaded version 0.1.0-SNAPSHOT"), printed());
    }

    @Test
    void noUsablePluginIsAnError() {
        plugins = "[{\"id\":\"glassbox.ct-hyperdense-lesion\",\"version\":\"1\",\"status\":\"failed\",\"errors\":[\"bad\"]}]";
        DemoClient.DemoException e = assertThrows(DemoClient.DemoException.class, () -> new DemoClient(url, out).ensureRule());
        assertTrue(e.getMessage().contains("cannot use plugin") && e.getMessage().contains("bad"), e.getMessage());
        plugins = "[]";
        e = assertThrows(DemoClient.DemoException.class, () -> new DemoClient(url, out).ensureRule());
        assertTrue(e.getMessage().contains("lists no plugin"), e.getMessage());
        assertNull(putBody);
    }

    @Test
    void followsTheJobUntilItSucceeds() throws Exception {
        jobAnswers.add("[]");
        jobAnswers.add("[]");
        jobAnswers.add(job("queued", null, null));
        jobAnswers.add(job("running", null, null));
        jobAnswers.add(job("failed", "\"lastError\":\"out of memory\",", null));
        jobAnswers.add("[{\"id\":1,\"state\":\"succeeded\",\"pluginId\":\"glassbox-checksum\"},"
                + job("succeeded", null, "{\"finding\":true,\"summary\":\"lesion in 7 of 13\"}").substring(1));
        assertTrue(await(120));
        String log = printed();
        assertTrue(log.contains("no job yet"), log);
        assertEquals(1, count(log, "no job yet"), "a state is printed once, when it changes: " + log);
        assertTrue(log.contains("job 7 queued (attempt 0 of 5), 0/13"), log);
        assertTrue(log.contains("job 7 failed (attempt 1 of 5), 0/13: out of memory; retry at"), log);
        assertTrue(log.contains("\"summary\": \"lesion in 7 of 13\""), log);
        assertTrue(log.contains("/api/studies/1.2.3/results"), log);
        assertTrue(log.contains("CT    13 instance(s)  Axial head CT"), log);
    }

    @Test
    void aDeadJobOrTheDeadlineEndsTheWaitWithItsError() throws Exception {
        jobAnswers.add(job("dead", "\"lastError\":\"no executor for plugin glassbox.ct-hyperdense-lesion\",", null));
        assertFalse(await(120));
        assertTrue(printed().contains("last error: no executor for plugin"), printed());

        jobAnswers.clear();
        jobAnswers.add(job("running", null, null));
        assertFalse(await(10));
        assertTrue(printed().contains("gave up waiting after 10 s"), printed());

        jobAnswers.clear();
        jobAnswers.add("[]");
        assertFalse(await(3));
        assertTrue(printed().contains("no job for glassbox.ct-hyperdense-lesion was queued"), printed());
    }

    @Test
    void anAnalysisIsSummedUpImageByImageAgainstTheGroundTruth() throws Exception {
        String analysis = "{\"kind\":\"analysis\",\"plugin\":{\"name\":\"Lesion\",\"version\":\"1.0.0\"},"
                + "\"methodName\":\"Grad-CAM\",\"targetLayer\":\"block4\",\"timingsMillis\":{\"total\":12.5},"
                + "\"images\":[{\"sopInstanceUid\":\"2.25.1\",\"results\":[{\"present\":true,\"score\":0.98}]},"
                + "{\"sopInstanceUid\":\"2.25.2\",\"results\":[{\"present\":true,\"score\":0.61}]}]}";
        jobAnswers.add(job("succeeded", null, analysis));
        DemoClient client = new DemoClient(url, out);
        client.compareWith(Json.object(Json.parse("{\"instances\":[{\"sopInstanceUid\":\"2.25.1\","
                + "\"instanceNumber\":1,\"lesion\":true},{\"sopInstanceUid\":\"2.25.2\",\"instanceNumber\":2,"
                + "\"lesion\":false}]}"), "truth"));
        AtomicLong now = new AtomicLong(1_000_000);
        assertTrue(client.awaitJob("1.2.3", 10, now::get, now::addAndGet));
        String log = printed();
        assertTrue(log.contains("Lesion 1.0.0, Grad-CAM at layer block4"), log);
        assertTrue(log.matches("(?s).*1 +lesion +POSITIVE +0\\.980.*"), log);
        assertTrue(log.matches("(?s).*2 +none +POSITIVE +0\\.610.*"), log);
        assertTrue(log.contains("agrees with the ground truth on 1 of 2 images"), log);
    }

    @Test
    void aServerThatIsNotThereIsNamed() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        DemoClient.DemoException e = assertThrows(DemoClient.DemoException.class,
                () -> new DemoClient("http://127.0.0.1:" + port, out).ensureRule());
        assertTrue(e.getMessage().contains("no Glassbox server answers") && e.getMessage().contains("deploy/run.sh"),
                e.getMessage());
    }

    @Test
    void commandLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(DemoStudy.GROUND_TRUTH), "{\"description\":\"x\",\"studyInstanceUid\":\"2.25.9\"}");
        assertEquals(0, DemoClient.run(new String[] {"study-uid", dir.toString()}, out));
        assertEquals("2.25.9", printed().strip());
        assertEquals(0, DemoClient.run(new String[] {"series", url, "1.2.3"}, out));
        assertTrue(printed().contains("the study holds 1 series"), printed());
        assertThrows(IllegalArgumentException.class, () -> DemoClient.run(new String[] {"series", url}, out));
        assertThrows(IllegalArgumentException.class, () -> DemoClient.run(new String[] {"nonsense"}, out));
        assertThrows(IllegalArgumentException.class, () -> DemoClient.run(new String[] {}, out));
        assertThrows(IllegalArgumentException.class,
                () -> DemoClient.run(new String[] {"await-job", url, "1.2.3", "soon"}, out));
        assertEquals("", DemoClient.dicomValue(Map.of(), "00080060"));
    }

    /** Waits with a simulated clock: each pause of the client moves it on, so no test waits in real time. */
    private boolean await(long seconds) throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        return new DemoClient(url, out).awaitJob("1.2.3", seconds, now::get, now::addAndGet);
    }

    private static String job(String state, String error, String result) {
        return "[{\"id\":7,\"state\":\"" + state + "\",\"studyInstanceUid\":\"1.2.3\",\"pluginId\":"
                + "\"glassbox.ct-hyperdense-lesion\",\"pluginVersion\":\"0.1.0-SNAPSHOT\",\"attempts\":"
                + ("queued".equals(state) ? 0 : 1) + ",\"maxAttempts\":5," + (error == null ? "" : error)
                + "\"runAfter\":\"2026-01-01T00:00:00Z\",\"progress\":{\"done\":0,\"total\":13,\"message\":null},"
                + "\"result\":" + result + "}]";
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
