package io.glassbox.server.dicomweb;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small builders for DICOM JSON elements ({@code {"vr": "UI", "Value": [...]}}) in responses. */
public final class DicomJsonValues {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private DicomJsonValues() {}

    public static ObjectNode of(String vr, String value) {
        ObjectNode n = F.objectNode();
        n.put("vr", vr);
        if (value != null && !value.isEmpty()) {
            n.set("Value", F.arrayNode().add(value));
        }
        return n;
    }

    public static ObjectNode of(String vr, long value) {
        ObjectNode n = F.objectNode();
        n.put("vr", vr);
        n.set("Value", F.arrayNode().add(value));
        return n;
    }

    public static ObjectNode sequence(ArrayNode items) {
        ObjectNode n = F.objectNode();
        n.put("vr", "SQ");
        n.set("Value", items);
        return n;
    }
}
