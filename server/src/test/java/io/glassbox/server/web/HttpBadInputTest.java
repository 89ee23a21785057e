package io.glassbox.server.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.web.Routes.Route;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every route the application serves (as {@link Routes} reads them from the resource classes, so a new route is
 * covered without being listed here) gets hostile input: control characters and very long strings in each path
 * and query parameter, text where numbers go, absurd numbers and ranges, QIDO-RS keys with out-of-range values,
 * broken Accept and Content-Type headers, bodies that are not what the route takes, methods it does not have and
 * OPTIONS. None may answer 5xx, and every 4xx must be a problem body whose detail names no Java class.
 */
@QuarkusTest
class HttpBadInputTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a leaked exception looks like in a detail: a qualified class name or an exception's simple name. */
    private static final Pattern JAVA_NAME = Pattern.compile(
            "\\b(java|javax|jakarta|io\\.glassbox|io\\.quarkus|org|com)\\.[a-z]+\\.|\\b[A-Z][A-Za-z]*(Exception|Error)\\b");

    /** Plausible values for the path parameters, so that each hostile value is tried with the others sound. */
    private static final Map<String, String> PLAUSIBLE = Map.of("study", "1.2.3", "series", "1.2.3.4",
            "instance", "1.2.3.4.5", "frames", "1", "path", "7FE00010", "id", "1");

    private static final String LONG = "9".repeat(2000);
    private static final List<String> HOSTILE_VALUES = List.of("\u0000", "1.2\u00003", "\u0001\u001f\u007f", "\r\nX: y",
            LONG, "abc", "-1", "-99999999999", "99999999999999999999999", "1e999999", "NaN", "1-2-3", "*", "%",
            "..", "' OR 1=1 --", "\uFFFF", "\uD800");

    /**
     * QIDO-RS keys with values of the wrong form or out of range for their VR; sent to every GET route (the others
     * ignore them).
     */
    private static final Map<String, List<String>> QIDO = new LinkedHashMap<>();

    static {
        QIDO.put("StudyTime", List.of("256199", "2561", "1260", "126061", "-", "a-b", "120000-256199"));
        QIDO.put("StudyDate", List.of("20251399", "20250230", "2025", "99999999-", "20250101-20241301", "--"));
        QIDO.put("AcquisitionDateTime", List.of("20251399", "2025010125", "999999999999999999999"));
        QIDO.put("Rows", List.of("-99999999999", "65536", "-1", "1.5", "abc", "99999999999999999999"));
        QIDO.put("NumberOfFrames", List.of("99999999999", "x"));
        QIDO.put("SeriesNumber", List.of("99999999999999", "1e3"));
        QIDO.put("SliceThickness", List.of("1e999999999", "NaN", "Infinity", "1" + "0".repeat(400)));
        QIDO.put("BitsAllocated", List.of("-5", "70000"));
        QIDO.put("StudyInstanceUID", List.of("\u0000", "1.2.*", LONG));
        QIDO.put("PatientName", List.of("\u0000", "a\u0001b", LONG));
        QIDO.put("limit", List.of("abc", "-1", "99999999999"));
        QIDO.put("offset", List.of("abc", "-1", "99999999999"));
        QIDO.put("includefield", List.of("\u0000", "NoSuchKeyword", "7FE00010", "00000000"));
        QIDO.put("fuzzymatching", List.of("maybe"));
        QIDO.put("00100010.00080100", List.of("x"));
        QIDO.put("\u0000", List.of("x"));
    }

    private static final List<String> BAD_ACCEPT = List.of("", " ", "%%%", "multipart/related; type=",
            "text/html;q=abc", "/", "application/", ";;;", "multipart/related; type=\"application/dicom\"; boundary",
            "image/png, ,", "a/b/c");
    private static final List<String> BAD_CONTENT_TYPE = List.of("", "%%%", "multipart/related",
            "multipart/related; boundary=", "application/json; charset=nope", "text/plain", "/", "a/b/c");
    private static final List<String> BAD_BODIES = List.of("", "\u0000", "{", "[]", "null", "{\"rules\": \"x\"}",
            "{\"sopInstanceUid\": \"\u0000\", \"destination\": \"\u0000\"}",
            "{\"sopInstanceUid\": \"1.2\\u00003\", \"destination\": \"x\"}",
            "{\"sopInstanceUid\": \"1.2.3\", \"destination\": \"a\\u0000b\"}",
            "{\"sopInstanceUid\": \"" + "9".repeat(5000) + "\", \"destination\": \"x\"}", "--b\r\n\r\n--b--");
    private static final List<String> OTHER_METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");

    @TestHTTPResource("/")
    URL root;

    @Inject
    Routes routes;

    @Inject
    IndexFixture index;

    private final List<String> failures = new ArrayList<>();
    private int sent;

    @BeforeEach
    void clean() throws Exception {
        index.clear();
    }

    @Test
    void everyRouteAnswersHostileInputWith4xxProblemsAndNever5xx() throws Exception {
        assertTrue(routes.all().size() >= 20, () -> "found only these routes: " + routes.all());
        for (Route route : routes.all()) {
            for (String parameter : route.pathParameters()) {
                for (String value : HOSTILE_VALUES) {
                    Map<String, String> values = new LinkedHashMap<>(PLAUSIBLE);
                    values.put(parameter, value);
                    send(route.httpMethod(), path(route, values), Map.of(), body(route));
                }
            }
            for (String parameter : route.queryParameters()) {
                for (String value : HOSTILE_VALUES) {
                    send(route.httpMethod(), path(route, PLAUSIBLE) + "?" + query(parameter, value), Map.of(),
                            body(route));
                }
            }
            if (route.httpMethod().equals("GET")) {
                for (Map.Entry<String, List<String>> key : QIDO.entrySet()) {
                    for (String value : key.getValue()) {
                        send("GET", path(route, PLAUSIBLE) + "?" + query(key.getKey(), value), Map.of(), null);
                    }
                }
            }
            for (String accept : BAD_ACCEPT) {
                send(route.httpMethod(), path(route, PLAUSIBLE), Map.of("Accept", accept), body(route));
            }
            if (body(route) != null) {
                for (String contentType : BAD_CONTENT_TYPE) {
                    send(route.httpMethod(), path(route, PLAUSIBLE), Map.of("Content-Type", contentType), "x");
                }
                for (String b : BAD_BODIES) {
                    send(route.httpMethod(), path(route, PLAUSIBLE), Map.of("Content-Type", "application/json"), b);
                    send(route.httpMethod(), path(route, PLAUSIBLE),
                            Map.of("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=b"), b);
                }
            }
            Set<String> declared = routes.all().stream().filter(r -> r.template().equals(route.template()))
                    .map(Route::httpMethod).collect(java.util.stream.Collectors.toSet());
            for (String method : OTHER_METHODS) {
                if (!declared.contains(method)) {
                    send(method, path(route, PLAUSIBLE), Map.of(), method.equals("GET") ? null : "x");
                }
            }
            send("OPTIONS", path(route, PLAUSIBLE), Map.of(), null);
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + sent + " hostile requests were answered"
                + " wrongly:\n" + String.join("\n", failures.subList(0, Math.min(60, failures.size()))));
    }

    /** The route's path with the given values percent-encoded into its parameters. */
    private static String path(Route route, Map<String, String> values) {
        String p = route.template();
        for (String name : route.pathParameters()) {
            String v = values.getOrDefault(name, "1");
            p = p.replace("{" + name + "}", name.equals("path") && v.equals(PLAUSIBLE.get("path")) ? v : encode(v));
        }
        return p;
    }

    private static String query(String name, String value) {
        return encode(name) + "=" + encode(value);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A body for the methods that take one (a hostile one: nothing here may be stored or replaced). */
    private static String body(Route route) {
        return route.httpMethod().equals("POST") || route.httpMethod().equals("PUT") ? "{" : null;
    }

    private void send(String method, String pathAndQuery, Map<String, String> headers, String body)
            throws IOException, InterruptedException {
        String url = root.toString().replaceAll("/$", "") + pathAndQuery;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        HttpResponse<InputStream> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] received;
        try (InputStream in = r.body()) {
            // An event stream opened by a sound request to an event route never ends: its status and type are
            // what is checked, and it is closed unread.
            boolean eventStream = r.statusCode() == 200
                    && r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            received = eventStream ? new byte[0] : in.readAllBytes();
        }
        sent++;
        String what = method + " " + shorten(pathAndQuery) + " " + headers + " -> " + r.statusCode() + " "
                + shorten(new String(received, StandardCharsets.UTF_8));
        int status = r.statusCode();
        if (status >= 500) {
            failures.add("5xx: " + what);
            return;
        }
        if (status < 400) {
            return;
        }
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith(Problem.MEDIA_TYPE)) {
            failures.add("not a problem body: " + what);
            return;
        }
        JsonNode problem;
        try {
            problem = JSON.readTree(received);
        } catch (IOException e) {
            failures.add("problem body is not JSON: " + what);
            return;
        }
        if (problem.path("status").asInt() != status || problem.path("detail").asText().isBlank()) {
            failures.add("problem body without its status or a detail: " + what);
        }
        if (JAVA_NAME.matcher(problem.path("detail").asText()).find()) {
            failures.add("detail names Java classes: " + what);
        }
    }

    private static String shorten(String s) {
        String visible = s.replaceAll("\\p{Cntrl}", "?");
        return visible.length() > 200 ? visible.substring(0, 200) + "…" : visible;
    }

    @Test
    void routesAreReadFromTheResourceClasses() {
        List<String> templates = routes.all().stream().map(r -> r.httpMethod() + " " + r.template()).toList();
        for (String expected : List.of("GET /dicomweb/studies", "POST /dicomweb/studies",
                "GET /dicomweb/studies/{study}/series/{series}/instances/{instance}/bulkdata/{path}",
                "GET /api/jobs/{id}", "PUT /api/routing-rules", "GET /api/plugins",
                "GET /api/studies/{study}/results", "POST /api/forwarding/{id}/retry")) {
            assertTrue(templates.contains(expected), () -> expected + " missing from " + templates);
        }
        assertFalse(routes.templates().stream().anyMatch(t -> t.contains(":")), routes.templates()::toString);
    }
}
