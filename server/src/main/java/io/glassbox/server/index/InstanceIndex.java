package io.glassbox.server.index;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;

/**
 * Writes and looks up instances in the PostgreSQL index. Plain JDBC: one short transaction per instance, so the
 * moment of commit is exactly the moment the instance becomes visible and the C-STORE may be acknowledged.
 */
@ApplicationScoped
public class InstanceIndex {

    private final AgroalDataSource dataSource;

    public InstanceIndex(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The stored identity of an instance: where its file is and what its content hash is. */
    public record StoredInstance(String sopInstanceUid, String studyInstanceUid, String seriesInstanceUid, String sha256,
            String storagePath) {}

    /** Thrown when the row could not be inserted because the SOP Instance UID is already indexed. */
    public static class AlreadyIndexedException extends SQLException {
        private static final long serialVersionUID = 1L;

        AlreadyIndexedException(SQLException cause) {
            super(cause.getMessage(), cause.getSQLState(), cause);
        }
    }

    public Optional<StoredInstance> find(String sopInstanceUid) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        SELECT i.sop_instance_uid, st.study_instance_uid, se.series_instance_uid, i.sha256, i.storage_path
                          FROM instance i JOIN series se ON se.pk = i.series_fk JOIN study st ON st.pk = se.study_fk
                         WHERE i.sop_instance_uid = ?""")) {
            ps.setString(1, sopInstanceUid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new StoredInstance(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5)))
                        : Optional.empty();
            }
        }
    }

    /**
     * Inserts patient, study and series as needed and the instance, in one transaction. Patient, study and series
     * rows are locked in that fixed order, so concurrent inserts into one study cannot deadlock.
     */
    public void insert(IndexedInstance i) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long patientPk = upsertPatient(c, i);
                long studyPk = upsertStudy(c, i, patientPk);
                long seriesPk = upsertSeries(c, i, studyPk);
                insertInstance(c, i, seriesPk);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                if ("23505".equals(e.getSQLState()) && e.getMessage() != null
                        && e.getMessage().contains("instance_sop_instance_uid_key")) {
                    throw new AlreadyIndexedException(e);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static long upsertPatient(Connection c, IndexedInstance i) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO patient (patient_id, issuer_of_patient_id, patient_name, patient_birth_date, patient_sex)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (patient_id, issuer_of_patient_id) DO UPDATE
                   SET patient_name = EXCLUDED.patient_name,
                       patient_birth_date = EXCLUDED.patient_birth_date,
                       patient_sex = EXCLUDED.patient_sex
                 WHERE (patient.patient_name, patient.patient_birth_date, patient.patient_sex)
                       IS DISTINCT FROM (EXCLUDED.patient_name, EXCLUDED.patient_birth_date, EXCLUDED.patient_sex)
                RETURNING pk""")) {
            ps.setString(1, i.patientId());
            ps.setString(2, i.issuerOfPatientId());
            ps.setString(3, i.patientName());
            ps.setString(4, i.patientBirthDate());
            ps.setString(5, i.patientSex());
            Long pk = returnedPk(ps);
            return pk != null ? pk
                    : selectPk(c, "SELECT pk FROM patient WHERE patient_id = ? AND issuer_of_patient_id = ?",
                            i.patientId(), i.issuerOfPatientId());
        }
    }

    private static long upsertStudy(Connection c, IndexedInstance i, long patientPk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO study (patient_fk, study_instance_uid, study_date, study_time, accession_number,
                                   referring_physician_name, study_description, study_id,
                                   patient_name, patient_id, patient_birth_date, patient_sex)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (study_instance_uid) DO UPDATE SET updated_at = now()
                RETURNING pk""")) {
            ps.setLong(1, patientPk);
            ps.setString(2, i.studyInstanceUid());
            ps.setString(3, i.studyDate());
            ps.setString(4, i.studyTime());
            ps.setString(5, i.accessionNumber());
            ps.setString(6, i.referringPhysicianName());
            ps.setString(7, i.studyDescription());
            ps.setString(8, i.studyId());
            ps.setString(9, i.patientName());
            ps.setString(10, i.patientId());
            ps.setString(11, i.patientBirthDate());
            ps.setString(12, i.patientSex());
            return returnedPk(ps);
        }
    }

    private static long upsertSeries(Connection c, IndexedInstance i, long studyPk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO series (study_fk, series_instance_uid, modality, series_number, series_description,
                                    body_part_examined, series_date, series_time,
                                    performed_procedure_step_start_date, performed_procedure_step_start_time,
                                    institution_name, station_name, sending_ae_title)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (series_instance_uid) DO UPDATE SET updated_at = now()
                RETURNING pk, study_fk""")) {
            ps.setLong(1, studyPk);
            ps.setString(2, i.seriesInstanceUid());
            ps.setString(3, i.modality());
            setInteger(ps, 4, i.seriesNumber());
            ps.setString(5, i.seriesDescription());
            ps.setString(6, i.bodyPartExamined());
            ps.setString(7, i.seriesDate());
            ps.setString(8, i.seriesTime());
            ps.setString(9, i.performedProcedureStepStartDate());
            ps.setString(10, i.performedProcedureStepStartTime());
            ps.setString(11, i.institutionName());
            ps.setString(12, i.stationName());
            ps.setString(13, i.callingAeTitle());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(2) != studyPk) {
                    // A series UID is globally unique: one that is already filed under another study means the
                    // object is inconsistent with what is stored, and filing it would corrupt the hierarchy.
                    throw new SQLException("Series " + i.seriesInstanceUid() + " already belongs to another study",
                            "GBX01");
                }
                return rs.getLong(1);
            }
        }
    }

    private static void insertInstance(Connection c, IndexedInstance i, long seriesPk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO instance (series_fk, sop_instance_uid, sop_class_uid, instance_number, rows, columns,
                                      number_of_frames, transfer_syntax_uid, size_bytes, sha256, storage_path,
                                      dataset_offset, pixel_data_offset, pixel_data_length, metadata,
                                      received_via, calling_ae_title)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)""")) {
            ps.setLong(1, seriesPk);
            ps.setString(2, i.sopInstanceUid());
            ps.setString(3, i.sopClassUid());
            setInteger(ps, 4, i.instanceNumber());
            setInteger(ps, 5, i.rows());
            setInteger(ps, 6, i.columns());
            setInteger(ps, 7, i.numberOfFrames());
            ps.setString(8, i.transferSyntaxUid());
            ps.setLong(9, i.sizeBytes());
            ps.setString(10, i.sha256());
            ps.setString(11, i.storagePath());
            ps.setLong(12, i.datasetOffset());
            setLong(ps, 13, i.pixelDataOffset());
            setLong(ps, 14, i.pixelDataLength());
            ps.setString(15, i.metadataJson());
            ps.setString(16, i.receivedVia());
            ps.setString(17, i.callingAeTitle());
            ps.executeUpdate();
        }
    }

    private static Long returnedPk(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    private static long selectPk(Connection c, String sql, String a, String b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, a);
            ps.setString(2, b);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void setInteger(PreparedStatement ps, int index, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, v);
        }
    }

    private static void setLong(PreparedStatement ps, int index, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, v);
        }
    }
}
