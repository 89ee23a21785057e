package io.glassbox.server.web;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error leaves the HTTP API as {@code application/problem+json}, including the framework's own 4xx.
 *
 * <p>The framework's exceptions are described here in words from the status and the request, never from their
 * messages, which name Java classes ("java.lang.NumberFormatException: …").
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @Inject
    Routes routes;

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return toResponse(e.problem());
    }

    /**
     * The framework's rejections: no route (404), a route without this method (405, with its Allow header),
     * nothing acceptable to produce (406), a body type the route does not take (415), and parameters it could
     * not convert (a query or path parameter that is not a number where the route takes one). JAX-RS answers
     * the last with 404, which tells the client the resource does not exist; it is their request that is wrong,
     * so 400.
     */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, Request request, UriInfo uri, HttpHeaders headers) {
        Response original = e.getResponse();
        int status = original.getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        boolean conversion = e instanceof NotFoundException && e.getCause() != null;
        if (conversion || (status == 400 && e.getCause() != null)) {
            return toResponse(Problem.of(400, "Bad Request", "A path or query parameter of this request does not have"
                    + " the form its route takes (for example text where a number is required)"
                    + numberHint(e.getCause()) + "."));
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status;
        String detail = switch (status) {
            case 404 -> "Nothing is served at " + uri.getPath() + ".";
            case 405 -> request.getMethod() + " is not a method of " + uri.getPath() + " (it allows "
                    + String.join(", ", routes.allowedMethods(uri.getPath())) + ").";
            case 406 -> "None of the media types this request accepts (" + accepted(headers)
                    + ") is one this resource produces.";
            case 415 -> "This resource does not take a body of type " + headers.getMediaType() + ".";
            default -> status < 500 ? "The request was refused (" + title + ")."
                    : "The server failed to handle the request; see the server log.";
        };
        if (status >= 500) {
            LOG.error("HTTP request failed", e);
        }
        Response.ResponseBuilder b = Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, title,
                detail));
        if (status == 405) {
            b.header(HttpHeaders.ALLOW, String.join(", ", routes.allowedMethods(uri.getPath())));
        }
        return b.build();
    }

    /**
     * A request body that is not the JSON the route takes. Mismatched input has its own mapper so that it is this
     * one, not the framework's (which answers with Java type names, or with an empty body in production).
     */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return toResponse(Problem.of(400, "Bad Request", "The request body is not JSON of the form this route takes: "
                + describe(e) + "."));
    }

    /**
     * What is wrong with a JSON body, in words: where (the field path and the line and column) and what kind of
     * mistake, without Jackson's message, which names the Java types it was binding to.
     */
    public static String describe(JsonProcessingException e) {
        String what;
        if (e instanceof UnrecognizedPropertyException u) {
            what = "unknown field '" + u.getPropertyName() + "'";
        } else if (e instanceof JsonMappingException m && !(e instanceof JsonParseException)) {
            what = m.getPath().isEmpty() ? "the body is not a JSON object of the expected fields"
                    : "the value of '" + fieldPath(m.getPath()) + "' is not of the expected kind";
        } else {
            what = "it is not well-formed JSON";
        }
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? what
                : what + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    private static String fieldPath(List<JsonMappingException.Reference> path) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("Unhandled error in HTTP request", e);
        return toResponse(Problem.of(500, "Internal Server Error",
                "The server failed to handle the request; see the server log."));
    }

    public static Response toResponse(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }

    private static String numberHint(Throwable cause) {
        String prefix = "For input string: \"";
        String message = cause == null ? null : cause.getMessage();
        if (cause instanceof NumberFormatException && message != null && message.startsWith(prefix)
                && message.endsWith("\"")) {
            return ": " + RequestValues.quote(message.substring(prefix.length(), message.length() - 1))
                    + " is not a number";
        }
        return "";
    }

    private static String accepted(HttpHeaders headers) {
        List<String> accept = headers.getRequestHeader(HttpHeaders.ACCEPT);
        return accept == null || accept.isEmpty() ? "any" : String.join(", ", accept);
    }
}
