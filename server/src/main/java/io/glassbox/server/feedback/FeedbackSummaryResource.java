package io.glassbox.server.feedback;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code GET /api/feedback/summary}: per model, how radiologists judged its findings (their latest verdicts) and
 * the agreement rate. For administrators: open until the security issue puts it behind the admin role.
 */
@Path("/api/feedback/summary")
@Produces(MediaType.APPLICATION_JSON)
public class FeedbackSummaryResource {

    private final FeedbackStore store;

    public FeedbackSummaryResource(FeedbackStore store) {
        this.store = store;
    }

    @GET
    public List<FeedbackSummary> summary() {
        return store.summary();
    }
}
