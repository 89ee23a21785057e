package io.glassbox.plugin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginManifestTest {

    static PluginManifest valid() {
        return new PluginManifest("example.lesion", "Example", "1.0.0", "Glassbox", "Research only.",
                RegulatoryStatus.NOT_A_MEDICAL_DEVICE,
                new Acceptance(Set.of("ct"), Set.of(), Set.of("Head"), ImageKind.SERIES_SLICE),
                new InputRequirements(64, 64, 1, IntensityHandling.window(40, 80), 0, 1),
                List.of(new OutputClass("normal", "No lesion", false), new OutputClass("lesion", "Lesion", true,
                        new Concept("EX-LESION", "99EXAMPLE", "Example lesion"))),
                new ExplanationOffer(List.of(ExplanationMethod.GRAD_CAM, ExplanationMethod.CAM),
                        ExplanationMethod.GRAD_CAM, List.of("features"), "features"),
                new ResourceNeeds(Set.of(ComputeDevice.Kind.CPU), 1 << 20, 8),
                "sha256:" + "0123456789abcdef".repeat(4), PluginApi.VERSION);
    }

    @Test
    void aCompleteManifestHasNoProblems() {
        assertEquals(List.of(), valid().problems());
    }

    @Test
    void everyMissingOrInconsistentFieldIsNamed() {
        PluginManifest broken = new PluginManifest("Bad Id", " ", "one", null, "", null, null, null,
                List.of(new OutputClass("a", "A", false), new OutputClass("a", "A again", false)),
                new ExplanationOffer(List.of(ExplanationMethod.GRAD_CAM), ExplanationMethod.CAM, List.of("x"), "y"),
                new ResourceNeeds(Set.of(), -1, 0), "md5:1234", PluginApi.VERSION);
        List<String> problems = broken.problems();
        for (String expected : List.of("id must be", "name is required", "version must be", "vendor is required",
                "intended use is required", "regulatory status", "accepts is required", "input requirements",
                "appears twice", "must be a finding", "default explanation method", "default target layer",
                "resources.devices", "preferredBatchSize", "memoryBytes", "model digest")) {
            assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), expected + " missing from " + problems);
        }
        assertEquals(16, problems.size(), problems.toString());
    }

    @Test
    void theApiVersionBuiltAgainstIsRequiredAsMajorDotMinor() {
        assertEquals(List.of(), withApiVersion("1.0").problems());
        for (String missing : new String[] {null, " "}) {
            assertEquals(List.of("apiVersion is required: the plugin API version the plugin was built against "
                    + "(PluginApi.VERSION)"), withApiVersion(missing).problems());
        }
        for (String malformed : List.of("1", "1.0.0", "v1.0", "01.0", "1.x")) {
            List<String> problems = withApiVersion(malformed).problems();
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("apiVersion must be major.minor"), problems.toString());
        }
    }

    private static PluginManifest withApiVersion(String apiVersion) {
        PluginManifest v = valid();
        return new PluginManifest(v.id(), v.name(), v.version(), v.vendor(), v.intendedUse(), v.regulatoryStatus(),
                v.accepts(), v.input(), v.outputClasses(), v.explanations(), v.resources(), v.modelDigest(), apiVersion);
    }

    @Test
    void aFindingClassMustSayWhatItMeansAsAValidCode() {
        PluginManifest v = valid();
        PluginManifest uncoded = new PluginManifest(v.id(), v.name(), v.version(), v.vendor(), v.intendedUse(),
                v.regulatoryStatus(), v.accepts(), v.input(),
                List.of(new OutputClass("normal", "No lesion", false), new OutputClass("lesion", "Lesion", true),
                        new OutputClass("mass", "Mass", false, new Concept("M", "99EXAMPLE", "x".repeat(65)))),
                v.explanations(), v.resources(), v.modelDigest(), v.apiVersion());
        List<String> problems = uncoded.problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("finding class 'lesion' needs a concept"), problems.toString());
        assertTrue(problems.get(1).contains("code meaning must have 1 to 64 characters"), problems.toString());
    }

    @Test
    void acceptanceIgnoresCaseOfCodeStringsAndTreatsEmptySetsAsAny() {
        Acceptance acceptance = valid().accepts();
        assertTrue(acceptance.accepts("CT", "1.2.840.10008.5.1.4.1.1.2", "HEAD"));
        assertTrue(acceptance.accepts("ct ", null, "head"));
        assertFalse(acceptance.accepts("MR", null, "HEAD"));
        assertFalse(acceptance.accepts("CT", null, null), "a required body part must be present");
    }

    @Test
    void devicesParseFromConfigurationText() {
        assertEquals(ComputeDevice.cpu(), ComputeDevice.parse("CPU"));
        assertEquals(ComputeDevice.gpu(0), ComputeDevice.parse("gpu"));
        assertEquals(ComputeDevice.gpu(3), ComputeDevice.parse("gpu:3"));
        assertEquals("gpu:3", ComputeDevice.gpu(3).toString());
        assertThrows(IllegalArgumentException.class, () -> ComputeDevice.parse("tpu"));
        assertThrows(IllegalArgumentException.class, () -> ComputeDevice.parse("gpu:x"));
    }

    @Test
    void explanationMethodsAreFoundByIdOrName() {
        assertEquals(ExplanationMethod.GRAD_CAM_PLUS_PLUS, ExplanationMethod.fromId("grad-cam++"));
        assertEquals(ExplanationMethod.SCORE_CAM, ExplanationMethod.fromId("SCORE_CAM"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ExplanationMethod.fromId("guided-backprop"));
        assertTrue(unknown.getMessage().contains("grad-cam"), unknown.getMessage());
    }
}
