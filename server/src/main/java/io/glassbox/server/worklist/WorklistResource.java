package io.glassbox.server.worklist;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.sql.SQLException;

/**
 * {@code GET /api/worklist}: the studies with their AI status and top finding, searched, filtered, sorted and
 * paged on the server ({@link WorklistFilter}); {@code GET /api/worklist/events}: what changes while jobs run
 * ({@link WorklistEvents}). The contract is in docs/viewer-api.md.
 */
@Path("/api/worklist")
public class WorklistResource {

    private final WorklistQuery query;
    private final WorklistEvents events;

    public WorklistResource(WorklistQuery query, WorklistEvents events) {
        this.query = query;
        this.events = events;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public WorklistPage list(@QueryParam("patient") String patient, @QueryParam("from") String from,
                             @QueryParam("to") String to, @QueryParam("modality") String modality,
                             @QueryParam("finding") String finding, @QueryParam("status") String status,
                             @QueryParam("sort") String sort, @QueryParam("offset") String offset,
                             @QueryParam("limit") String limit) throws SQLException {
        return query.page(WorklistFilter.parse(patient, from, to, modality, finding, status, sort, offset, limit));
    }

    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@Context SseEventSink sink, @Context Sse sse) {
        events.subscribe(sink, sse);
    }
}
