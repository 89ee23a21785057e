package io.glassbox.server.dicomweb;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glassbox.server.index.InvalidQueryException;
import io.glassbox.server.index.QidoAttribute;
import io.glassbox.server.index.QidoAttribute.ValueType;
import io.glassbox.server.index.QidoAttributes;
import io.glassbox.server.index.QidoQuery;
import io.glassbox.server.index.QidoResult;
import io.glassbox.server.index.QidoSearch;
import io.glassbox.server.index.QueryLevel;
import io.glassbox.server.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * QIDO-RS (PS3.18 10.6): parses a search's query parameters, runs it against the index and writes the matches
 * as a DICOM JSON array.
 *
 * <p>No match is answered 200 with an empty array: PS3.18 lets the origin server answer 200 with no results,
 * and an array is what every client parses anyway (a 204 has to be special-cased by each of them).
 */
@ApplicationScoped
public class QidoService {

    /** The warning PS3.18 8.3.4.1 prescribes when fuzzy matching is asked for and not performed. */
    static final String FUZZY_WARNING_TEXT =
            "The fuzzymatching parameter is not supported. Only literal matching has been performed.";

    /** VRs whose stored elements may be bulk data (or contain some): parsed and trimmed before they are sent. */
    private static final Set<String> MAY_HOLD_BULK_DATA = Set.of("SQ", "OB", "OD", "OF", "OL", "OV", "OW", "UN");

    private final QidoSearch search;
    private final ObjectMapper mapper;

    public QidoService(QidoSearch search, ObjectMapper mapper) {
        this.search = search;
        this.mapper = mapper;
    }

    /** A parsed search and whether fuzzy matching was asked for (and so must be warned about). */
    record Parsed(QidoQuery query, boolean fuzzyRequested) {
    }

    /** The JSON answer and whether the fuzzy-matching warning must accompany it. */
    record Answer(byte[] json, boolean fuzzyRequested) {
    }

    public Answer search(QueryLevel level, String studyUid, String seriesUid, Map<String, List<String>> parameters,
            DicomWebUrls urls) {
        Parsed parsed = parse(level, studyUid, seriesUid, parameters);
        QidoResult result;
        try {
            result = search.search(parsed.query());
        } catch (InvalidQueryException e) {
            throw ProblemException.badRequest(e.getMessage());
        }
        return new Answer(write(parsed.query(), result, urls), parsed.fuzzyRequested());
    }

    static Parsed parse(QueryLevel level, String studyUid, String seriesUid, Map<String, List<String>> parameters) {
        Map<QidoAttribute, List<String>> matchKeys = new LinkedHashMap<>();
        List<QidoAttribute> included = new ArrayList<>();
        boolean includeAll = false;
        boolean fuzzy = false;
        Integer limit = null;
        int offset = 0;
        for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
            String name = p.getKey();
            List<String> values = p.getValue();
            switch (name) {
                case "limit" -> limit = nonNegative(name, single(name, values));
                case "offset" -> offset = nonNegative(name, single(name, values));
                case "fuzzymatching" -> {
                    String v = single(name, values);
                    if (!v.equals("true") && !v.equals("false")) {
                        throw ProblemException.badRequest("fuzzymatching takes true or false, not '" + v + "'");
                    }
                    fuzzy = v.equals("true");
                }
                case "includefield" -> {
                    for (String value : values) {
                        for (String field : value.split(",")) {
                            String f = field.trim();
                            if (f.equals("all")) {
                                includeAll = true;
                            } else if (!f.isEmpty()) {
                                included.add(attribute(f, "includefield"));
                            }
                        }
                    }
                }
                default -> {
                    if (name.contains(".")) {
                        throw ProblemException.badRequest("'" + name + "': matching on attributes inside sequences"
                                + " is not supported");
                    }
                    matchKeys.computeIfAbsent(attribute(name, "query parameter"), k -> new ArrayList<>()).addAll(values);
                }
            }
        }

