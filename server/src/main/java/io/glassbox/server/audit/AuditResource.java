package io.glassbox.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.glassbox.server.config.GlassboxConfig;
import io.glassbox.server.web.ProblemException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.xml.stream.XMLStreamException;

/** The audit trail for auditors: verification of the chain, the records, the AI inference records. */
@Path("/api/audit")
public class AuditResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgroalDataSource dataSource;
    private final AuditWriter writer;
    private final String sourceId;

    public AuditResource(AgroalDataSource dataSource, AuditWriter writer, GlassboxConfig config) {
        this.dataSource = dataSource;
        this.writer = writer;
        this.sourceId = config.dicom().aeTitle();
    }

    /**
     * The records matching every given filter, oldest first: JSON (each record's sequence number, hash, previous
     * hash and the record as hashed) or, with {@code Accept: application/xml}, DICOM audit messages (PS3.15 A.5.1).
     * {@code from}/{@code to}: a date or an instant; {@code user}: user name or AE title; {@code event}: an EventID
     * code (110104, AI-INFERENCE, ...); {@code after} and {@code limit} page through long answers.
     */
    @GET
    @Path("records")
    @Produces({MediaType.APPLICATION_JSON, MediaType.APPLICATION_XML})
    @Transactional
    public Response records(@QueryParam("from") String from, @QueryParam("to") String to,
                            @QueryParam("user") String user, @QueryParam("patient") String patient,
                            @QueryParam("study") String study, @QueryParam("event") String event,
                            @QueryParam("after") Long after, @QueryParam("limit") Integer limit,
                            @Context HttpHeaders headers) {
        List<AuditRecord> found = AuditSearch.of(from, to, user, patient, study, event, after, limit).run();
        if (MediaType.APPLICATION_XML_TYPE.equals(preferred(headers))) {
            List<JsonNode> records = found.stream().map(AuditResource::canonical).toList();
            StreamingOutput xml = out -> {
                try {
                    AuditMessageXml.write(records, sourceId, out);
                } catch (XMLStreamException e) {
                    throw new IOException(e);
                }
            };
            return Response.ok(xml, MediaType.APPLICATION_XML_TYPE.withCharset("UTF-8")).build();
        }
        ArrayNode out = JSON.createArrayNode();
        found.forEach(r -> out.add(view(r)));
        return Response.ok(out, MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** The AI inference records, of one study if {@code study} is given: id, time, job, plugin, study. */
    @GET
    @Path("ai-records")
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    public ArrayNode aiRecords(@QueryParam("study") String study, @QueryParam("after") Long after,
                               @QueryParam("limit") Integer limit) {
        ArrayNode out = JSON.createArrayNode();
        for (AuditRecord r : AuditSearch.of(null, null, null, null, study, AuditCodes.AI_INFERENCE.code(), after,
                limit).run()) {
            JsonNode content = aiContent(canonical(r));
            ObjectNode item = out.addObject();
            item.put("id", r.seq).put("time", CanonicalForm.time(r.eventTime))
                    .put("jobId", content.path("jobId").asLong())
                    .put("studyInstanceUid", content.path("studyInstanceUid").asText());
            item.set("plugin", content.path("plugin"));
        }
        return out;
    }

    /** One AI inference record, whole, with its place in the chain. */
    @GET
    @Path("ai-records/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    public ObjectNode aiRecord(@PathParam("id") long id) {
        AuditRecord r = AuditRecord.findById(id);
        if (r == null || !AuditCodes.AI_INFERENCE.code().equals(r.eventId)) {
            throw ProblemException.notFound("no AI inference record " + id);
        }
        ObjectNode out = view(r);
        out.set("aiRecord", aiContent(canonical(r)));
        return out;
    }

    private static ObjectNode view(AuditRecord r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("seq", r.seq).put("hash", r.hash).put("prevHash", r.prevHash);
        n.set("record", canonical(r));
        return n;
    }

    private static JsonNode canonical(AuditRecord r) {
        try {
            return JSON.readTree(r.canonical);
        } catch (JsonProcessingException e) {
            throw new ProblemException(500, "Audit record unreadable", "record " + r.seq + " is not JSON: "
                    + e.getOriginalMessage() + " (GET /api/audit/verify names what was altered)");
        }
    }

    private static JsonNode aiContent(JsonNode record) {
        for (JsonNode o : record.path("objects")) {
            if (o.has("content")) {
                return o.get("content");
            }
        }
        return JSON.createObjectNode();
    }

    /** JSON unless the client prefers XML. */
    private static MediaType preferred(HttpHeaders headers) {
        for (MediaType m : headers.getAcceptableMediaTypes()) {
            if (m.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return MediaType.APPLICATION_JSON_TYPE;
            }
            if (m.isCompatible(MediaType.APPLICATION_XML_TYPE) || m.isCompatible(MediaType.TEXT_XML_TYPE)) {
                return MediaType.APPLICATION_XML_TYPE;
            }
        }
        return MediaType.APPLICATION_JSON_TYPE;
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
