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
 * loopback ports, any sender allowed to store. It can be stopped and started again on the same ports with the same
 * storage (a PACS that goes down and comes back).
 */
public final class Orthanc implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path directory;
    private final int dicomPort;
    private final int httpPort;
    private Process process;

    private Orthanc(Path directory, int dicomPort, int httpPort) {
        this.directory = directory;
        this.dicomPort = dicomPort;
        this.httpPort = httpPort;
    }

    /** Starts Orthanc with storage under {@code directory} and waits until it answers. */
    public static Orthanc start(Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Orthanc orthanc = new Orthanc(directory, ServerProcesses.freePort(), ServerProcesses.freePort());
        Files.writeString(directory.resolve("orthanc.json"), """
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
                """.formatted(directory, orthanc.httpPort, orthanc.dicomPort));
        orthanc.restart();
        return orthanc;
    }

    /** Starts the process (again) and waits, at most 30 s, until its REST API and DICOM port answer. */
    public synchronized void restart() throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("Orthanc is running");
        }
        process = new ProcessBuilder("Orthanc", directory.resolve("orthanc.json").toString())
                .directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("orthanc.log").toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get("/system").statusCode() == 200) {
                    Dcmtk.awaitListening(dicomPort);
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        close();
        throw new IOException("Orthanc did not answer on HTTP port " + httpPort + " within 30 s");
    }

    public int dicomPort() {
        return dicomPort;
    }

    public HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).build());
    }

    /** Orthanc's {@code /tools/lookup} of a UID: the resources (study, series or instance) it holds under it. */
    public JsonNode lookup(String uid) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/tools/lookup")).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(uid))
                .build());
        if (r.statusCode() != 200) {
            throw new IOException("Orthanc's lookup of " + uid + " answered " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    /** Whether Orthanc holds an object (study, series or instance) with this UID. */
    public boolean holds(String uid) throws IOException, InterruptedException {
        JsonNode found = lookup(uid);
        return found.isArray() && !found.isEmpty();
    }

    /**
     * Only reads and lookups are sent, so one that meets a keep-alive connection Orthanc's web server had closed
     * ("header parser received no bytes": the client does not retry a POST by itself) is sent once more.
     */
    private static HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException closed) {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    /** Stops the process (it can be started again with {@link #restart}). */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }
}
