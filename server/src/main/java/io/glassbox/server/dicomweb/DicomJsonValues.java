package io.glassbox.server.dicomweb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Set;

/**
 * Small builders for DICOM JSON elements ({@code {"vr": "UI", "Value": [...]}}) in responses (PS3.18 Annex F.2),
 * and the trimming of stored data sets for QIDO-RS.
 */
public final class DicomJsonValues {
    public static final String MEDIA_TYPE = "application/dicom+json";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** VRs whose JSON values are numbers (F.2.3). */
    private static final Set<String> NUMBER_VRS = Set.of("IS", "DS", "US", "UL", "SS", "SL", "FL", "FD", "UV", "SV");
    /** Text VRs that hold one value that may contain '\' (every other string VR separates values with it). */
    private static final Set<String> SINGLE_VALUED_TEXT_VRS = Set.of("LT", "ST", "UT", "UR");

    private DicomJsonValues() {}

    /**
     * An element from the text form a DICOM value is kept in by the index: '' is no value; values are separated
     * by '\'; person names are split into their component groups; IS/DS become JSON numbers.
     */
    public static ObjectNode fromText(String vr, String text) {
        ObjectNode element = F.objectNode().put("vr", vr);
        if (text == null || text.isEmpty()) {
            return element;
        }
        String[] values = SINGLE_VALUED_TEXT_VRS.contains(vr) ? new String[] {text} : text.split("\\\\", -1);
        ArrayNode array = element.putArray("Value");
        for (String v : values) {
            if (v.isEmpty()) {
                array.addNull(); // an empty value among several (F.2.5)
            } else if (vr.equals("PN")) {
                array.add(personName(v));
            } else if (NUMBER_VRS.contains(vr)) {
                array.add(number(v));
            } else {
                array.add(v);
            }
        }
        return element;
    }

    public static ObjectNode fromInteger(String vr, Long value) {
        ObjectNode element = F.objectNode().put("vr", vr);
        if (value != null) {
            element.putArray("Value").add(value);
        }
        return element;
    }

    /** An empty element: the attribute is known but has no value here. */
    public static ObjectNode empty(String vr) {
        return F.objectNode().put("vr", vr);
    }

    private static JsonNode personName(String value) {
        ObjectNode pn = F.objectNode();
        String[] groups = value.split("=", -1);
        String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
        for (int k = 0; k < groups.length && k < names.length; k++) {
            if (!groups[k].isEmpty()) {
                pn.put(names[k], groups[k]);
            }
        }
        return pn;
    }

    private static JsonNode number(String value) {
        String v = value.trim();
        try {
            BigDecimal d = new BigDecimal(v.startsWith("+") ? v.substring(1) : v);
            return d.scale() <= 0 ? F.numberNode(d.toBigIntegerExact()) : F.numberNode(d);
        } catch (NumberFormatException | ArithmeticException e) {
            return F.textNode(v); // kept as received rather than lost; the index stores text as it came
        }
    }

    /**
     * Removes every bulk data element (one carrying {@code BulkDataURI} or {@code InlineBinary}) from a data set,
     * inside sequence items too. QIDO-RS answers carry no bulk data.
     */
    public static void removeBulkData(ObjectNode dataset) {
        Iterator<JsonNode> elements = dataset.elements();
        while (elements.hasNext()) {
            JsonNode element = elements.next();
            if (element.has("BulkDataURI") || element.has("InlineBinary")) {
                elements.remove();
            } else if ("SQ".equals(element.path("vr").asText()) && element.has("Value")) {
                for (JsonNode item : element.get("Value")) {
                    if (item instanceof ObjectNode itemDataset) {
                        removeBulkData(itemDataset);
                    }
                }
            }
        }
    }

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
