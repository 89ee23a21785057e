package io.glassbox.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.Multipart;
import io.glassbox.server.testing.TestCorpus;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * An instance stored for each test, and the absolute URLs the server writes about it (STOW-RS and QIDO-RS Retrieve
 * URLs, the WADO-RS metadata's BulkDataURI) for requests with given headers, from the test client (127.0.0.1, the
 * trusted proxy of the test profile) or from another loopback address.
 */
abstract class ForwardedUrlsFixture {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> X_FORWARDED = Map.of("X-Forwarded-Proto", "https",
            "X-Forwarded-Host", "pacs.example.org", "X-Forwarded-Prefix", "/glassbox");

    @TestHTTPResource("/")
    URL root;

    @Inject
    IndexFixture index;

    String study;
    String series;
    String instance;

    @BeforeEach
    void storeOne() throws Exception {
        index.clear();
        Multipart m = Multipart.of(List.of(Files.readAllBytes(TestCorpus.file("CT_small.dcm"))));
        HttpResponse<String> r = send("POST", "dicomweb/studies", Map.of("Content-Type", m.contentType()), m.close());
        assertEquals(200, r.statusCode(), r::body);
        JsonNode stored = JSON.readTree(r.body()).path("00081199").path("Value").get(0);
        instance = stored.path("00081155").path("Value").get(0).asText();
        study = index.string("SELECT st.study_instance_uid FROM instance i JOIN series se ON se.pk = i.series_fk"
                + " JOIN study st ON st.pk = se.study_fk WHERE i.sop_instance_uid = ?", instance);
        series = index.string("SELECT se.series_instance_uid FROM instance i JOIN series se ON se.pk = i.series_fk"
                + " WHERE i.sop_instance_uid = ?", instance);
    }

    @AfterEach
    void clean() throws Exception {
        index.clear();
    }

    HttpResponse<String> send(String method, String path, Map<String, String> headers, byte[] body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String instancePath() {
        return "dicomweb/studies/" + study + "/series/" + series + "/instances/" + instance;
    }

    /** The Retrieve URL a STOW-RS answer, a QIDO-RS answer and the Pixel Data BulkDataURI of WADO-RS metadata give. */
    List<String> urlsWritten(Map<String, String> headers) throws Exception {
        Multipart m = Multipart.of(List.of(Files.readAllBytes(TestCorpus.file("CT_small.dcm"))));
        Map<String, String> stow = new java.util.HashMap<>(headers);
        stow.put("Content-Type", m.contentType());
        HttpResponse<String> stored = send("POST", "dicomweb/studies", stow, m.close());
        assertEquals(200, stored.statusCode(), stored::body);
        HttpResponse<String> qido = send("GET", "dicomweb/studies?StudyInstanceUID=" + study, headers, null);
        HttpResponse<String> metadata = send("GET", instancePath() + "/metadata", headers, null);
        assertEquals(200, qido.statusCode(), qido::body);
        assertEquals(200, metadata.statusCode(), metadata::body);
        return List.of(JSON.readTree(stored.body()).path("00081199").path("Value").get(0).path("00081190")
                        .path("Value").get(0).asText(),
                JSON.readTree(qido.body()).get(0).path("00081190").path("Value").get(0).asText(),
                JSON.readTree(metadata.body()).get(0).path("7FE00010").path("BulkDataURI").asText());
    }

    List<String> expected(String base) {
        return List.of(base + "/" + instancePath(), base + "/dicomweb/studies/" + study,
                base + "/" + instancePath() + "/bulkdata/7FE00010");
    }

    /** One HTTP/1.1 request on a connection from the given local address; the whole answer as text. */
    String rawGet(String localAddress, String path, Map<String, String> headers) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            s.connect(new InetSocketAddress(InetAddress.getByName(root.getHost()), root.getPort()), 10_000);
            s.setSoTimeout(60_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + root.getHost() + ":"
                    + root.getPort() + "\r\nAccept: application/dicom+json\r\nConnection: close\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            OutputStream out = s.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

}
