package io.glassbox.server.dicomweb;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.glassbox.server.ingest.IncomingObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the STOW-RS multipart reader. The input's first line is the boundary, the rest the body. Rule: every
 * part is read to its end or the body is refused with {@link IncomingObject.MalformedContentException} (a 400),
 * nothing else escapes, and the parts' bodies together are never longer than the body that held them. Regression
 * inputs: {@code src/test/resources/io/glassbox/server/dicomweb/MultipartRelatedReaderFuzzTestInputs/}.
 */
public class MultipartRelatedReaderFuzzTest {

    @FuzzTest
    void multipartBody(byte[] data) throws Exception {
        fuzzerTestOneInput(data);
    }

    /** The property, also the entry point of the standalone driver in server/fuzz.sh. */
    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        int newline = 0;
        while (newline < data.length && data[newline] != '\n') {
            newline++;
        }
        if (newline == 0 || newline > 70 || newline >= data.length) {
            return; // RFC 2046: a boundary is 1 to 70 characters
        }
        String boundary = new String(data, 0, newline, StandardCharsets.ISO_8859_1);
        int bodyLength = data.length - newline - 1;
        MultipartRelatedReader reader = new MultipartRelatedReader(
                new ByteArrayInputStream(data, newline + 1, bodyLength), boundary);
        long total = 0;
        try {
            MultipartRelatedReader.Part part;
            while ((part = reader.next()) != null) {
                part.contentType();
                total += drain(part.body());
                if (total > bodyLength) {
                    throw new AssertionError("parts hold " + total + " bytes of a " + bodyLength + "-byte body");
                }
            }
        } catch (IncomingObject.MalformedContentException refused) {
            // the documented refusal of a broken body
        }
    }

    private static long drain(InputStream body) throws IOException {
        byte[] chunk = new byte[4096];
        long n = 0;
        int k;
        while ((k = body.read(chunk, 0, chunk.length)) >= 0) {
            n += k;
        }
        return n;
    }
}
