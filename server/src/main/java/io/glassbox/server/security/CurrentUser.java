package io.glassbox.server.security;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who is acting, for everything that records a user (the audit trail, feedback). The one place the identity comes
 * from: until login exists every HTTP caller is {@value #ANONYMOUS}; the OIDC work changes this class only.
 * DICOM peers are named by their calling AE title by the DICOM door itself.
 */
@ApplicationScoped
public class CurrentUser {

    public static final String ANONYMOUS = "anonymous";

    /** The acting user's name. */
    public String name() {
        return ANONYMOUS;
    }
}
