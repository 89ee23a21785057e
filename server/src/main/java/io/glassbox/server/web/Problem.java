package io.glassbox.server.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem body ({@code application/problem+json}): every 4xx/5xx answer of the HTTP API carries one,
 * so a client always learns what was wrong in words.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail);
    }
}
