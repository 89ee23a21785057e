package io.glassbox.server.dispatch;

import io.glassbox.server.web.ProblemException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /api/jobs} (newest first; filters {@code state}, {@code study}; paging with {@code limit} and
 * {@code before}), {@code GET /api/jobs/{id}}, and {@code POST /api/jobs/{id}/retry} for a failed or dead job.
 * Retry is an admin operation: open until the security issue lands and puts it behind the admin role.
 */
@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {
    private static final int MAX_LIMIT = 1000;

    private final JobQueue queue;

    public JobResource(JobQueue queue) {
        this.queue = queue;
    }

    @GET
    public List<Job> list(@QueryParam("state") String state, @QueryParam("study") String study,
                          @QueryParam("before") Long before, @QueryParam("limit") @DefaultValue("100") int limit)
            throws SQLException {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.badRequest("limit must be between 1 and " + MAX_LIMIT);
        }
        return queue.list(state(state), study, before, limit);
    }

    @GET
    @Path("{id}")
    public Job get(@PathParam("id") long id) throws SQLException {
        return queue.get(id).orElseThrow(() -> ProblemException.notFound("no job " + id));
    }

    @POST
    @Path("{id}/retry")
    public Job retry(@PathParam("id") long id) throws SQLException {
        try {
            return queue.retry(id).orElseThrow(() -> ProblemException.notFound("no job " + id));
        } catch (JobQueue.NotRetryableException e) {
            throw new ProblemException(409, "Conflict", e.getMessage());
        }
    }

    private static JobState state(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return JobState.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("unknown state '" + s + "'; one of "
                    + Arrays.stream(JobState.values()).map(JobState::sql).toList());
        }
    }
}
