package io.glassbox.server.forward;

import io.glassbox.server.web.ProblemException;
import io.glassbox.server.web.RequestValues;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * The forward queue over HTTP: what waits, what is dead (the dead-letter list), and retrying or queuing by hand.
 * (Admin only once the security issue lands.)
 */
@Path("/api/forwarding")
@Produces(MediaType.APPLICATION_JSON)
public class ForwardingResource {

    private static final Set<String> STATES = Set.of(ForwardItem.PENDING, ForwardItem.SENDING, ForwardItem.DELIVERED,
            ForwardItem.DEAD);
    private static final int MAX_LIMIT = 5000;

    private final Forwarder forwarder;
    private final ForwardQueue queue;

    public ForwardingResource(Forwarder forwarder, ForwardQueue queue) {
        this.forwarder = forwarder;
        this.queue = queue;
    }

    /** A destination as listed: its address and rule. */
    public record Destination(String name, String aeTitle, String host, int port, Set<ForwardDestination.Kind> kinds,
                              ForwardDestination.Source source) {
    }

    public record Listing(List<Destination> destinations, List<ForwardItem> items) {
    }

    /** What a client sends to queue an instance by hand. */
    public record EnqueueRequest(String sopInstanceUid, String destination) {
    }

    /**
     * Items in the given states (repeat {@code state}; default: pending, sending and dead, i.e. everything not yet
     * delivered), oldest first.
     */
    @GET
    public Listing list(@QueryParam("state") List<String> states, @QueryParam("limit") @DefaultValue("500") int limit) {
        List<String> wanted = states == null || states.isEmpty()
                ? List.of(ForwardItem.PENDING, ForwardItem.SENDING, ForwardItem.DEAD) : states;
        for (String state : wanted) {
            if (!STATES.contains(state)) {
                throw ProblemException.badRequest("unknown state '" + state + "' (known: " + STATES + ")");
            }
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.badRequest("limit must be 1-" + MAX_LIMIT);
        }
        List<Destination> destinations = forwarder.destinations().stream()
                .map(d -> new Destination(d.name(), d.aeTitle(), d.host(), d.port(), d.kinds(), d.source())).toList();
        try {
            return new Listing(destinations, queue.list(wanted, limit));
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    @GET
    @Path("{id}")
    public ForwardItem item(@PathParam("id") long id) {
        try {
            return queue.find(id).orElseThrow(() -> ProblemException.notFound("no forward item " + id));
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Queues a stored instance for a destination (as the results writer does); idempotent. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public ForwardItem enqueue(EnqueueRequest request) {
        if (request == null || request.sopInstanceUid() == null || request.destination() == null) {
            throw ProblemException.badRequest("expected {\"sopInstanceUid\": ..., \"destination\": ...}");
        }
        RequestValues.requireUid("sopInstanceUid", request.sopInstanceUid());
        RequestValues.requireNoControlCharacter("destination", request.destination());
        try {
            return forwarder.enqueue(request.sopInstanceUid(), request.destination());
        } catch (ForwardQueue.NotQueueableException e) {
            throw new ProblemException(422, "Unprocessable Content", e.getMessage());
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Sends a dead item again (attempts counted from zero). */
    @POST
    @Path("{id}/retry")
    public ForwardItem retry(@PathParam("id") long id) {
        try {
            return forwarder.retry(id).orElseThrow(() -> ProblemException.notFound("no forward item " + id));
        } catch (IllegalStateException e) {
            throw new ProblemException(409, "Conflict", e.getMessage());
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private static ProblemException unavailable(SQLException e) {
        return new ProblemException(503, "Service Unavailable", "forward queue database unavailable: " + e.getMessage());
    }
}
