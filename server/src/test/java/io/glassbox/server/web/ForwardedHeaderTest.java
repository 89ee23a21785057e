package io.glassbox.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@code GLASSBOX_HTTP_FORWARDED_HEADERS=forwarded}: the standard header (RFC 7239) counts, X-Forwarded-* not. */
@QuarkusTest
@TestProfile(ForwardedHeaderTest.StandardHeader.class)
class ForwardedHeaderTest extends ForwardedUrlsFixture {

    public static class StandardHeader implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("glassbox.http.forwarded-headers", "forwarded");
        }
    }

    @Test
    void theStandardForwardedHeaderOfTheTrustedProxyGivesSchemeAndHost() throws Exception {
        assertEquals(expected("https://viewer.example.net:8443"),
                urlsWritten(Map.of("Forwarded", "for=192.0.2.60;proto=https;host=\"viewer.example.net:8443\"")));
    }

    @Test
    void xForwardedHeadersAreThenIgnored() throws Exception {
        assertEquals(expected(root.toString().replaceAll("/$", "")),
                urlsWritten(Map.of("X-Forwarded-Proto", "https", "X-Forwarded-Host", "pacs.example.org")));
    }
}
