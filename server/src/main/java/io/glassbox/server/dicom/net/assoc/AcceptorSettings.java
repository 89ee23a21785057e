package io.glassbox.server.dicom.net.assoc;

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
 * @param idleTimeout            how long an established association may stay silent between PDUs before it is
 *                               aborted
 * @param artimTimeout           the ARTIM timer (PS3.8 9.1.5): how long a new connection has to deliver its
 *                               A-ASSOCIATE-RQ, and how long we wait for the peer to close the connection after our
 *                               A-ASSOCIATE-RJ, A-RELEASE-RP or A-ABORT
 * @param maxConnectionsPerPeer  associations served at once for one peer address, and connections from it waiting
 *                               for their A-ASSOCIATE-RQ; see {@link ConnectionAdmission}
 */
public record AcceptorSettings(
        String bindAddress,
        int port,
        String aeTitle,
        Set<String> allowedCallingAeTitles,
        int maxAssociations,
        int maxPduLength,
        Duration idleTimeout,
        Duration artimTimeout,
        int maxConnectionsPerPeer) {

    public static final String ANY_CALLING_AE_TITLE = "*";
    /** PS3.8 leaves the ARTIM value to the implementation; a peer sends its A-ASSOCIATE-RQ within milliseconds. */
    public static final Duration DEFAULT_ARTIM_TIMEOUT = Duration.ofSeconds(10);
    /** A quarter of the default 32 associations: no single address can take more, so four senders always fit. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_PEER = 8;

    /** With the ARTIM timeout and the per-peer limit at their defaults (the per-peer limit at most maxAssociations). */
    public AcceptorSettings(String bindAddress, int port, String aeTitle, Set<String> allowedCallingAeTitles,
                            int maxAssociations, int maxPduLength, Duration idleTimeout) {
        this(bindAddress, port, aeTitle, allowedCallingAeTitles, maxAssociations, maxPduLength, idleTimeout,
                DEFAULT_ARTIM_TIMEOUT, Math.min(DEFAULT_MAX_CONNECTIONS_PER_PEER, maxAssociations));
    }

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
        if (artimTimeout.isNegative() || artimTimeout.isZero()) {
            throw new IllegalArgumentException("artimTimeout must be positive: " + artimTimeout);
        }
        if (maxConnectionsPerPeer < 1) {
            throw new IllegalArgumentException("maxConnectionsPerPeer must be at least 1: " + maxConnectionsPerPeer);
        }
    }

    public boolean acceptsAnyCallingAeTitle() {
        return allowedCallingAeTitles.contains(ANY_CALLING_AE_TITLE);
    }
}
