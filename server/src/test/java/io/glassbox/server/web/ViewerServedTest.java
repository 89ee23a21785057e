package io.glassbox.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.testing.Http;
import io.glassbox.server.testing.Http.Reply;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The browser viewer (module web-viewer, its built files in a jar on the class path) is served at /. */
@QuarkusTest
class ViewerServedTest {

    private static final Pattern SCRIPT = Pattern.compile("src=\"\\./(assets/index-[\\w-]+\\.js)\"");

    @TestHTTPResource("/")
    URL root;

    @Test
    void theViewerPageAndItsScriptAreServedAtTheRoot() {
        Reply page = Http.get(root.toString(), null);
        assertEquals(200, page.status(), page::toString);
        assertTrue(page.contentType().startsWith("text/html"), page.contentType());
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("<title>Glassbox viewer</title>") && html.contains("id=\"app\""), html);

        Matcher script = SCRIPT.matcher(html);
        assertTrue(script.find(), () -> "no built script named in " + html);
        Reply code = Http.get(root + script.group(1), null);
        assertEquals(200, code.status(), code::toString);
        assertTrue(code.contentType().contains("javascript"), code.contentType());
        assertTrue(code.body().length > 100_000, "the bundle is only " + code.body().length + " bytes");
    }
}
