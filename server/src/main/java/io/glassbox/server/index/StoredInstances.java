package io.glassbox.server.index;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Finds stored instances by their study / series / SOP instance UIDs for WADO-RS: where their files are, and
 * their stored DICOM JSON. One statement per call.
 */
@ApplicationScoped
public class StoredInstances {

    private static final String FROM = " FROM instance i JOIN series se ON se.pk = i.series_fk"
            + " JOIN study st ON st.pk = se.study_fk WHERE st.study_instance_uid = ?";
    /** The order in which a study's or series' instances are sent: by series, then by instance number. */
    private static final String ORDER = " ORDER BY se.series_number NULLS LAST, se.pk, i.instance_number NULLS LAST, i.pk";

    private final DataSource dataSource;

    public StoredInstances(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The instances of a study, of one of its series ({@code seriesUid} not null) or one instance
     * ({@code sopInstanceUid} not null too); empty when nothing matches.
     */
    public List<InstanceLocation> find(String studyUid, String seriesUid, String sopInstanceUid) {
        String sql = "SELECT st.study_instance_uid, se.series_instance_uid, i.sop_instance_uid, i.sop_class_uid,"
                + " i.transfer_syntax_uid, i.storage_path, i.size_bytes, i.sha256, i.dataset_offset,"
                + " i.pixel_data_offset, i.pixel_data_length, i.rows, i.columns, i.number_of_frames,"
                + " (i.metadata->'00280002'->'Value'->>0)::int, (i.metadata->'00280100'->'Value'->>0)::int"
                + FROM + narrowing(seriesUid, sopInstanceUid) + ORDER;
        List<InstanceLocation> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, studyUid, seriesUid, sopInstanceUid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new InstanceLocation(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getLong(7), rs.getString(8), rs.getLong(9),
                            nullableLong(rs, 10), nullableLong(rs, 11), nullableInt(rs, 12), nullableInt(rs, 13),
                            nullableInt(rs, 14), nullableInt(rs, 15), nullableInt(rs, 16)));
                }
            }
        } catch (SQLException e) {
            throw new IndexUnavailableException("Reading the index failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** Stored DICOM JSON of one instance, with the UIDs that locate it. */
    public record Metadata(String studyUid, String seriesUid, String sopInstanceUid, String json) {
    }

    /** The stored DICOM JSON of the same selection as {@link #find}, in the same order. */
    public List<Metadata> metadata(String studyUid, String seriesUid, String sopInstanceUid) {
        String sql = "SELECT st.study_instance_uid, se.series_instance_uid, i.sop_instance_uid, i.metadata"
                + FROM + narrowing(seriesUid, sopInstanceUid) + ORDER;
        List<Metadata> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, studyUid, seriesUid, sopInstanceUid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Metadata(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        } catch (SQLException e) {
            throw new IndexUnavailableException("Reading the index failed: " + e.getMessage(), e);
        }
        return out;
    }

    private static String narrowing(String seriesUid, String sopInstanceUid) {
        return (seriesUid != null ? " AND se.series_instance_uid = ?" : "")
                + (sopInstanceUid != null ? " AND i.sop_instance_uid = ?" : "");
    }

    private static void bind(PreparedStatement ps, String studyUid, String seriesUid, String sopInstanceUid)
            throws SQLException {
        int k = 1;
        ps.setString(k++, studyUid);
        if (seriesUid != null) {
            ps.setString(k++, seriesUid);
        }
        if (sopInstanceUid != null) {
            ps.setString(k, sopInstanceUid);
        }
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Integer nullableInt(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
