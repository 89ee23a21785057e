package io.glassbox.server.dispatch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The routing rules file's content and the body of {@code GET/PUT /api/routing-rules}. */
public record RoutingRuleSet(List<RoutingRule> rules) {

    public RoutingRuleSet {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    public static RoutingRuleSet empty() {
        return new RoutingRuleSet(List.of());
    }

    /** Every problem of every rule, plus duplicate names; empty when the set is usable. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (RoutingRule r : rules) {
            if (r == null) {
                problems.add("a rule is null");
                continue;
            }
            problems.addAll(r.problems());
            if (r.name() != null && !names.add(r.name())) {
                problems.add("rule name '" + r.name() + "' is used twice");
            }
        }
        return problems;
    }
}
