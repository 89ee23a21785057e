package io.glassbox.server.plugins;

import io.glassbox.plugin.api.ComputeDevice;
import io.glassbox.plugin.api.DiagnosticPlugin;
import io.glassbox.plugin.api.PluginConfiguration;
import io.glassbox.plugin.api.PluginException;
import io.glassbox.plugin.api.PluginManifest;
import io.glassbox.server.config.GlassboxConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The plugins of this server, found once at start-up: the built-in ones first, then the installed ones. A
 * broken plugin is logged, listed with its errors and skipped.
 */
@ApplicationScoped
public class PluginRegistry {

    private static final Logger LOG = Logger.getLogger(PluginRegistry.class);

    private final PluginsConfig config;
    private final GlassboxConfig glassbox;
    private volatile List<InstalledPlugin> plugins = List.of();
    private final Set<InstalledPlugin> opened = ConcurrentHashMap.newKeySet();
    private PluginLoader loader;

    public PluginRegistry(PluginsConfig config, GlassboxConfig glassbox) {
        this.config = config;
        this.glassbox = glassbox;
    }

    void onStart(@Observes StartupEvent event) {
        Path home = home();
        Path installed = installedDirectory();
        // DJL is told once, before anything can load it, never to reach the network (libtorch is in the runtime)
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        try {
            loader = new PluginLoader(PluginRegistry.class.getClassLoader(), home.resolve("runtime"));
        } catch (IOException e) {
            LOG.errorf("plugin runtime in %s is unreadable (%s): plugins load without it", home.resolve("runtime"),
                    e.getMessage());
            try {
                loader = new PluginLoader(PluginRegistry.class.getClassLoader(), null);
            } catch (IOException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        List<InstalledPlugin> found = new ArrayList<>();
        found.addAll(loader.discover(home.resolve("builtin"), PluginSource.BUILT_IN));
        found.addAll(loader.discover(installed, PluginSource.INSTALLED));
        plugins = List.copyOf(PluginLoader.markDuplicates(found));
        for (InstalledPlugin plugin : plugins) {
            String name = plugin.manifest() == null ? plugin.location().getFileName().toString()
                    : plugin.manifest().id() + " " + plugin.manifest().version();
            if (plugin.status() == PluginStatus.AVAILABLE) {
                LOG.infof("plugin %s (%s) available from %s", name, plugin.source(), plugin.location());
            } else {
                LOG.warnf("plugin %s from %s is %s and skipped: %s", name, plugin.location(), plugin.status(),
                        String.join("; ", plugin.errors()));
            }
        }
        LOG.infof("plugins: %d available of %d found (built-in %s, installed %s, shared runtime %s)",
                plugins.stream().filter(p -> p.status() == PluginStatus.AVAILABLE).count(), plugins.size(),
                home.resolve("builtin"), installed, loader.hasRuntime() ? home.resolve("runtime") : "none");
    }

    void onStop(@Observes ShutdownEvent event) {
        for (InstalledPlugin plugin : plugins) {
            try {
                plugin.close();
            } catch (IOException e) {
                LOG.warnf("closing plugin %s: %s", plugin.location(), e.getMessage());
            }
        }
        try {
            if (loader != null) {
                loader.close();
            }
        } catch (IOException e) {
            LOG.warnf("closing the plugin runtime: %s", e.getMessage());
        }
    }

    /**
     * Opens the plugin on this server's device ({@code glassbox.plugins.device}) with its settings
     * ({@code glassbox.plugins.settings."<id>".*}) on first use; it then stays open, shared by every job, until the
     * server stops. A failed open is not remembered: the next job tries again (the operator may have fixed it).
     */
    public DiagnosticPlugin opened(InstalledPlugin installed) throws PluginException {
        DiagnosticPlugin plugin = installed.plugin();
        if (plugin == null) {
            // a job's error is shown by the open /api/jobs and results routes: the plugin by its file name, and no
            // directories (as /api/plugins shows it; the start-up log has the full path)
            throw new PluginException(PluginView.withoutDirectories(installed.location().getFileName() + " is "
                    + installed.status() + ": " + String.join("; ", installed.errors())));
        }
        synchronized (installed) {
            if (opened.contains(installed)) {
                return plugin;
            }
            PluginManifest manifest = installed.manifest();
            ComputeDevice device;
            try {
                device = ComputeDevice.parse(config.device());
            } catch (IllegalArgumentException e) {
                throw new PluginException("glassbox.plugins.device: " + e.getMessage(), e);
            }
            if (!manifest.resources().devices().contains(device.kind())) {
                throw new PluginException(manifest.id() + " " + manifest.version() + " does not run on " + device
                        + " (it runs on " + manifest.resources().devices() + ")");
            }
            PluginConfiguration settings = new PluginConfiguration(
                    config.settings().getOrDefault(manifest.id(), Map.of()));
            long started = System.nanoTime();
            try {
                installed.call(() -> {
                    plugin.open(settings, device);
                    return null;
                });
            } catch (PluginException e) {
                throw e;
            } catch (Exception e) {
                throw new PluginException("opening " + manifest.id() + " " + manifest.version() + " failed: " + e, e);
            }
            opened.add(installed);
            LOG.infof("plugin %s %s opened on %s in %d ms (settings %s)", manifest.id(), manifest.version(), device,
                    (System.nanoTime() - started) / 1_000_000, settings.settings().keySet());
            return plugin;
        }
    }

    /** Every plugin found, usable or not, built-in first, each group in file-name order. */
    public List<InstalledPlugin> all() {
        return plugins;
    }

    /** The usable plugin with this id and version. */
    public Optional<InstalledPlugin> find(String id, String version) {
        return plugins.stream().filter(p -> p.status() == PluginStatus.AVAILABLE)
                .filter(p -> p.manifest().id().equals(id) && p.manifest().version().equals(version)).findFirst();
    }

    Path installedDirectory() {
        return config.dir().orElse(glassbox.dataDir().resolve("plugins")).toAbsolutePath().normalize();
    }

    Path home() {
        return config.home().orElseGet(PluginRegistry::homeNextToApplication).toAbsolutePath().normalize();
    }

    /**
     * {@code plugins/} next to the packaged application ({@code quarkus-app/plugins}): found from the
     * application jar ({@code quarkus-app/app/glassbox-server-….jar}) or from the launcher on the class path
     * ({@code quarkus-app/quarkus-run.jar}). Tests and dev mode set {@code glassbox.plugins.home} to
     * {@code target/glassbox-plugins}, where the build stages the same content.
     */
    static Path homeNextToApplication() {
        try {
            CodeSource codeSource = PluginRegistry.class.getProtectionDomain().getCodeSource();
            if (codeSource != null && codeSource.getLocation() != null) {
                Path location = Path.of(codeSource.getLocation().toURI());
                if (Files.isRegularFile(location) && location.getParent().getParent() != null) {
                    return location.getParent().getParent().resolve("plugins");
                }
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            LOG.debugf("no code source for the application (%s)", e.getMessage());
        }
        String classPath = System.getProperty("java.class.path", "");
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path launcher = Path.of(entry);
            if (launcher.getFileName() != null && launcher.getFileName().toString().equals("quarkus-run.jar")) {
                return launcher.toAbsolutePath().getParent().resolve("plugins");
            }
        }
        LOG.warn("cannot tell where the application lives; looking for plugins in ./plugins (set GLASSBOX_PLUGINS_HOME)");
        return Path.of("plugins");
    }
}
