package io.glassbox.server.dispatch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.glassbox.server.config.GlassboxConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The routing rules in force: read at start from the configured file ({@code GLASSBOX_ROUTING_RULES}, YAML when it
 * ends in .yaml/.yml, JSON otherwise; unset: {@code <data dir>/routing-rules.json} when it exists), replaced
 * through the admin API, and written back to that same file (temp file, fsync, rename) before the new rules take
 * effect, so a restart keeps what an administrator set. A file with an invalid rule stops the start with the
 * reasons: silently routing nothing would look like a working server.
 */
@ApplicationScoped
public class RoutingRules {
    private static final Logger LOG = Logger.getLogger(RoutingRules.class);

    private final Path file;
    private final ObjectMapper mapper;
    private volatile RoutingRuleSet current;

    public RoutingRules(DispatchConfig dispatch, GlassboxConfig config) {
        this.file = dispatch.routingRules().orElse(config.dataDir().resolve("routing-rules.json"))
                .toAbsolutePath().normalize();
        this.mapper = mapperFor(file);
        this.current = Files.exists(file) ? load() : RoutingRuleSet.empty();
        LOG.infof("Routing rules: %d from %s", current.rules().size(), file);
    }

    /** YAML for .yaml/.yml, JSON otherwise; a misspelt key is an error, not a criterion silently dropped. */
    static ObjectMapper mapperFor(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return (name.endsWith(".yaml") || name.endsWith(".yml") ? new ObjectMapper(new YAMLFactory())
                : new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT))
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public RoutingRuleSet current() {
        return current;
    }

    public Path file() {
        return file;
    }

    /** Validates, persists, then puts in force; an invalid set changes nothing and says why. */
    public synchronized void replace(RoutingRuleSet rules) throws InvalidRulesException, IOException {
        List<String> problems = rules.problems();
        if (!problems.isEmpty()) {
            throw new InvalidRulesException(problems);
        }
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        mapper.writeValue(temp.toFile(), rules);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        current = rules;
        LOG.infof("Routing rules replaced: %d rules, written to %s", rules.rules().size(), file);
    }

    /** Re-reads the file (another process sharing it may have changed it). */
    public synchronized void reload() {
        current = Files.exists(file) ? load() : RoutingRuleSet.empty();
    }

    private RoutingRuleSet load() {
        RoutingRuleSet rules;
        try {
            rules = mapper.readValue(file.toFile(), RoutingRuleSet.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Routing rules file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (rules == null) {
            return RoutingRuleSet.empty();
        }
        List<String> problems = rules.problems();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Routing rules file " + file + " is invalid: " + String.join("; ", problems));
        }
        return rules;
    }

    /** The rules offered are not usable; {@link #problems()} says why, one entry per problem. */
    public static class InvalidRulesException extends Exception {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        public InvalidRulesException(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
