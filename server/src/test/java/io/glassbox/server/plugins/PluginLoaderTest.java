package io.glassbox.server.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.plugin.api.AnalysisRequest;
import io.glassbox.plugin.api.DecodedImage;
import io.glassbox.plugin.api.DiagnosticPlugin;
import io.glassbox.plugin.api.ImageAttributes;
import io.glassbox.plugin.api.ImageResult;
import io.glassbox.plugin.api.PluginApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLoaderTest {

    private static final String ECHO = "fixture.EchoPlugin";

    @TempDir
    Path plugins;

    private PluginLoader loader;

    @BeforeEach
    void loader() throws Exception {
        loader = new PluginLoader(PluginLoaderTest.class.getClassLoader(), null);
    }

    @AfterEach
    void close() throws Exception {
        loader.close();
    }

    @Test
    void twoVersionsOfOnePluginLoadSideBySideEachInItsOwnClassLoader() throws Exception {
        FixturePlugins.jar(plugins.resolve("echo-1.0.0.jar"),
                Map.of(ECHO, FixturePlugins.echoPlugin("fixture.echo", "1.0.0", "\"Echo\"", 0.25, "")), ECHO);
        // version 2 is a folder: its jar uses a helper class from a library in lib/
        Path helper = FixturePlugins.jar(plugins.resolve("echo-2.0.0/lib/helper.jar"),
                Map.of("fixture.Helper", "package fixture; public final class Helper { public static String name() { return \"Echo from lib\"; } }"),
                null);
        FixturePlugins.jar(plugins.resolve("echo-2.0.0/echo.jar"),
                Map.of(ECHO, FixturePlugins.echoPlugin("fixture.echo", "2.0.0", "Helper.name()", 0.75, "")), ECHO, helper);

        List<InstalledPlugin> found = loader.discover(plugins, PluginSource.INSTALLED);

        assertEquals(2, found.size(), describe(found));
        InstalledPlugin one = found.get(0);
        InstalledPlugin two = found.get(1);
        assertEquals(PluginStatus.AVAILABLE, one.status(), describe(found));
        assertEquals(PluginStatus.AVAILABLE, two.status(), describe(found));
        assertEquals("1.0.0", one.manifest().version());
        assertEquals("2.0.0", two.manifest().version());
        assertEquals("Echo", one.manifest().name());
        assertEquals("Echo from lib", two.manifest().name());
        assertEquals(one.plugin().getClass().getName(), two.plugin().getClass().getName());
        assertNotSame(one.plugin().getClass(), two.plugin().getClass(), "each version has its own class");
        assertNotSame(one.plugin().getClass().getClassLoader(), two.plugin().getClass().getClassLoader());
        assertSame(DiagnosticPlugin.class, one.plugin().getClass().getInterfaces()[0],
                "the plugin API is the server's own, shared");
        assertEquals(0.25, analyseOne(one).scores().get("finding"));
        assertEquals(0.75, analyseOne(two).scores().get("finding"));
        found.forEach(plugin -> {
            try {
                plugin.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void brokenPluginsAreReportedWithTheirReasonsAndNeverThrow() throws Exception {
        FixturePlugins.jar(plugins.resolve("a-bad-manifest.jar"),
                Map.of(ECHO, FixturePlugins.echoPlugin("Not An Id", "1.0", "\"Bad\"", 0, "")), ECHO);
        FixturePlugins.jar(plugins.resolve("b-throws.jar"),
                Map.of(ECHO, FixturePlugins.echoPlugin("fixture.throws", "1.0.0", "\"T\"", 0,
                        "if (true) throw new IllegalStateException(\"weights missing\");")), ECHO);
        Files.write(plugins.resolve("c-corrupt.jar"), "not a zip".getBytes(StandardCharsets.UTF_8));
        FixturePlugins.jar(plugins.resolve("d-no-service.jar"),
                Map.of(ECHO, FixturePlugins.echoPlugin("fixture.quiet", "1.0.0", "\"Q\"", 0, "")), null);
        FixturePlugins.jar(plugins.resolve("e-missing-class.jar"),
                Map.of("fixture.Other", "package fixture; public final class Other { }"), "fixture.DoesNotExist");
        Files.createDirectories(plugins.resolve("f-empty-folder"));
        Files.writeString(plugins.resolve("notes.txt"), "ignored: neither a jar nor a folder");

        Map<String, InstalledPlugin> byFile = loader.discover(plugins, PluginSource.INSTALLED).stream()
                .collect(Collectors.toMap(p -> p.location().getFileName().toString(), p -> p));

        assertEquals(6, byFile.size(), byFile.keySet().toString());
        InstalledPlugin badManifest = byFile.get("a-bad-manifest.jar");
        assertEquals(PluginStatus.INVALID, badManifest.status());
        assertNull(badManifest.plugin(), "an invalid plugin is never handed out");
        assertTrue(badManifest.errors().stream().anyMatch(e -> e.startsWith("id must be")), badManifest.errors().toString());
        assertTrue(badManifest.errors().stream().anyMatch(e -> e.startsWith("version must be")), badManifest.errors().toString());
        assertError(byFile.get("b-throws.jar"), "fixture.EchoPlugin cannot be instantiated", "weights missing");
        assertError(byFile.get("c-corrupt.jar"), "c-corrupt.jar is not a readable jar");
        assertError(byFile.get("d-no-service.jar"), "no plugin declared");
        assertError(byFile.get("e-missing-class.jar"), "cannot read the plugin's service declaration", "fixture.DoesNotExist");
        assertError(byFile.get("f-empty-folder"), "the folder holds no jar");
    }

    @Test
    void aSecondCopyOfTheSameVersionIsMarkedDuplicate() throws Exception {
        FixturePlugins.jar(plugins.resolve("echo-a.jar"),
                Map.of(ECHO, FixturePlugins.echoPlugin("fixture.echo", "1.0.0", "\"A\"", 0, "")), ECHO);
        FixturePlugins.jar(plugins.resolve("echo-b.jar"),
                Map.of(ECHO, FixturePlugins.echoPlugin("fixture.echo", "1.0.0", "\"B\"", 0, "")), ECHO);
        List<InstalledPlugin> found = PluginLoader.markDuplicates(loader.discover(plugins, PluginSource.INSTALLED));
        assertEquals(PluginStatus.AVAILABLE, found.get(0).status());
        assertEquals(PluginStatus.DUPLICATE, found.get(1).status());
        assertNull(found.get(1).plugin());
        assertTrue(found.get(1).errors().get(0).contains("already installed from " + found.get(0).location()),
                found.get(1).errors().toString());
    }

    @Test
    void aPluginBuiltAgainstAnotherApiIsRefusedWithTheReasonAndOneBuiltAgainstThisApiLoads() throws Exception {
        String[] host = PluginApi.VERSION.split("\\.");
        int major = Integer.parseInt(host[0]);
        int minor = Integer.parseInt(host[1]);
        FixturePlugins.jar(plugins.resolve("a-this-api.jar"), Map.of(ECHO, FixturePlugins.echoPlugin(
                "fixture.current", "1.0.0", "\"Current\"", 0.5, "", "PluginApi.VERSION")), ECHO);
        FixturePlugins.jar(plugins.resolve("b-older-minor.jar"), Map.of(ECHO, FixturePlugins.echoPlugin(
                "fixture.older", "1.0.0", "\"Older\"", 0.5, "", "\"" + major + ".0\"")), ECHO);
        FixturePlugins.jar(plugins.resolve("c-next-major.jar"), Map.of(ECHO, FixturePlugins.echoPlugin(
                "fixture.next-major", "1.0.0", "\"Next major\"", 0.5, "", "\"" + (major + 1) + ".0\"")), ECHO);
        FixturePlugins.jar(plugins.resolve("d-newer-minor.jar"), Map.of(ECHO, FixturePlugins.echoPlugin(
                "fixture.newer-minor", "1.0.0", "\"Newer minor\"", 0.5, "", "\"" + major + "." + (minor + 1) + "\"")),
                ECHO);
        FixturePlugins.jar(plugins.resolve("e-no-api-version.jar"), Map.of(ECHO, FixturePlugins.echoPlugin(
                "fixture.unstated", "1.0.0", "\"Unstated\"", 0.5, "", "null")), ECHO);

        Map<String, InstalledPlugin> byFile = loader.discover(plugins, PluginSource.INSTALLED).stream()
                .collect(Collectors.toMap(p -> p.location().getFileName().toString(), p -> p));

        for (String compatible : List.of("a-this-api.jar", "b-older-minor.jar")) {
            InstalledPlugin plugin = byFile.get(compatible);
            assertEquals(PluginStatus.AVAILABLE, plugin.status(), compatible + " " + plugin.errors());
            assertEquals(List.of(), plugin.errors());
            assertEquals(0.5, analyseOne(plugin).scores().get("finding"));
        }
        assertEquals(PluginApi.VERSION, byFile.get("a-this-api.jar").manifest().apiVersion());
        InstalledPlugin nextMajor = byFile.get("c-next-major.jar");
        assertEquals(PluginStatus.INCOMPATIBLE, nextMajor.status());
        assertNull(nextMajor.plugin(), "an incompatible plugin is never handed out");
        assertEquals(List.of(PluginApi.incompatibility((major + 1) + ".0").orElseThrow()), nextMajor.errors());
        assertTrue(nextMajor.errors().get(0).startsWith("built against plugin API " + (major + 1) + ".0, but this "
                + "server provides plugin API " + PluginApi.VERSION), nextMajor.errors().toString());
        InstalledPlugin newerMinor = byFile.get("d-newer-minor.jar");
        assertEquals(PluginStatus.INCOMPATIBLE, newerMinor.status());
        assertNull(newerMinor.plugin());
        assertTrue(newerMinor.errors().get(0).startsWith("built against plugin API " + major + "." + (minor + 1)
                + ", newer than this server's plugin API " + PluginApi.VERSION), newerMinor.errors().toString());
        InstalledPlugin unstated = byFile.get("e-no-api-version.jar");
        assertEquals(PluginStatus.INVALID, unstated.status());
        assertNull(unstated.plugin());
        assertTrue(unstated.errors().stream().anyMatch(e -> e.startsWith("apiVersion is required")),
                unstated.errors().toString());
        byFile.values().forEach(plugin -> {
            try {
                plugin.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aValidationReportIsReadOnceAtLoadAndOneThatIsNotAJsonObjectMakesThePluginInvalid() throws Exception {
        Map<String, String> reports = Map.of(
                "a-report.jar", "{\\\"explanations\\\": {\\\"methods\\\": [{\\\"method\\\": \\\"cam\\\"}]}}",
                "b-array.jar", "[1, 2]",
                "c-malformed.jar", "{\\\"explanations\\\": ");
        for (Map.Entry<String, String> report : reports.entrySet()) {
            FixturePlugins.jar(plugins.resolve(report.getKey()), Map.of(ECHO, FixturePlugins.echoPlugin(
                    "fixture." + report.getKey().charAt(0), "1.0.0", "\"R\"", 0, "", "PluginApi.VERSION",
                    "public Optional<String> validationReport() { return Optional.of(\"" + report.getValue() + "\"); }")),
                    ECHO);
        }
        FixturePlugins.jar(plugins.resolve("d-none.jar"),
                Map.of(ECHO, FixturePlugins.echoPlugin("fixture.d", "1.0.0", "\"N\"", 0, "")), ECHO);

        Map<String, InstalledPlugin> byFile = loader.discover(plugins, PluginSource.INSTALLED).stream()
                .collect(Collectors.toMap(p -> p.location().getFileName().toString(), p -> p));

        InstalledPlugin published = byFile.get("a-report.jar");
        assertEquals(PluginStatus.AVAILABLE, published.status(), published.errors().toString());
        assertEquals("cam", published.validation().path("explanations").path("methods").path(0).path("method").asText());
        InstalledPlugin array = byFile.get("b-array.jar");
        assertEquals(PluginStatus.INVALID, array.status());
        assertNull(array.plugin());
        assertTrue(array.errors().get(0).startsWith("its validation report cannot be read")
                && array.errors().get(0).contains("not a JSON object"), array.errors().toString());
        InstalledPlugin malformed = byFile.get("c-malformed.jar");
        assertEquals(PluginStatus.INVALID, malformed.status());
        assertTrue(malformed.errors().get(0).startsWith("its validation report cannot be read"),
                malformed.errors().toString());
        InstalledPlugin none = byFile.get("d-none.jar");
        assertEquals(PluginStatus.AVAILABLE, none.status());
        assertNull(none.validation(), "a plugin that publishes no report has none");
    }

    @Test
    void anAbsentDirectoryHoldsNoPlugins() {
        assertEquals(List.of(), loader.discover(plugins.resolve("missing"), PluginSource.INSTALLED));
    }

    private static ImageResult analyseOne(InstalledPlugin plugin) throws Exception {
        DecodedImage image = DecodedImage.greyscale("1.2.3", 4, 4, new float[16], ImageAttributes.empty());
        return plugin.call(() -> plugin.plugin().analyse(List.of(image), AnalysisRequest.scoresOnly())).get(0);
    }

    private static void assertError(InstalledPlugin plugin, String... fragments) {
        assertEquals(PluginStatus.FAILED, plugin.status(), plugin.errors().toString());
        assertNull(plugin.plugin());
        String errors = String.join("\n", plugin.errors());
        for (String fragment : fragments) {
            assertTrue(errors.contains(fragment), "'" + fragment + "' not in: " + errors);
        }
    }

    private static String describe(List<InstalledPlugin> plugins) {
        return plugins.stream().map(p -> p.location().getFileName() + " " + p.status() + " " + p.errors())
                .collect(Collectors.joining("\n"));
    }
}
