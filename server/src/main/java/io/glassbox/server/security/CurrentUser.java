package io.glassbox.server.security;

import jakarta.enterprise.context.RequestScoped;

/**
 * Who is making the current request: the one place that answers it, so that login (OIDC) changes this class and
 * nothing that records a user. Until login exists every request is {@code "anonymous"}.
 */
@RequestScoped
public class CurrentUser {

    public String name() {
        return "anonymous";
    }
}
