package io.glassbox.server.plugins;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PluginsResourceTest {

    private static final String LESION = "find { it.id == 'glassbox.ct-hyperdense-lesion' }";
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
    void listsABrokenPluginWithItsErrorInsteadOfFailing() {
        given().when().get("/api/plugins").then()
                .statusCode(200)
                .body(CORRUPT + ".status", equalTo("failed"))
                .body(CORRUPT + ".source", equalTo("installed"))
                .body(CORRUPT + ".manifest", nullValue())
                .body(CORRUPT + ".errors[0]", containsString("is not a readable jar"));
    }
}
