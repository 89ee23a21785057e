package io.glassbox.server.store;

import io.agroal.api.AgroalDataSource;
import io.glassbox.server.config.GlassboxConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps the object store and the index in agreement after crashes, in the background, at start and then every
 * {@code glassbox.store.reconcile.interval}:
 * <ul>
 * <li>temporary files in {@code incoming/} older than the safe age ({@code orphan-age}) are removed (a crash left
 * them; {@link ObjectStore} removes them at start already unless another server shares the directory);</li>
 * <li>stored files that no index row references and that are older than the safe age are removed: an ingest killed
 * between renaming its file into place and committing its row leaves one, and it was never acknowledged;</li>
 * <li>index rows whose file is missing are reported (ERROR log, the gauge {@code glassbox_store_missing_files}, the
 * readiness detail {@code store-integrity}) and never dropped: they record objects that were acknowledged.</li>
 * </ul>
 * A pass looks at no more than {@code batch-size} files and rows and goes on from there the next time; it reads
 * and deletes files and queries the index, and takes no lock that ingest waits for. Several servers sharing the
 * database and the data directory may all run it: a file is removed only when no row references it and it has
 * been in place longer than any ingest takes to commit its row, whichever server stored it.
 */
@Startup
@ApplicationScoped
public class StoreReconciler {
    private static final Logger LOG = Logger.getLogger(StoreReconciler.class);

    private final ObjectStore store;
    private final AgroalDataSource dataSource;
    private final Duration orphanAge;
    private final Duration interval;
    private final int batchSize;
    private final Counter temporaryRemoved;
    private final Counter orphansRemoved;
    /** Rows whose file is missing, by row pk, as the latest look at each row found them. */
    private final ConcurrentSkipListMap<Long, MissingFile> missing = new ConcurrentSkipListMap<>();
    private final MeterRegistry metrics;
    private final Gauge missingGauge;
    private ScheduledExecutorService timer;

    /** Where the walk of the object store goes on: the last file looked at (path components), null at the start. */
    private List<String> fileCursor;
    /** Where the look at index rows goes on: the last row's pk. */
    private long rowCursor;
    private volatile Instant lastPass;

    /** An index row whose file is not in the store. */
    public record MissingFile(String sopInstanceUid, String studyInstanceUid, String storagePath, Instant since) {}

    /** What one pass did. */
    public record Pass(List<Path> temporaryFilesRemoved, List<Path> orphanFilesRemoved, int filesLookedAt,
            int rowsLookedAt, int missingFiles) {}

    public StoreReconciler(ObjectStore store, AgroalDataSource dataSource, GlassboxConfig config,
            MeterRegistry metrics) {
        this.store = store;
        this.dataSource = dataSource;
        GlassboxConfig.Reconcile settings = config.store().reconcile();
        this.orphanAge = settings.orphanAge();
        this.interval = settings.interval();
        this.batchSize = settings.batchSize();
        this.temporaryRemoved = Counter.builder("glassbox.store.leftovers.removed").tag("kind", "temporary")
                .description("Temporary files left by a crash (never acknowledged) removed").register(metrics);
        this.orphansRemoved = Counter.builder("glassbox.store.leftovers.removed").tag("kind", "orphan")
                .description("Stored files without an index row (never acknowledged) removed").register(metrics);
        this.metrics = metrics;
        this.missingGauge = Gauge.builder("glassbox.store.missing.files", missing, Map::size)
                .description("Index rows whose stored file is missing (acknowledged objects that cannot be served)")
                .register(metrics);
        temporaryRemoved.increment(store.temporaryFilesRemovedAtStart());
    }

