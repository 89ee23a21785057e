package io.glassbox.server.plugins;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glassbox.plugin.api.DiagnosticPlugin;
import io.glassbox.plugin.api.PluginManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * One plugin found on disk: where, what it declared, whether it can be used, and (when it can) the instance
 * and the class loader to call it in.
 */
public final class InstalledPlugin {

    private final Path location;
    private final PluginSource source;
    private final PluginStatus status;
    private final List<String> errors;
    private final PluginManifest manifest;
    private final DiagnosticPlugin plugin;
    private final PluginClassLoader classLoader;
    private final ObjectNode validation;

    InstalledPlugin(Path location, PluginSource source, PluginStatus status, List<String> errors,
                    PluginManifest manifest, DiagnosticPlugin plugin, PluginClassLoader classLoader) {
        this(location, source, status, errors, manifest, plugin, classLoader, null);
    }

    InstalledPlugin(Path location, PluginSource source, PluginStatus status, List<String> errors,
                    PluginManifest manifest, DiagnosticPlugin plugin, PluginClassLoader classLoader,
                    ObjectNode validation) {
        this.location = location;
        this.source = source;
        this.status = status;
        this.errors = List.copyOf(errors);
        this.manifest = manifest;
        this.plugin = plugin;
        this.classLoader = classLoader;
        this.validation = validation;
    }

    static InstalledPlugin failed(Path location, PluginSource source, List<String> errors) {
        return new InstalledPlugin(location, source, PluginStatus.FAILED, errors, null, null, null);
    }

    /** The jar or folder it came from. */
    public Path location() {
        return location;
    }

    public PluginSource source() {
        return source;
    }

    public PluginStatus status() {
        return status;
    }

    public List<String> errors() {
        return errors;
    }

    /** The manifest, when the plugin could be instantiated (also when it is invalid); null otherwise. */
    public PluginManifest manifest() {
        return manifest;
    }

    /**
     * The validation report the plugin publishes ({@link DiagnosticPlugin#validationReport()}), read once when it
     * was loaded; null when it publishes none.
     */
    public ObjectNode validation() {
        return validation;
    }

    /** The plugin instance (not yet opened); null unless {@link PluginStatus#AVAILABLE}. */
    public DiagnosticPlugin plugin() {
        return status == PluginStatus.AVAILABLE ? plugin : null;
    }

    /**
     * Runs {@code call} with the plugin's class loader as the thread's context class loader, as every call into
     * a plugin must be (libraries such as DJL find their engines and native files through it).
     */
    public <T> T call(Callable<T> call) throws Exception {
        if (classLoader == null) {
            throw new IllegalStateException(location + " has no class loader: it failed to load");
        }
        return withContextLoader(classLoader, call);
    }

    static <T> T withContextLoader(ClassLoader loader, Callable<T> call) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return call.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    InstalledPlugin asDuplicateOf(InstalledPlugin first) {
        return new InstalledPlugin(location, source, PluginStatus.DUPLICATE,
                List.of(manifest.id() + " " + manifest.version() + " is already installed from " + first.location()
                        + "; this copy is ignored"), manifest, null, classLoader);
    }

    void close() throws IOException {
        if (plugin != null) {
            try {
                withContextLoader(classLoader, () -> {
                    plugin.close();
                    return null;
                });
            } catch (Exception e) {
                throw new IOException("closing " + location + ": " + e.getMessage(), e);
            }
        }
        if (classLoader != null) {
            classLoader.close();
        }
    }
}
