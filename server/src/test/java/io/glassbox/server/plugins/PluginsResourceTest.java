package io.glassbox.server.plugins;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.oneOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PluginsResourceTest {

    private static final String LESION = "find { it.id == 'glassbox.ct-hyperdense-lesion' }";
    private static final Path PUBLISHED = Path.of("..", "plugins", "ct-hyperdense-lesion", "src", "main", "resources",
            "io", "glassbox", "plugins", "hyperdenselesion", "validation.json");
    private static final String CORRUPT = "find { it.id == 'corrupt-plugin.jar' }";

    @Test
    void listsTheBuiltInPluginWithItsManifest() {
        given().when().get("/api/plugins").then()
                .statusCode(200)
                .contentType("application/json")
                .body(LESION + ".status", equalTo("available"))
                .body(LESION + ".source", equalTo("built-in"))
                .body(LESION + ".errors", org.hamcrest.Matchers.empty())
                .body(LESION + ".manifest.regulatoryStatus", equalTo("not-a-medical-device"))
                .body(LESION + ".manifest.intendedUse", containsString("Not a medical device"))
                .body(LESION + ".manifest.accepts.modalities", hasItem("CT"))
                .body(LESION + ".manifest.accepts.imageKind", equalTo("series-slice"))
                .body(LESION + ".manifest.input.width", equalTo(128))
                .body(LESION + ".manifest.input.intensity", equalTo("window"))
                .body(LESION + ".manifest.outputClasses.id", hasItems("no-lesion", "lesion"))
                .body(LESION + ".manifest.explanations.methods", hasItems("cam", "grad-cam", "score-cam", "ablation-cam"))
                .body(LESION + ".manifest.explanations.defaultTargetLayer", equalTo("block4"))
                .body(LESION + ".manifest.resources.devices", hasItems("cpu", "gpu"))
                .body(LESION + ".manifest.modelDigest", matchesPattern("sha256:[0-9a-f]{64}"));
    }

    @Test
    void publishesTheBuiltInPluginsValidationReportAsItWroteIt() throws Exception {
        // the built-in plugin is built from this file (the server sees the plugin only as its zip)
        JsonNode published = new ObjectMapper().readTree(Files.readString(PUBLISHED));
        JsonNode validation = StreamSupport.stream(new ObjectMapper().readTree(
                        given().when().get("/api/plugins").then().statusCode(200).extract().asString()).spliterator(),
                        false)
                .filter(p -> p.path("id").asText().equals("glassbox.ct-hyperdense-lesion"))
                .findFirst().orElseThrow().get("validation");
        assertEquals(published, validation);
        given().when().get("/api/plugins").then()
                .body(LESION + ".validation.explanations.methods.method", hasItems("grad-cam", "grad-cam++", "score-cam"))
                .body(LESION + ".validation.explanations.methods.sanity.verdict", everyItem(oneOf("passes", "fails")))
                .body(LESION + ".validation.explanations.sanityRule.failsAtOrAbove", notNullValue());
    }

    @Test
    void listsABrokenPluginWithItsErrorInsteadOfFailing() {
        given().when().get("/api/plugins").then()
                .statusCode(200)
                .body(CORRUPT + ".status", equalTo("failed"))
                .body(CORRUPT + ".source", equalTo("installed"))
                .body(CORRUPT + ".manifest", nullValue())
                .body(CORRUPT + ".errors[0]", containsString("is not a readable jar"));
    }
}
