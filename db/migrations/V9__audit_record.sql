-- The audit trail: an append-only, hash-chained record of every access and every AI decision
-- (docs/audit.md says what each event means, how the chain is computed and verified, and which grants the
-- application role gets).
--
-- One row per audit message, in the order the single writer chained them (seq 1, 2, 3, ... without gaps).
-- `canonical` is the record exactly as it was hashed: JSON with keys sorted, no insignificant white space, UTF-8.
-- hash = hex(SHA-256(prev_hash || canonical)), prev_hash being the previous record's hash (64 zeros for the first).
-- The other columns repeat what the canonical form says, for searching; verification checks they still agree.

CREATE TABLE audit_record (
    seq                  BIGINT PRIMARY KEY,          -- position in the chain, from 1, no gaps
    event_time           TIMESTAMPTZ NOT NULL,        -- EventDateTime: when the event happened
    recorded_at          TIMESTAMPTZ NOT NULL,        -- when the writer chained it
    event_id             TEXT NOT NULL,               -- EventID code, e.g. 110104 (DICOM Instances Transferred)
    event_type           TEXT,                        -- first EventTypeCode, e.g. 110120 (Application Start)
    action               CHAR(1) NOT NULL CHECK (action IN ('C', 'R', 'U', 'D', 'E')),  -- EventActionCode
    outcome              SMALLINT NOT NULL CHECK (outcome IN (0, 4, 8, 12)),           -- EventOutcomeIndicator
    users                TEXT[] NOT NULL,             -- UserID of every active participant (user name or AE title)
    patient_ids          TEXT[] NOT NULL,             -- ParticipantObjectID of every patient object
    study_uids           TEXT[] NOT NULL,             -- ParticipantObjectID of every study object
    participants         JSONB NOT NULL,              -- the active participants as in `canonical`
    objects              JSONB NOT NULL,              -- the participant objects as in `canonical`
    canonical            TEXT NOT NULL,               -- the record as hashed
    prev_hash            CHAR(64) NOT NULL,
    hash                 CHAR(64) NOT NULL UNIQUE
);
CREATE INDEX audit_record_time_idx ON audit_record (event_time);
CREATE INDEX audit_record_event_idx ON audit_record (event_id, seq);
CREATE INDEX audit_record_users_idx ON audit_record USING gin (users);
CREATE INDEX audit_record_patients_idx ON audit_record USING gin (patient_ids);
CREATE INDEX audit_record_studies_idx ON audit_record USING gin (study_uids);

-- Append only: no row is ever changed or removed, whoever asks. The application role is granted INSERT and
-- SELECT only (docs/audit.md); this trigger also stops the table's owner, unless the owner first disables it, which
-- is itself visible (and the hash chain still names what was changed).
CREATE FUNCTION audit_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_record is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_record_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_record
    FOR EACH ROW EXECUTE FUNCTION audit_record_append_only();

CREATE TRIGGER audit_record_no_truncate
    BEFORE TRUNCATE ON audit_record
    FOR EACH STATEMENT EXECUTE FUNCTION audit_record_append_only();
