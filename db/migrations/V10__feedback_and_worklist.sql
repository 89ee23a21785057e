-- The radiologist's feedback on AI findings, and what the worklist's queries need.
--
-- feedback: one row per verdict given. A second verdict by the same user on the same finding is a new row: the
-- history is kept and the newest row (highest id) is the one that counts. A finding is (job, image, frame,
-- class); the row also keeps the plugin and version the job ran, so the per-model summary reads this table alone.
-- No foreign key to job: job rows are never deleted by the server, and tests empty the queue without cascading
-- into what radiologists said; the server checks that the job and finding exist before it writes a row.
CREATE TABLE feedback (
    id                  BIGSERIAL PRIMARY KEY,
    study_instance_uid  TEXT NOT NULL,
    job_id              BIGINT NOT NULL,
    sop_instance_uid    TEXT NOT NULL,
    frame               INTEGER NOT NULL CHECK (frame >= 1),
    class_id            TEXT NOT NULL,
    verdict             TEXT NOT NULL CHECK (verdict IN ('agree', 'disagree', 'uncertain')),
    comment             TEXT CHECK (length(comment) <= 2000),
    user_name           TEXT NOT NULL,
    plugin_id           TEXT NOT NULL,
    plugin_version      TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- The latest verdict per user and finding: the finding's rows, newest first.
CREATE INDEX feedback_finding_idx ON feedback (job_id, sop_instance_uid, frame, class_id, user_name, id DESC);
CREATE INDEX feedback_study_idx ON feedback (study_instance_uid);

-- Worklist (server: worklist/WorklistQuery). Sorting by date or patient walks these indexes, so a page of the
-- newest studies costs the page, not the table.
CREATE INDEX study_worklist_date_idx ON study (study_date, study_time, pk);
CREATE INDEX study_worklist_patient_idx ON study (patient_name, pk);
-- Whether a job's findings include one present: the "finding" filter reads this flag rather than detoasting
-- every job's result record. The record (PluginExecutor) counts the images with a present finding; a record
-- without that count (not an analysis) reads as no finding, never as an error that would stop the job's update.
ALTER TABLE job ADD COLUMN finding_present BOOLEAN
    GENERATED ALWAYS AS (CASE WHEN jsonb_typeof(result -> 'imagesWithFindings') = 'number'
                              THEN (result ->> 'imagesWithFindings')::numeric > 0 ELSE false END) STORED;
-- The worklist's event stream asks which jobs changed since its last look.
CREATE INDEX job_updated_idx ON job (updated_at);
