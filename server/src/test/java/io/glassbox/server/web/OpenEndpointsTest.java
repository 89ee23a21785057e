package io.glassbox.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.plugin.api.PluginException;
import io.glassbox.server.config.GlassboxConfig;
import io.glassbox.server.plugins.InstalledPlugin;
import io.glassbox.server.plugins.PluginRegistry;
import io.glassbox.server.testing.Http;
import io.glassbox.server.testing.Http.Reply;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The open endpoints say what state things are in, never where on the server's disk they are. */
@QuarkusTest
class OpenEndpointsTest {

    /** An absolute path with at least one directory: "/x/y". */
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w.:/])/[^/\\s\"]+/[^\\s\"]+");

    @TestHTTPResource("/")
    URL root;

    @Inject
    GlassboxConfig config;

    @Inject
    PluginRegistry plugins;

    private String get(String path) {
        Reply r = Http.get(root.toString().replaceAll("/$", "") + path, null);
        assertEquals(200, r.status(), r::toString);
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void healthSaysTheDataDirectoryIsWritableWithoutItsPath() {
        String dataDir = config.dataDir().toAbsolutePath().normalize().toString();
        for (String path : new String[] {"/q/health", "/q/health/ready"}) {
            String body = get(path);
            assertFalse(body.contains(dataDir), () -> path + " shows the data directory: " + body);
            assertFalse(body.contains(Path.of("").toAbsolutePath().toString()), () -> path + ": " + body);
            assertTrue(body.contains("data directory writable") && body.contains("GiB free"), body);
        }
    }

    @Test
    void pluginsAreListedByFileNameNotByInstallPath() {
        String body = get("/api/plugins");
        assertTrue(body.contains("corrupt-plugin.jar"), body);
        assertFalse(body.contains(Path.of("").toAbsolutePath().toString()), body);
        assertFalse(ABSOLUTE_PATH.matcher(body).find(), () -> "an absolute path in " + body);
    }

    /** A job for a broken plugin fails with this message, and /api/jobs and the study results show it. */
    @Test
    void aBrokenPluginsJobErrorNamesItByFileName() {
        InstalledPlugin corrupt = plugins.all().stream()
                .filter(p -> p.location().getFileName().toString().equals("corrupt-plugin.jar")).findFirst()
                .orElseThrow();
        String message = assertThrows(PluginException.class, () -> plugins.opened(corrupt)).getMessage();
        assertTrue(message.startsWith("corrupt-plugin.jar is "), message);
        assertFalse(message.contains(Path.of("").toAbsolutePath().toString()), message);
        assertFalse(ABSOLUTE_PATH.matcher(message).find(), () -> "an absolute path in " + message);
    }
}
