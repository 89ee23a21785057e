package io.glassbox.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The canonical form of an audit record, the text its hash covers (docs/audit.md, "Canonical form"):
 * <ul>
 * <li>a JSON object (RFC 8259) with the keys of every object sorted by their UTF-16 code units (all keys Glassbox
 * writes are ASCII, so this is also byte order), no white space outside strings, absent values left out rather
 * than written as null, encoded in UTF-8;</li>
 * <li>times in UTC as {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} (milliseconds, always three digits);</li>
 * <li>strings escaped as Jackson writes them (only {@code "}, {@code \} and control characters), numbers as Jackson
 * writes a Java long or double.</li>
 * </ul>
 * The chain: {@code hash = hex(SHA-256(prevHash || canonical))} over the ASCII of the previous record's hex hash
 * followed by the UTF-8 of the canonical form; the first record's prevHash is 64 zeros.
 */
public final class CanonicalForm {

    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private CanonicalForm() {
    }

    /** The record as a JSON tree, in canonical key order. */
    static ObjectNode toJson(long seq, Instant recordedAt, AuditEvent e) {
        ObjectNode r = F.objectNode();
        r.put("seq", seq);
        r.put("recordedAt", time(recordedAt));
        ObjectNode event = r.putObject("event");
        event.set("id", code(e.eventId()));
        ArrayNode types = event.putArray("types");
        e.eventTypes().forEach(t -> types.add(code(t)));
        event.put("action", e.action());
        event.put("dateTime", time(e.time()));
        event.put("outcome", e.outcome());
        putIfPresent(event, "outcomeDescription", e.outcomeDescription());
        ArrayNode participants = r.putArray("participants");
        for (AuditEvent.Participant p : e.participants()) {
            ObjectNode n = participants.addObject();
            n.put("userId", p.userId());
            putIfPresent(n, "alternativeUserId", p.alternativeUserId());
            n.put("requestor", p.requestor());
            putIfPresent(n, "networkAccessPoint", p.networkAccessPoint());
            if (p.role() != null) {
                n.set("role", code(p.role()));
            }
        }
        ArrayNode objects = r.putArray("objects");
        for (AuditEvent.ParticipantObject o : e.objects()) {
            ObjectNode n = objects.addObject();
            n.put("id", o.id());
            n.set("idType", code(o.idType()));
            if (o.type() != null) {
                n.put("type", o.type());
            }
            if (o.role() != null) {
                n.put("role", o.role());
            }
            putIfPresent(n, "name", o.name());
            putIfPresent(n, "query", o.query());
            if (!o.details().isEmpty()) {
                ObjectNode d = n.putObject("details");
                o.details().forEach(d::put);
            }
            if (!o.instances().isEmpty()) {
                ObjectNode byClass = n.putObject("instances");
                o.instances().forEach((sopClass, uids) -> {
                    ArrayNode a = byClass.putArray(sopClass);
                    uids.forEach(a::add);
                });
            }
            if (o.content() != null) {
                n.set("content", o.content());
            }
        }
        return sorted(r);
    }

    /** The canonical text of a JSON tree (keys sorted at every level). */
    public static String text(JsonNode node) {
        try {
            return JSON.writeValueAsString(sorted(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** hex(SHA-256(prevHash || canonical)). */
    public static String chainHash(String prevHash, String canonical) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prevHash.getBytes(StandardCharsets.US_ASCII));
            sha.update(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String time(Instant t) {
        return TIME.format(t.truncatedTo(ChronoUnit.MILLIS));
    }

    private static ObjectNode code(Code c) {
        ObjectNode n = F.objectNode();
        n.put("code", c.code()).put("system", c.system()).put("meaning", c.meaning());
        return n;
    }

    private static void putIfPresent(ObjectNode n, String key, String value) {
        if (value != null) {
            n.put(key, value);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends JsonNode> T sorted(T node) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            Collections.sort(keys);
            ObjectNode out = F.objectNode();
            for (String k : keys) {
                out.set(k, sorted(node.get(k)));
            }
            return (T) out;
        }
        if (node.isArray()) {
            ArrayNode out = F.arrayNode();
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                out.add(sorted(it.next()));
            }
            return (T) out;
        }
        return node;
    }

    /** The user ids, patient ids and study UIDs of a record (the searchable columns). */
    static Map<String, List<String>> searchable(JsonNode record) {
        List<String> users = new ArrayList<>();
        record.path("participants").forEach(p -> users.add(p.path("userId").asText()));
        List<String> patients = new ArrayList<>();
        List<String> studies = new ArrayList<>();
        for (JsonNode o : record.path("objects")) {
            String idType = o.path("idType").path("code").asText();
            if (idType.equals(AuditCodes.ID_PATIENT_NUMBER.code())) {
                patients.add(o.path("id").asText());
            } else if (idType.equals(AuditCodes.ID_STUDY_INSTANCE_UID.code())) {
                studies.add(o.path("id").asText());
            }
        }
        return Map.of("users", users, "patients", patients, "studies", studies);
    }
}