    @PostConstruct
    void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "glassbox-store-reconciler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::passQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.infof("Store reconciliation every %s: leftovers older than %s are removed, index rows without a file "
                + "reported", interval, orphanAge);
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
        // A gauge reads this instance's map: unregistered so that a later start in the same JVM registers its own.
        metrics.remove(missingGauge);
    }

    private void passQuietly() {
        try {
            pass();
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.warnf("Store reconciliation pass failed (tried again in %s): %s", interval, e.toString());
        }
    }

    /** One pass: temporary files, then up to a batch of stored files, then up to a batch of index rows. */
    public synchronized Pass pass() throws IOException, SQLException {
        List<Path> temporary = store.removeTemporaryFiles(orphanAge);
        for (Path p : temporary) {
            temporaryRemoved.increment();
            LOG.warnf("Removed the temporary file %s, older than %s: left by a crash, never acknowledged", p,
                    orphanAge);
        }
        List<Path> files = nextStoredFiles();
        List<Path> orphans = removeOrphans(files);
        int rows = checkRows();
        lastPass = Instant.now();
        return new Pass(temporary, orphans, files.size(), rows, missing.size());
    }

    /** The rows whose file is missing, as last seen. */
    public List<MissingFile> missingFiles() {
        return List.copyOf(missing.values());
    }

    /** When the latest pass ended; null before the first. */
    public Instant lastPass() {
        return lastPass;
    }

    public long orphanFilesRemoved() {
        return (long) orphansRemoved.count();
    }

    public long temporaryFilesRemoved() {
        return (long) temporaryRemoved.count();
    }

    private List<Path> removeOrphans(List<Path> files) throws IOException, SQLException {
        Instant cutoff = Instant.now().minus(orphanAge);
        Map<String, Path> oldEnough = new HashMap<>();
        for (Path f : files) {
            try {
                if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
                    oldEnough.put(relative(f), f);
                }
            } catch (IOException gone) {
                // removed meanwhile (another server's pass, or a refused duplicate's own clean-up)
            }
        }
        List<Path> removed = new ArrayList<>();
        if (oldEnough.isEmpty()) {
            return removed;
        }
        Set<String> referenced = referenced(oldEnough.keySet());
        for (Map.Entry<String, Path> e : oldEnough.entrySet()) {
            if (!referenced.contains(e.getKey()) && Files.deleteIfExists(e.getValue())) {
                removed.add(e.getValue());
                orphansRemoved.increment();
                LOG.warnf("Removed %s: a stored file no index row references, in place for more than %s (an ingest "
                        + "stopped between storing it and committing its row; it was never acknowledged)",
                        e.getKey(), orphanAge);
            }
        }
        // Directories are left in place even when empty: an ingest may be about to rename a file into one.
        return removed;
    }

    private Set<String> referenced(Set<String> relativePaths) throws SQLException {
        Set<String> referenced = new HashSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT storage_path FROM instance WHERE storage_path = ANY (?)")) {
            Array paths = c.createArrayOf("text", relativePaths.toArray());
            ps.setArray(1, paths);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    referenced.add(rs.getString(1));
                }
            }
        }
        return referenced;
    }

    /**
     * Looks at up to a batch of index rows after the cursor; returns how many. What was known missing in the range
     * looked at is replaced by what this look found, so a restored file (or a row no longer there) leaves the report.
     */
    private int checkRows() throws SQLException {
        int rows = 0;
        long last = rowCursor;
        Map<Long, MissingFile> found = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT i.pk, i.sop_instance_uid, st.study_instance_uid, i.storage_path
                  FROM instance i JOIN series se ON se.pk = i.series_fk JOIN study st ON st.pk = se.study_fk
                 WHERE i.pk > ? ORDER BY i.pk LIMIT ?""")) {
            ps.setLong(1, rowCursor);
            ps.setInt(2, batchSize);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    last = rs.getLong(1);
                    String path = rs.getString(4);
                    if (!Files.exists(store.resolve(path))) {
                        MissingFile known = missing.get(last);
                        found.put(last, known != null ? known
                                : new MissingFile(rs.getString(2), rs.getString(3), path, Instant.now()));
                    }
                }
            }
        }
        boolean roundEnds = rows < batchSize;
        Map<Long, MissingFile> before = roundEnds ? missing.tailMap(rowCursor, false)
                : missing.subMap(rowCursor, false, last, true);
        for (Map.Entry<Long, MissingFile> e : before.entrySet()) {
            if (!found.containsKey(e.getKey())) {
                LOG.infof("SOP Instance %s is no longer missing its file %s", e.getValue().sopInstanceUid(),
                        e.getValue().storagePath());
            }
        }
        before.clear();
        for (Map.Entry<Long, MissingFile> e : found.entrySet()) {
            MissingFile m = e.getValue();
            // Loud every pass while it lasts: an acknowledged object that cannot be served.
            LOG.errorf("The stored file of SOP Instance %s (study %s) is missing: %s (since %s). The object was "
                    + "acknowledged and cannot be served until the file is restored, from a backup; its index row "
                    + "is kept", m.sopInstanceUid(), m.studyInstanceUid(), store.resolve(m.storagePath()), m.since());
            missing.put(e.getKey(), m);
        }
        rowCursor = roundEnds ? 0 : last;
        return rows;
    }

    /** Up to a batch of the store's files after the cursor, in path order; the cursor moves past them. */
    private List<Path> nextStoredFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        Path objects = store.objectsDirectory();
        if (Files.isDirectory(objects)) {
            walk(objects, List.of(), files);
        }
        fileCursor = files.size() < batchSize ? null : components(files.get(files.size() - 1));
        return files;
    }

    private void walk(Path dir, List<String> dirComponents, List<Path> out) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(children::add);
        }
        children.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path child : children) {
            if (out.size() >= batchSize) {
                return;
            }
            List<String> c = new ArrayList<>(dirComponents);
            c.add(child.getFileName().toString());
            if (Files.isDirectory(child)) {
                // Skip a directory wholly before the cursor; enter one that holds it or comes after it.
                if (fileCursor == null || isPrefix(c, fileCursor) || compare(c, fileCursor) > 0) {
                    walk(child, c, out);
                }
            } else if (Files.isRegularFile(child) && child.getFileName().toString().endsWith(".dcm")
                    && (fileCursor == null || compare(c, fileCursor) > 0)) {
                out.add(child);
            }
        }
    }

    private List<String> components(Path file) {
        List<String> c = new ArrayList<>();
        store.objectsDirectory().relativize(file).forEach(p -> c.add(p.toString()));
        return c;
    }

    private String relative(Path file) {
        return store.dataDirectory().relativize(file).toString().replace('\\', '/');
    }

    private static boolean isPrefix(List<String> prefix, List<String> path) {
        return prefix.size() <= path.size() && path.subList(0, prefix.size()).equals(prefix);
    }

    /** Path order as the walk visits it: component by component, a directory before what it holds. */
    private static int compare(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
