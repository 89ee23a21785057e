-- Worklist benchmark data (bench/worklist.sh): __STUDIES__ studies, one CT (every fifth MR) series of 40 instances each,
-- a Glassbox result series of 40 in every other study, and one job per analysed study: most succeeded with a
-- 40-image result record (a third of them with a present finding), some queued, some dead. Written straight
-- into the index tables: the numbers measure the worklist's query, not ingest.
INSERT INTO patient (patient_id, patient_name) SELECT 'P' || g, 'Patient^' || g FROM generate_series(1, __STUDIES__) g;
INSERT INTO study (patient_fk, study_instance_uid, study_date, study_time, patient_name, patient_id, study_description)
  SELECT g, '1.2.826.' || g, to_char(date '2020-01-01' + (g % 1500), 'YYYYMMDD'), '101500', 'Patient^' || g, 'P' || g, 'CT head'
  FROM generate_series(1, __STUDIES__) g;
INSERT INTO series (study_fk, series_instance_uid, modality) SELECT g, '1.2.826.' || g || '.1', CASE WHEN g % 5 = 0 THEN 'MR' ELSE 'CT' END FROM generate_series(1, __STUDIES__) g;
INSERT INTO series (study_fk, series_instance_uid, modality) SELECT g, '1.2.826.' || g || '.9901', 'OT' FROM generate_series(1, __STUDIES__, 2) g;
INSERT INTO instance (series_fk, sop_instance_uid, sop_class_uid, transfer_syntax_uid, size_bytes, sha256, storage_path, dataset_offset, metadata, received_via)
  SELECT s.pk, s.series_instance_uid || '.' || i, '1.2.840.10008.5.1.4.1.1.2', '1.2.840.10008.1.2.1', 1, 'x', 'p/' || s.pk || '/' || i, 0, '{}', CASE WHEN s.series_instance_uid LIKE '%.9901' THEN 'RESULT' ELSE 'DIMSE' END
  FROM series s, generate_series(1, 40) i;
INSERT INTO job (idempotency_key, study_instance_uid, series_instance_uid, rule_name, plugin_id, plugin_version, input_digest, inputs, max_attempts, state, progress_done, progress_total, result)
  SELECT 'k' || g, '1.2.826.' || g, '1.2.826.' || g || '.1', 'r', 'glassbox.ct-hyperdense-lesion', '1.0.0', 'd', '[]', 5,
         CASE WHEN g % 100 = 0 THEN 'running' WHEN g % 50 = 1 THEN 'queued' WHEN g % 97 = 0 THEN 'dead' ELSE 'succeeded' END, 10, 40,
         CASE WHEN g % 100 <> 0 AND g % 50 <> 1 AND g % 97 <> 0 THEN
           jsonb_build_object('kind', 'analysis', 'imagesWithFindings', CASE WHEN g % 3 = 0 THEN 2 ELSE 0 END, 'images',
             (SELECT jsonb_agg(jsonb_build_object('sopInstanceUid', '1.2.826.' || g || '.1.' || i, 'frame', 1, 'results',
                jsonb_build_array(jsonb_build_object('classId', 'lesion', 'label', 'Hyperdense lesion', 'score', ((g * 7 + i) % 100) / 100.0, 'threshold', 0.5, 'present', g % 3 = 0 AND i < 3))))
              FROM generate_series(1, 40) i)) END
  FROM generate_series(1, __STUDIES__, 2) g;
VACUUM ANALYZE;
