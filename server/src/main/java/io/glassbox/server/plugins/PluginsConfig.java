package io.glassbox.server.plugins;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Where plugins come from (README.md lists the environment variables). */
@ConfigMapping(prefix = "glassbox.plugins")
public interface PluginsConfig {

    /** Plugins the operator installs ({@code GLASSBOX_PLUGINS_DIR}); unset: {@code <data dir>/plugins}. */
    Optional<Path> dir();

    /**
     * The distribution's plugin home, holding {@code builtin/} (plugins shipped with the server) and
     * {@code runtime/} (the shared DJL layer); unset: {@code plugins/} next to the packaged application
     * ({@code quarkus-app/plugins}). Tests and dev mode use {@code target/glassbox-plugins}, staged by the build.
     */
    Optional<Path> home();

    /**
     * Where plugins run ({@code GLASSBOX_PLUGINS_DEVICE}): {@code cpu}, {@code gpu} or {@code gpu:N}. A GPU needs
     * the CUDA build of the runtime layer in {@code <home>/runtime} (deploy notes in README.md).
     */
    @WithDefault("cpu")
    String device();

    /**
     * Settings handed to each plugin when it is opened, by plugin id, as the plugin documents them:
     * {@code glassbox.plugins.settings."glassbox.ct-hyperdense-lesion".threshold=0.6}.
     */
    Map<String, Map<String, String>> settings();
}
