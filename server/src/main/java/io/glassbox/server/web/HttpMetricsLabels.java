package io.glassbox.server.web;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keeps the {@code uri} label of the HTTP server metrics to route templates.
 *
 * <p>Quarkus labels a request with the template of the resource method that served it; a request no method
 * served (405, 406 and 415 before a method is chosen, OPTIONS answered by the framework, 431 from the HTTP codec)
 * is labelled with its raw path. Raw paths carry study, series and SOP Instance UIDs and let any client create
 * time series without bound, so every label that is not a known template becomes {@value #UNMATCHED}.
 */
@ApplicationScoped
public class HttpMetricsLabels {

    /** The label of every request that no route template describes. */
    public static final String UNMATCHED = "UNMATCHED";

    /** The values Quarkus itself gives requests without a route: they carry nothing of the request. */
    private static final Set<String> FIXED = Set.of("NOT_FOUND", "REDIRECTION", "root", "/cors-preflight", "/");

    /**
     * The paths of the management endpoints on the main HTTP server (Quarkus registers them as Vert.x routes,
     * not JAX-RS resources).
     */
    private static final List<String> MANAGEMENT = List.of("/q/health", "/q/health/live", "/q/health/ready",
            "/q/health/started", "/q/health/group", "/q/health/well", "/q/metrics");

    @Produces
    @Singleton
    MeterFilter onlyRouteTemplates(Routes routes) {
        Set<String> known = new java.util.HashSet<>(routes.templates());
        known.addAll(MANAGEMENT);
        known.addAll(FIXED);
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith("http.server")) {
                    return id;
                }
                String uri = id.getTag("uri");
                if (uri == null || known.contains(uri) || known.contains(Routes.normalise(uri))) {
                    return id;
                }
                List<Tag> tags = new ArrayList<>();
                for (Tag t : id.getTagsAsIterable()) {
                    tags.add(t.getKey().equals("uri") ? Tag.of("uri", UNMATCHED) : t);
                }
                return id.replaceTags(tags);
            }
        };
    }
}
