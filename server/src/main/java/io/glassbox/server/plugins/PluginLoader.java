package io.glassbox.server.plugins;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glassbox.plugin.api.DiagnosticPlugin;
import io.glassbox.plugin.api.PluginApi;
import io.glassbox.plugin.api.PluginManifest;
import java.io.Closeable;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds plugins in a directory and loads each in its own class loader over the shared runtime layer (see the
 * package description). Never throws for a bad plugin: every jar or folder found gives one or more
 * {@link InstalledPlugin}s, failed ones with their reasons.
 *
 * <p>In a plugins directory, a {@code .jar} file is one plugin; a folder is one plugin made of the jars in it
 * and in its {@code lib/} folder. A plugin declares its {@link DiagnosticPlugin} implementation(s) in
 * {@code META-INF/services/io.glassbox.plugin.api.DiagnosticPlugin}. Anything else is ignored.
 */
public final class PluginLoader implements Closeable {

    /** What the runtime layer takes from the server. */
    static final List<String> SHARED_WITH_RUNTIME = List.of("io.glassbox.plugin.api.", "org.slf4j.");
    /** What a plugin takes from the layers below it: the API, logging, and DJL (one engine per JVM). */
    static final List<String> SHARED_WITH_PLUGINS = List.of("io.glassbox.plugin.api.", "org.slf4j.", "ai.djl.");

    private static final ObjectReader VALIDATION_READER = new ObjectMapper().reader();

    private final ClassLoader pluginParent;
    private final PluginClassLoader runtime;

    /**
     * @param host the server's class loader
     * @param runtimeDirectory the shared runtime's jars; when it is absent or empty plugins sit directly on the
     *     host (then a plugin needing DJL must carry it, and only one such plugin can load libtorch)
     */
    public PluginLoader(ClassLoader host, Path runtimeDirectory) throws IOException {
        List<URL> runtimeJars = runtimeDirectory != null && Files.isDirectory(runtimeDirectory)
                ? jarsIn(runtimeDirectory) : List.of();
        this.runtime = runtimeJars.isEmpty() ? null
                : new PluginClassLoader("glassbox-plugin-runtime", runtimeJars, host, SHARED_WITH_RUNTIME);
        this.pluginParent = runtime != null ? runtime : host;
    }

    /** Whether a shared runtime layer was found. */
    public boolean hasRuntime() {
        return runtime != null;
    }

