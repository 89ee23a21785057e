package io.glassbox.server.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns Glassbox's two settings for the HTTP edge into Quarkus's own, so that they stay off unless configured:
 * <ul>
 * <li>{@code glassbox.http.trusted-proxies} ({@code GLASSBOX_HTTP_TRUSTED_PROXIES}): the reverse proxies whose
 * forwarding headers are honoured ({@code quarkus.http.proxy.*}): {@code X-Forwarded-Proto/-Host/-Port/-For}, or
 * the standard {@code Forwarded} when {@code glassbox.http.forwarded-headers} says so, and
 * {@code X-Forwarded-Prefix}. Quarkus trusts every peer when its list is empty, so forwarding is switched on
 * only when this list is set; the headers of any other peer are ignored.</li>
 * <li>{@code glassbox.http.cors-origins} ({@code GLASSBOX_HTTP_CORS_ORIGINS}): the browser origins allowed to call
 * the API from another site ({@code quarkus.http.cors.*}); unset, no cross-origin request is allowed.</li>
 * </ul>
 * Every absolute URL the server writes (STOW-RS and QIDO-RS Retrieve URLs, WADO-RS BulkDataURIs) is built from
 * the request's base URI ({@code io.glassbox.server.dicomweb.DicomWebUrls}), which Quarkus takes from the honoured
 * headers. Its values sit between application.properties and the environment, so a {@code QUARKUS_HTTP_PROXY_*}
 * or {@code QUARKUS_HTTP_CORS_*} variable still overrides them.
 */
public class HttpEdgeConfigFactory implements ConfigSourceFactory {
    static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> quarkus = new HashMap<>();
        String proxies = value(context, "glassbox.http.trusted-proxies");
        if (proxies != null) {
            quarkus.put("quarkus.http.proxy.proxy-address-forwarding", "true");
            String headers = value(context, "glassbox.http.forwarded-headers");
            switch (headers == null ? "x-forwarded" : headers) {
                case "x-forwarded" -> quarkus.put("quarkus.http.proxy.allow-x-forwarded", "true");
                case "forwarded" -> quarkus.put("quarkus.http.proxy.allow-forwarded", "true");
                default -> throw new IllegalArgumentException("GLASSBOX_HTTP_FORWARDED_HEADERS must be x-forwarded"
                        + " or forwarded, not '" + headers + "'");
            }
            quarkus.put("quarkus.http.proxy.enable-forwarded-host", "true");
            quarkus.put("quarkus.http.proxy.enable-forwarded-prefix", "true");
            quarkus.put("quarkus.http.proxy.trusted-proxies", proxies);
        }
        String origins = value(context, "glassbox.http.cors-origins");
        if (origins != null) {
            quarkus.put("quarkus.http.cors.enabled", "true");
            quarkus.put("quarkus.http.cors.origins", origins);
        }
        return List.of(new PropertiesConfigSource(quarkus, "glassbox-http-edge", ORDINAL));
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? null : v.getValue().trim();
    }
}
