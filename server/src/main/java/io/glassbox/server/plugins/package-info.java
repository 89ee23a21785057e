/**
 * Finding, isolating and listing diagnostic plugins.
 *
 * <p>Plugins come from two places: the ones built into the distribution ({@code quarkus-app/plugins/builtin})
 * and the ones an operator installs in {@code GLASSBOX_PLUGINS_DIR} (default {@code <data dir>/plugins}). Each
 * jar, or each folder (its jars and those in its {@code lib/}), gets its own {@link
 * io.glassbox.server.plugins.PluginClassLoader}, so two versions of one plugin can be installed side by side.
 * Three layers of class loaders:
 * <ol>
 * <li>the server's, which shares only the plugin API ({@code io.glassbox.plugin.api}) and SLF4J;
 * <li>one shared runtime layer ({@code quarkus-app/plugins/runtime}): DJL with the PyTorch engine. It must
 * be loaded once per JVM: libtorch's JNI library can belong to one class loader only, and the engine's
 * gradient collector is exclusive JVM-wide. DJL stays off the server's own class path;
 * <li>one loader per plugin, child-first for the plugin's own classes, parent-first for the API and DJL.
 * </ol>
 * A plugin that cannot be read, instantiated or validated is listed with its errors and skipped; it never
 * stops the server.
 */
package io.glassbox.server.plugins;
