package io.glassbox.server.audit;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One chained audit record (table {@code audit_record}, db/migrations V9). Rows are only ever inserted, by the
 * {@link AuditWriter}; the database refuses updates and deletes. Everything but {@code canonical}, {@code prevHash} and
 * {@code hash} repeats what {@code canonical} says, for searching.
 */
@Entity
@Table(name = "audit_record")
public class AuditRecord extends PanacheEntityBase {

    @Id
    public long seq;

    @Column(name = "event_time", nullable = false)
    public Instant eventTime;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;

    @Column(name = "event_id", nullable = false)
    public String eventId;

    @Column(name = "event_type")
    public String eventType;

    @Column(nullable = false, length = 1)
    public String action;

    @Column(nullable = false)
    public short outcome;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] users;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "patient_ids", nullable = false)
    public String[] patientIds;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "study_uids", nullable = false)
    public String[] studyUids;

    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false)
    public String participants;

    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false)
    public String objects;

    @Column(nullable = false)
    public String canonical;

    @Column(name = "prev_hash", nullable = false, length = 64)
    public String prevHash;

    @Column(nullable = false, length = 64)
    public String hash;

    /** The record of {@code event} as number {@code seq} of the chain, after the record whose hash is {@code prevHash}. */
    static AuditRecord chained(long seq, Instant recordedAt, AuditEvent event, String prevHash) {
        ObjectNode json = CanonicalForm.toJson(seq, recordedAt, event);
        AuditRecord r = new AuditRecord();
        r.seq = seq;
        r.eventTime = event.time().truncatedTo(ChronoUnit.MILLIS);
        r.recordedAt = recordedAt.truncatedTo(ChronoUnit.MILLIS);
        r.eventId = event.eventId().code();
        r.eventType = event.eventTypes().isEmpty() ? null : event.eventTypes().get(0).code();
        r.action = event.action();
        r.outcome = (short) event.outcome();
        Map<String, List<String>> searchable = CanonicalForm.searchable(json);
        r.users = searchable.get("users").toArray(String[]::new);
        r.patientIds = searchable.get("patients").toArray(String[]::new);
        r.studyUids = searchable.get("studies").toArray(String[]::new);
        r.participants = CanonicalForm.text(json.get("participants"));
        r.objects = CanonicalForm.text(json.get("objects"));
        r.canonical = CanonicalForm.text(json);
        r.prevHash = prevHash;
        r.hash = CanonicalForm.chainHash(prevHash, r.canonical);
        return r;
    }
}
