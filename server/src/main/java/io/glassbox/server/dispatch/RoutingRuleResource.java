package io.glassbox.server.dispatch;

import io.glassbox.server.web.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;

/**
 * {@code GET/PUT /api/routing-rules}: the rules in force, and replacing them (validated, written to the rules file,
 * then in force for studies that become ready afterwards). Admin operations: open until the security issue lands
 * and puts them behind the admin role.
 */
@Path("/api/routing-rules")
@Produces(MediaType.APPLICATION_JSON)
public class RoutingRuleResource {

    private final RoutingRules rules;

    public RoutingRuleResource(RoutingRules rules) {
        this.rules = rules;
    }

    @GET
    public RoutingRuleSet get() {
        return rules.current();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public RoutingRuleSet put(RoutingRuleSet body) {
        if (body == null) {
            throw ProblemException.badRequest("a JSON body {\"rules\": [...]} is required");
        }
        try {
            rules.replace(body);
        } catch (RoutingRules.InvalidRulesException e) {
            throw new ProblemException(422, "Unprocessable Content", "invalid routing rules: " + e.getMessage());
        } catch (IOException e) {
            throw new ProblemException(500, "Internal Server Error",
                    "the rules could not be written to " + rules.file() + ": " + e.getMessage() + "; nothing changed");
        }
        return rules.current();
    }
}
