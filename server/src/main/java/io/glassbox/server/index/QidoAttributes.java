package io.glassbox.server.index;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.InformationEntity;
import io.glassbox.server.index.QidoAttribute.MatchType;
import io.glassbox.server.index.QidoAttribute.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The attributes QIDO-RS knows: those the index keeps in columns (and the aggregates over them), and, for every
 * other attribute of the DICOM dictionary, its value in the instances' stored DICOM JSON. Attributes are named
 * by keyword ({@code PatientName}) or tag ({@code 00100010}), resolved through PixelMed's dictionary.
 */
public final class QidoAttributes {

    private static final DicomDictionary DICTIONARY = DicomDictionary.StandardDictionary;
    private static final Pattern TAG_HEX = Pattern.compile("[0-9A-Fa-f]{8}");

    /** VRs whose JSON values are numbers: matched numerically. */
    private static final Set<String> NUMERIC_VRS = Set.of("IS", "DS", "US", "UL", "SS", "SL", "FL", "FD", "UV", "SV");
    /** VRs whose values are text that can be compared (everything else is binary, a sequence or a tag). */
    private static final Set<String> TEXT_VRS = Set.of(
            "AE", "AS", "CS", "DA", "DT", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT");

    public static final int RETRIEVE_URL = 0x00081190;
    public static final int STUDY_INSTANCE_UID = 0x0020000D;
    public static final int SERIES_INSTANCE_UID = 0x0020000E;
    public static final int SOP_INSTANCE_UID = 0x00080018;

    private static final Map<Integer, QidoAttribute> INDEXED = new LinkedHashMap<>();

    static {
        // Study level: the study row keeps the patient attributes as this study carried them.
        column(0x00080020, QueryLevel.STUDY, "st.study_date");
        column(0x00080030, QueryLevel.STUDY, "st.study_time");
        column(0x00080050, QueryLevel.STUDY, "st.accession_number");
        column(0x00080090, QueryLevel.STUDY, "st.referring_physician_name");
        column(0x00081030, QueryLevel.STUDY, "st.study_description");
        column(0x00200010, QueryLevel.STUDY, "st.study_id");
        column(STUDY_INSTANCE_UID, QueryLevel.STUDY, "st.study_instance_uid");
        column(0x00100010, QueryLevel.STUDY, "st.patient_name");
        column(0x00100020, QueryLevel.STUDY, "st.patient_id");
        column(0x00100021, QueryLevel.STUDY,
                "(SELECT p.issuer_of_patient_id FROM patient p WHERE p.pk = st.patient_fk)");
        column(0x00100030, QueryLevel.STUDY, "st.patient_birth_date");
        column(0x00100040, QueryLevel.STUDY, "st.patient_sex");
        add(new QidoAttribute(0x00080061, "ModalitiesInStudy", "CS", QueryLevel.STUDY, ValueType.TEXT,
                "(SELECT string_agg(DISTINCT ms.modality, '\\' ORDER BY ms.modality) FROM series ms"
                        + " WHERE ms.study_fk = st.pk AND ms.modality <> '')",
                QueryLevel.STUDY, "ms.modality",
                "EXISTS (SELECT 1 FROM series ms WHERE ms.study_fk = st.pk AND %s)", MatchType.TEXT));
        integer(0x00201206, QueryLevel.STUDY, "(SELECT count(*) FROM series cs WHERE cs.study_fk = st.pk)");
        integer(0x00201208, QueryLevel.STUDY, "(SELECT count(*) FROM series cs JOIN instance ci ON ci.series_fk = cs.pk"
                + " WHERE cs.study_fk = st.pk)");
        // Every object the index lists is on line: the store keeps each file for as long as its row exists.
        column(0x00080056, QueryLevel.STUDY, "'ONLINE'");
        add(new QidoAttribute(RETRIEVE_URL, "RetrieveURL", "UR", QueryLevel.STUDY, ValueType.RETRIEVE_URL,
                null, QueryLevel.STUDY, null, "%s", MatchType.TEXT));

        // Series level.
        column(0x00080060, QueryLevel.SERIES, "se.modality");
        column(SERIES_INSTANCE_UID, QueryLevel.SERIES, "se.series_instance_uid");
        integer(0x00200011, QueryLevel.SERIES, "se.series_number");
        column(0x0008103E, QueryLevel.SERIES, "se.series_description");
        column(0x00180015, QueryLevel.SERIES, "se.body_part_examined");
        column(0x00080021, QueryLevel.SERIES, "se.series_date");
        column(0x00080031, QueryLevel.SERIES, "se.series_time");
        column(0x00400244, QueryLevel.SERIES, "se.performed_procedure_step_start_date");
        column(0x00400245, QueryLevel.SERIES, "se.performed_procedure_step_start_time");
        column(0x00080080, QueryLevel.SERIES, "se.institution_name");
        column(0x00081010, QueryLevel.SERIES, "se.station_name");
        integer(0x00201209, QueryLevel.SERIES, "(SELECT count(*) FROM instance ci WHERE ci.series_fk = se.pk)");

        // Instance level.
        column(0x00080016, QueryLevel.INSTANCE, "i.sop_class_uid");
        column(SOP_INSTANCE_UID, QueryLevel.INSTANCE, "i.sop_instance_uid");
        integer(0x00200013, QueryLevel.INSTANCE, "i.instance_number");
        integer(0x00280010, QueryLevel.INSTANCE, "i.rows");
        integer(0x00280011, QueryLevel.INSTANCE, "i.columns");
        integer(0x00280008, QueryLevel.INSTANCE, "i.number_of_frames");
        column(0x00083002, QueryLevel.INSTANCE, "i.transfer_syntax_uid");
    }

    /** PS3.18 Table 10.6.3-3: what a study search returns without includefield (plus Study Description). */
    private static final List<Integer> STUDY_DEFAULTS = List.of(0x00080020, 0x00080030, 0x00080050, 0x00080056,
            0x00080061, 0x00080090, RETRIEVE_URL, 0x00081030, 0x00100010, 0x00100020, 0x00100030, 0x00100040,
            STUDY_INSTANCE_UID, 0x00200010, 0x00201206, 0x00201208);
    /** PS3.18 Table 10.6.3-4, with the Study Instance UID so that every result names its study. */
    private static final List<Integer> SERIES_DEFAULTS = List.of(0x00080060, 0x0008103E, RETRIEVE_URL,
            STUDY_INSTANCE_UID, SERIES_INSTANCE_UID, 0x00200011, 0x00201209, 0x00400244, 0x00400245);
    /** PS3.18 Table 10.6.3-5, with the Study and Series Instance UIDs. */
    private static final List<Integer> INSTANCE_DEFAULTS = List.of(0x00080016, SOP_INSTANCE_UID, 0x00080056,
            RETRIEVE_URL, STUDY_INSTANCE_UID, SERIES_INSTANCE_UID, 0x00200013, 0x00280008, 0x00280010, 0x00280011,
            0x00280100);

    private QidoAttributes() {
    }

    /**
     * Resolves a query parameter name: an 8-hex-digit tag or a dictionary keyword.
     *
     * @return empty when the dictionary knows no such attribute
     */
    public static Optional<QidoAttribute> lookup(String name) {
        Integer tag = null;
        if (TAG_HEX.matcher(name).matches()) {
            tag = Integer.parseUnsignedInt(name, 16);
        } else {
            AttributeTag t = DICTIONARY.getTagFromName(name);
            if (t != null) {
                tag = (t.getGroup() << 16) | t.getElement();
            }
        }
        if (tag == null) {
            return Optional.empty();
        }
        QidoAttribute indexed = INDEXED.get(tag);
        return indexed != null ? Optional.of(indexed) : fromMetadata(tag);
    }

    public static QidoAttribute get(int tag) {
        return lookup(QidoAttribute.tagHex(tag)).orElseThrow();
    }

    /** All attributes the index keeps for {@code level} and the levels above it (includefield=all). */
    public static List<QidoAttribute> indexedAt(QueryLevel level) {
        List<QidoAttribute> out = new ArrayList<>();
        for (QidoAttribute a : INDEXED.values()) {
            if (a.returnableAt(level)) {
                out.add(a);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The default return attributes of one level's own table (PS3.18 10.6.3.3). */
    public static List<QidoAttribute> defaultsOf(QueryLevel level) {
        List<Integer> tags = switch (level) {
            case STUDY -> STUDY_DEFAULTS;
            case SERIES -> SERIES_DEFAULTS;
            case INSTANCE -> INSTANCE_DEFAULTS;
        };
        return tags.stream().map(QidoAttributes::get).toList();
    }

    /** An attribute the index has no column for: read from (and matched in) the instances' stored DICOM JSON. */
    private static Optional<QidoAttribute> fromMetadata(int tag) {
        AttributeTag t = new AttributeTag(tag >>> 16, tag & 0xFFFF);
        byte[] vrBytes = DICTIONARY.getValueRepresentationFromTag(t);
        String keyword = DICTIONARY.getNameFromTag(t);
        if (vrBytes == null || keyword == null) {
            return Optional.empty();
        }
        String vr = new String(vrBytes, StandardCharsets.US_ASCII);
        QueryLevel level = levelOf(DICTIONARY.getInformationEntityFromTag(t));
        String value = "i.metadata->'" + QidoAttribute.tagHex(tag) + "'->'Value'";
        String matchExpr = null;
        String scope = "%s";
        MatchType matchType = MatchType.TEXT;
        if ("PN".equals(vr)) {
            matchExpr = "mv.p->>'Alphabetic'";
            scope = "EXISTS (SELECT 1 FROM jsonb_array_elements(" + value + ") AS mv(p) WHERE %s)";
        } else if (TEXT_VRS.contains(vr) || NUMERIC_VRS.contains(vr)) {
            matchExpr = "mv.v";
            scope = "EXISTS (SELECT 1 FROM jsonb_array_elements_text(" + value + ") AS mv(v) WHERE %s)";
            matchType = NUMERIC_VRS.contains(vr) ? MatchType.NUMERIC_TEXT : MatchType.TEXT;
        }
        return Optional.of(new QidoAttribute(tag, keyword, vr, level, ValueType.JSON_ELEMENT, null,
                QueryLevel.INSTANCE, matchExpr, scope, matchType));
    }

    private static QueryLevel levelOf(InformationEntity ie) {
        if (ie == InformationEntity.PATIENT || ie == InformationEntity.STUDY) {
            return QueryLevel.STUDY;
        }
        if (ie == InformationEntity.SERIES || ie == InformationEntity.PROCEDURESTEP) {
            return QueryLevel.SERIES;
        }
        return QueryLevel.INSTANCE;
    }

    private static void column(int tag, QueryLevel level, String sql) {
        add(dictionaryAttribute(tag, level, ValueType.TEXT, sql, MatchType.TEXT));
    }

    private static void integer(int tag, QueryLevel level, String sql) {
        add(dictionaryAttribute(tag, level, ValueType.INTEGER, sql, MatchType.INTEGER));
    }

    private static QidoAttribute dictionaryAttribute(int tag, QueryLevel level, ValueType type, String sql,
            MatchType matchType) {
        AttributeTag t = new AttributeTag(tag >>> 16, tag & 0xFFFF);
        String keyword = DICTIONARY.getNameFromTag(t);
        byte[] vr = DICTIONARY.getValueRepresentationFromTag(t);
        if (keyword == null || vr == null) {
            throw new IllegalStateException("PixelMed's dictionary lacks " + QidoAttribute.tagHex(tag));
        }
        return new QidoAttribute(tag, keyword, new String(vr, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT),
                level, type, sql, level, sql, "%s", matchType);
    }

    private static void add(QidoAttribute a) {
        INDEXED.put(a.tag(), a);
    }
}
