package io.glassbox.server.dicom.net;

import java.time.Duration;
import java.util.Set;

/**
 * How an {@link AssociationAcceptor} listens and whom it accepts.
 *
 * @param bindAddress            the one address to bind (a host name or literal; "0.0.0.0" for all IPv4 interfaces)
 * @param port                   TCP port; 0 picks a free one ({@link AssociationAcceptor#localPort()} tells which)
 * @param aeTitle                our AE title: requests calling another are rejected
 * @param allowedCallingAeTitles calling AE titles accepted; containing "*" accepts any
 * @param maxAssociations        associations served at once; one more is rejected (transient, local limit exceeded)
 * @param maxPduLength           largest P-DATA-TF we receive, announced in the A-ASSOCIATE-AC
 * @param idleTimeout            how long a connection may stay silent, before the A-ASSOCIATE-RQ (ARTIM) or
 *                               between PDUs, before it is closed or aborted
 */
public record AcceptorSettings(
        String bindAddress,
        int port,
        String aeTitle,
        Set<String> allowedCallingAeTitles,
        int maxAssociations,
        int maxPduLength,
        Duration idleTimeout) {

    public static final String ANY_CALLING_AE_TITLE = "*";

    public AcceptorSettings {
        allowedCallingAeTitles = Set.copyOf(allowedCallingAeTitles);
        if (aeTitle == null || aeTitle.isBlank() || aeTitle.length() > 16 || aeTitle.contains("\\")) {
            throw new IllegalArgumentException("AE title must be 1 to 16 characters without backslash: '" + aeTitle + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxAssociations < 1) {
            throw new IllegalArgumentException("maxAssociations must be at least 1: " + maxAssociations);
        }
        // below a few kB every message is cut into absurdly many PDUs; dcmtk refuses less than 4096 as well
        if (maxPduLength < 4096) {
            throw new IllegalArgumentException("maxPduLength must be at least 4096: " + maxPduLength);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
    }

    public boolean acceptsAnyCallingAeTitle() {
        return allowedCallingAeTitles.contains(ANY_CALLING_AE_TITLE);
    }
}
