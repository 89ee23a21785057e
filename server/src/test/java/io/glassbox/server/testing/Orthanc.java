package io.glassbox.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Orthanc as the PACS of a test: its own storage under a directory, DICOM (AE ORTHANC) and REST on free
 * loopback ports, any sender allowed to store.
 */
public final class Orthanc implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int dicomPort;
    private final int httpPort;

    private Orthanc(Process process, int dicomPort, int httpPort) {
        this.process = process;
        this.dicomPort = dicomPort;
        this.httpPort = httpPort;
    }

    /** The configuration file's content for storage under {@code directory}. */
    public static String configuration(Path directory, int httpPort, int dicomPort) {
        return """
                {
                  "Name": "glassbox-test",
                  "StorageDirectory": "%1$s/storage",
                  "IndexDirectory": "%1$s/index",
                  "StorageCompression": false,
                  "HttpServerEnabled": true,
                  "HttpPort": %2$d,
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": false,
                  "DicomServerEnabled": true,
                  "DicomAet": "ORTHANC",
                  "DicomPort": %3$d,
                  "DicomAlwaysAllowStore": true,
                  "DicomCheckCalledAet": false
                }
                """.formatted(directory, httpPort, dicomPort);
    }

    /** Starts Orthanc and waits (at most 30 s) until its REST API answers. */
    public static Orthanc start(Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        int http = ServerProcesses.freePort();
        int dicom = ServerProcesses.freePort();
        Path config = directory.resolve("orthanc.json");
        Files.writeString(config, configuration(directory, http, dicom));
        Process p = new ProcessBuilder("Orthanc", config.toString()).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(directory.resolve("orthanc.log").toFile()).start();
        Orthanc orthanc = new Orthanc(p, dicom, http);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (orthanc.get("/system").statusCode() == 200) {
                    Dcmtk.awaitListening(dicom);
                    return orthanc;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        orthanc.close();
        throw new IOException("Orthanc did not answer on HTTP port " + http + " within 30 s");
    }

    public int dicomPort() {
        return dicomPort;
    }

    public HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Whether Orthanc holds an object (study, series or instance) with this UID: {@code /tools/lookup}. */
    public boolean holds(String uid) throws IOException, InterruptedException {
        HttpRequest lookup = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/tools/lookup"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(uid)).build();
        HttpResponse<byte[]> r;
        try {
            r = HTTP.send(lookup, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException closed) {
            // Orthanc's web server closes idle keep-alive connections, and the client does not retry a POST on a
            // connection that turns out closed ("header parser received no bytes"); a lookup is safe to repeat.
            r = HTTP.send(lookup, HttpResponse.BodyHandlers.ofByteArray());
        }
        JsonNode found = JSON.readTree(r.body());
        return r.statusCode() == 200 && found.isArray() && !found.isEmpty();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
