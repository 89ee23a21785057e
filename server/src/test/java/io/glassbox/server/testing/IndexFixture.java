package io.glassbox.server.testing;

import io.agroal.api.AgroalDataSource;
import io.glassbox.server.config.GlassboxConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/** Test access to what the server really stored: its index rows and its files. */
@ApplicationScoped
public class IndexFixture {
    private final AgroalDataSource dataSource;
    private final GlassboxConfig config;

    public IndexFixture(AgroalDataSource dataSource, GlassboxConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /** Empties the index and the file store (tests that need a clean slate, e.g. files sharing a UID). */
    public void clear() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE instance, series, study, patient RESTART IDENTITY CASCADE");
        }
        deleteTree(dataDir().resolve("objects"));
    }

    public long count(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public String string(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public Path dataDir() {
        return config.dataDir().toAbsolutePath().normalize();
    }

    /** Number of regular files under data-dir/sub (0 when it does not exist). */
    public long filesUnder(String sub) {
        Path dir = dataDir().resolve(sub);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
