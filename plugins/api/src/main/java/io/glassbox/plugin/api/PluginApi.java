package io.glassbox.plugin.api;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of this plugin API, and the rule by which a host decides whether it can load a plugin built
 * against another version.
 *
 * <p>A plugin states the version it was built against in its manifest ({@link PluginManifest#apiVersion()}) by
 * writing {@code PluginApi.VERSION} there. {@link #VERSION} is a compile-time constant, so the compiler copies its
 * value into the plugin's class: the manifest keeps saying the version the plugin was compiled against, whatever
 * API the host that loads it provides.
 *
 * <p>Versions are {@code major.minor}. A minor version only adds (new optional types or defaulted methods), so
 * a host runs plugins built against its own or an older minor version of its major version; a new major version
 * may remove or change what plugins call, so a host refuses plugins built against any other major version, and
 * plugins built against a newer minor version, which may call what this host lacks.
 */
public final class PluginApi {

    /**
     * This API's version, {@code major.minor}. 1.1 added {@link DiagnosticPlugin#validationReport()} (defaulted:
     * plugins built against 1.0 run unchanged).
     */
    public static final String VERSION = "1.1";

    private static final Pattern FORM = Pattern.compile("(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})");

    private PluginApi() {
    }

    /** Whether {@code version} has the form {@code major.minor} ({@code 1.0}). */
    public static boolean isWellFormed(String version) {
        return version != null && FORM.matcher(version).matches();
    }

    /**
     * Why a plugin built against API {@code builtAgainst} cannot run on this API, in one sentence; empty when it
     * can.
     *
     * @throws IllegalArgumentException when {@code builtAgainst} is not {@code major.minor}
     */
    public static Optional<String> incompatibility(String builtAgainst) {
        Matcher plugin = parse(builtAgainst);
        Matcher host = parse(VERSION);
        int pluginMajor = Integer.parseInt(plugin.group(1));
        int hostMajor = Integer.parseInt(host.group(1));
        if (pluginMajor != hostMajor) {
            return Optional.of("built against plugin API " + builtAgainst + ", but this server provides plugin API "
                    + VERSION + " and runs only plugins built against API " + hostMajor + ".x (at most " + VERSION
                    + "); rebuild the plugin against API " + VERSION);
        }
        if (Integer.parseInt(plugin.group(2)) > Integer.parseInt(host.group(2))) {
            return Optional.of("built against plugin API " + builtAgainst + ", newer than this server's plugin API "
                    + VERSION + "; update the server, or use a version of the plugin built against API " + VERSION
                    + " or older");
        }
        return Optional.empty();
    }

    private static Matcher parse(String version) {
        Matcher matcher = version == null ? null : FORM.matcher(version);
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException("a plugin API version is major.minor, such as 1.0; was '" + version + "'");
        }
        return matcher;
    }
}
