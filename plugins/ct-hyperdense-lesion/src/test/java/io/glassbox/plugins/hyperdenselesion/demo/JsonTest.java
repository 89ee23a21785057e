package io.glassbox.plugins.hyperdenselesion.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsEveryKindOfValueAndWritesItBackUnchanged() {
        String text = "{\"rules\":[{\"name\":\"a \\\"b\\\" \\\\ \\/ \\u00e9\\n\",\"match\":{},\"level\":\"series\","
                + "\"parameters\":{\"threshold\":0.50,\"big\":-1.5E+300,\"n\":12,\"on\":true,\"off\":false,"
                + "\"none\":null,\"list\":[[],{},[1,[2]]]}}]}";
        Object value = Json.parse(text);
        Map<String, Object> rule = Json.object(Json.array(Json.object(value, "root").get("rules"), "rules").get(0), "rule");
        assertEquals("a \"b\" \\ / é\n", rule.get("name"));
        Map<String, Object> parameters = Json.object(rule.get("parameters"), "parameters");
        assertEquals(new BigDecimal("0.50"), parameters.get("threshold"));
        assertEquals(List.of("threshold", "big", "n", "on", "off", "none", "list"), List.copyOf(parameters.keySet()));
        assertEquals(Boolean.TRUE, parameters.get("on"));
        assertTrue(parameters.containsKey("none"));
        assertNull(parameters.get("none"));
        String written = Json.write(value);
        assertEquals(text.replace("\\/", "/").replace("\\u00e9", "é"), written);
        assertEquals(value, Json.parse(written));
        assertEquals(value, Json.parse(Json.pretty(value)));
    }

    @Test
    void prettyIndentsByTwoSpaces() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", List.of(1, 2L));
        map.put("b", Map.of());
        map.put("c", 1.25);
        assertEquals("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": 1.25\n}\n", Json.pretty(map));
        assertEquals("{\"a\":[1,2],\"b\":{},\"c\":1.25}", Json.write(map));
        assertEquals("\"\\u0001\\t\"", Json.write("\u0001\t"));
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "{a:1}", "01", "1.", "-", "+1", ".5", "1e", "tru",
                "\"open", "\"\\x\"", "\"\u0001\"", "[1] 2", "{\"a\":1,}", "nul", "NaN")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Json.object(List.of(), "x"));
        assertThrows(IllegalArgumentException.class, () -> Json.array(Map.of(), "x"));
        assertEquals(new BigDecimal("-0.5e-3"), Json.parse(" -0.5e-3 "));
    }
}
