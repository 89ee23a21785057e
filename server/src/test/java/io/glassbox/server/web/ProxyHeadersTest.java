package io.glassbox.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Behind a reverse proxy: the URLs the server writes follow the {@code X-Forwarded-*} headers of a trusted proxy
 * (the test profile trusts 127.0.0.1, the test client) and ignore those of anyone else (a client on 127.0.0.2) and
 * the kind of header it was not told to honour; CORS lets the configured origin in and no other.
 */
@QuarkusTest
class ProxyHeadersTest extends ForwardedUrlsFixture {

    @Test
    void withoutForwardingHeadersTheUrlsNameThisServer() throws Exception {
        assertEquals(expected(root.toString().replaceAll("/$", "")), urlsWritten(Map.of()));
    }

    @Test
    void xForwardedHeadersOfTheTrustedProxyGiveSchemeHostAndPrefix() throws Exception {
        assertEquals(expected("https://pacs.example.org/glassbox"), urlsWritten(X_FORWARDED));
    }

    /** Only the configured kind (X-Forwarded-* here) counts: a Forwarded header a client slipped through does not. */
    @Test
    void theOtherKindOfForwardingHeaderIsIgnored() throws Exception {
        assertEquals(expected(root.toString().replaceAll("/$", "")),
                urlsWritten(Map.of("Forwarded", "proto=https;host=viewer.example.net")));
    }

    /** From 127.0.0.2 (loopback, but not the trusted address) the same headers change nothing. */
    @Test
    void theHeadersOfAnUntrustedPeerAreIgnored() throws Exception {
        String untrusted = rawGet("127.0.0.2", "/dicomweb/studies?StudyInstanceUID=" + study, X_FORWARDED);
        assertTrue(untrusted.startsWith("HTTP/1.1 200"), untrusted);
        String own = "http://" + root.getHost() + ":" + root.getPort() + "/dicomweb/studies/" + study;
        assertTrue(untrusted.contains(own), untrusted);
        assertFalse(untrusted.contains("pacs.example.org"), untrusted);
        String metadata = rawGet("127.0.0.2", "/" + instancePath() + "/metadata", X_FORWARDED);
        assertTrue(metadata.contains("http://" + root.getHost() + ":" + root.getPort() + "/" + instancePath()
                + "/bulkdata/7FE00010"), metadata);
        assertFalse(metadata.contains("pacs.example.org"), metadata);
    }

    @Test
    void corsLetsTheConfiguredOriginInAndNoOther() throws Exception {
        Map<String, String> preflight = Map.of("Origin", "http://viewer.example",
                "Access-Control-Request-Method", "GET");
        HttpResponse<String> allowed = send("OPTIONS", "api/worklist", preflight, null);
        assertEquals(200, allowed.statusCode(), allowed::body);
        assertEquals(Optional.of("http://viewer.example"),
                allowed.headers().firstValue("Access-Control-Allow-Origin"));

        HttpResponse<String> refused = send("OPTIONS", "api/worklist",
                Map.of("Origin", "http://evil.example", "Access-Control-Request-Method", "GET"), null);
        assertNotEquals(Optional.of("http://evil.example"), refused.headers().firstValue("Access-Control-Allow-Origin"));
        assertTrue(refused.statusCode() >= 400, () -> "preflight of another origin: " + refused.statusCode());

        HttpResponse<String> get = send("GET", "api/worklist", Map.of("Origin", "http://viewer.example"), null);
        assertEquals(200, get.statusCode(), get::body);
        assertEquals(Optional.of("http://viewer.example"), get.headers().firstValue("Access-Control-Allow-Origin"));
    }
}
