package io.glassbox.server.index;

import java.util.Locale;

/**
 * One attribute that QIDO-RS can match on and return, and where its value lives in the index.
 *
 * <p>Values come from three kinds of source, all read by the one SQL query of a search: a column of
 * study/series/instance (the attributes the index keeps), an aggregate over the rows below (the counts,
 * Modalities in Study), or the instance's stored DICOM JSON ({@code instance.metadata}) for every other
 * attribute of the dictionary.
 *
 * @param tag          the attribute tag, (group &lt;&lt; 16) | element
 * @param keyword      the dictionary keyword, e.g. {@code PatientName}
 * @param vr           the value representation written in DICOM JSON
 * @param level        the information-model level the attribute belongs to: it is returned by queries at that
 *                     level or below
 * @param valueType    how {@link #valueSql} yields the value
 * @param valueSql     SQL expression for the value in a query at {@link #level} or below; null for
 *                     {@link ValueType#JSON_ELEMENT} (the query picks the instance whose metadata it reads) and
 *                     {@link ValueType#RETRIEVE_URL}
 * @param matchLevel   the level whose alias {@link #matchExpr} uses; when it is below the query's level the
 *                     condition is wrapped in an EXISTS over the rows below
 * @param matchExpr    SQL expression the matching condition is applied to; null when the attribute cannot be
 *                     used as a matching key
 * @param matchScope   {@code String.format} pattern placing the condition (one {@code %s}); "%s" for a plain
 *                     condition, an EXISTS for multi-valued sources
 * @param matchType    how {@link #matchExpr} compares
 */
public record QidoAttribute(
        int tag,
        String keyword,
        String vr,
        QueryLevel level,
        ValueType valueType,
        String valueSql,
        QueryLevel matchLevel,
        String matchExpr,
        String matchScope,
        MatchType matchType) {

    public enum ValueType {
        /** A text column: '' is an empty value; multi-valued VRs hold values separated by '\'. */
        TEXT,
        /** An integer (nullable) column or aggregate. */
        INTEGER,
        /**
         * Read from {@code instance.metadata}: a complete DICOM JSON element ({"vr":…,"Value":[…]}) as JSON text,
         * or null when the instance lacks it. Above the instance level it is read from the first stored instance
         * of the study/series, which is right for the attributes of that level (the same in all its instances).
         */
        JSON_ELEMENT,
        /** Retrieve URL (0008,1190): built by the web layer from the row's UIDs and the request's base URL. */
        RETRIEVE_URL
    }

    public enum MatchType {
        /** Compared as text (exact, wildcard, range, list matching by VR). */
        TEXT,
        /** An integer expression: exact numeric matching. */
        INTEGER,
        /** Text holding a number (a JSON number's text): exact numeric matching. */
        NUMERIC_TEXT
    }

    /** The tag as DICOM JSON writes it: eight upper-case hex digits. */
    public String tagHex() {
        return tagHex(tag);
    }

    public static String tagHex(int tag) {
        return String.format(Locale.ROOT, "%08X", tag);
    }

    public boolean matchable() {
        return matchExpr != null;
    }

    /** Whether a query at {@code queryLevel} returns this attribute (it belongs to that level or above it). */
    public boolean returnableAt(QueryLevel queryLevel) {
        return level.atOrAbove(queryLevel);
    }
}
