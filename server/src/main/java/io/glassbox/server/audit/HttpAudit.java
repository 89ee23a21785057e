package io.glassbox.server.audit;

import io.glassbox.server.config.GlassboxConfig;
import io.glassbox.server.security.CurrentUser;
import io.glassbox.server.web.Problem;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The HTTP door's audit: one message per call of an {@link Audited} resource method, written when its answer is
 * known (success or a problem alike), naming the caller ({@link CurrentUser}, the client's address), the study,
 * series and instance of the route, and the outcome (0 for a 2xx or 3xx answer, 4 for 4xx, 8 for 5xx).
 *
 * <p>If the writer refuses the message (its queue is full), a read is not disclosed: its answer is replaced by a
 * 503 problem. A write (STOW-RS, a configuration change) has already happened and is answered as it is; the
 * refusal is counted, logged and followed by a Security Alert ({@link AuditWriter}).
 */
public class HttpAudit {

    private final AuditWriter writer;
    private final CurrentUser user;
    private final AuditedRequest request;
    private final String aeTitle;

    public HttpAudit(AuditWriter writer, CurrentUser user, AuditedRequest request, GlassboxConfig config) {
        this.writer = writer;
        this.user = user;
        this.request = request;
        this.aeTitle = config.dicom().aeTitle();
    }

    @ServerResponseFilter
    public void audit(ContainerRequestContext req, ContainerResponseContext resp, ResourceInfo resource,
                      HttpServerRequest http) {
        Method method = resource == null ? null : resource.getResourceMethod();
        Audited audited = method == null ? null : method.getAnnotation(Audited.class);
        if (audited == null) {
            return;
        }
        int status = resp.getStatus();
        int outcome = status < 400 ? AuditCodes.SUCCESS : status < 500 ? AuditCodes.MINOR_FAILURE
                : AuditCodes.SERIOUS_FAILURE;
        String failure = outcome == AuditCodes.SUCCESS ? null : "answered HTTP " + status;
        String address = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        MultivaluedMap<String, String> path = req.getUriInfo().getPathParameters();
        String study = path.getFirst("study");
        String instance = path.getFirst("instance");
        String pathAndQuery = req.getUriInfo().getRequestUri().getRawPath()
                + (req.getUriInfo().getRequestUri().getRawQuery() == null ? ""
                : "?" + req.getUriInfo().getRequestUri().getRawQuery());
        AuditEvent event = switch (audited.value()) {
            case QUERY -> AuditEvents.query(AuditEvents.requestor(user.name(), address, null), aeTitle, pathAndQuery,
                    study, outcome, failure);
            case RETRIEVE -> AuditEvents.instancesSent(AuditEvents.self(aeTitle, AuditCodes.ROLE_SOURCE),
                    AuditEvents.requestor(user.name(), address, AuditCodes.ROLE_DESTINATION),
                    study == null ? Map.of() : Map.of(study, instance == null ? Map.of() : Map.of("", List.of(instance))),
                    outcome, failure);
            case REVIEW -> AuditEvents.instancesAccessed(AuditEvents.requestor(user.name(), address, null), aeTitle,
                    study, outcome, failure);
            case STORE -> request.received(AuditEvents.requestor(user.name(), address, AuditCodes.ROLE_SOURCE),
                    AuditEvents.self(aeTitle, AuditCodes.ROLE_DESTINATION), outcome, failure);
            case CONFIGURATION -> AuditEvents.configurationChange(AuditEvents.requestor(user.name(), address, null),
                    aeTitle, req.getUriInfo().getRequestUri().getRawPath(), req.getMethod() + " "
                            + req.getUriInfo().getRequestUri().getRawPath() + " answered HTTP " + status, outcome);
        };
        if (!writer.record(event) && audited.value() != Audited.As.STORE
                && audited.value() != Audited.As.CONFIGURATION) {
            resp.setStatus(503);
            resp.setEntity(Problem.of(503, "Service Unavailable", "the audit trail cannot record this access now; "
                    + "nothing is disclosed unaudited: try again later"), new Annotation[0],
                    MediaType.valueOf(Problem.MEDIA_TYPE));
        }
    }
}
