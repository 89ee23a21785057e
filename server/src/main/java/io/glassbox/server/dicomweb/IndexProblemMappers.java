package io.glassbox.server.dicomweb;

import io.glassbox.server.index.IndexUnavailableException;
import io.glassbox.server.index.InvalidQueryException;
import io.glassbox.server.web.Problem;
import io.glassbox.server.web.ProblemMappers;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The index's failures as problems: a query it cannot run is the client's (400), an unreadable index ours (503). */
public class IndexProblemMappers {
    private static final Logger LOG = Logger.getLogger(IndexProblemMappers.class);

    @ServerExceptionMapper
    public Response invalidQuery(InvalidQueryException e) {
        return ProblemMappers.toResponse(Problem.of(400, "Bad Request", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response indexUnavailable(IndexUnavailableException e) {
        LOG.error("Index read failed", e);
        return ProblemMappers.toResponse(Problem.of(503, "Service Unavailable",
                "The index database could not be read; try again later."));
    }
}
