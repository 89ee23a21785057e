package io.glassbox.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.Set;

/**
 * The DICOM JSON model (PS3.18 F.2) of a data set, as stored in the index's {@code metadata} column.
 *
 * <p>Bulk data (Pixel Data always; other binary values over {@link #INLINE_BINARY_LIMIT} bytes, at any depth) is
 * written as {@code "BulkDataURI": "bulkdata/<tag path>"}, relative to the instance's WADO-RS URL: the tag path is
 * eight upper-case hex digits per tag, joined by {@code /}, with the zero-based item index between a sequence and
 * its child (e.g. {@code bulkdata/7FE00010}, {@code bulkdata/00540016/0/00181078}). WADO-RS makes it absolute.
 * File meta (group 0002) and group lengths are left out.
 */
public final class DicomJson {

    public static final int INLINE_BINARY_LIMIT = 1024;
    public static final String BULKDATA_PREFIX = "bulkdata/";

    private static final Set<String> BINARY_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "UN");
    private static final Set<String> INTEGER_VRS = Set.of("SL", "SS", "UL", "US", "SV", "UV");
    private static final Set<String> FLOAT_VRS = Set.of("FL", "FD");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private DicomJson() {}

    /** Whether values of this VR are binary, and so written as bulk data (or inline binary when small). */
    public static boolean isBinaryVr(String vr) {
        return BINARY_VRS.contains(vr);
    }

    public static ObjectNode of(AttributeList list) {
        return object(list, "");
    }

    /** The JSON tag key of a PixelMed tag: eight upper-case hex digits. */
    public static String key(AttributeTag tag) {
        return String.format("%04X%04X", tag.getGroup(), tag.getElement());
    }

    /** A Pixel Data attribute given only by VR (it was not read into memory): always bulk data. */
    public static ObjectNode bulkData(String vr, String tagPath) {
        ObjectNode n = F.objectNode();
        n.put("vr", vr);
        n.put("BulkDataURI", BULKDATA_PREFIX + tagPath);
        return n;
    }

    private static ObjectNode object(AttributeList list, String pathPrefix) {
        ObjectNode out = F.objectNode();
        for (Attribute a : list.values()) {
            AttributeTag tag = a.getTag();
            if (tag.getGroup() == 0x0002 || tag.getElement() == 0x0000) {
                continue;
            }
            String key = key(tag);
            out.set(key, element(a, pathPrefix + key));
        }
        return out;
    }

    private static ObjectNode element(Attribute a, String path) {
        String vr = a.getVRAsString();
        ObjectNode n = F.objectNode();
        n.put("vr", vr);
        try {
            if (a instanceof SequenceAttribute seq) {
                ArrayNode items = F.arrayNode();
                int i = 0;
                for (java.util.Iterator<SequenceItem> it = seq.iterator(); it.hasNext(); i++) {
                    items.add(object(it.next().getAttributeList(), path + "/" + i + "/"));
                }
                if (!items.isEmpty()) {
                    n.set("Value", items);
                }
            } else if (BINARY_VRS.contains(vr)) {
                long length = a.getVL();
                if (length > INLINE_BINARY_LIMIT || a.getTag().getGroup() == 0x7FE0) {
                    n.put("BulkDataURI", BULKDATA_PREFIX + path);
                } else if (length > 0) {
                    n.put("InlineBinary", Base64.getEncoder().encodeToString(a.getByteValues(false)));
                }
            } else if (a.getVM() > 0) {
                ArrayNode values = values(a, vr);
                if (values != null && !values.isEmpty()) {
                    n.set("Value", values);
                }
            }
        } catch (DicomException | RuntimeException e) {
            // A value PixelMed cannot render stays in the file; the metadata says the element exists.
            n.remove("Value");
        }
        return n;
    }

    private static ArrayNode values(Attribute a, String vr) throws DicomException {
        ArrayNode values = F.arrayNode();
        switch (vr) {
            case "PN" -> {
                for (String s : a.getStringValues()) {
                    values.add(personName(s));
                }
            }
            case "AT" -> {
                // AttributeTagAttribute renders as "(0x0010,0x0010)"; JSON wants "00100010"
                for (String s : a.getStringValues()) {
                    values.add(s.replaceAll("[^0-9A-Fa-f]|0x", "").toUpperCase());
                }
            }
            case "IS", "DS" -> {
                for (String s : a.getOriginalStringValues()) {
                    values.add(number(s.trim()));
                }
            }
            default -> {
                if (INTEGER_VRS.contains(vr)) {
                    for (long v : a.getLongValues()) {
                        values.add(v);
                    }
                } else if (FLOAT_VRS.contains(vr)) {
                    for (double v : a.getDoubleValues()) {
                        values.add(Double.isFinite(v) ? F.numberNode(v) : F.textNode(Double.toString(v)));
                    }
                } else {
                    for (String s : a.getStringValues()) {
                        values.add(s == null || s.isEmpty() ? F.nullNode() : F.textNode(s));
                    }
                }
            }
        }
        return values;
    }

    private static JsonNode number(String s) {
        if (s.isEmpty()) {
            return F.nullNode();
        }
        try {
            BigDecimal d = new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
            return d.scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0
                    ? F.numberNode(d.longValueExact()) : F.numberNode(d);
        } catch (NumberFormatException | ArithmeticException e) {
            // An invalid IS/DS value (pydicom's badVR.dcm has IS "1A") cannot be a JSON number; the file keeps it.
            return F.nullNode();
        }
    }

    private static JsonNode personName(String s) {
        if (s == null || s.isEmpty()) {
            return F.nullNode();
        }
        ObjectNode pn = F.objectNode();
        String[] groups = s.split("=", -1);
        String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
        for (int i = 0; i < groups.length && i < 3; i++) {
            if (!groups[i].isEmpty()) {
                pn.put(names[i], groups[i]);
            }
        }
        return pn;
    }
}
