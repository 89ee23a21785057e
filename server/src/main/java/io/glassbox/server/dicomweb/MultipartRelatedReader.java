package io.glassbox.server.dicomweb;

import io.glassbox.server.ingest.IncomingObject.MalformedContentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a MIME multipart body (RFC 2046) part by part as it arrives, never holding a whole part in memory: each
 * part's body is an {@link InputStream} that ends at the next delimiter. Used for STOW-RS, whose parts can be
 * gigabytes. A body that ends before its close delimiter makes the current part's stream throw
 * {@link MalformedContentException}.
 */
public final class MultipartRelatedReader {

    /** One part: its headers (names lower-cased) and its body, valid until the next call to {@link #next()}. */
    public record Part(Map<String, String> headers, InputStream body) {
        public String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }

    private static final int BUFFER = 256 * 1024;

    private final InputStream source;
    private final byte[] delimiter; // CRLF "--" boundary
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean sourceEof;
    private boolean finished;
    private PartStream current;

    public MultipartRelatedReader(InputStream source, String boundary) {
        this.source = source;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[BUFFER + delimiter.length + 8];
        // The first delimiter may open the body without a preceding CRLF: pretend one was there.
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
    }

    /** The next part, or null after the close delimiter. Skips whatever of the previous part was not read. */
    public Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (current == null) {
            // the preamble, up to the first delimiter, is discarded
            new PartStream().drain();
        } else {
            current.drain();
        }
        // after a delimiter: "--" closes, otherwise optional whitespace then CRLF
        if (!ensure(2)) {
            throw new MalformedContentException("multipart body ends after a boundary without its close delimiter");
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return null;
        }
        skipLine();
        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            String line = readLine();
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        current = new PartStream();
        return new Part(headers, current);
    }

    private boolean ensure(int n) throws IOException {
        while (limit - pos < n && !sourceEof) {
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                pos = 0;
            }
            int k = source.read(buf, limit, buf.length - limit);
            if (k < 0) {
                sourceEof = true;
            } else {
                limit += k;
            }
        }
        return limit - pos >= n;
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (!ensure(1)) {
                throw new MalformedContentException("multipart body ends inside part headers");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int len = line.length();
                return len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
            }
            if (line.length() > 8192) {
                throw new MalformedContentException("multipart part header line longer than 8 KiB");
            }
            line.append((char) (b & 0xFF));
        }
    }

    private void skipLine() throws IOException {
        readLine();
    }

    /** Index of the delimiter in buf[pos, limit), or -1. */
    private int findDelimiter() {
        outer:
        for (int i = pos; i <= limit - delimiter.length; i++) {
            for (int j = 0; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private final class PartStream extends InputStream {
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] out, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                int at = findDelimiter();
                if (at == pos) {
                    pos += delimiter.length;
                    ended = true;
                    return -1;
                }
                int safe = at >= 0 ? at : limit - (delimiter.length - 1);
                if (safe > pos) {
                    int n = Math.min(len, safe - pos);
                    System.arraycopy(buf, pos, out, off, n);
                    pos += n;
                    return n;
                }
                if (sourceEof) {
                    throw new MalformedContentException("multipart body ends before the part's closing boundary");
                }
                int before = limit - pos;
                ensure(before + 1);
                if (limit - pos == before && sourceEof) {
                    throw new MalformedContentException("multipart body ends before the part's closing boundary");
                }
            }
        }

        void drain() throws IOException {
            byte[] skip = new byte[8192];
            while (read(skip, 0, skip.length) >= 0) {
                // discard
            }
        }
    }
}
