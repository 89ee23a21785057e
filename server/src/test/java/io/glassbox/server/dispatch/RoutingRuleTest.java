package io.glassbox.server.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.glassbox.server.dispatch.RoutingRule.Candidate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rule matching and validation, from rules written the way an operator writes the file. */
class RoutingRuleTest {
    private static final String CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";

    private static Candidate ct(String bodyPart, String description, String ae) {
        return new Candidate("1.2.3", "1.2.3.4", CT_IMAGE, "CT", bodyPart, description, ae);
    }

    private static RoutingRuleSet yaml(String text) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readValue(text, RoutingRuleSet.class);
    }

    @Test
    void everyGivenCriterionMustMatchAndOmittedOnesMatchAnything() throws Exception {
        RoutingRuleSet set = yaml("""
                rules:
                  - name: head-ct
                    match:
                      modality: [CT]
                      sopClassUid: ["1.2.840.10008.5.1.4.1.1.2"]
                      bodyPart: [head, BRAIN]
                      seriesDescription: "axial|head"
                      callingAeTitle: [CT01]
                    level: series
                    plugin: {id: ich, version: 1.0.0}
                    parameters: {method: gradcam, classes: [hemorrhage]}
                  - name: anything
                    plugin: {id: glassbox-checksum, version: "1"}
                """);
        assertEquals(List.of(), set.problems());
        RoutingRule head = set.rules().get(0);
        assertEquals(RoutingRule.Level.SERIES, head.level());
        assertEquals("gradcam", head.parameters().get("method"));
        assertTrue(head.matches(ct("HEAD", "Head 5mm", "CT01")), "body part case-insensitive, description search");
        assertTrue(head.matches(ct(" brain ", "AXIAL 1.0", "CT01")));
        assertFalse(head.matches(ct("CHEST", "Head 5mm", "CT01")), "body part");
        assertFalse(head.matches(ct("HEAD", "Coronal", "CT01")), "series description");
        assertFalse(head.matches(ct("HEAD", "Head", "MR01")), "calling AE title");
        assertFalse(head.matches(ct("HEAD", "Head", "")), "a STOW-RS instance has no calling AE title");
        assertFalse(head.matches(new Candidate("1", "2", "1.2.840.10008.5.1.4.1.1.7", "CT", "HEAD", "Head", "CT01")),
                "SOP class");
        assertFalse(head.matches(new Candidate("1", "2", CT_IMAGE, "MR", "HEAD", "Head", "CT01")), "modality");

        RoutingRule anything = set.rules().get(1);
        assertEquals(RoutingRule.Level.STUDY, anything.level(), "study is the default level");
        assertTrue(anything.matches(new Candidate("1", "2", "1.2.3", "", "", "", "")));
    }

    @Test
    void invalidRulesAreRefusedWithEveryReason() throws Exception {
        RoutingRuleSet set = yaml("""
                rules:
                  - name: a
                    match: {seriesDescription: "head("}
                    plugin: {id: ich, version: 1.0.0}
                  - name: a
                    plugin: {id: ich}
                  - plugin: {id: x, version: "1"}
                """);
        List<String> problems = set.problems();
        assertEquals(4, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains("seriesDescription is not a regular expression"), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.contains("plugin.id and plugin.version are required")));
        assertTrue(problems.stream().anyMatch(p -> p.contains("'a' is used twice")));
        assertTrue(problems.stream().anyMatch(p -> p.contains("every rule needs a name")));
    }

    @Test
    void unknownKeysInTheFileAreAnErrorNotSilentlyIgnored() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> RoutingRules
                .mapperFor(java.nio.file.Path.of("rules.yaml")).readValue("rules:\n  - name: a\n    match: {modalty: [CT]}\n    plugin: {id: x, version: '1'}\n",
                        RoutingRuleSet.class));
        assertTrue(e.getMessage().contains("modalty"), e.getMessage());
    }
}
