package io.glassbox.server.plugins;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.glassbox.plugin.api.PluginApi;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /api/plugins lists a plugin built against another plugin API as incompatible, with the reason. */
@QuarkusTest
@TestProfile(PluginApiVersionResourceTest.TwoFixturePlugins.class)
class PluginApiVersionResourceTest {

    private static final String ECHO = "fixture.EchoPlugin";
    private static final String NEXT_MAJOR = (Integer.parseInt(PluginApi.VERSION.split("\\.")[0]) + 1) + ".0";

    /** A plugins directory with a plugin built against this API and one built against the next major version. */
    public static final class TwoFixturePlugins implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                // under target/ (Quarkus tests run in the module's folder), which the build cleans
                Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "plugins-api-version");
                FixturePlugins.jar(dir.resolve("current.jar"), Map.of(ECHO, FixturePlugins.echoPlugin(
                        "fixture.current-api", "1.0.0", "\"Current\"", 0.5, "", "PluginApi.VERSION")), ECHO);
                FixturePlugins.jar(dir.resolve("next-major.jar"), Map.of(ECHO, FixturePlugins.echoPlugin(
                        "fixture.next-major-api", "1.0.0", "\"Next major\"", 0.5, "", "\"" + NEXT_MAJOR + "\"")), ECHO);
                return Map.of("glassbox.plugins.dir", dir.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void theCompatiblePluginIsAvailableAndTheIncompatibleOneListedWithItsReason() {
        String current = "find { it.id == 'fixture.current-api' }";
        String nextMajor = "find { it.id == 'fixture.next-major-api' }";
        given().when().get("/api/plugins").then()
                .statusCode(200)
                .body(current + ".status", equalTo("available"))
                .body(current + ".errors", empty())
                .body(nextMajor + ".status", equalTo("incompatible"))
                .body(nextMajor + ".source", equalTo("installed"))
                .body(nextMajor + ".location", equalTo("next-major.jar"))
                .body(nextMajor + ".errors[0]", equalTo(PluginApi.incompatibility(NEXT_MAJOR).orElseThrow()))
                .body(nextMajor + ".manifest.apiVersion", equalTo(NEXT_MAJOR))
                .body("find { it.id == 'glassbox.ct-hyperdense-lesion' }.status", equalTo("available"))
                .body("find { it.id == 'corrupt-plugin.jar' }", nullValue());
    }
}