        // Returned attributes: the defaults of the levels the path leaves open (PS3.18 10.6.3.3: a search not
        // scoped to a study also returns the study's attributes, and so on), the included fields, the match keys.
        Set<QueryLevel> levels = EnumSet.of(level);
        if (level != QueryLevel.STUDY && studyUid == null) {
            levels.add(QueryLevel.STUDY);
        }
        if (level == QueryLevel.INSTANCE && seriesUid == null) {
            levels.add(QueryLevel.SERIES);
        }
        Map<Integer, QidoAttribute> returned = new TreeMap<>(Comparator.comparingLong(Integer::toUnsignedLong));
        for (QueryLevel l : levels) {
            QidoAttributes.defaultsOf(l).forEach(a -> returned.put(a.tag(), a));
        }
        if (includeAll) {
            QidoAttributes.indexedAt(level).forEach(a -> returned.put(a.tag(), a));
        }
        for (QidoAttribute a : included) {
            if (a.returnableAt(level)) {
                returned.put(a.tag(), a);
            }
        }
        for (QidoAttribute a : matchKeys.keySet()) {
            if (a.returnableAt(level)) {
                returned.put(a.tag(), a);
            }
        }
        QidoQuery query = new QidoQuery(level, studyUid, seriesUid, matchKeys, List.copyOf(returned.values()),
                includeAll && level == QueryLevel.INSTANCE, limit, offset);
        return new Parsed(query, fuzzy);
    }

    private static QidoAttribute attribute(String name, String where) {
        return QidoAttributes.lookup(name).orElseThrow(() -> ProblemException.badRequest(
                "Unknown attribute '" + name + "' in " + where + ": expected a DICOM keyword (PatientName) or an"
                        + " eight-digit hex tag (00100010)"));
    }

    private static String single(String name, List<String> values) {
        if (values.size() != 1) {
            throw ProblemException.badRequest(name + " may be given once");
        }
        return values.get(0).trim();
    }

    private static int nonNegative(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest(name + " takes a non-negative integer, not '" + value + "'");
    }

    /** Streams the answer; one JSON object per row, its attributes in tag order (PS3.18 F.2). */
    private byte[] write(QidoQuery query, QidoResult result, DicomWebUrls urls) {
        List<QidoAttribute> attributes = result.attributes();
        String[] tags = attributes.stream().map(QidoAttribute::tagHex).toArray(String[]::new);
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + 640 * result.rows().size());
        try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
            json.writeStartArray();
            for (QidoResult.Row row : result.rows()) {
                json.writeStartObject();
                if (row.metadata() == null) {
                    for (int k = 0; k < tags.length; k++) {
                        json.writeFieldName(tags[k]);
                        writeElement(json, attributes.get(k), row.values()[k], query.level(), row, urls);
                    }
                } else {
                    // includefield=all: the stored data set, with the index's own values (counts, Retrieve URL)
                    // taking precedence, merged in tag order.
                    TreeMap<String, JsonNode> elements = new TreeMap<>();
                    ObjectNode stored = (ObjectNode) readTree(row.metadata());
                    DicomJsonValues.removeBulkData(stored);
                    stored.properties().forEach(e -> elements.put(e.getKey(), e.getValue()));
                    for (int k = 0; k < tags.length; k++) {
                        elements.put(tags[k], element(attributes.get(k), row.values()[k], query.level(), row, urls));
                    }
                    for (Map.Entry<String, JsonNode> e : elements.entrySet()) {
                        json.writeFieldName(e.getKey());
                        json.writeTree(e.getValue());
                    }
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a QIDO-RS answer", e);
        }
        return out.toByteArray();
    }

    private void writeElement(JsonGenerator json, QidoAttribute a, Object value, QueryLevel level, QidoResult.Row row,
            DicomWebUrls urls) throws IOException {
        if (a.valueType() == ValueType.JSON_ELEMENT && value != null && !MAY_HOLD_BULK_DATA.contains(a.vr())) {
            json.writeRawValue((String) value); // a stored element with nothing to remove: copied as it is
        } else {
            json.writeTree(element(a, value, level, row, urls));
        }
    }

    private JsonNode element(QidoAttribute a, Object value, QueryLevel level, QidoResult.Row row, DicomWebUrls urls) {
        return switch (a.valueType()) {
            case TEXT -> DicomJsonValues.fromText(a.vr(), (String) value);
            case INTEGER -> DicomJsonValues.fromInteger(a.vr(), (Long) value);
            case RETRIEVE_URL -> DicomJsonValues.fromText(a.vr(), retrieveUrl(level, row, urls));
            case JSON_ELEMENT -> storedElement(a, (String) value);
        };
    }

    private JsonNode storedElement(QidoAttribute a, String json) {
        if (json == null) {
            return DicomJsonValues.empty(a.vr());
        }
        JsonNode element = readTree(json);
        if (element.has("BulkDataURI") || element.has("InlineBinary")) {
            return DicomJsonValues.empty(element.path("vr").asText(a.vr()));
        }
        if (element instanceof ObjectNode o && "SQ".equals(o.path("vr").asText()) && o.has("Value")) {
            for (JsonNode item : o.get("Value")) {
                if (item instanceof ObjectNode itemDataset) {
                    DicomJsonValues.removeBulkData(itemDataset);
                }
            }
        }
        return element;
    }

    private static String retrieveUrl(QueryLevel level, QidoResult.Row row, DicomWebUrls urls) {
        return switch (level) {
            case STUDY -> urls.study(row.studyUid());
            case SERIES -> urls.series(row.studyUid(), row.seriesUid());
            case INSTANCE -> urls.instance(row.studyUid(), row.seriesUid(), row.sopInstanceUid());
        };
    }

    private JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the index holds malformed DICOM JSON", e);
        }
    }
}
