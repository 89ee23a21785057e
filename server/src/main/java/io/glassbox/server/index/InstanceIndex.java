package io.glassbox.server.index;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Writes and looks up instances in the PostgreSQL index. Plain JDBC: one short transaction per instance, so the
 * moment of commit is exactly the moment the instance becomes visible and the C-STORE may be acknowledged.
 */
@ApplicationScoped
public class InstanceIndex {
    private static final Logger LOG = Logger.getLogger(InstanceIndex.class);

    private final AgroalDataSource dataSource;

    public InstanceIndex(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The stored identity of an instance: where its file is, its content hash, and what identifies it for the
     * write-once rule (transfer syntax and data set digest; the digest is null for a row indexed before it was kept).
     */
    public record StoredInstance(String sopInstanceUid, String studyInstanceUid, String seriesInstanceUid, String sha256,
            String storagePath, String transferSyntaxUid, long dataSetOffset, String dataSetSha256) {}


    public Optional<StoredInstance> find(String sopInstanceUid) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        SELECT i.sop_instance_uid, st.study_instance_uid, se.series_instance_uid, i.sha256, i.storage_path,
                               i.transfer_syntax_uid, i.dataset_offset, i.dataset_sha256
                          FROM instance i JOIN series se ON se.pk = i.series_fk JOIN study st ON st.pk = se.study_fk
                         WHERE i.sop_instance_uid = ?""")) {
            ps.setString(1, sopInstanceUid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new StoredInstance(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getString(6), rs.getLong(7), rs.getString(8)))
                        : Optional.empty();
            }
        }
    }

    /** Records the data set digest of a row indexed before db/migrations/V6 (where it has none yet). */
    public void recordDataSetSha256(String sopInstanceUid, String dataSetSha256) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE instance SET dataset_sha256 = ? WHERE sop_instance_uid = ? AND dataset_sha256 IS NULL")) {
            ps.setString(1, dataSetSha256);
            ps.setString(2, sopInstanceUid);
            ps.executeUpdate();
        }
    }

    /** What {@link #insert} did. */
    public enum InsertResult {
        INSERTED,
        /** A row with this SOP Instance UID exists already: nothing was written. */
        ALREADY_INDEXED
    }

    /**
     * Inserts the instance, with patient, study and series as needed. The instance row commits durably in one
     * statement (that commit is what a C-STORE success waits for); for a series already indexed that statement
     * locks no shared row, and the first instance of a series upserts the hierarchy in the same statement,
     * locking patient, study and series in that fixed order so concurrent inserts cannot deadlock.
     *
     * @throws SQLException with SQLState {@code GBX01} when the series is already filed under another study
     *         (db/migrations/V2)
     */
    public InsertResult insert(IndexedInstance i) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try {
                return insert(c, i);
            } catch (SQLException e) {
                String state = e.getSQLState();
                if (state == null || state.startsWith("08")) {
                    // The connection broke while the statement or its commit was under way: it may have committed.
                    throw new CommitOutcomeUnknownException(e);
                }
                throw e;
            }
        }
    }

    /**
     * The connection failed during the insert, so whether the row committed is unknown. The caller must keep the
     * object's file (a committed row must never point at a removed file) and report a failure; the sender's retry
     * then finds the row or stores the object anew.
     */
    public static class CommitOutcomeUnknownException extends SQLException {
        private static final long serialVersionUID = 1L;

        CommitOutcomeUnknownException(SQLException cause) {
            super("connection lost during the index insert: " + cause.getMessage(), cause.getSQLState(), cause);
        }
    }

    private static InsertResult insert(Connection c, IndexedInstance i) throws SQLException {
        InsertResult result = insertIntoKnownSeries(c, i);
        if (result == null) {
            return insertWithHierarchy(c, i);
        }
        try {
            markStudyActive(c, i.study().instanceUid());
        } catch (SQLException e) {
            // The instance is committed: a failure here must not read as a failed store (ingest would remove the
            // file of a committed row). The study is marked by its next instance.
            LOG.warnf("Instance %s stored, but its study's activity mark failed: %s", i.instance().sopInstanceUid(),
                    e.getMessage());
        }
        return result;
    }

    /**
     * The common case, an instance of a series already indexed under this study: inserted without touching the
     * patient, study or series rows, so concurrent associations sending one study never wait on each other's
     * commit. Null when the series is not (yet, in this statement's snapshot) indexed under this study.
     */
    private static InsertResult insertIntoKnownSeries(Connection c, IndexedInstance i) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_INTO_KNOWN_SERIES)) {
            ps.setString(1, i.series().instanceUid());
            ps.setString(2, i.study().instanceUid());
            bindInstance(ps, 3, i);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return null;
                }
                return rs.getBoolean(2) ? InsertResult.INSERTED : InsertResult.ALREADY_INDEXED;
            }
        }
    }

    /**
     * Moves the study's {@code updated_at}, which the stability tracker reads as "the last instance arrived then".
     * Not part of the instance's durable commit: it needs no flush of its own (a crash loses only a few
     * milliseconds of "recent activity"), so its row lock is held for microseconds, not for a WAL flush.
     */
    private static void markStudyActive(Connection c, String studyUid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE study SET updated_at = now()
                 WHERE study_instance_uid = ? AND set_config('synchronous_commit', 'off', true) IS NOT NULL""")) {
            ps.setString(1, studyUid);
            ps.executeUpdate();
        }
    }

    /** The first instance of a series: patient, study and series upserted with it, in one statement. */
    private static InsertResult insertWithHierarchy(Connection c, IndexedInstance i) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            int k = 1;
            IndexedInstance.Patient patient = i.patient();
            ps.setString(k++, patient.id());
            ps.setString(k++, patient.issuerOfId());
            ps.setString(k++, patient.name());
            ps.setString(k++, patient.birthDate());
            ps.setString(k++, patient.sex());
            IndexedInstance.Study study = i.study();
            ps.setString(k++, study.instanceUid());
            ps.setString(k++, study.date());
            ps.setString(k++, study.time());
            ps.setString(k++, study.accessionNumber());
            ps.setString(k++, study.referringPhysicianName());
            ps.setString(k++, study.description());
            ps.setString(k++, study.id());
            ps.setString(k++, patient.name());
            ps.setString(k++, patient.id());
            ps.setString(k++, patient.birthDate());
            ps.setString(k++, patient.sex());
            IndexedInstance.Series series = i.series();
            ps.setString(k++, series.instanceUid());
            ps.setString(k++, series.modality());
            setInteger(ps, k++, series.number());
            ps.setString(k++, series.description());
            ps.setString(k++, series.bodyPartExamined());
            ps.setString(k++, series.date());
            ps.setString(k++, series.time());
            ps.setString(k++, series.performedProcedureStepStartDate());
            ps.setString(k++, series.performedProcedureStepStartTime());
            ps.setString(k++, series.institutionName());
            ps.setString(k++, series.stationName());
            ps.setString(k++, i.provenance().callingAeTitle());
            k = bindInstance(ps, k, i);
            ps.setString(k, series.instanceUid());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? InsertResult.INSERTED : InsertResult.ALREADY_INDEXED;
            }
        }
    }

    private static final String INSTANCE_COLUMNS = """
            sop_instance_uid, sop_class_uid, instance_number, rows, columns, number_of_frames, transfer_syntax_uid,
            size_bytes, sha256, storage_path, dataset_offset, pixel_data_offset, pixel_data_length, metadata,
            received_via, calling_ae_title, dataset_sha256""";
    /**
     * The whole insert as one statement. Upserts return the row either way (an update where the row exists
     * already, so RETURNING has it). A series UID is globally unique: one already filed under another study means
     * the object contradicts what is stored, and the statement fails (GBX01) rather than corrupt the hierarchy.
     */
    private static final String INSERT = """
            WITH p AS (
                INSERT INTO patient (patient_id, issuer_of_patient_id, patient_name, patient_birth_date, patient_sex)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (patient_id, issuer_of_patient_id) DO UPDATE
                   SET patient_name = EXCLUDED.patient_name,
                       patient_birth_date = EXCLUDED.patient_birth_date,
                       patient_sex = EXCLUDED.patient_sex
                RETURNING pk),
            st AS (
                INSERT INTO study (patient_fk, study_instance_uid, study_date, study_time, accession_number,
                                   referring_physician_name, study_description, study_id,
                                   patient_name, patient_id, patient_birth_date, patient_sex)
                SELECT p.pk, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM p
                ON CONFLICT (study_instance_uid) DO UPDATE SET updated_at = now()
                RETURNING pk),
            se AS (
                INSERT INTO series (study_fk, series_instance_uid, modality, series_number, series_description,
                                    body_part_examined, series_date, series_time,
                                    performed_procedure_step_start_date, performed_procedure_step_start_time,
                                    institution_name, station_name, sending_ae_title)
                SELECT st.pk, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM st
                ON CONFLICT (series_instance_uid) DO UPDATE SET updated_at = now()
                RETURNING pk, study_fk),
            i AS (
                INSERT INTO instance (series_fk, %s)
                SELECT se.pk, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?
                  FROM se JOIN st ON se.study_fk = st.pk
                ON CONFLICT (sop_instance_uid) DO NOTHING
                RETURNING pk)
            SELECT CASE WHEN (SELECT se.study_fk FROM se) = (SELECT st.pk FROM st) THEN EXISTS (SELECT 1 FROM i)
                        ELSE glassbox_series_in_other_study(?) END""".formatted(INSTANCE_COLUMNS);

    /** Binds the instance's own columns, in the order both insert statements list them; returns the next index. */
    private static int bindInstance(PreparedStatement ps, int k, IndexedInstance i) throws SQLException {
        IndexedInstance.Instance instance = i.instance();
        IndexedInstance.Storage storage = i.storage();
        ps.setString(k++, instance.sopInstanceUid());
        ps.setString(k++, instance.sopClassUid());
        setInteger(ps, k++, instance.number());
        setInteger(ps, k++, instance.rows());
        setInteger(ps, k++, instance.columns());
        setInteger(ps, k++, instance.numberOfFrames());
        ps.setString(k++, storage.transferSyntaxUid());
        ps.setLong(k++, storage.sizeBytes());
        ps.setString(k++, storage.sha256());
        ps.setString(k++, storage.path());
        ps.setLong(k++, storage.datasetOffset());
        setLong(ps, k++, storage.pixelDataOffset());
        setLong(ps, k++, storage.pixelDataLength());
        ps.setString(k++, instance.metadataJson());
        ps.setString(k++, i.provenance().receivedVia());
        ps.setString(k++, i.provenance().callingAeTitle());
        ps.setString(k++, storage.dataSetSha256());
        return k;
    }

    private static final String INSERT_INTO_KNOWN_SERIES = """
            WITH s AS (
                SELECT se.pk FROM series se JOIN study st ON st.pk = se.study_fk
                 WHERE se.series_instance_uid = ? AND st.study_instance_uid = ?),
            i AS (
                INSERT INTO instance (series_fk, %s)
                SELECT s.pk, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ? FROM s
                ON CONFLICT (sop_instance_uid) DO NOTHING
                RETURNING pk)
            SELECT EXISTS (SELECT 1 FROM s), EXISTS (SELECT 1 FROM i)""".formatted(INSTANCE_COLUMNS);

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
