package io.glassbox.server.dispatch;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Settings of the study-complete trigger, the job queue and its workers ({@code GLASSBOX_*} in README.md). */
@ConfigMapping(prefix = "glassbox.dispatch")
public interface DispatchConfig {

    /** Whether this process runs the stability tracker and workers (the queue API works either way). */
    @WithDefault("true")
    boolean enabled();

    /** A study is ready once no instance has been added to it for this long. */
    @WithDefault("5")
    int quietSeconds();

    /** How often the tracker looks for quiet studies and idle workers look for jobs, in milliseconds. */
    @WithDefault("500")
    int pollMillis();

    /** Routing rules file (YAML or JSON); unset: {@code <data dir>/routing-rules.json} if present, else none. */
    Optional<Path> routingRules();

    /** Worker threads in this process. */
    @WithDefault("2")
    int workers();

    /** A claimed job is this process's for so long; the worker renews it every third of it while working. */
    @WithDefault("60")
    int leaseSeconds();

    /** Claims before a job that keeps failing is dead. */
    @WithDefault("5")
    int maxAttempts();

    /** Retry n waits min(base * 2^(n-1), max) seconds. */
    @WithDefault("5")
    int backoffBaseSeconds();

    @WithDefault("600")
    int backoffMaxSeconds();

    /** Jobs of one plugin running at once across every process sharing the database, unless listed below. */
    @WithDefault("2")
    int maxConcurrentPerPlugin();

    /** Per-plugin overrides of {@link #maxConcurrentPerPlugin()}: {@code glassbox.dispatch.plugin-concurrency."id"=n}. */
    Map<String, Integer> pluginConcurrency();
}
