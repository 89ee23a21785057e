package io.glassbox.server.dicomweb;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Writes a {@code multipart/related} body (RFC 2387) part by part onto a stream, so that a study of any size is
 * sent without being held in memory. Each part carries its own Content-Type and, where it has one, its
 * Content-Location.
 */
final class MultipartRelated {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] CRLF = {'\r', '\n'};

    private final OutputStream out;
    private final String boundary;
    private boolean first = true;

    MultipartRelated(OutputStream out, String boundary) {
        this.out = out;
        this.boundary = boundary;
    }

    /** A fresh boundary: random, so it cannot occur in the parts by accident (1 in 2^128). */
    static String newBoundary() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "glassbox-" + HexFormat.of().formatHex(bytes);
    }

    /** The response's Content-Type for parts of media type {@code type}, with optional extra parameters. */
    static String contentType(String type, String boundary, String transferSyntax) {
        return "multipart/related; type=\"" + type + "\"" + (transferSyntax != null ? "; transfer-syntax=" + transferSyntax : "")
                + "; boundary=" + boundary;
    }

    /** Starts a part: writes its delimiter and headers; the caller then writes its body to {@link #body()}. */
    void startPart(String contentType, String contentLocation) throws IOException {
        StringBuilder head = new StringBuilder();
        if (!first) {
            head.append("\r\n");
        }
        first = false;
        head.append("--").append(boundary).append("\r\n");
        head.append("Content-Type: ").append(contentType).append("\r\n");
        if (contentLocation != null) {
            head.append("Content-Location: ").append(contentLocation).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    }

    OutputStream body() {
        return out;
    }

    /** Writes the close delimiter; no part may follow. */
    void finish() throws IOException {
        if (!first) {
            out.write(CRLF);
        }
        out.write(("--" + boundary + "--").getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
        out.flush();
    }
}
