package io.glassbox.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Requests that no resource method serves (405, 406, 431, OPTIONS, 404) carry UIDs in their paths; after
 * them the Prometheus scrape holds none of those UIDs, and every {@code uri} label is a route template or a fixed
 * value, however many distinct paths were requested.
 */
@QuarkusTest
class HttpMetricsLabelsTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern URI_LABEL = Pattern.compile("^http_server_[a-z_]+\\{[^}]*\\buri=\"([^\"]*)\"",
            Pattern.MULTILINE);
    private static final int DISTINCT_PATHS = 20;

    @TestHTTPResource("/")
    URL root;

    @Inject
    Routes routes;

    private int send(String method, String path, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root.toString().replaceAll("/$", "") + path))
                .timeout(Duration.ofSeconds(10)).method(method, method.equals("POST")
                        ? HttpRequest.BodyPublishers.ofString("x") : HttpRequest.BodyPublishers.noBody());
        if (header != null) {
            b.header(header, value);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void onlyRouteTemplatesBecomeUriLabels() throws Exception {
        List<String> uids = new java.util.ArrayList<>();
        for (int k = 0; k < DISTINCT_PATHS; k++) {
            String study = "1.2.826.0.1.3680043.99." + (1000 + k);
            String instance = "/dicomweb/studies/" + study + "/series/" + study + ".1/instances/" + study + ".1.1";
            uids.add(study);
            assertEquals(405, send("DELETE", instance, null, null));
            assertEquals(406, send("GET", instance + "/metadata", "Accept", "image/png"));
            assertEquals(400, send("GET", "/dicomweb/studies/" + study + "x/series", null, null));
            assertEquals(431, oversizedHeader("/dicomweb/studies/" + study + "/series"));
            int options = send("OPTIONS", instance, null, null);
            assertTrue(options < 500, "OPTIONS -> " + options);
            assertEquals(404, send("GET", "/nothing/here/" + study, null, null));
        }
        String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                root.toString().replaceAll("/$", "") + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        for (String uid : uids) {
            assertFalse(scrape.contains(uid), () -> "the metrics carry " + uid + ":\n" + lines(scrape, uid));
        }
        Set<String> labels = new TreeSet<>();
        Matcher m = URI_LABEL.matcher(scrape);
        while (m.find()) {
            labels.add(m.group(1));
        }
        assertFalse(labels.isEmpty(), "no http_server metrics with a uri label in the scrape");
        Set<String> allowed = new HashSet<>(routes.templates());
        allowed.addAll(List.of(HttpMetricsLabels.UNMATCHED, "NOT_FOUND", "REDIRECTION", "root", "/q/metrics",
                "/q/health", "/q/health/ready", "/q/health/live"));
        Set<String> unexpected = new TreeSet<>(labels);
        unexpected.removeIf(l -> allowed.contains(l) || allowed.contains(Routes.normalise(l)));
        assertTrue(unexpected.isEmpty(), () -> "uri labels that are no route template: " + unexpected);
        // However many distinct paths drew each of these answers, they share a label or two.
        for (String answer : List.of("status=\"405\"", "status=\"406\"", "status=\"431\"", "method=\"OPTIONS\"")) {
            Set<String> forAnswer = new TreeSet<>();
            Matcher a = URI_LABEL.matcher(scrape);
            while (a.find()) {
                if (a.group().contains(answer)) {
                    forAnswer.add(a.group(1));
                }
            }
            assertFalse(forAnswer.isEmpty(), () -> "no request with " + answer + " in the scrape");
            assertTrue(forAnswer.size() < DISTINCT_PATHS, () -> answer + " has the uri labels " + forAnswer);
        }
    }

    /**
     * A request whose header is larger than the server takes, on a connection of its own (the server answers 431
     * and closes it).
     */
    private int oversizedHeader(String path) throws Exception {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + root.getHost() + "\r\nX-Padding: " + "x".repeat(24 * 1024)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    private static String lines(String scrape, String needle) {
        return scrape.lines().filter(l -> l.contains(needle)).limit(10).reduce("", (a, b) -> a + b + "\n");
    }
}
