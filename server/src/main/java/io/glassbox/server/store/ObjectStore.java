package io.glassbox.server.store;

import io.glassbox.server.config.GlassboxConfig;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.nio.file.attribute.FileTime;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The write-once file store under {@code <data-dir>/objects}. Objects are first streamed into
 * {@code <data-dir>/incoming} (same file system) while being hashed, forced to disk, and only then renamed into
 * place atomically, so a reader never sees a partial file. File names carry a prefix of the content's SHA-256,
 * so two different objects claiming one SOP Instance UID can never overwrite each other on disk; the index
 * decides which one exists.
 *
 * <p>Crash leftovers: whatever a killed server left in {@code incoming} was never acknowledged. This store removes
 * it when it starts, before it receives anything, unless another running server uses the same data directory
 * (every running server holds a shared lock on {@code incoming.lock}; the one that starts takes it exclusively
 * for the clean-up, and skips the clean-up when it cannot). Leftovers found in use then are removed by age by
 * {@link StoreReconciler}, which also removes stored files that no index row references.
 */
@Startup
@ApplicationScoped
public class ObjectStore {
    private static final Logger LOG = Logger.getLogger(ObjectStore.class);

    private final Path dataDir;
    private final Path incomingDir;
    private final Path objectsDir;
    private final long maxObjectBytes;

    public ObjectStore(GlassboxConfig config) {
        this.dataDir = config.dataDir().toAbsolutePath().normalize();
        this.incomingDir = dataDir.resolve("incoming");
        this.objectsDir = dataDir.resolve("objects");
        this.maxObjectBytes = config.store().maxObjectBytes();
    }

    private FileChannel incomingLockChannel;
    private int temporaryFilesRemovedAtStart;

