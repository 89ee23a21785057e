package io.glassbox.server.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.glassbox.server.audit.Audited;
import io.glassbox.server.web.ProblemException;
import io.glassbox.server.web.ProblemMappers;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * {@code GET/PUT /api/routing-rules}: the rules in force, and replacing them (validated, written to the rules file,
 * then in force for studies that become ready afterwards). Admin operations: open until the security issue lands
 * and puts them behind the admin role.
 */
@Path("/api/routing-rules")
@Produces(MediaType.APPLICATION_JSON)
public class RoutingRuleResource {
    private static final Logger LOG = Logger.getLogger(RoutingRuleResource.class);

    private final RoutingRules rules;

    public RoutingRuleResource(RoutingRules rules) {
        this.rules = rules;
    }

    @GET
    public RoutingRuleSet get() {
        return rules.current();
    }

    @Audited(Audited.As.CONFIGURATION)
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public RoutingRuleSet put(String json) {
        // Parsed here, strictly, rather than by the framework's lenient mapper: a misspelt criterion must be refused,
        // not dropped (dropping it would widen the rule to match everything).
        RoutingRuleSet body;
        try {
            body = RoutingRules.mapperFor(java.nio.file.Path.of("body.json")).readValue(json, RoutingRuleSet.class);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("not a routing rule set: " + ProblemMappers.describe(e));
        }
        if (body == null) {
            throw ProblemException.badRequest("a JSON body {\"rules\": [...]} is required");
        }
        try {
            rules.replace(body);
        } catch (RoutingRules.InvalidRulesException e) {
            throw new ProblemException(422, "Unprocessable Content", "invalid routing rules: " + e.getMessage());
        } catch (IOException e) {
            LOG.errorf(e, "Routing rules could not be written to %s", rules.file());
            throw new ProblemException(500, "Internal Server Error",
                    "the rules could not be written to the rules file (the server log says where and why); nothing"
                            + " changed");
        }
        return rules.current();
    }
}