    /** Loads every plugin in {@code directory}, in name order; an absent directory holds none. */
    public List<InstalledPlugin> discover(Path directory, PluginSource source) {
        if (directory == null || !Files.isDirectory(directory)) {
            return List.of();
        }
        List<Path> entries;
        try (Stream<Path> listing = Files.list(directory)) {
            entries = listing.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isDirectory(p) || p.getFileName().toString().endsWith(".jar"))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of(InstalledPlugin.failed(directory, source,
                    List.of("cannot list the plugins directory: " + e.getMessage())));
        }
        List<InstalledPlugin> plugins = new ArrayList<>();
        for (Path entry : entries) {
            plugins.addAll(load(entry, source));
        }
        return plugins;
    }

    /** Loads the plugin(s) of one jar or folder. */
    List<InstalledPlugin> load(Path entry, PluginSource source) {
        List<URL> urls;
        try {
            urls = Files.isDirectory(entry) ? pluginFolderJars(entry) : List.of(checkedJar(entry));
        } catch (IOException e) {
            return List.of(InstalledPlugin.failed(entry, source, List.of(e.getMessage())));
        }
        if (urls.isEmpty()) {
            return List.of(InstalledPlugin.failed(entry, source, List.of("the folder holds no jar")));
        }
        PluginClassLoader loader = new PluginClassLoader("glassbox-plugin:" + entry.getFileName(), urls, pluginParent,
                SHARED_WITH_PLUGINS);
        List<InstalledPlugin> found = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try {
            InstalledPlugin.withContextLoader(loader, () -> {
                for (ServiceLoader.Provider<DiagnosticPlugin> provider
                        : ServiceLoader.load(DiagnosticPlugin.class, loader).stream().toList()) {
                    Class<? extends DiagnosticPlugin> type = provider.type();
                    if (type.getClassLoader() != loader) {
                        continue; // visible through a parent: not this plugin's
                    }
                    found.add(instantiate(entry, source, loader, provider));
                }
                return null;
            });
        } catch (ServiceConfigurationError | LinkageError e) {
            errors.add("cannot read the plugin's service declaration: " + describe(e));
        } catch (Exception e) {
            errors.add("cannot load: " + describe(e));
        }
        if (found.isEmpty()) {
            closeQuietly(loader);
            if (errors.isEmpty()) {
                errors.add("no plugin declared: the jar needs META-INF/services/" + DiagnosticPlugin.class.getName()
                        + " naming its implementation");
            }
            return List.of(InstalledPlugin.failed(entry, source, errors));
        }
        return found;
    }

    private static InstalledPlugin instantiate(Path entry, PluginSource source, PluginClassLoader loader,
                                               ServiceLoader.Provider<DiagnosticPlugin> provider) {
        DiagnosticPlugin plugin;
        PluginManifest manifest;
        try {
            plugin = provider.get();
            manifest = plugin.manifest();
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            return InstalledPlugin.failed(entry, source,
                    List.of(provider.type().getName() + " cannot be instantiated: " + describe(e)));
        }
        if (manifest == null) {
            return InstalledPlugin.failed(entry, source, List.of(provider.type().getName() + " returned no manifest"));
        }
        List<String> problems = manifest.problems();
        if (!problems.isEmpty()) {
            return new InstalledPlugin(entry, source, PluginStatus.INVALID, problems, manifest, plugin, loader);
        }
        // checked with the manifest, before the plugin is ever opened: a plugin built against an API this server
        // does not provide could fail anywhere later, with a linkage error far from its cause
        Optional<String> incompatibility = PluginApi.incompatibility(manifest.apiVersion());
        if (incompatibility.isPresent()) {
            return new InstalledPlugin(entry, source, PluginStatus.INCOMPATIBLE, List.of(incompatibility.get()),
                    manifest, plugin, loader);
        }
        ObjectNode validation;
        try {
            validation = validationReport(plugin);
        } catch (RuntimeException | LinkageError | JsonProcessingException e) {
            return new InstalledPlugin(entry, source, PluginStatus.INVALID,
                    List.of("its validation report cannot be read: " + describe(e)), manifest, plugin, loader);
        }
        return new InstalledPlugin(entry, source, PluginStatus.AVAILABLE, List.of(), manifest, plugin, loader,
                validation);
    }

    /**
     * The plugin's validation report as a JSON object, or null when it publishes none. A report that is there but
     * is not a JSON object makes the plugin invalid: the figures a reader is shown beside its maps must be the
     * plugin's own, or none.
     */
    private static ObjectNode validationReport(DiagnosticPlugin plugin) throws JsonProcessingException {
        Optional<String> text = plugin.validationReport();
        if (text == null || text.isEmpty()) {
            return null;
        }
        JsonNode report = VALIDATION_READER.readTree(text.get());
        if (!(report instanceof ObjectNode object)) {
            throw new IllegalArgumentException("it is not a JSON object");
        }
        return object;
    }

    /**
     * Marks every usable plugin whose id and version an earlier one already has as {@link PluginStatus#DUPLICATE}
     * (the earlier stays); others pass through unchanged.
     */
    static List<InstalledPlugin> markDuplicates(List<InstalledPlugin> found) {
        Map<String, InstalledPlugin> first = new HashMap<>();
        List<InstalledPlugin> result = new ArrayList<>();
        for (InstalledPlugin plugin : found) {
            if (plugin.status() != PluginStatus.AVAILABLE) {
                result.add(plugin);
                continue;
            }
            String key = plugin.manifest().id() + "\u0000" + plugin.manifest().version();
            InstalledPlugin earlier = first.putIfAbsent(key, plugin);
            result.add(earlier == null ? plugin : plugin.asDuplicateOf(earlier));
        }
        return result;
    }

    /** The root cause's type and message, which say more than the wrappers'. */
    static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root == error ? String.valueOf(error.getMessage())
                : error.getMessage() + " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        return error.getClass().getSimpleName() + ": " + message;
    }

    private static List<URL> pluginFolderJars(Path folder) throws IOException {
        List<URL> urls = new ArrayList<>(jarsIn(folder));
        Path lib = folder.resolve("lib");
        if (Files.isDirectory(lib)) {
            urls.addAll(jarsIn(lib));
        }
        return urls;
    }

    private static List<URL> jarsIn(Path folder) throws IOException {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> listing = Files.list(folder)) {
            for (Path jar : listing.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                urls.add(checkedJar(jar));
            }
        }
        return urls;
    }

    /** The jar's URL, after checking that it is a readable jar (a class loader would skip it silently). */
    private static URL checkedJar(Path jar) throws IOException {
        try (JarFile readable = new JarFile(jar.toFile())) {
            if (readable.size() == 0) {
                throw new IOException("the jar is empty");
            }
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IOException(jar + " has no usable URL: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(jar.getFileName() + " is not a readable jar: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(PluginClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // nothing was loaded from it; the file handles go with the loader
        }
    }

    @Override
    public void close() throws IOException {
        if (runtime != null) {
            runtime.close();
        }
    }
}
