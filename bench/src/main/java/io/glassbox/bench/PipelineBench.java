package io.glassbox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The inference pipeline benchmark (bench/pipeline.sh runs it; docs/benchmarks.md has the numbers). The packaged
 * server with the built-in plugin on the CPU, a real PostgreSQL, the demo head CT (DemoStudy) sent with dcmtk's
 * storescu, one routing rule. For each study: from storescu's exit (the last C-STORE response) until
 * {@code GET /api/studies/{study}/results} shows the analysis succeeded (SC, PM and SR stored and queryable), minus
 * the quiet time. Measured in one run, interleaved: one slice, the 108-slice series, and a burst of studies
 * (studies per minute). The explanation's cost in the server path comes from the job records: the plugin's own
 * split of each batch into inference (forward pass, scores) and explanation (Grad-CAM).
 *
 * <p>Usage: {@code PipelineBench <server jar> <plugin jar> <pixelmed jar> <work dir>}; environment
 * {@code BENCH_ROUNDS} (default 3), {@code BENCH_BURST} (studies in the burst, default 10), {@code BENCH_QUIET}
 * (quiet seconds, default 1), {@code BENCH_DB} (database, created and dropped; default glassbox_bench_pipeline).
 */
public final class PipelineBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String PLUGIN = "glassbox.ct-hyperdense-lesion";

    private final Path serverJar;
    private final Path pluginJar;
    private final Path pixelmedJar;
    private final Path work;
    private final int quiet;
    private int httpPort;
    private int dicomPort;
    private int studies;

    private PipelineBench(Path serverJar, Path pluginJar, Path pixelmedJar, Path work, int quiet) {
        this.serverJar = serverJar;
        this.pluginJar = pluginJar;
        this.pixelmedJar = pixelmedJar;
        this.work = work;
        this.quiet = quiet;
    }

    /** One study as sent: its UID and files. */
    private record Study(String uid, List<Path> files) {
    }

    /** What one analysed study cost. */
    private record Run(int images, double seconds, double beyondQuiet, double inferenceMs, double explanationMs,
                       double pluginMs, double writeMs, double storeMs, double readDecodeMs) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: PipelineBench <server jar> <plugin jar> <pixelmed jar> <work dir>");
            System.exit(2);
        }
        int rounds = Integer.parseInt(env("BENCH_ROUNDS", "3"));
        int burst = Integer.parseInt(env("BENCH_BURST", "10"));
        int quiet = Integer.parseInt(env("BENCH_QUIET", "1"));
        String db = env("BENCH_DB", "glassbox_bench_pipeline");
        PipelineBench bench = new PipelineBench(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]),
                Path.of(args[3]), quiet);
        Files.createDirectories(bench.work);
        command(List.of("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db));
        command(List.of("createdb", "-h", "127.0.0.1", "-U", "postgres", db));
        Process server = null;
        try {
            server = bench.startServer(db);
            bench.route();
            bench.report(rounds, burst);
        } finally {
            if (server != null) {
                server.destroy();
                server.waitFor(20, TimeUnit.SECONDS);
            }
            command(List.of("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db));
        }
    }

    private void report(int rounds, int burst) throws Exception {
        log("warm-up: one 13-slice study (plugin opened, JIT), not counted");
        analyse(send(demo(false)));
        List<Run> single = new ArrayList<>();
        List<Run> series = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Study one = demo(false);
            Study slice = new Study(one.uid(), List.of(one.files().get(one.files().size() / 2)));
            single.add(analyse(send(slice)));
            log(String.format(Locale.ROOT, "round %d: 1 slice %.2f s beyond quiet", round,
                    single.get(single.size() - 1).beyondQuiet()));
            series.add(analyse(send(demo(true))));
            log(String.format(Locale.ROOT, "round %d: 108 slices %.2f s beyond quiet", round,
                    series.get(series.size() - 1).beyondQuiet()));
        }
        List<Study> many = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            many.add(demo(false));
        }
        long start = System.nanoTime();
        for (Study s : many) {
            send(s);
        }
        for (Study s : many) {
            awaitResults(s.uid());
        }
        double burstSeconds = (System.nanoTime() - start) / 1e9;

        System.out.println();
        System.out.println("| Measurement (CPU, quiet time " + quiet + " s subtracted) | median | per image |");
        System.out.println("|---|---|---|");
        row("1 slice: last C-STORE response → SC, PM, SR queryable", single);
        row("108-slice series: last C-STORE response → all results queryable", series);
        double inference = series.stream().mapToDouble(Run::inferenceMs).sum();
        double explanation = series.stream().mapToDouble(Run::explanationMs).sum();
        int images = series.stream().mapToInt(Run::images).sum();
        System.out.printf(Locale.ROOT, "%n108-slice series, server path, per image (sums over %d rounds): "
                + "read+decode %.1f ms, plugin %.1f ms (preprocess+inference %.1f ms, Grad-CAM %.1f ms), "
                + "write SC/PM/SR %.1f ms, store %.1f ms%n", rounds,
                series.stream().mapToDouble(Run::readDecodeMs).sum() / images,
                series.stream().mapToDouble(Run::pluginMs).sum() / images, inference / images,
                explanation / images, series.stream().mapToDouble(Run::writeMs).sum() / images,
                series.stream().mapToDouble(Run::storeMs).sum() / images);
        System.out.printf(Locale.ROOT, "Explanation overhead in the server path: inference + Grad-CAM = %.2f× "
                + "inference alone (target ≤ 1.15×)%n", (inference + explanation) / inference);
        System.out.printf(Locale.ROOT, "Burst: %d studies of 13 slices sent back to back, all analysed in %.1f s: "
                + "%.1f studies/min, %.1f images/min%n", burst, burstSeconds, burst * 60 / burstSeconds,
                burst * 13 * 60 / burstSeconds);
    }

    private static void row(String what, List<Run> runs) {
        double[] beyond = runs.stream().mapToDouble(Run::beyondQuiet).sorted().toArray();
        double median = beyond[beyond.length / 2];
        int images = runs.get(0).images();
        System.out.printf(Locale.ROOT, "| %s | %.2f s (runs: %s) | %.3f s |%n", what, median,
                Arrays.stream(beyond).mapToObj(v -> String.format(Locale.ROOT, "%.2f", v)).toList(),
                median / images);
    }

    /** A new demo study (new UIDs on every run of DemoStudy). */
    private Study demo(boolean allSlices) throws Exception {
        Path out = work.resolve("study-" + (++studies));
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", pluginJar + ":" + pixelmedJar,
                "io.glassbox.plugins.hyperdenselesion.demo.DemoStudy", "--out", out.toString()));
        if (allSlices) {
            cmd.add("--all-slices");
        }
        command(cmd);
        JsonNode truth = JSON.readTree(out.resolve("ground-truth.json").toFile());
        List<Path> files = new ArrayList<>();
        truth.path("instances").forEach(i -> files.add(out.resolve(i.path("file").asText())));
        return new Study(truth.path("studyInstanceUid").asText(), files);
    }

    /** Sends with storescu; returns when its last C-STORE response has come (storescu exits). */
    private Study send(Study study) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("storescu", "-aet", "BENCH", "-aec", "GLASSBOX", "127.0.0.1",
                Integer.toString(dicomPort)));
        study.files().forEach(f -> cmd.add(f.toString()));
        command(cmd);
        return study;
    }

    private Run analyse(Study study) throws Exception {
        long sent = System.nanoTime();
        JsonNode analysis = awaitResults(study.uid());
        double seconds = (System.nanoTime() - sent) / 1e9;
        JsonNode t = analysis.path("timingsMillis");
        return new Run(analysis.path("imagesAnalysed").asInt(), seconds, seconds - quiet,
                t.path("pluginPreprocess").asDouble() + t.path("pluginInference").asDouble(),
                t.path("pluginExplanation").asDouble(), t.path("plugin").asDouble(), t.path("write").asDouble(),
                t.path("store").asDouble(), t.path("read").asDouble() + t.path("decode").asDouble());
    }

    /** Polls the results endpoint every 20 ms until the study's analysis has succeeded. */
    private JsonNode awaitResults(String study) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                    + "/api/studies/" + study + "/results")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                JsonNode analyses = JSON.readTree(r.body()).path("analyses");
                if (analyses.size() == 1) {
                    String state = analyses.get(0).path("state").asText();
                    if (state.equals("succeeded")) {
                        return analyses.get(0);
                    }
                    if (state.equals("dead")) {
                        throw new IllegalStateException("the job died: " + analyses.get(0).path("lastError"));
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no results for " + study + " within 5 minutes");
    }

    private Process startServer(String db) throws Exception {
        httpPort = freePort();
        dicomPort = freePort();
        ProcessBuilder pb = new ProcessBuilder(java(), "-jar", serverJar.toString());
        Map<String, String> env = pb.environment();
        env.put("GLASSBOX_DB_URL", "jdbc:postgresql://127.0.0.1:5432/" + db);
        env.put("GLASSBOX_DATA_DIR", work.resolve("data").toString());
        env.put("GLASSBOX_HTTP_PORT", Integer.toString(httpPort));
        env.put("GLASSBOX_HTTP_HOST", "127.0.0.1");
        env.put("GLASSBOX_DICOM_PORT", Integer.toString(dicomPort));
        env.put("GLASSBOX_DICOM_BIND_ADDRESS", "127.0.0.1");
        env.put("GLASSBOX_QUIET_SECONDS", Integer.toString(quiet));
        pb.redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the server exited; see " + work.resolve("server.log"));
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the server was not ready within 90 s");
    }

    private void route() throws Exception {
        String version = null;
        JsonNode plugins = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/api/plugins")).build(), HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode p : plugins) {
            if (PLUGIN.equals(p.path("id").asText()) && "available".equals(p.path("status").asText())) {
                version = p.path("version").asText();
            }
        }
        if (version == null) {
            throw new IllegalStateException(PLUGIN + " is not available: " + plugins);
        }
        String rules = JSON.writeValueAsString(Map.of("rules", List.of(Map.of("name", "head-ct", "level", "series",
                "match", Map.of("modality", List.of("CT"), "bodyPart", List.of("HEAD")),
                "plugin", Map.of("id", PLUGIN, "version", version)))));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/api/routing-rules")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(rules)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("routing rules refused: " + r.body());
        }
        log("rule in force: head CT → " + PLUGIN + " " + version + " (Grad-CAM, the manifest's default)");
    }

    private static void command(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd.subList(0, Math.min(3, cmd.size()))) + " failed: " + out);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static void log(String message) {
        System.err.println("[pipeline-bench] " + message);
    }
}
