package io.glassbox.server.web;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * The one check every request's values pass where they enter, before any resource sees them: what a client can
 * get wrong is answered 400 here, in words, instead of failing deeper down (a NUL byte reaching PostgreSQL reads
 * as a database outage).
 *
 * <ul>
 * <li>No path or query parameter (name or value) holds a control character.</li>
 * <li>Parameters named {@code study}, {@code series} or {@code instance}, in the path or the query, are UIDs
 * (PS3.5 9.1: digits and dots, at most 64 characters).</li>
 * <li>Accept and Content-Type, when present and not blank, parse as media types (a blank Accept is no
 * preference, as if absent).</li>
 * </ul>
 */
public class RequestValues {

    /** Parameter names that carry a study, series or SOP Instance UID wherever they appear. */
    static final Set<String> UID_PARAMETERS = Set.of("study", "series", "instance");

    /**
     * Digits and dots, as QIDO-RS UID matching takes them; a component's leading zero (which PS3.5 forbids) is let
     * through, because objects carrying such UIDs are stored as received and must stay retrievable.
     */
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final int UID_MAX_LENGTH = 64;
    /** Longer than any value this API takes, short enough to quote back in a problem. */
    private static final int QUOTE_LENGTH = 80;

    /**
     * Headers before matching: a route is chosen, and an answer's type negotiated, by Accept and Content-Type,
     * which must therefore be readable. Accept is rewritten as the list of its non-empty ranges (RFC 9110 5.6.1:
     * empty list elements are ignored), and dropped when it has none, so the framework never parses an empty one.
     */
    @ServerRequestFilter(preMatching = true)
    public void headers(ResteasyReactiveContainerRequestContext request, HttpServerRequest http) {
        List<String> accept = http.headers().getAll(HttpHeaders.ACCEPT);
        if (!accept.isEmpty()) {
            List<String> ranges = new ArrayList<>();
            for (String value : accept) {
                for (String range : splitList(value)) {
                    requireMediaType(HttpHeaders.ACCEPT, range);
                    ranges.add(range.trim());
                }
            }
            if (ranges.isEmpty()) {
                http.headers().remove(HttpHeaders.ACCEPT);
                request.getHeaders().remove(HttpHeaders.ACCEPT);
            } else {
                http.headers().set(HttpHeaders.ACCEPT, String.join(", ", ranges));
                request.getHeaders().putSingle(HttpHeaders.ACCEPT, String.join(", ", ranges));
            }
        }
        String contentType = http.getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && !contentType.isBlank()) {
            requireMediaType(HttpHeaders.CONTENT_TYPE, contentType);
        } else if (contentType != null) {
            http.headers().remove(HttpHeaders.CONTENT_TYPE);
            request.getHeaders().remove(HttpHeaders.CONTENT_TYPE);
        }
    }

    /** Parameters after matching, when the route's path parameters are known. */
    @ServerRequestFilter
    public void parameters(UriInfo uri) {
        for (Map.Entry<String, List<String>> p : uri.getPathParameters(true).entrySet()) {
            for (String value : p.getValue()) {
                check("path parameter", p.getKey(), value);
            }
        }
        for (Map.Entry<String, List<String>> p : uri.getQueryParameters(true).entrySet()) {
            requireNoControlCharacter("query parameter name", p.getKey(), p.getKey());
            for (String value : p.getValue()) {
                check("query parameter", p.getKey(), value);
            }
        }
    }

    private static void check(String kind, String name, String value) {
        requireNoControlCharacter(kind, name, value);
        if (UID_PARAMETERS.contains(name)) {
            requireUid(kind + " " + name, value);
        }
    }

    /** A UID: components of digits joined by dots, at most 64 characters (PS3.5 9.1). */
    public static void requireUid(String what, String value) {
        if (value.length() > UID_MAX_LENGTH || !UID.matcher(value).matches()) {
            throw ProblemException.badRequest(what + " must be a UID (digits and dots, at most " + UID_MAX_LENGTH
                    + " characters), not " + quote(value));
        }
    }

    /** For values that arrive in a body: the same rule as for parameters, no control characters. */
    public static void requireNoControlCharacter(String what, String value) {
        requireNoControlCharacter("field", what, value);
    }

    private static void requireNoControlCharacter(String kind, String name, String value) {
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            if (Character.isISOControl(c)) {
                throw ProblemException.badRequest(kind + " " + quote(name) + " contains the control character "
                        + String.format(Locale.ROOT, "U+%04X", (int) c) + " at position " + (k + 1)
                        + "; no parameter of this API takes one");
            }
        }
    }

    private static void requireMediaType(String header, String value) {
        boolean readable;
        try {
            MediaType.valueOf(value.trim());
            readable = value.chars().noneMatch(Character::isISOControl);
        } catch (RuntimeException e) {
            readable = false;
        }
        if (!readable) {
            throw ProblemException.badRequest("the " + header + " header " + quote(value)
                    + " is not a media type (type/subtype with optional ;name=value parameters)");
        }
    }

    /** Splits a header list on commas outside quoted strings (a multipart type parameter may be quoted). */
    private static List<String> splitList(String value) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts.stream().filter(s -> !s.isBlank()).toList();
    }

    /** A value quoted back to the client, shortened, with control characters shown as escapes. */
    static String quote(String value) {
        StringBuilder b = new StringBuilder("'");
        int shown = Math.min(value.length(), QUOTE_LENGTH);
        for (int k = 0; k < shown; k++) {
            char c = value.charAt(k);
            b.append(Character.isISOControl(c) ? String.format(Locale.ROOT, "\\u%04X", (int) c) : String.valueOf(c));
        }
        if (value.length() > shown) {
            b.append("…' (").append(value.length()).append(" characters)");
            return b.toString();
        }
        return b.append('\'').toString();
    }
}
