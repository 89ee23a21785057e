package io.glassbox.server.plugins;

import io.glassbox.plugin.api.DiagnosticPlugin;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Builds real plugin jars for tests: sources compiled with the JDK's compiler against the plugin API. */
final class FixturePlugins {

    private FixturePlugins() {
    }

    /**
     * A plugin class {@code fixture.EchoPlugin} whose manifest has the given id and version and whose display name
     * comes from {@code nameExpression} (Java code); its analysis gives each image a finding score of
     * {@code score}.
     */
    static String echoPlugin(String id, String version, String nameExpression, double score, String constructorBody) {
        return echoPlugin(id, version, nameExpression, score, constructorBody, "PluginApi.VERSION");
    }

    /**
     * As {@link #echoPlugin(String, String, String, double, String)}, stating the plugin API version
     * {@code apiVersionExpression} (Java code: {@code PluginApi.VERSION}, the API it is compiled against, or a
     * literal such as {@code "2.0"} to stand for a plugin built against another API).
     */
    static String echoPlugin(String id, String version, String nameExpression, double score, String constructorBody,
                             String apiVersionExpression) {
        return echoPlugin(id, version, nameExpression, score, constructorBody, apiVersionExpression, "");
    }

    /** As above, with {@code members} (Java code: methods such as an override of a defaulted API method) added. */
    static String echoPlugin(String id, String version, String nameExpression, double score, String constructorBody,
                             String apiVersionExpression, String members) {
        return """
                package fixture;

                import io.glassbox.plugin.api.*;
                import java.util.*;

                public final class EchoPlugin implements DiagnosticPlugin {
                    public EchoPlugin() { %s }
                    public PluginManifest manifest() {
                        return new PluginManifest("%s", %s, "%s", "Fixture", "Tests only.",
                                RegulatoryStatus.NOT_A_MEDICAL_DEVICE,
                                new Acceptance(Set.of(), Set.of(), Set.of(), ImageKind.SINGLE_IMAGE),
                                new InputRequirements(4, 4, 1, IntensityHandling.modalityUnits(), 0, 1),
                                List.of(new OutputClass("finding", "Finding", true,
                                        new Concept("FIXTURE", "99FIXTURE", "Fixture finding"))),
                                ExplanationOffer.none(),
                                new ResourceNeeds(Set.of(ComputeDevice.Kind.CPU), 0, 1), null, %s);
                    }
                    public void open(PluginConfiguration configuration, ComputeDevice device) { }
                    public List<ImageResult> analyse(List<DecodedImage> images, AnalysisRequest request) {
                        List<ImageResult> results = new ArrayList<>();
                        for (DecodedImage image : images) {
                            results.add(new ImageResult(image.imageId(), Map.of("finding", %s), List.of(), List.of(),
                                    new Timings(images.size(), 0, 0, 0)));
                        }
                        return results;
                    }
                    public void close() { }
                    %s
                }
                """.formatted(constructorBody, id, nameExpression, version, apiVersionExpression,
                Double.toString(score), members);
    }

    /** Compiles {@code sources} (class name → source) and writes them, with a service file if given, to a jar. */
    static Path jar(Path jar, Map<String, String> sources, String serviceImplementation, Path... classPath)
            throws IOException {
        Path classes = Files.createTempDirectory("fixture-classes");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, source) -> units.add(new SimpleJavaFileObject(
                java.net.URI.create("string:///" + name.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        }));
        List<String> path = new ArrayList<>();
        path.add(apiLocation().toString());
        for (Path entry : classPath) {
            path.add(entry.toString());
        }
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            boolean compiled = compiler.getTask(diagnostics, files, null,
                    List.of("-d", classes.toString(), "-classpath", String.join(java.io.File.pathSeparator, path),
                            "--release", "17", "-proc:none"), null, units).call();
            if (!compiled) {
                throw new IllegalStateException("fixture does not compile: " + diagnostics);
            }
        }
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> walk = Files.walk(classes)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
            if (serviceImplementation != null) {
                out.putNextEntry(new JarEntry("META-INF/services/" + DiagnosticPlugin.class.getName()));
                OutputStream entry = out;
                entry.write((serviceImplementation + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Where the plugin API's classes are (a jar or a classes folder). */
    static Path apiLocation() {
        try {
            return Path.of(DiagnosticPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