    /** Removes the temporary files a crash left, then holds the shared lock that says "in use" to other servers. */
    @PostConstruct
    void claimIncoming() {
        try {
            Files.createDirectories(dataDir);
            incomingLockChannel = FileChannel.open(dataDir.resolve("incoming.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock exclusive = tryLock(false);
            if (exclusive != null) {
                try {
                    List<Path> removed = removeTemporaryFiles(Duration.ZERO);
                    temporaryFilesRemovedAtStart = removed.size();
                    LOG.infof("Removed %d temporary file(s) left in %s by an earlier run (never acknowledged)%s",
                            removed.size(), incomingDir, removed.isEmpty() ? "" : ": " + names(removed));
                } finally {
                    exclusive.release();
                }
            } else {
                LOG.infof("Another running server uses %s: its temporary files are left alone (leftovers are "
                        + "removed once older than glassbox.store.reconcile.orphan-age)", incomingDir);
            }
            // Held until this server stops (the operating system drops it if the process is killed).
            if (tryLock(true) == null) {
                LOG.warnf("Could not lock %s shared: a server starting later may remove this one's temporary files",
                        dataDir.resolve("incoming.lock"));
            }
        } catch (IOException | RuntimeException e) {
            // Not fatal: the storage readiness check reports an unusable data directory.
            LOG.errorf("Could not clean up %s at start: %s", incomingDir, e.toString());
        }
    }

    @PreDestroy
    void releaseIncoming() {
        if (incomingLockChannel != null) {
            try {
                incomingLockChannel.close(); // releases the lock
            } catch (IOException ignored) {
                // the process is stopping; the operating system releases the lock anyway
            }
        }
    }

    private FileLock tryLock(boolean shared) throws IOException {
        try {
            return incomingLockChannel.tryLock(0, Long.MAX_VALUE, shared);
        } catch (OverlappingFileLockException e) {
            return null; // held in this JVM (an earlier application not yet stopped): in use
        }
    }

    /** How many temporary files this store removed when it started. */
    public int temporaryFilesRemovedAtStart() {
        return temporaryFilesRemovedAtStart;
    }

    /**
     * Removes the regular files directly in {@code incoming} last modified longer than {@code minimumAge} ago
     * (only temporary files live there) and returns them.
     */
    public List<Path> removeTemporaryFiles(Duration minimumAge) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(incomingDir)) {
            return removed;
        }
        Instant before = Instant.now().minus(minimumAge);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(incomingDir)) {
            for (Path p : entries) {
                try {
                    if (Files.isRegularFile(p) && !Files.getLastModifiedTime(p).toInstant().isAfter(before)
                            && Files.deleteIfExists(p)) {
                        removed.add(p);
                    }
                } catch (IOException e) {
                    LOG.warnf("Could not remove the temporary file %s: %s", p, e.toString());
                }
            }
        }
        return removed;
    }

    private static String names(List<Path> paths) {
        List<String> names = new ArrayList<>();
        for (Path p : paths.subList(0, Math.min(paths.size(), 20))) {
            names.add(p.getFileName().toString());
        }
        return String.join(", ", names) + (paths.size() > 20 ? ", ..." : "");
    }

    /**
     * A file being received: not visible to anyone until {@link #publish} moves it into the store.
     *
     * @param sha256        hex SHA-256 of the whole file
     * @param dataSetOffset where its data set starts (after the file meta), -1 when it is not a Part 10 file
     * @param dataSetSha256 hex SHA-256 of the bytes from {@code dataSetOffset} to the end (the object's identity for
     *                      the write-once rule), null when it is not a Part 10 file
     */
    public record TempObject(Path path, long size, String sha256, long dataSetOffset, String dataSetSha256) {}

    /** The object was larger than {@code glassbox.store.max-object-bytes}. */
    public static class ObjectTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        ObjectTooLargeException(long limit) {
            super("object larger than the configured limit of " + limit + " bytes");
        }
    }

    /**
     * Streams {@code prefix} (may be empty) followed by all of {@code content} into a new temporary file, hashing
     * the file and its data set on the way (one pass), and forces it to disk. On failure the temporary file is
     * removed.
     */
    public TempObject receive(byte[] prefix, InputStream content) throws IOException {
        Files.createDirectories(incomingDir);
        Path tmp = incomingDir.resolve(UUID.randomUUID() + ".part");
        MessageDigest sha = sha256();
        DataSetDigest dataSet = new DataSetDigest();
        long size = 0;
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
            byte[] buf = new byte[256 * 1024];
            if (prefix.length > 0) {
                out.write(prefix);
                sha.update(prefix);
                dataSet.update(prefix, 0, prefix.length);
                size += prefix.length;
            }
            int n;
            while ((n = content.read(buf)) > 0) {
                size += n;
                if (size > maxObjectBytes) {
                    throw new ObjectTooLargeException(maxObjectBytes);
                }
                out.write(buf, 0, n);
                sha.update(buf, 0, n);
                dataSet.update(buf, 0, n);
            }
            out.flush();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return new TempObject(tmp, size, HexFormat.of().formatHex(sha.digest()), dataSet.dataSetOffset(),
                dataSet.hex());
    }

    /** Where an object with this identity and content lives, relative to the data directory. */
    public String relativePathFor(String studyUid, String seriesUid, String sopInstanceUid, String sha256) {
        return "objects/" + safe(studyUid) + "/" + safe(seriesUid) + "/" + safe(sopInstanceUid) + "-"
                + sha256.substring(0, 16) + ".dcm";
    }

    /**
     * Moves the temporary file to its place in the store with an atomic rename and forces the directory entries
     * to disk. After this returns the file is durable; it becomes visible to readers when its index row commits.
     */
    public Path publish(TempObject temp, String relativePath) throws IOException {
        Path target = resolve(relativePath);
        // A stored file's age counts from here: reconciliation judges a file without an index row a crash leftover
        // only once it is older than the time any ingest spends between this rename and its row's commit.
        Files.setLastModifiedTime(temp.path(), FileTime.from(Instant.now()));
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            // New directory entries must reach the disk too, up to the objects directory.
            for (Path d = dir; d != null && d.startsWith(objectsDir); d = d.getParent()) {
                forceDirectory(d.getParent());
            }
        }
        Files.move(temp.path(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(dir);
        return target;
    }

    /** The hex SHA-256 of a stored file's bytes from {@code dataSetOffset} to its end: its data set's digest. */
    public String dataSetSha256(String relativePath, long dataSetOffset) throws IOException {
        MessageDigest sha = sha256();
        try (FileChannel channel = FileChannel.open(resolve(relativePath), StandardOpenOption.READ);
                InputStream in = java.nio.channels.Channels.newInputStream(channel.position(dataSetOffset))) {
            byte[] buf = new byte[256 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    public Path objectsDirectory() {
        return objectsDir;
    }

    public Path dataDirectory() {
        return dataDir;
    }

    public Path resolve(String relativePath) {
        Path p = dataDir.resolve(relativePath).normalize();
        if (!p.startsWith(dataDir)) {
            throw new IllegalArgumentException("path outside the data directory: " + relativePath);
        }
        return p;
    }

    public void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover file is invisible (no index row) and harmless; nothing more to do
        }
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** UIDs are digits and dots; anything else (a malformed UID) is replaced so it can never form a path. */
    private static String safe(String uid) {
        String s = uid.replaceAll("[^0-9A-Za-z.]", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
