package io.glassbox.server.plugins;

/** What became of one plugin found on disk. */
public enum PluginStatus {
    /** Loaded, manifest valid: can be used. */
    AVAILABLE,
    /** Loaded, but its manifest has problems (listed as errors). */
    INVALID,
    /**
     * Loaded, manifest valid, but built against a plugin API version this server cannot run (another major
     * version, or a newer minor one); the error says which.
     */
    INCOMPATIBLE,
    /** Could not be read or instantiated (errors say why). */
    FAILED,
    /** The same id and version was found earlier (built-in plugins come first); this copy is ignored. */
    DUPLICATE
}
