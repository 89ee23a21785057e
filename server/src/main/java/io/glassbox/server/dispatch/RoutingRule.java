package io.glassbox.server.dispatch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One routing rule: which instances of a quiet study go to which plugin version, with which parameters.
 * Every criterion left out (or empty) matches anything; the ones given must all match. Lists match when any
 * entry equals the instance's value (trimmed, case-insensitive); {@code seriesDescription} is a regular
 * expression searched for in the series description, case-insensitive.
 *
 * @param level {@code study}: one job over every matching instance of the study; {@code series}: one job per
 *              series that has matching instances
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RoutingRule(String name, Match match, Level level, Plugin plugin, Map<String, Object> parameters) {

    public enum Level {
        @JsonProperty("study") STUDY,
        @JsonProperty("series") SERIES
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Match(List<String> modality, List<String> sopClassUid, List<String> bodyPart,
                        String seriesDescription, List<String> callingAeTitle) {
    }

    public record Plugin(String id, String version) {
    }

    /** The facts of one stored instance a rule looks at (from the index). */
    public record Candidate(String seriesInstanceUid, String sopInstanceUid, String sopClassUid, String modality,
                            String bodyPart, String seriesDescription, String callingAeTitle) {
    }

    public RoutingRule {
        if (level == null) {
            level = Level.STUDY;
        }
        if (match == null) {
            match = new Match(null, null, null, null, null);
        }
        parameters = parameters == null ? Map.of() : parameters;
    }

    /** Problems that make this rule unusable, in words; empty when it is valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        String who = name == null || name.isBlank() ? "a rule without a name" : "rule '" + name + "'";
        if (name == null || name.isBlank()) {
            problems.add("every rule needs a name");
        }
        if (plugin == null || blank(plugin.id()) || blank(plugin.version())) {
            problems.add(who + ": plugin.id and plugin.version are required");
        }
        if (match.seriesDescription() != null) {
            try {
                Pattern.compile(match.seriesDescription());
            } catch (PatternSyntaxException e) {
                problems.add(who + ": seriesDescription is not a regular expression: " + e.getDescription());
            }
        }
        return problems;
    }

    public boolean matches(Candidate c) {
        return anyOf(match.modality(), c.modality())
                && anyOf(match.sopClassUid(), c.sopClassUid())
                && anyOf(match.bodyPart(), c.bodyPart())
                && anyOf(match.callingAeTitle(), c.callingAeTitle())
                && (blank(match.seriesDescription()) || Pattern.compile(match.seriesDescription(),
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher(nullToEmpty(c.seriesDescription())).find());
    }

    private static boolean anyOf(List<String> accepted, String value) {
        if (accepted == null || accepted.isEmpty()) {
            return true;
        }
        String v = nullToEmpty(value).trim().toUpperCase(Locale.ROOT);
        return accepted.stream().anyMatch(a -> a != null && a.trim().toUpperCase(Locale.ROOT).equals(v));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
