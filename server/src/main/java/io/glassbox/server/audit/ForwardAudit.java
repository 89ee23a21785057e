package io.glassbox.server.audit;

import io.agroal.api.AgroalDataSource;
import io.glassbox.server.forward.ForwardAttempted;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Forwarding's audit: every attempt to send an instance to a PACS destination is a DICOM Instances Transferred
 * message (Read), Glassbox the source, the destination's AE title and host the destination, the peer's failure as
 * the outcome. The forwarder publishes {@link ForwardAttempted}; the study of the instance comes from the index.
 */
@ApplicationScoped
public class ForwardAudit {
    private static final Logger LOG = Logger.getLogger(ForwardAudit.class);

    private final AuditWriter writer;
    private final AgroalDataSource dataSource;

    public ForwardAudit(AuditWriter writer, AgroalDataSource dataSource) {
        this.writer = writer;
        this.dataSource = dataSource;
    }

    void attempted(@Observes ForwardAttempted attempt) {
        String study = studyOf(attempt.sopInstanceUid());
        boolean delivered = attempt.error() == null;
        writer.record(AuditEvents.instancesSent(AuditEvents.self(attempt.callingAeTitle(), AuditCodes.ROLE_SOURCE),
                new AuditEvent.Participant(attempt.calledAeTitle(), attempt.destination(), false, attempt.host(),
                        AuditCodes.ROLE_DESTINATION),
                Map.of(study, Map.of(attempt.sopClassUid() == null ? "" : attempt.sopClassUid(),
                        List.of(attempt.sopInstanceUid()))),
                delivered ? AuditCodes.SUCCESS : AuditCodes.MINOR_FAILURE,
                delivered ? null : "attempt " + attempt.attempt() + " to " + attempt.destination() + " failed ("
                        + attempt.state() + "): " + attempt.error()));
    }

    private String studyOf(String sopInstanceUid) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT st.study_instance_uid FROM instance i "
                     + "JOIN series se ON se.pk = i.series_fk JOIN study st ON st.pk = se.study_fk "
                     + "WHERE i.sop_instance_uid = ?")) {
            ps.setString(1, sopInstanceUid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        } catch (SQLException e) {
            LOG.warnf("Audit of a forward attempt: the study of %s is unknown (%s)", sopInstanceUid, e.toString());
            return "";
        }
    }
}
