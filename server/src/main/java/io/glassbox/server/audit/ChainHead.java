package io.glassbox.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * The chain's head as last written outside the database: {@code <data dir>/audit/chain-head.json}, holding the
 * sequence number and hash of the newest record at the time. Records that disappear from the end of the table leave
 * this file pointing past the end, which verification reports as a truncated tail.
 *
 * @param writtenAt when the file was written
 */
public record ChainHead(long seq, String hash, Instant writtenAt) {

    public static final String FILE_NAME = "chain-head.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Path file(Path dataDir) {
        return dataDir.resolve("audit").resolve(FILE_NAME);
    }

    /** The head file, or empty when there is none. */
    public static Optional<ChainHead> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        JsonNode n = JSON.readTree(bytes);
        if (n == null || !n.path("seq").canConvertToLong() || !n.path("hash").isTextual()) {
            throw new IOException(file + " is not a chain head (seq and hash expected)");
        }
        return Optional.of(new ChainHead(n.get("seq").asLong(), n.get("hash").asText(),
                Instant.parse(n.path("writtenAt").asText(Instant.EPOCH.toString()))));
    }

    /**
     * Replaces the head file atomically: written to a temporary file in the same folder, forced to disk, renamed
     * over the old one, and the folder forced so that the rename itself is durable.
     */
    public void write(Path file) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        ObjectNode n = JSON.createObjectNode();
        n.put("seq", seq).put("hash", hash).put("writtenAt", CanonicalForm.time(writtenAt));
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap((JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
