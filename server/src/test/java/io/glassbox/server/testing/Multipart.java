package io.glassbox.server.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** Builds multipart/related request bodies for STOW-RS tests. */
public final class Multipart {
    public final String boundary = "gbx-" + UUID.randomUUID();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    public static Multipart of(List<byte[]> parts) {
        Multipart m = new Multipart();
        parts.forEach(p -> m.part("application/dicom", p));
        return m;
    }

    public Multipart part(String contentType, byte[] content) {
        write("--" + boundary + "\r\nContent-Type: " + contentType + "\r\n\r\n");
        body.writeBytes(content);
        write("\r\n");
        return this;
    }

    public byte[] close() {
        write("--" + boundary + "--\r\n");
        return body.toByteArray();
    }

    /** The body without its close delimiter, cut {@code cut} bytes into the last part. */
    public byte[] truncated(int cut) {
        byte[] all = body.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - cut);
    }

    public String contentType() {
        return "multipart/related; type=\"application/dicom\"; boundary=" + boundary;
    }

    private void write(String s) {
        body.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
