package io.glassbox.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.AttributeList;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo study of the built-in plugin as {@code deploy/demo.sh} makes it: the plugin's {@code DemoStudy} run
 * from the staged plugin jar with PixelMed, in its own JVM (the plugin's classes stay off the server's class path).
 * A real head CT with synthetic lesions, and its ground truth.
 */
public final class DemoSeries {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoSeries() {
    }

    /** Writes the series into {@code out} ({@code --all-slices}: the whole volume) and returns its ground truth. */
    public static JsonNode write(Path out, boolean allSlices) throws IOException, InterruptedException {
        Files.createDirectories(out);
        Path pixelmed;
        try {
            pixelmed = Path.of(AttributeList.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", pluginJar() + File.pathSeparator + pixelmed,
                "io.glassbox.plugins.hyperdenselesion.demo.DemoStudy", "--out", out.toString()));
        if (allSlices) {
            command.add("--all-slices");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("DemoStudy failed: " + output);
        }
        return JSON.readTree(out.resolve("ground-truth.json").toFile());
    }

    /** The built-in plugin's jar as the build stages it for tests ({@code target/glassbox-plugins/builtin}). */
    static Path pluginJar() throws IOException {
        Path builtin = Path.of("target", "glassbox-plugins", "builtin");
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(builtin, "glassbox-plugin-ct-hyperdense-lesion-*")) {
            for (Path dir : dirs) {
                try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "glassbox-plugin-*.jar")) {
                    for (Path jar : jars) {
                        return jar.toAbsolutePath();
                    }
                }
            }
        }
        throw new IOException("the built-in plugin is not staged under " + builtin.toAbsolutePath()
                + " (the build's process-resources does it)");
    }
}
