-- Glassbox index: patient / study / series / instance.
-- The files are the truth (write-once, byte-for-byte as received); these tables are what QIDO-RS and
-- WADO-RS metadata read, so a query never opens a file. An instance is visible to readers exactly when its
-- row is committed, which happens only after its file is fsynced and renamed into place.
--
-- DICOM dates (DA) and times (TM) are kept as the text received ('YYYYMMDD', 'HHMMSS.ffffff'): DICOM range
-- matching on them is a string comparison, and a malformed value in one object must not stop its storage.
-- Empty text means "absent" (DICOM universal matching treats absent and empty alike).

CREATE TABLE patient (
    pk                    BIGSERIAL PRIMARY KEY,
    patient_id            TEXT NOT NULL DEFAULT '',   -- (0010,0020)
    issuer_of_patient_id  TEXT NOT NULL DEFAULT '',   -- (0010,0021)
    patient_name          TEXT NOT NULL DEFAULT '',   -- (0010,0010), DICOM PN string form
    patient_birth_date    TEXT NOT NULL DEFAULT '',   -- (0010,0030)
    patient_sex           TEXT NOT NULL DEFAULT '',   -- (0010,0040)
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (patient_id, issuer_of_patient_id)
);

CREATE TABLE study (
    pk                        BIGSERIAL PRIMARY KEY,
    patient_fk                BIGINT NOT NULL REFERENCES patient(pk),
    study_instance_uid        TEXT NOT NULL UNIQUE,   -- (0020,000D)
    study_date                TEXT NOT NULL DEFAULT '',   -- (0008,0020)
    study_time                TEXT NOT NULL DEFAULT '',   -- (0008,0030)
    accession_number          TEXT NOT NULL DEFAULT '',   -- (0008,0050)
    referring_physician_name  TEXT NOT NULL DEFAULT '',   -- (0008,0090)
    study_description         TEXT NOT NULL DEFAULT '',   -- (0008,1030)
    study_id                  TEXT NOT NULL DEFAULT '',   -- (0020,0010)
    -- Patient attributes as this study carried them (QIDO's study level answers with these).
    patient_name              TEXT NOT NULL DEFAULT '',
    patient_id                TEXT NOT NULL DEFAULT '',
    patient_birth_date        TEXT NOT NULL DEFAULT '',
    patient_sex               TEXT NOT NULL DEFAULT '',
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                TIMESTAMPTZ NOT NULL DEFAULT now()  -- last instance added: the stability tracker reads it
);
CREATE INDEX study_patient_fk ON study(patient_fk);
CREATE INDEX study_date_idx ON study(study_date);
CREATE INDEX study_accession_idx ON study(accession_number);
CREATE INDEX study_patient_id_idx ON study(patient_id);
CREATE INDEX study_patient_name_idx ON study(upper(patient_name) text_pattern_ops);

CREATE TABLE series (
    pk                   BIGSERIAL PRIMARY KEY,
    study_fk             BIGINT NOT NULL REFERENCES study(pk),
    series_instance_uid  TEXT NOT NULL UNIQUE,    -- (0020,000E)
    modality             TEXT NOT NULL DEFAULT '', -- (0008,0060)
    series_number        INTEGER,                  -- (0020,0011)
    series_description   TEXT NOT NULL DEFAULT '', -- (0008,103E)
    body_part_examined   TEXT NOT NULL DEFAULT '', -- (0018,0015)
    series_date          TEXT NOT NULL DEFAULT '', -- (0008,0021)
    series_time          TEXT NOT NULL DEFAULT '', -- (0008,0031)
    performed_procedure_step_start_date TEXT NOT NULL DEFAULT '', -- (0040,0244)
    performed_procedure_step_start_time TEXT NOT NULL DEFAULT '', -- (0040,0245)
    institution_name     TEXT NOT NULL DEFAULT '', -- (0008,0080)
    station_name         TEXT NOT NULL DEFAULT '', -- (0008,1010)
    sending_ae_title     TEXT NOT NULL DEFAULT '', -- calling AE title of the first association that sent it ('' for STOW-RS)
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX series_study_fk ON series(study_fk);
CREATE INDEX series_modality_idx ON series(modality);

CREATE TABLE instance (
    pk                   BIGSERIAL PRIMARY KEY,
    series_fk            BIGINT NOT NULL REFERENCES series(pk),
    sop_instance_uid     TEXT NOT NULL UNIQUE,    -- (0008,0018) of the data set (never the file meta's)
    sop_class_uid        TEXT NOT NULL,           -- (0008,0016)
    instance_number      INTEGER,                 -- (0020,0013)
    rows                 INTEGER,                 -- (0028,0010)
    columns              INTEGER,                 -- (0028,0011)
    number_of_frames     INTEGER,                 -- (0028,0008); NULL when absent (single frame)
    transfer_syntax_uid  TEXT NOT NULL,           -- as stored
    size_bytes           BIGINT NOT NULL,         -- of the stored Part 10 file
    sha256               TEXT NOT NULL,           -- hex digest of the stored Part 10 file
    storage_path         TEXT NOT NULL,           -- relative to the data directory
    dataset_offset       BIGINT NOT NULL,         -- where the data set starts in the file (after the file meta)
    pixel_data_offset    BIGINT,                  -- value offset of (7FE0,0010) in the file, NULL when none
    pixel_data_length    BIGINT,                  -- value length, -1 for encapsulated (undefined length)
    metadata             JSONB NOT NULL,          -- DICOM JSON (PS3.18 F.2) of the data set, bulk data as BulkDataURI
    received_via         TEXT NOT NULL,           -- 'DIMSE' or 'STOW'
    calling_ae_title     TEXT NOT NULL DEFAULT '',
    received_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX instance_series_fk ON instance(series_fk);
CREATE INDEX instance_sop_class_idx ON instance(sop_class_uid);
