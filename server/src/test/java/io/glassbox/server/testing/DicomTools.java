package io.glassbox.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real DICOM tools the tests check objects with: {@code dciodvfy} (Debian dicom3tools) and {@code dcmdump},
 * {@code dcm2pnm} (Debian dcmtk). Each run is bounded in time; a missing tool fails the test with the package to
 * install.
 */
public final class DicomTools {

    private static final long TIMEOUT_SECONDS = 60;

    private DicomTools() {}

    /** What a tool printed (stdout and stderr together) and its exit status. */
    public record Run(int exitCode, String output) {
        public List<String> lines() {
            return output.lines().toList();
        }
    }

    /** dciodvfy's verdict on one file: its "Error" and "Warning" lines. */
    public record Verdict(List<String> errors, List<String> warnings, String output) {}

    public static Verdict dciodvfy(Path file) throws IOException, InterruptedException {
        Run run = run("dicom3tools", "dciodvfy", "-new", file.toString());
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (String line : run.lines()) {
            if (line.startsWith("Error") || line.startsWith("Abort")) {
                errors.add(line);
            } else if (line.startsWith("Warning")) {
                warnings.add(line);
            }
        }
        return new Verdict(errors, warnings, run.output());
    }

    public static Run dcmdump(Path file) throws IOException, InterruptedException {
        return run("dcmtk", "dcmdump", "--print-all", file.toString());
    }

    /** Converts an image object to a PNG (non-interlaced) for people to look at. */
    public static Run dcm2png(Path file, Path png) throws IOException, InterruptedException {
        return run("dcmtk", "dcm2pnm", "--write-png", "--nointerlace", file.toString(), png.toString());
    }

    public static Run run(String debianPackage, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("glassbox-tool", ".log");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new IOException(command[0] + " cannot be run (Debian package " + debianPackage
                        + "; deploy/setup.sh test installs it): " + e.getMessage(), e);
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command[0] + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
