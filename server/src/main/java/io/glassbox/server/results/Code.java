package io.glassbox.server.results;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.DicomException;
import java.util.Objects;

/**
 * A coded concept (PS3.3 8.8): code value, coding scheme designator, code meaning.
 *
 * <p>Codes of local schemes ("99…", like Glassbox's own {@link #GLASSBOX_SCHEME}) are declared in the Coding Scheme
 * Identification Sequence of every object that uses them (PS3.3 C.12.1.1.5).
 */
public record Code(String value, String scheme, String meaning) {

    /** Glassbox's private coding scheme ("99" prefix: a local scheme, PS3.16 8.2). */
    public static final String GLASSBOX_SCHEME = "99GLASSBOX";

    /**
     * The finding of the first plugin: a synthetic hyperdense intracranial lesion that looks like a haemorrhage on
     * head CT. A private code on purpose: SNOMED CT's "Intracranial hemorrhage" (1386000) is a disorder, and this
     * plugin has never seen one.
     */
    public static final Code HAEMORRHAGE_LIKE_LESION = new Code("GBX-ICH-LIKE", GLASSBOX_SCHEME,
            "Intracranial haemorrhage-like lesion");

    public Code {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(meaning, "meaning");
        if (value.isBlank() || value.length() > 16) {
            throw new IllegalArgumentException("code value must have 1 to 16 characters: \"" + value + "\"");
        }
        if (scheme.isBlank() || scheme.length() > 16) {
            throw new IllegalArgumentException("coding scheme designator must have 1 to 16 characters: \"" + scheme
                    + "\"");
        }
        if (meaning.isBlank() || meaning.length() > 64) {
            throw new IllegalArgumentException("code meaning must have 1 to 64 characters: \"" + meaning + "\"");
        }
    }

    /** The code as a sequence item (Code Value, Coding Scheme Designator, Code Meaning). */
    AttributeList item() {
        try {
            return new CodedSequenceItem(value, scheme, meaning).getAttributeList();
        } catch (DicomException e) {
            throw new IllegalStateException("cannot encode code " + this, e);
        }
    }

    boolean isGlassbox() {
        return GLASSBOX_SCHEME.equals(scheme);
    }

    /** A local coding scheme: its designator starts with "99" (PS3.16 8.2). */
    boolean isPrivate() {
        return scheme.startsWith("99");
    }

    @Override
    public String toString() {
        return "(" + value + ", " + scheme + ", \"" + meaning + "\")";
    }
}
