-- Dispatch: the durable job queue and the stability tracker's marks.
--
-- A job is one plugin run over one set of inputs. Several server processes may share this database: workers
-- claim with SELECT ... FOR UPDATE SKIP LOCKED, hold a lease they renew while working, and finish only while
-- still holding it (lease_token fences a worker whose lease expired and whose job was taken over).
-- The idempotency key makes "the same plugin version over the same inputs with the same parameters" one job,
-- however many times the study is evaluated, by however many processes.

CREATE TABLE job (
    pk                  BIGSERIAL PRIMARY KEY,
    idempotency_key     TEXT NOT NULL UNIQUE,     -- sha256(study, series, plugin id, version, input digest, parameters)
    study_instance_uid  TEXT NOT NULL,
    series_instance_uid TEXT NOT NULL DEFAULT '', -- '' for a study-level rule
    rule_name           TEXT NOT NULL,
    plugin_id           TEXT NOT NULL,
    plugin_version      TEXT NOT NULL,
    parameters          JSONB NOT NULL DEFAULT '{}',
    input_digest        TEXT NOT NULL,            -- sha256 over the sorted "SOP Instance UID:sha256" lines
    inputs              JSONB NOT NULL,           -- [{"sopInstanceUid":..,"sha256":..}] sorted by UID
    state               TEXT NOT NULL DEFAULT 'queued'
                        CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'dead')),
    attempts            INTEGER NOT NULL DEFAULT 0,   -- claims so far (a claim is an attempt)
    max_attempts        INTEGER NOT NULL,
    run_after           TIMESTAMPTZ NOT NULL DEFAULT now(), -- not claimed before (backoff)
    lease_owner         TEXT,                     -- worker that holds it ("host/pid/thread")
    lease_token         UUID,                     -- changes with every claim
    lease_expires_at    TIMESTAMPTZ,
    worked_by           TEXT,                     -- worker of the latest attempt (kept once it ends)
    progress_done       INTEGER NOT NULL DEFAULT 0,
    progress_total      INTEGER NOT NULL DEFAULT 0,
    progress_message    TEXT NOT NULL DEFAULT '',
    last_error          TEXT,
    result              JSONB,                    -- what the executor reported on success
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at          TIMESTAMPTZ,              -- of the latest attempt
    finished_at         TIMESTAMPTZ
);
-- The claim scans queued and failed jobs that are due; the lease reaper scans running jobs by lease expiry.
CREATE INDEX job_claimable_idx ON job (run_after, pk) WHERE state IN ('queued', 'failed');
CREATE INDEX job_lease_idx ON job (lease_expires_at) WHERE state = 'running';
CREATE INDEX job_plugin_running_idx ON job (plugin_id) WHERE state = 'running';
CREATE INDEX job_study_idx ON job (study_instance_uid);
CREATE INDEX job_state_idx ON job (state, pk);

-- Which version of each study the stability tracker has evaluated: the study.updated_at it saw. A study whose
-- updated_at differs (a new instance arrived) and has been quiet long enough is evaluated again; one whose
-- value is unchanged is not, so a restart re-evaluates nothing and forgets nothing.
CREATE TABLE study_dispatch (
    study_fk            BIGINT PRIMARY KEY REFERENCES study(pk) ON DELETE CASCADE,
    evaluated_version   TIMESTAMPTZ NOT NULL,
    evaluated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    jobs_queued         INTEGER NOT NULL DEFAULT 0    -- by the latest evaluation
);
