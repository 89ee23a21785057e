package io.glassbox.server.audit;

import io.glassbox.server.web.ProblemException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A search of the audit trail: records in a time range, by user (or AE title), patient, study and event ID,
 * oldest first. The array columns are matched with {@code = ANY(...)}, which their GIN indexes serve; Hibernate
 * runs it as a native query mapped onto {@link AuditRecord}.
 *
 * @param from   event time at or after, or null
 * @param to     event time before, or null
 * @param after  only records after this sequence number (paging), 0 for all
 */
public record AuditSearch(Instant from, Instant to, String user, String patient, String study, String event,
                          long after, int limit) {

    public static final int MAX_LIMIT = 10000;

    /** From query parameters; a bad one is a 400 problem. */
    public static AuditSearch of(String from, String to, String user, String patient, String study, String event,
                                 Long after, Integer limit) {
        int n = limit == null ? 1000 : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw ProblemException.badRequest("limit must be 1 to " + MAX_LIMIT + ", not " + n);
        }
        return new AuditSearch(time("from", from), time("to", to), blankToNull(user), blankToNull(patient),
                blankToNull(study), blankToNull(event), after == null ? 0 : after, n);
    }

    List<AuditRecord> run() {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_record WHERE seq > ?1");
        List<Object> args = new ArrayList<>();
        args.add(after);
        condition(sql, args, "event_time >= ?", from);
        condition(sql, args, "event_time < ?", to);
        condition(sql, args, "? = ANY(users)", user);
        condition(sql, args, "? = ANY(patient_ids)", patient);
        condition(sql, args, "? = ANY(study_uids)", study);
        condition(sql, args, "event_id = ?", event);
        sql.append(" ORDER BY seq LIMIT ").append(limit);
        var query = AuditRecord.getEntityManager().createNativeQuery(sql.toString(), AuditRecord.class);
        for (int i = 0; i < args.size(); i++) {
            query.setParameter(i + 1, args.get(i));
        }
        @SuppressWarnings("unchecked")
        List<AuditRecord> found = query.getResultList();
        return found;
    }

    private static void condition(StringBuilder sql, List<Object> args, String condition, Object value) {
        if (value != null) {
            args.add(value);
            sql.append(" AND ").append(condition.replace("?", "?" + args.size()));
        }
    }

    /** An ISO-8601 instant ({@code 2026-01-31T12:00:00Z}) or a date ({@code 2026-01-31}, midnight UTC). */
    private static Instant time(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(name + " must be a date (2026-01-31) or an instant "
                    + "(2026-01-31T12:00:00Z), not '" + value + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
