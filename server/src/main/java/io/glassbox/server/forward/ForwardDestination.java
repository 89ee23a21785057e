package io.glassbox.server.forward;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configured PACS destination and its forwarding rule: which kinds of stored instance, received which way,
 * are queued for it automatically. Instances can also be queued for it by request
 * ({@link ForwardQueue#enqueue}) whatever the rule says.
 *
 * <p>Configuration syntax, one per line or separated by ';':
 * {@code name=AE_TITLE@host:port?kinds=SC,PM,SR&source=results}. {@code kinds} defaults to SC,PM,SR and
 * {@code source} to {@code results} (instances Glassbox made itself); {@code source=any} matches instances
 * however they arrived, and {@code source=none} queues nothing by rule (request only).
 */
public record ForwardDestination(String name, String aeTitle, String host, int port, Set<Kind> kinds, Source source) {

    /** What a destination wants, by SOP class. */
    public enum Kind {
        /** Secondary Capture (single and multi-frame). */
        SC(List.of("1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.5.1.4.1.1.7.%")),
        /** Parametric Map. */
        PM(List.of("1.2.840.10008.5.1.4.1.1.30")),
        /** Structured Reports of every SR SOP class. */
        SR(List.of("1.2.840.10008.5.1.4.1.1.88.%")),
        /** Every SOP class. */
        ALL(List.of("%"));

        /** SQL LIKE patterns of the SOP Class UIDs of this kind (the database trigger matches with them). */
        final List<String> sopClassPatterns;

        Kind(List<String> sopClassPatterns) {
            this.sopClassPatterns = sopClassPatterns;
        }
    }

    /** How an instance must have arrived for the rule to queue it. */
    public enum Source {
        /** Only AI results (instance.received_via = 'RESULT'). */
        RESULTS,
        /** However it arrived (C-STORE, STOW-RS, results). */
        ANY,
        /** Never by rule; only by request. */
        NONE
    }

    private static final Pattern AE_TITLE = Pattern.compile("[\\x20-\\x5B\\x5D-\\x7E]{1,16}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern ENTRY = Pattern.compile(
            "([^=\\s]+)\\s*=\\s*([^@]+)@(\\[[^]]+]|[^:?]+):(\\d{1,5})(?:\\?(.*))?");

    public ForwardDestination {
        kinds = Set.copyOf(kinds);
    }

    /** The rule's SOP Class UID patterns (SQL LIKE), for {@code forward_destination.sop_class_patterns}. */
    public List<String> sopClassPatterns() {
        List<String> patterns = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            if (kinds.contains(kind)) {
                patterns.addAll(kind.sopClassPatterns);
            }
        }
        return source == Source.NONE ? List.of() : patterns;
    }

    /** The rule's {@code received_via} values for {@code forward_destination.received_via}; null means any. */
    public List<String> receivedVia() {
        return switch (source) {
            case RESULTS -> List.of("RESULT");
            case ANY -> null;
            case NONE -> List.of();
        };
    }

    @Override
    public String toString() {
        return name + "=" + aeTitle + "@" + host + ":" + port
                + (source == Source.NONE ? "?source=none" : "?kinds=" + kinds + "&source=" + source);
    }

    /**
     * Parses destinations in the configuration syntax; blank entries and '#' comments (to the end of a line) are
     * skipped.
     *
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    public static List<ForwardDestination> parseAll(String text) {
        Map<String, ForwardDestination> byName = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            int comment = line.indexOf('#');
            String content = comment >= 0 ? line.substring(0, comment) : line;
            for (String entry : content.split(";")) {
                if (!entry.isBlank()) {
                    ForwardDestination destination = parse(entry.strip());
                    if (byName.put(destination.name(), destination) != null) {
                        throw new IllegalArgumentException("forwarding destination '" + destination.name()
                                + "' is configured twice");
                    }
                }
            }
        }
        return List.copyOf(byName.values());
    }

    static ForwardDestination parse(String entry) {
        Matcher m = ENTRY.matcher(entry);
        if (!m.matches()) {
            throw new IllegalArgumentException("forwarding destination '" + entry
                    + "' is not name=AE_TITLE@host:port[?kinds=SC,PM,SR&source=results|any|none]");
        }
        String name = m.group(1);
        String aeTitle = m.group(2).strip();
        String host = m.group(3).startsWith("[") ? m.group(3).substring(1, m.group(3).length() - 1) : m.group(3);
        int port = Integer.parseInt(m.group(4));
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("forwarding destination name '" + name
                    + "': use 1-64 letters, digits, '_', '.', '-'");
        }
        if (!AE_TITLE.matcher(aeTitle).matches() || aeTitle.isBlank()) {
            throw new IllegalArgumentException("forwarding destination '" + name + "': AE title '" + aeTitle
                    + "' is not 1-16 printable characters without '\\'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("forwarding destination '" + name + "': port " + port
                    + " is outside 1-65535");
        }
        Set<Kind> kinds = EnumSet.of(Kind.SC, Kind.PM, Kind.SR);
        Source source = Source.RESULTS;
        if (m.group(5) != null && !m.group(5).isBlank()) {
            for (String option : m.group(5).split("&")) {
                int eq = option.indexOf('=');
                String key = eq < 0 ? option.strip() : option.substring(0, eq).strip();
                String value = eq < 0 ? "" : option.substring(eq + 1).strip();
                switch (key) {
                    case "kinds" -> kinds = parseKinds(name, value);
                    case "source" -> source = parseSource(name, value);
                    default -> throw new IllegalArgumentException("forwarding destination '" + name
                            + "': unknown option '" + key + "' (known: kinds, source)");
                }
            }
        }
        return new ForwardDestination(name, aeTitle, host, port, kinds, source);
    }

    private static Set<Kind> parseKinds(String name, String value) {
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (String kind : value.split(",")) {
            try {
                kinds.add(Kind.valueOf(kind.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("forwarding destination '" + name + "': unknown kind '"
                        + kind.strip() + "' (known: SC, PM, SR, ALL)", e);
            }
        }
        return kinds;
    }

    private static Source parseSource(String name, String value) {
        try {
            return Source.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("forwarding destination '" + name + "': unknown source '" + value
                    + "' (known: results, any, none)", e);
        }
    }
}
