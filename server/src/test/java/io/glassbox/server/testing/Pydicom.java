package io.glassbox.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Expectations computed by pydicom (Debian's python3-pydicom, run with /usr/bin/python3), an implementation
 * independent of both the server and PixelMed: see src/test/resources/pydicom_frames.py.
 */
public final class Pydicom {
    private static final Path SCRIPT = Path.of("src/test/resources/pydicom_frames.py");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Pydicom() {}

    /** SHA-256 (hex) of each frame, as stored when encapsulated, little-endian when not. */
    public static List<String> frameSha256s(Path file) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        run(file.toString()).path("frames").forEach(f -> out.add(f.asText()));
        return out;
    }

    /** SHA-256 (hex) of the value at a bulk data tag path. */
    public static String valueSha256(Path file, String tagPath) throws IOException, InterruptedException {
        return run(file.toString(), tagPath).path("sha256").asText();
    }

    private static JsonNode run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("pydicom failed on " + String.join(" ", args) + ": " + err);
        }
        return JSON.readTree(out);
    }
}
