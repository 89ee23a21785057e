package io.glassbox.plugins.hyperdenselesion.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What {@code deploy/demo.sh} asks of a running Glassbox server over HTTP, on the JDK alone ({@code java.net.http}
 * and the small {@link Json} reader): the routing rule that sends the demo series to this plugin, the study's series
 * as QIDO-RS lists them, and the wait for the plugin's job. Done here rather than in the shell because installing the
 * rule means merging JSON: the rules in force are replaced as a whole by {@code PUT /api/routing-rules}, so a rule
 * must be added to whatever rules (with whatever parameters) the server holds, and text surgery on JSON with
 * sed, or a dependency on python3 or jq that running the server does not need, would be the fragile options.
 *
 * <pre>
 * DemoClient ensure-rule URL              a rule for head CT series to the plugin, unless one names it already
 * DemoClient study-uid DIR                the Study Instance UID DemoStudy wrote into DIR/ground-truth.json
 * DemoClient series URL STUDY             the study's series (QIDO-RS)
 * DemoClient await-job URL STUDY SECONDS  follow the plugin's job(s) for the study until done or SECONDS pass
 * </pre>
 * Exit status 0 when done and well, 1 when the server refused or the job failed or did not finish, 2 for bad
 * arguments.
 */
public final class DemoClient {

    public static final String PLUGIN_ID = "glassbox.ct-hyperdense-lesion";
    public static final String RULE_NAME = "demo-head-ct";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 1000;
    private static final int RESULT_LINES = 40;

    private final String base;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    /** The demo study's ground-truth.json, when await-job was given it. */
    private Map<String, Object> groundTruth;

    /** A request the server refused or could not be reached for; its message is meant for the user. */
    static final class DemoException extends Exception {
        private static final long serialVersionUID = 1L;

        DemoException(String message) {
            super(message);
        }
    }

