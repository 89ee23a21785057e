package io.glassbox.server.plugins;

/** Where a plugin was found. */
public enum PluginSource {
    /** Shipped with the server distribution. */
    BUILT_IN,
    /** Installed by the operator in the plugins directory. */
    INSTALLED
}
