package io.glassbox.server.audit;

import io.agroal.api.AgroalDataSource;
import io.glassbox.server.web.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/** The audit trail for auditors: verification of the chain, the records, the AI inference records. */
@Path("/api/audit")
public class AuditResource {

    private final AgroalDataSource dataSource;
    private final AuditWriter writer;

    public AuditResource(AgroalDataSource dataSource, AuditWriter writer) {
        this.dataSource = dataSource;
        this.writer = writer;
    }

    /**
     * Walks the whole chain and compares its end with the head file: 200 with {@code valid} true, or false and the
     * first problem (its kind, the record's sequence number, what was found).
     */
    @GET
    @Path("verify")
    @Produces(MediaType.APPLICATION_JSON)
    public ChainVerifier.Result verify() throws SQLException {
        try (Connection db = dataSource.getConnection()) {
            return ChainVerifier.verify(db, ChainHead.read(writer.headFile()));
        } catch (IOException e) {
            throw new ProblemException(500, "Audit head file unreadable", e.getMessage());
        }
    }
}