    DemoClient(String baseUrl, PrintStream out) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.out = out;
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("DemoClient: " + e.getMessage());
            System.err.println("usage: DemoClient ensure-rule URL | study-uid DIR | series URL STUDY"
                    + " | await-job URL STUDY SECONDS");
            status = 2;
        } catch (DemoException | IOException e) {
            System.err.println("DemoClient: " + e.getMessage());
            status = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 1;
        }
        System.exit(status);
    }

    static int run(String[] args, PrintStream out) throws DemoException, IOException, InterruptedException {
        String command = args.length > 0 ? args[0] : "";
        switch (command) {
            case "ensure-rule" -> {
                arguments(args, 2);
                new DemoClient(args[1], out).ensureRule();
                return 0;
            }
            case "study-uid" -> {
                arguments(args, 2);
                out.println(studyUid(Path.of(args[1])));
                return 0;
            }
            case "series" -> {
                arguments(args, 3);
                new DemoClient(args[1], out).printSeries(args[2]);
                return 0;
            }
            case "await-job" -> {
                if (args.length != 4 && args.length != 5) {
                    throw new IllegalArgumentException("await-job takes URL STUDY SECONDS [GROUND_TRUTH]");
                }
                long seconds;
                try {
                    seconds = Long.parseLong(args[3]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("SECONDS must be a whole number, not " + args[3]);
                }
                DemoClient client = new DemoClient(args[1], out);
                if (args.length == 5) {
                    client.compareWith(Json.object(Json.parse(Files.readString(Path.of(args[4]))), "ground truth"));
                }
                return client.awaitJob(args[2], seconds, System::currentTimeMillis, Thread::sleep) ? 0 : 1;
            }
            default -> throw new IllegalArgumentException(command.isEmpty() ? "a command is required"
                    : "unknown command " + command);
        }
    }

    private static void arguments(String[] args, int count) {
        if (args.length != count) {
            throw new IllegalArgumentException(args[0] + " takes " + (count - 1) + " argument(s)");
        }
    }

    static String studyUid(Path dir) throws IOException {
        Path file = dir.resolve(DemoStudy.GROUND_TRUTH);
        String uid = Json.string(Json.object(Json.parse(Files.readString(file, StandardCharsets.UTF_8)), file.toString()),
                "studyInstanceUid");
        if (uid == null) {
            throw new IOException(file + " has no studyInstanceUid");
        }
        return uid;
    }

    // ---- the routing rule

    /**
     * Makes sure a routing rule sends the demo series to this plugin: when no rule names the plugin, adds one for
     * CT head series, naming the version the server has loaded, to the rules in force.
     */
    void ensureRule() throws DemoException, IOException, InterruptedException {
        String version = loadedVersion();
        Map<String, Object> ruleSet = Json.object(get("/api/routing-rules"), "GET /api/routing-rules");
        List<Object> rules = ruleSet.get("rules") == null ? new ArrayList<>()
                : new ArrayList<>(Json.array(ruleSet.get("rules"), "the rules"));
        List<String> naming = new ArrayList<>();
        boolean sameVersion = false;
        for (Object r : rules) {
            Map<String, Object> rule = Json.object(r, "a rule");
            Map<String, Object> plugin = rule.get("plugin") instanceof Map<?, ?> ? Json.object(rule.get("plugin"), "plugin")
                    : Map.of();
            if (PLUGIN_ID.equals(Json.string(plugin, "id"))) {
                naming.add("'" + Json.string(rule, "name") + "' (version " + Json.string(plugin, "version") + ")");
                sameVersion |= version.equals(Json.string(plugin, "version"));
            }
        }
        if (!naming.isEmpty()) {
            out.println("routing: rule " + String.join(", ", naming) + " already names " + PLUGIN_ID
                    + "; the rules are left as they are (if no such rule matches CT HEAD series, the demo gets no job)");
            if (!sameVersion) {
                out.println("routing: WARNING: the server has loaded version " + version
                        + " of the plugin, and no rule names that version: the demo's job will ask for one it lacks");
            }
            return;
        }
        Map<String, Object> rule = demoRule(uniqueName(rules), version);
        rules.add(rule);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rules", rules);
        put("/api/routing-rules", Json.write(body));
        String banner = "*".repeat(100);
        out.println(banner);
        out.println("* routing: NO rule sent studies to " + PLUGIN_ID + ". ADDED rule '" + Json.string(rule, "name")
                + "' to the server's routing rules:");
        out.println("*   " + Json.write(rule));
        out.println("* It is now in force for every CT head series this server receives, and kept in its rules file");
        out.println("* (GLASSBOX_ROUTING_RULES). To take it out: GET /api/routing-rules, drop it, PUT the rest back.");
        out.println(banner);
    }

    /** The rule demo.sh adds: every CT series of the head, one job per series, default parameters. */
    static Map<String, Object> demoRule(String name, String version) {
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("modality", List.of("CT"));
        match.put("bodyPart", List.of("HEAD"));
        Map<String, Object> plugin = new LinkedHashMap<>();
        plugin.put("id", PLUGIN_ID);
        plugin.put("version", version);
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("name", name);
        rule.put("match", match);
        rule.put("level", "series");
        rule.put("plugin", plugin);
        rule.put("parameters", new LinkedHashMap<>());
        return rule;
    }

    private static String uniqueName(List<Object> rules) {
        List<String> names = rules.stream().map(r -> Json.string(Json.object(r, "a rule"), "name")).toList();
        String name = RULE_NAME;
        for (int n = 2; names.contains(name); n++) {
            name = RULE_NAME + "-" + n;
        }
        return name;
    }

    /** The version of the plugin the server lists as available (the built-in one when there are several). */
    private String loadedVersion() throws DemoException, IOException, InterruptedException {
        List<Object> plugins = Json.array(get("/api/plugins"), "GET /api/plugins");
        List<Map<String, Object>> found = new ArrayList<>();
        for (Object p : plugins) {
            Map<String, Object> plugin = Json.object(p, "a plugin");
            if (PLUGIN_ID.equals(Json.string(plugin, "id"))) {
                found.add(plugin);
            }
        }
        List<Map<String, Object>> available = found.stream()
                .filter(p -> "available".equals(Json.string(p, "status"))).toList();
        if (available.isEmpty()) {
            throw new DemoException(found.isEmpty()
                    ? "the server lists no plugin " + PLUGIN_ID + " at GET /api/plugins: was it built with it?"
                    : "the server cannot use plugin " + PLUGIN_ID + ": " + Json.write(found));
        }
        Map<String, Object> chosen = available.stream().filter(p -> "built-in".equals(Json.string(p, "source")))
                .findFirst().orElse(available.get(0));
        String version = Json.string(chosen, "version");
        if (version == null) {
            throw new DemoException("GET /api/plugins gives no version for " + PLUGIN_ID + ": " + Json.write(chosen));
        }
        return version;
    }

    // ---- the study and its job

    /** Prints the study's series as QIDO-RS lists them: modality, instance count, description. */
    void printSeries(String study) throws DemoException, IOException, InterruptedException {
        List<Object> series = Json.array(get("/dicomweb/studies/" + encode(study) + "/series"), "QIDO-RS series");
        out.println("the study holds " + series.size() + " series (GET " + base + "/dicomweb/studies/" + study
                + "/series):");
        for (Object s : series) {
            Map<String, Object> attributes = Json.object(s, "a series");
            out.printf("  %-3s %4s instance(s)  %s%n", dicomValue(attributes, "00080060"),
                    dicomValue(attributes, "00201209"), dicomValue(attributes, "0008103E"));
        }
    }

    /** The first value of an attribute in the DICOM JSON model, as text ("" when absent). */
    static String dicomValue(Map<String, Object> attributes, String tag) {
        if (!(attributes.get(tag) instanceof Map<?, ?> attribute)
                || !(attribute.get("Value") instanceof List<?> values) || values.isEmpty()) {
            return "";
        }
        return values.get(0) == null ? "" : values.get(0).toString();
    }

    /** Waits for a pause; a seam for tests. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /**
     * Follows this plugin's jobs for a study, printing each change of state, until every one has succeeded (true) or
     * one is dead or {@code seconds} have passed (false). A job that failed and waits for its retry is waited for.
     */
    boolean awaitJob(String study, long seconds, LongSupplier clock, Sleeper sleeper)
            throws DemoException, IOException, InterruptedException {
        long start = clock.getAsLong();
        long deadline = start + seconds * 1000;
        String last = null;
        while (true) {
            List<Map<String, Object>> jobs = new ArrayList<>();
            for (Object j : Json.array(get("/api/jobs?study=" + encode(study)), "GET /api/jobs")) {
                Map<String, Object> job = Json.object(j, "a job");
                if (PLUGIN_ID.equals(Json.string(job, "pluginId"))) {
                    jobs.add(job);
                }
            }
            String state = jobs.isEmpty() ? "no job yet: the study is queued for the plugin once it has been quiet for"
                    + " GLASSBOX_QUIET_SECONDS (5 s by default) and a routing rule matches it"
                    : String.join("; ", jobs.stream().map(DemoClient::describe).toList());
            if (!state.equals(last)) {
                out.printf("[%3d s] %s%n", (clock.getAsLong() - start) / 1000, state);
                last = state;
            }
            boolean dead = jobs.stream().anyMatch(job -> "dead".equals(Json.string(job, "state")));
            boolean succeeded = !jobs.isEmpty()
                    && jobs.stream().allMatch(job -> "succeeded".equals(Json.string(job, "state")));
            if (succeeded) {
                for (Map<String, Object> job : jobs) {
                    out.println("job " + job.get("id") + " succeeded:");
                    printFindings(job.get("result"));
                }
                out.println("results: GET " + base + "/api/studies/" + study + "/results");
                printSeries(study);
                return true;
            }
            if (dead || clock.getAsLong() >= deadline) {
                out.println(dead ? "the plugin's job is dead (out of attempts, or a failure a retry cannot fix)"
                        : "gave up waiting after " + seconds + " s");
                for (Map<String, Object> job : jobs) {
                    String error = Json.string(job, "lastError");
                    out.println("job " + job.get("id") + ": " + Json.string(job, "state")
                            + (error == null ? "" : "; last error: " + error));
                }
                if (jobs.isEmpty()) {
                    out.println("no job for " + PLUGIN_ID + " was queued: does a routing rule match the series (GET "
                            + base + "/api/routing-rules), and does the server run dispatch (GLASSBOX_DISPATCH_ENABLED)?");
                }
                out.println("the jobs: GET " + base + "/api/jobs?study=" + study);
                return false;
            }
            sleeper.sleep(POLL_MILLIS);
        }
    }

    /** The ground truth (a demo study's ground-truth.json) that {@link #awaitJob} compares the findings with. */
    void compareWith(Map<String, Object> truth) {
        this.groundTruth = truth;
    }

    /**
     * The job's findings, one line per image, next to the ground truth when it is known; a result of another
     * shape (not an analysis) is printed as it is.
     */
    void printFindings(Object result) {
        Map<String, Object> record = result instanceof Map<?, ?> ? Json.object(result, "the job's result") : null;
        if (record == null || !"analysis".equals(Json.string(record, "kind"))) {
            out.print(indented(Json.pretty(result)));
            return;
        }
        Map<String, Map<String, Object>> truth = new java.util.HashMap<>();
        if (groundTruth != null) {
            for (Object i : Json.array(groundTruth.get("instances"), "ground-truth instances")) {
                Map<String, Object> instance = Json.object(i, "a ground-truth instance");
                truth.put(Json.string(instance, "sopInstanceUid"), instance);
            }
        }
        Map<String, Object> plugin = Json.object(record.get("plugin"), "plugin");
        out.printf("  %s %s, %s at layer %s%n", Json.string(plugin, "name"), Json.string(plugin, "version"),
                Json.string(record, "methodName"), Json.string(record, "targetLayer"));
        out.printf("  %-9s %-11s %-10s %s%n", "instance", "truth", "AI", "score");
        int agree = 0;
        int compared = 0;
        java.util.TreeMap<Integer, List<String>> rows = new java.util.TreeMap<>(); // by instance number
        for (Object i : Json.array(record.get("images"), "images")) {
            Map<String, Object> image = Json.object(i, "an image");
            Map<String, Object> instance = truth.get(Json.string(image, "sopInstanceUid"));
            for (Object r : Json.array(image.get("results"), "results")) {
                Map<String, Object> finding = Json.object(r, "a result");
                boolean present = Boolean.TRUE.equals(finding.get("present"));
                String label = instance == null ? "?" : Boolean.TRUE.equals(instance.get("lesion")) ? "lesion" : "none";
                if (instance != null) {
                    compared++;
                    agree += present == Boolean.TRUE.equals(instance.get("lesion")) ? 1 : 0;
                }
                int number = instance == null ? Integer.MAX_VALUE
                        : ((Number) instance.get("instanceNumber")).intValue();
                rows.computeIfAbsent(number, n -> new ArrayList<>()).add(String.format(java.util.Locale.ROOT,
                        "  %-9s %-11s %-10s %.3f", instance == null ? "-" : number, label,
                        present ? "POSITIVE" : "negative", ((Number) finding.get("score")).doubleValue()));
            }
        }
        rows.values().forEach(lines -> lines.forEach(out::println));
        if (compared > 0) {
            out.printf("  the AI agrees with the ground truth on %d of %d images%n", agree, compared);
        }
        out.println("  timings (ms): " + Json.write(record.get("timingsMillis")));
    }

    /** One line about a job: id, state, attempts, progress, the last error while it is failing. */
    static String describe(Map<String, Object> job) {
        StringBuilder s = new StringBuilder("job " + job.get("id") + " " + Json.string(job, "state"));
        s.append(" (attempt ").append(job.get("attempts")).append(" of ").append(job.get("maxAttempts")).append(')');
        if (job.get("progress") instanceof Map<?, ?> p) {
            Map<String, Object> progress = Json.object(p, "progress");
            s.append(", ").append(progress.get("done")).append('/').append(progress.get("total"));
            String message = Json.string(progress, "message");
            if (message != null && !message.isBlank()) {
                s.append(' ').append(message);
            }
        }
        if ("failed".equals(Json.string(job, "state")) && Json.string(job, "lastError") != null) {
            s.append(": ").append(Json.string(job, "lastError")).append("; retry at ").append(job.get("runAfter"));
        }
        return s.toString();
    }

    private static String indented(String text) {
        List<String> lines = text.lines().toList();
        StringBuilder s = new StringBuilder();
        for (String line : lines.subList(0, Math.min(lines.size(), RESULT_LINES))) {
            s.append("  ").append(line).append('\n');
        }
        if (lines.size() > RESULT_LINES) {
            s.append("  … (").append(lines.size() - RESULT_LINES).append(" more lines)\n");
        }
        return s.toString();
    }

    // ---- HTTP

    private Object get(String path) throws DemoException, IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT).header("Accept", "application/json")
                .GET().build());
    }

    private Object put(String path, String json) throws DemoException, IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT).header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private Object send(HttpRequest request) throws DemoException, IOException, InterruptedException {
        String what = request.method() + " " + request.uri();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new DemoException("no Glassbox server answers at " + base + " (" + what + "): start one with "
                    + "deploy/run.sh, or point GLASSBOX_URL (or GLASSBOX_HTTP_PORT) at yours");
        } catch (HttpTimeoutException e) {
            throw new DemoException(what + " timed out: " + e.getMessage());
        }
        if (response.statusCode() / 100 != 2) {
            throw new DemoException(what + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return Json.parse(response.body());
        } catch (IllegalArgumentException e) {
            throw new DemoException(what + " did not answer JSON (" + e.getMessage() + "): " + response.body());
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
