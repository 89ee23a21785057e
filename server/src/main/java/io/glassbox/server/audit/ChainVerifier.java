package io.glassbox.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Walks the audit chain from its first record and names the first place it was tampered with: a record
 * <b>altered</b> (its content no longer hashes to its hash, its columns disagree with its hashed form, or the next
 * record was chained to another version of it), <b>inserted</b> (a record the chain does not lead through),
 * <b>removed</b> (a sequence number missing, or records renumbered over a gap), or the tail <b>truncated</b> (the
 * head file written outside the database names a record the table no longer holds). Plain JDBC, streaming, so that
 * the endpoint and the offline command ({@link AuditVerifyCommand}) run the same walk over any length of chain.
 */
public final class ChainVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChainVerifier() {
    }

    /** Where the chain is broken: {@code kind} altered, inserted, removed or truncated, at record {@code seq}. */
    public record Problem(String kind, long seq, String detail) {
    }

    /**
     * @param records   records walked (up to the problem, if any)
     * @param lastSeq   the newest record's sequence number (0 for an empty chain)
     * @param lastHash  its hash
     * @param headFile  the head file compared, or null when there was none
     * @param problem   the first problem, or null when the chain is intact
     */
    public record Result(boolean valid, long records, long lastSeq, String lastHash, ChainHead headFile,
                         Problem problem) {
    }

    /** Verifies the chain in {@code db} against {@code head} (read before the walk begins). */
    public static Result verify(Connection db, Optional<ChainHead> head) throws SQLException {
        boolean autoCommit = db.getAutoCommit();
        db.setAutoCommit(false); // lets the driver stream with a fetch size
        try (PreparedStatement ps = db.prepareStatement("SELECT seq, event_time, event_id, action, outcome, users, "
                + "patient_ids, study_uids, participants::text, objects::text, canonical, prev_hash, hash "
                + "FROM audit_record ORDER BY seq")) {
            ps.setFetchSize(500);
            long records = 0;
            long lastSeq = 0;
            String lastHash = CanonicalForm.GENESIS;
            String beforeLastHash = null;
            String hashAtHead = null;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong("seq");
                    String prevHash = rs.getString("prev_hash");
                    String hash = rs.getString("hash");
                    String canonical = rs.getString("canonical");
                    Problem p = check(rs, seq, canonical, prevHash, hash, lastSeq, lastHash, beforeLastHash);
                    if (p != null) {
                        return new Result(false, records, lastSeq, lastHash, head.orElse(null), p);
                    }
                    records++;
                    beforeLastHash = lastHash;
                    lastSeq = seq;
                    lastHash = hash;
                    if (head.isPresent() && head.get().seq() == seq) {
                        hashAtHead = hash;
                    }
                }
            }
            Problem p = null;
            if (head.isPresent() && head.get().seq() > lastSeq) {
                ChainHead h = head.get();
                p = new Problem("truncated", lastSeq + 1, "the table ends at record " + lastSeq
                        + " but the head file written at " + CanonicalForm.time(h.writtenAt()) + " names record "
                        + h.seq() + ": records " + (lastSeq + 1) + " to " + h.seq() + " were removed from the end");
            } else if (head.isPresent() && head.isPresent() && head.get().seq() > 0 && !head.get().hash().equals(hashAtHead)) {
                p = new Problem("altered", head.get().seq(), "record " + head.get().seq() + " has hash " + hashAtHead
                        + " but the head file written at " + CanonicalForm.time(head.get().writtenAt())
                        + " says " + head.get().hash() + ": the chain up to it was rewritten");
            }
            return new Result(p == null, records, lastSeq, lastHash, head.orElse(null), p);
        } finally {
            db.rollback();
            db.setAutoCommit(autoCommit);
        }
    }

    private static Problem check(ResultSet rs, long seq, String canonical, String prevHash, String hash,
                                 long lastSeq, String lastHash, String beforeLastHash) throws SQLException {
        long expected = lastSeq + 1;
        if (seq > expected) {
            return new Problem("removed", expected, "records " + expected + (seq - 1 > expected ? " to " + (seq - 1) : "")
                    + " are missing: the chain goes from record " + lastSeq + " to record " + seq);
        }
        if (!CanonicalForm.chainHash(prevHash, canonical).equals(hash)) {
            return new Problem("altered", seq, "record " + seq + " no longer hashes to its hash " + hash);
        }
        JsonNode record;
        try {
            record = JSON.readTree(canonical);
        } catch (JsonProcessingException e) {
            return new Problem("altered", seq, "record " + seq + "'s hashed form is not JSON: " + e.getOriginalMessage());
        }
        long hashedSeq = record.path("seq").asLong(-1);
        if (hashedSeq < seq) {
            return new Problem("inserted", seq - 1, "record " + seq + " was hashed as record " + hashedSeq
                    + ": the records from " + hashedSeq + " on were renumbered to make room for an inserted one");
        }
        if (hashedSeq > seq) {
            return new Problem("removed", seq, "record " + seq + " was hashed as record " + hashedSeq
                    + ": records were removed and the rest renumbered");
        }
        String column = disagreeingColumn(rs, record);
        if (column != null) {
            return new Problem("altered", seq, "record " + seq + "'s column " + column
                    + " differs from the record as hashed");
        }
        if (!prevHash.equals(lastHash)) {
            if (prevHash.equals(beforeLastHash)) {
                return new Problem("inserted", lastSeq, "record " + seq + " was chained to record " + (lastSeq - 1)
                        + ": record " + lastSeq + " was inserted between them");
            }
            return new Problem("altered", lastSeq, "record " + seq + " was chained to another version of record "
                    + lastSeq + " (its hash was " + prevHash + ", it is now " + lastHash + ")");
        }
        return null;
    }

    /** The first searchable column that no longer says what the hashed form says, or null. */
    private static String disagreeingColumn(ResultSet rs, JsonNode record) throws SQLException {
        JsonNode event = record.path("event");
        if (!event.path("id").path("code").asText().equals(rs.getString("event_id"))) {
            return "event_id";
        }
        if (!event.path("action").asText().equals(rs.getString("action"))) {
            return "action";
        }
        if (event.path("outcome").asInt() != rs.getInt("outcome")) {
            return "outcome";
        }
        Timestamp time = rs.getTimestamp("event_time");
        if (!CanonicalForm.time(time.toInstant()).equals(event.path("dateTime").asText())) {
            return "event_time";
        }
        Map<String, List<String>> searchable = CanonicalForm.searchable(record);
        if (!sameArray(rs.getArray("users"), searchable.get("users"))) {
            return "users";
        }
        if (!sameArray(rs.getArray("patient_ids"), searchable.get("patients"))) {
            return "patient_ids";
        }
        if (!sameArray(rs.getArray("study_uids"), searchable.get("studies"))) {
            return "study_uids";
        }
        try {
            if (!JSON.readTree(rs.getString("participants")).equals(record.path("participants"))) {
                return "participants";
            }
            if (!JSON.readTree(rs.getString("objects")).equals(record.path("objects"))) {
                return "objects";
            }
        } catch (JsonProcessingException e) {
            return "participants/objects";
        }
        return null;
    }

    private static boolean sameArray(Array column, List<String> expected) throws SQLException {
        return column != null && Arrays.asList((Object[]) column.getArray()).equals(expected);
    }
}
