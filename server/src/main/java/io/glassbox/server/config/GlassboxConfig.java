package io.glassbox.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Glassbox's own settings. Each is set by an environment variable (documented in README.md) through
 * application.properties; the defaults here are the embedded first-run defaults.
 */
@ConfigMapping(prefix = "glassbox")
public interface GlassboxConfig {

    /** Where objects, temporary files and (when no database URL is set) the embedded database live. */
    @WithDefault("./data")
    Path dataDir();

    Dicom dicom();

    Store store();

    Forward forward();

    Http http();

    /**
     * The HTTP edge: which reverse proxies are trusted and which browser origins may call the API. Read at start by
     * {@link HttpEdgeConfigFactory}, which turns them into Quarkus's own proxy and CORS settings.
     */
    interface Http {

        /** Addresses or CIDR ranges of the reverse proxies whose forwarding headers are honoured; unset: none. */
        Optional<String> trustedProxies();

        /**
         * Which forwarding headers the trusted proxies write: {@code x-forwarded} ({@code X-Forwarded-Proto},
         * {@code -Host}, {@code -Port}, {@code -For}) or {@code forwarded} (RFC 7239). One kind only: a proxy that
         * overwrites one kind but passes the other through from its client would let the client forge it.
         * {@code X-Forwarded-Prefix} is honoured with either.
         */
        @WithDefault("x-forwarded")
        String forwardedHeaders();

        /** Origins (comma-separated, {@code /regex/} allowed) allowed by CORS; unset: cross-origin calls refused. */
        Optional<String> corsOrigins();
    }

    interface Dicom {
        /** Whether the DICOM listener starts at all. */
        @WithDefault("true")
        boolean enabled();

        /** Address the DICOM listener binds (one address, never implicitly all of them but by configuration). */
        @WithDefault("0.0.0.0")
        String bindAddress();

        @WithDefault("11112")
        int port();

        /** Called AE title this server answers to. */
        @WithDefault("GLASSBOX")
        String aeTitle();

        /** Calling AE titles allowed to associate; "*" accepts any (logged as a warning at start-up). */
        @WithDefault("*")
        List<String> allowedCallingAeTitles();

        /** Associations served at once; one more is rejected (A-ASSOCIATE-RJ, transient, local limit exceeded). */
        @WithDefault("32")
        int maxAssociations();

        /** Largest P-DATA-TF PDU this server receives (announced in A-ASSOCIATE-AC) and sends. */
        @WithDefault("116794")
        int maxPduLength();

        /** Seconds an established association may stay idle between PDUs before it is aborted. */
        @WithDefault("60")
        int idleTimeoutSeconds();

        /**
         * The ARTIM timer (PS3.8 9.1.5), in seconds: how long a new connection has to send its A-ASSOCIATE-RQ
         * before it is closed, and how long the peer has to close after our A-ASSOCIATE-RJ, A-RELEASE-RP or A-ABORT.
         */
        @WithDefault("10")
        int artimTimeoutSeconds();

        /**
         * Associations served at once for one peer address, and connections from it waiting for their
         * A-ASSOCIATE-RQ; one more association is rejected (transient, local limit exceeded).
         */
        @WithDefault("8")
        int maxConnectionsPerPeer();
    }

    interface Store {
        /**
         * Largest object accepted, in bytes (C-STORE and STOW-RS alike); larger ones are refused with
         * 0xA700 / 413 before they fill the disk.
         */
        @WithDefault("4294967296")
        long maxObjectBytes();

        /** Reconciliation of the stored files with the index (store/StoreReconciler). */
        Reconcile reconcile();
    }

    interface Reconcile {
        /**
         * A stored file no index row references is removed once it is this old (counted from its rename into the
         * store), and so is a temporary file in incoming/. It must be longer than any ingest can take between
         * renaming its file into place and committing its row (one insert, normally milliseconds): an hour leaves
         * a stalled database time to answer without ever removing the file of a row about to commit.
         */
        @WithDefault("1h")
        Duration orphanAge();

        /** Time between two passes (the first runs at start). */
        @WithDefault("10m")
        Duration interval();

        /** Files, and index rows, a pass looks at at most; the next pass goes on where it stopped. */
        @WithDefault("10000")
        int batchSize();
    }

    /** Forwarding of stored instances to PACS destinations over C-STORE (package io.glassbox.server.forward). */
    interface Forward {
        /**
         * Destinations, separated by ';' or new lines, each {@code name=AE@host:port?kinds=SC,PM,SR&source=results}
         * (README.md, "Forwarding to a PACS"). Empty: none.
         */
        Optional<String> destinations();

        /** A file holding more destinations in the same syntax, one a line ('#' starts a comment). */
        Optional<Path> destinationsFile();

        /** Attempts before an item is dead (kept in the dead-letter list until retried through the API). */
        @WithDefault("8")
        int maxAttempts();

        /** Wait after the first failed attempt; it doubles with each further failure up to {@link #maxBackoff}. */
        @WithDefault("10s")
        Duration initialBackoff();

        @WithDefault("30m")
        Duration maxBackoff();

        /** How often the queue is looked at when nothing woke the sender earlier. */
        @WithDefault("2s")
        Duration pollInterval();

        /** Connect timeout and the longest wait for any answer of the peer (association, C-STORE response, release). */
        @WithDefault("30s")
        Duration timeout();

        /** Items sent over one association at most. */
        @WithDefault("32")
        int batchSize();
    }
}
