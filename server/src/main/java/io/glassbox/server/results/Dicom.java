package io.glassbox.server.results;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Small helpers for building data sets with PixelMed: every string is encoded as UTF-8 (ISO_IR 192), the one
 * character set that holds whatever a model name or a patient name copied from the source contains.
 */
final class Dicom {

    static final String UTF8_TERM = "ISO_IR 192";
    static final SpecificCharacterSet UTF8 = new SpecificCharacterSet(new String[] {UTF8_TERM});

    /** Attributes the dictionary of PixelMed 20220618 has but its TagFromName constants do not. */
    static final AttributeTag CONTRIBUTION_DATE_TIME = new AttributeTag(0x0018, 0xA002);
    static final AttributeTag DOUBLE_FLOAT_RWV_LAST_VALUE_MAPPED = new AttributeTag(0x0040, 0x9213);
    static final AttributeTag DOUBLE_FLOAT_RWV_FIRST_VALUE_MAPPED = new AttributeTag(0x0040, 0x9214);
    static final AttributeTag PRELIMINARY_FLAG = new AttributeTag(0x0040, 0xA496);

    private static final DateTimeFormatter DA = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss.SSSSSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSSSSxx")
            .withZone(ZoneOffset.UTC);

    private Dicom() {}

    /** Puts an attribute that is present but empty, as type 2 attributes may be. */
    static Attribute putEmpty(AttributeList list, AttributeTag tag) {
        return put(list, tag, new String[0]);
    }

    /** Puts an attribute with the given values. */
    static Attribute put(AttributeList list, AttributeTag tag, String... values) {
        try {
            Attribute a = list.putNewAttribute(tag, UTF8);
            for (String v : values) {
                a.addValue(v);
            }
            return a;
        } catch (DicomException e) {
            throw new IllegalStateException("cannot encode " + tag + ": " + e.getMessage(), e);
        }
    }

    static Attribute put(AttributeList list, AttributeTag tag, int... values) {
        try {
            Attribute a = list.putNewAttribute(tag, UTF8);
            for (int v : values) {
                a.addValue(v);
            }
            return a;
        } catch (DicomException e) {
            throw new IllegalStateException("cannot encode " + tag + ": " + e.getMessage(), e);
        }
    }

    static Attribute put(AttributeList list, AttributeTag tag, double... values) {
        try {
            Attribute a = list.putNewAttribute(tag, UTF8);
            for (double v : values) {
                a.addValue(v);
            }
            return a;
        } catch (DicomException e) {
            throw new IllegalStateException("cannot encode " + tag + ": " + e.getMessage(), e);
        }
    }

    /** A sequence with the given items (none: an empty sequence, as type 2 sequences may be). */
    static SequenceAttribute sequence(AttributeList list, AttributeTag tag, AttributeList... items) {
        SequenceAttribute s = new SequenceAttribute(tag);
        for (AttributeList item : items) {
            s.addItem(item);
        }
        list.put(s);
        return s;
    }

    /** An AT attribute pointing at {@code value}. */
    static void putTag(AttributeList list, AttributeTag tag, AttributeTag value) {
        try {
            AttributeTagAttribute a = new AttributeTagAttribute(tag);
            a.addValue(value);
            list.put(a);
        } catch (DicomException e) {
            throw new IllegalStateException("cannot encode " + tag + ": " + e.getMessage(), e);
        }
    }

    static SequenceAttribute code(AttributeList list, AttributeTag tag, Code code) {
        return sequence(list, tag, code.item());
    }

    /** A reference to an instance: Referenced SOP Class UID and Referenced SOP Instance UID. */
    static AttributeList reference(String sopClassUid, String sopInstanceUid) {
        AttributeList item = new AttributeList();
        put(item, TagFromName.ReferencedSOPClassUID, sopClassUid);
        put(item, TagFromName.ReferencedSOPInstanceUID, sopInstanceUid);
        return item;
    }

    /** Copies {@code tag} from the source, re-encoded as UTF-8; present but empty when the source lacks it. */
    static void copy(AttributeList from, AttributeList to, AttributeTag tag) {
        String[] values = Attribute.getStringValues(from, tag);
        put(to, tag, values == null ? new String[0] : values);
    }

    /** Copies {@code tag} from the source when it has a value there. */
    static void copyIfPresent(AttributeList from, AttributeList to, AttributeTag tag) {
        String[] values = Attribute.getStringValues(from, tag);
        if (values != null && values.length > 0 && !String.join("", values).isBlank()) {
            put(to, tag, values);
        }
    }

    static String date(Instant t) {
        return DA.format(t);
    }

    static String time(Instant t) {
        return TM.format(t);
    }

    static String dateTime(Instant t) {
        return DT.format(t);
    }

    /**
     * At most {@code max} bytes in UTF-8, cut at a character boundary. VR lengths count characters, but validators
     * and some archives count bytes; meeting the byte count meets both.
     */
    static String limit(String s, int max) {
        if (utf8Length(s) <= max) {
            return s;
        }
        int end = s.length();
        while (end > 0 && utf8Length(s.substring(0, end)) > max) {
            end = s.offsetByCodePoints(end, -1);
        }
        return s.substring(0, end);
    }

    static int utf8Length(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
