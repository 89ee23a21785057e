package io.glassbox.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;

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

        /** Seconds an idle association is kept before it is aborted (ARTIM / read timeout). */
        @WithDefault("60")
        int idleTimeoutSeconds();
    }

    interface Store {
        /**
         * Largest object accepted, in bytes (C-STORE and STOW-RS alike); larger ones are refused with
         * 0xA700 / 413 before they fill the disk.
         */
        @WithDefault("4294967296")
        long maxObjectBytes();
    }
}
