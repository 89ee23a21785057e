package io.glassbox.server.index;

import io.glassbox.server.index.QidoAttribute.MatchType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns one matching key of a search into an SQL condition, following the matching rules of PS3.4 C.2.2.2 as
 * QIDO-RS (PS3.18 8.3.4) applies them: universal matching (empty value or {@code *}), single value matching,
 * wildcard matching ({@code *} and {@code ?}) on text, case-insensitive person names, range matching on dates,
 * times and date-times, and list matching on UIDs (and on code strings). Values reach the SQL only as
 * parameters.
 */
public final class QidoMatching {

    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final Pattern DATE = Pattern.compile("[0-9]{8}");
    private static final Pattern TIME = Pattern.compile("[0-9]{2}([0-9]{2}([0-9]{2}(\\.[0-9]{1,6})?)?)?");
    private static final Pattern DATE_TIME = Pattern.compile("[0-9]{4}([0-9]{2}([0-9]{2}([0-9]{2}([0-9]{2}"
            + "([0-9]{2}(\\.[0-9]{1,6})?)?)?)?)?)?");
    private static final DateTimeFormatter DATE_FORMAT = DateTimeFormatter.ofPattern("uuuuMMdd")
            .withResolverStyle(ResolverStyle.STRICT);
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,18}");
    private static final Pattern NUMBER = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]{1,4})?");
    private static final String NUMBER_REGEX = "'^[+-]{0,1}([0-9]+[.]{0,1}[0-9]*|[.][0-9]+)([eE][+-]{0,1}[0-9]+){0,1}$'";

    private QidoMatching() {
    }

    /**
     * The condition for {@code attribute} matching {@code values} (one per occurrence of the parameter) in a query
     * at {@code queryLevel}, with its parameters appended to {@code params}; null for universal matching.
     */
    static String condition(QidoAttribute attribute, List<String> values, QueryLevel queryLevel, List<Object> params) {
        if (!attribute.matchable()) {
            throw new InvalidQueryException(attribute.keyword() + " (" + attribute.tagHex() + ", VR " + attribute.vr()
                    + ") cannot be used as a matching key"
                    + (attribute.vr().equals("SQ") ? ": sequence matching is not supported" : ""));
        }
        String predicate = predicate(attribute, values, params);
        if (predicate == null) {
            return null;
        }
        String placed = String.format(attribute.matchScope(), predicate);
        return withinLevel(attribute.matchLevel(), queryLevel, placed);
    }

    /** Wraps a condition on rows below the query's level in an EXISTS over them ("has any … that matches"). */
    private static String withinLevel(QueryLevel conditionLevel, QueryLevel queryLevel, String condition) {
        if (conditionLevel.atOrAbove(queryLevel)) {
            return condition;
        }
        if (queryLevel == QueryLevel.STUDY && conditionLevel == QueryLevel.SERIES) {
            return "EXISTS (SELECT 1 FROM series se WHERE se.study_fk = st.pk AND " + condition + ")";
        }
        if (queryLevel == QueryLevel.STUDY) {
            return "EXISTS (SELECT 1 FROM series se JOIN instance i ON i.series_fk = se.pk"
                    + " WHERE se.study_fk = st.pk AND " + condition + ")";
        }
        return "EXISTS (SELECT 1 FROM instance i WHERE i.series_fk = se.pk AND " + condition + ")";
    }

    private static String predicate(QidoAttribute a, List<String> values, List<Object> params) {
        String expr = a.matchExpr();
        boolean listMatching = a.vr().equals("UI") || a.vr().equals("CS");
        if (values.size() > 1 && !listMatching) {
            throw new InvalidQueryException(a.keyword() + " is given " + values.size()
                    + " times; only UID and code string attributes take a list of values");
        }
        String value = String.join(",", values).trim();
        if (value.isEmpty() || value.equals("*")) {
            return null; // universal matching: every entity matches, the attribute is returned
        }
        if (a.matchType() == MatchType.INTEGER) {
            params.add(integer(a, value));
            return expr + " = ?";
        }
        if (a.matchType() == MatchType.NUMERIC_TEXT) {
            params.add(INTEGER_RANGES.containsKey(a.vr()) ? BigDecimal.valueOf(integer(a, value)) : decimal(a, value));
            // A JSON number's text always casts; the guard keeps one malformed stored value from failing the query.
            return "CASE WHEN " + expr + " ~ " + NUMBER_REGEX + " THEN " + expr + "::numeric = ? ELSE false END";
        }
        return switch (a.vr()) {
            case "UI" -> uidList(a, value, expr, params);
            case "DA" -> range(a, value, expr, expr, DATE, 8, false, params);
            case "TM" -> range(a, value.replace(":", ""), expr,
                    normalizedFraction("replace(" + expr + ", ':', '')", 6), TIME, 6, true, params);
            case "DT" -> range(a, value, expr,
                    normalizedFraction("regexp_replace(" + expr + ", '[+-][0-9]{4}$', '')", 14), DATE_TIME, 14, true,
                    params);
            case "PN" -> personName(value, expr, params);
            case "CS" -> anyOf(value, expr, params);
            default -> text(value, expr, params);
        };
    }

    /** The values each integer VR can hold (PS3.5 6.2); IS is a 32-bit signed integer in text. */
    private static final Map<String, long[]> INTEGER_RANGES = Map.of(
            "US", new long[] {0, 0xFFFFL},
            "SS", new long[] {Short.MIN_VALUE, Short.MAX_VALUE},
            "UL", new long[] {0, 0xFFFFFFFFL},
            "SL", new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE},
            "IS", new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE},
            "UV", new long[] {0, Long.MAX_VALUE},
            "SV", new long[] {Long.MIN_VALUE, Long.MAX_VALUE});

    /** An integer matching value, within what the attribute's VR can hold (any long for a VR not listed). */
    private static long integer(QidoAttribute a, String value) {
        long[] range = INTEGER_RANGES.getOrDefault(a.vr(), new long[] {Long.MIN_VALUE, Long.MAX_VALUE});
        if (INTEGER.matcher(value).matches()) {
            long n = Long.parseLong(value.startsWith("+") ? value.substring(1) : value);
            if (n >= range[0] && n <= range[1]) {
                return n;
            }
        }
        throw new InvalidQueryException(a.keyword() + " (" + a.vr() + ") takes a whole number from " + range[0]
                + " to " + range[1] + ", not '" + value + "'");
    }

    /**
     * A decimal matching value (DS, FL, FD): a finite number, passed on as the double it denotes, so that its
     * exponent stays within what PostgreSQL's numeric holds.
     */
    private static BigDecimal decimal(QidoAttribute a, String value) {
        if (NUMBER.matcher(value).matches()) {
            double d = Double.parseDouble(value);
            if (Double.isFinite(d)) {
                return BigDecimal.valueOf(d);
            }
        }
        throw new InvalidQueryException(a.keyword() + " (" + a.vr() + ") takes a finite decimal number (e.g. 2.5 or"
                + " 1e-3), not '" + value + "'");
    }

    private static String uidList(QidoAttribute a, String value, String expr, List<Object> params) {
        List<String> uids = new ArrayList<>();
        for (String uid : value.split("[,\\\\]")) {
            String u = uid.trim();
            if (u.isEmpty()) {
                continue;
            }
            if (u.length() > 64 || !UID.matcher(u).matches()) {
                throw new InvalidQueryException(a.keyword() + ": '" + u + "' is not a UID"
                        + (u.contains("*") || u.contains("?") ? " (wildcards are not allowed in UID matching)" : ""));
            }
            uids.add(u);
        }
        if (uids.isEmpty()) {
            return null;
        }
        if (uids.size() == 1) {
            params.add(uids.get(0));
            return expr + " = ?";
        }
        params.add(uids.toArray(String[]::new));
        return expr + " = ANY(?)";
    }

    /**
     * Single value or range matching ({@code a-b}, {@code a-}, {@code -b}) on DA, TM and DT, compared as text:
     * the stored value is normalised so that text order is time order ({@code normalized}), and a bound given
     * to a coarser precision than the stored values covers the whole of its last unit (the lower bound padded
     * with zeros, the upper with nines). For TM and DT a single value is the range of its precision; for DA it
     * is the one day.
     */
    private static String range(QidoAttribute a, String value, String expr, String normalized, Pattern format,
            int wholeDigits, boolean hasFraction, List<Object> params) {
        int dash = value.indexOf('-');
        String lower = dash < 0 ? value : value.substring(0, dash).trim();
        String upper = dash < 0 ? value : value.substring(dash + 1).trim();
        if ((dash >= 0 && lower.isEmpty() && upper.isEmpty()) || !temporal(a.vr(), lower, format)
                || !temporal(a.vr(), upper, format)) {
            throw new InvalidQueryException(a.keyword() + " (" + a.vr() + "): '" + value + "' is neither a value nor a"
                    + " range (value-value, value-, -value) in the format " + formatName(a.vr()));
        }
        if (dash < 0 && !hasFraction) {
            params.add(value);
            return expr + " = ?";
        }
        StringBuilder sql = new StringBuilder(expr).append(" <> ''");
        if (!lower.isEmpty()) {
            sql.append(" AND ").append(normalized).append(" >= ?");
            params.add(bound(lower, wholeDigits, hasFraction, '0'));
        }
        if (!upper.isEmpty()) {
            sql.append(" AND ").append(normalized).append(" <= ?");
            params.add(bound(upper, wholeDigits, hasFraction, '9'));
        }
        return "(" + sql + ")";
    }

    /**
     * Whether {@code value} is empty (an open end of a range) or a DA, TM or DT value in {@code format} whose
     * components are in range: a real calendar date, hours 00-23, minutes 00-59, seconds 00-60 (a leap second).
     */
    private static boolean temporal(String vr, String value, Pattern format) {
        if (value.isEmpty()) {
            return true;
        }
        if (!format.matcher(value).matches()) {
            return false;
        }
        String whole = value.contains(".") ? value.substring(0, value.indexOf('.')) : value;
        return switch (vr) {
            case "DA" -> date(whole);
            case "TM" -> time(whole);
            default -> (whole.length() < 8 || date(whole.substring(0, 8)))
                    && (whole.length() <= 8 || time(whole.substring(8)))
                    && (whole.length() != 6 || between(whole.substring(4, 6), 1, 12));
        };
    }

    private static boolean date(String yyyymmdd) {
        try {
            LocalDate.parse(yyyymmdd, DATE_FORMAT);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** HH, HHMM or HHMMSS. */
    private static boolean time(String hhmmss) {
        return between(hhmmss.substring(0, 2), 0, 23)
                && (hhmmss.length() < 4 || between(hhmmss.substring(2, 4), 0, 59))
                && (hhmmss.length() < 6 || between(hhmmss.substring(4, 6), 0, 60));
    }

    private static boolean between(String digits, int min, int max) {
        int n = Integer.parseInt(digits);
        return n >= min && n <= max;
    }

    private static String formatName(String vr) {
        return switch (vr) {
            case "DA" -> "YYYYMMDD (a real calendar date)";
            case "TM" -> "HH[MM[SS[.F{1,6}]]] (hours 00-23, minutes 00-59, seconds 00-60)";
            default -> "YYYY[MM[DD[HH[MM[SS[.F{1,6}]]]]]] (without a time zone offset)";
        };
    }

    /** SQL normalising a TM or DT text (whole part, '.', six fraction digits) so that text order is time order. */
    private static String normalizedFraction(String text, int wholeDigits) {
        return "(rpad(split_part(" + text + ", '.', 1), " + wholeDigits + ", '0') || '.' || rpad(split_part(" + text
                + ", '.', 2), 6, '0'))";
    }

    private static String bound(String value, int wholeDigits, boolean hasFraction, char pad) {
        if (!hasFraction) {
            return value;
        }
        int dot = value.indexOf('.');
        String whole = dot < 0 ? value : value.substring(0, dot);
        String fraction = dot < 0 ? "" : value.substring(dot + 1);
        return padRight(whole, wholeDigits, pad) + "." + padRight(fraction, 6, pad);
    }

    private static String padRight(String s, int length, char pad) {
        StringBuilder b = new StringBuilder(s);
        while (b.length() < length) {
            b.append(pad);
        }
        return b.toString();
    }

    /**
     * Person names match case-insensitively, on the whole stored value or on its first (alphabetic) component
     * group, so that {@code Doe^John} finds {@code Doe^John=ドウ^ジョン}.
     */
    private static String personName(String value, String expr, List<Object> params) {
        String pattern = likePattern(value);
        if (value.contains("=")) {
            params.add(pattern);
            return "upper(" + expr + ") LIKE upper(?)";
        }
        params.add(pattern);
        params.add(pattern + "=%");
        return "(upper(" + expr + ") LIKE upper(?) OR upper(" + expr + ") LIKE upper(?))";
    }

    /** Code strings: a comma-separated list matches any of its values (each exact or with wildcards). */
    private static String anyOf(String value, String expr, List<Object> params) {
        List<String> alternatives = new ArrayList<>();
        for (String v : value.split("[,\\\\]")) {
            String one = v.trim();
            if (one.isEmpty() || one.equals("*")) {
                return null; // decided before any parameter is added: a dropped condition must leave none behind
            }
            alternatives.add(one);
        }
        List<String> conditions = new ArrayList<>();
        for (String one : alternatives) {
            conditions.add(text(one, expr, params));
        }
        return conditions.size() == 1 ? conditions.get(0) : "(" + String.join(" OR ", conditions) + ")";
    }

    private static String text(String value, String expr, List<Object> params) {
        if (value.indexOf('*') < 0 && value.indexOf('?') < 0) {
            params.add(value);
            return expr + " = ?";
        }
        params.add(likePattern(value));
        return expr + " LIKE ?";
    }

    /**
     * DICOM wildcards as an SQL LIKE pattern: {@code *} is any run, {@code ?} one character; LIKE's own
     * specials ({@code %}, {@code _} and the escape character {@code \}) in the value match only themselves.
     */
    public static String likePattern(String value) {
        StringBuilder b = new StringBuilder(value.length() + 8);
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            switch (c) {
                case '*' -> b.append('%');
                case '?' -> b.append('_');
                case '%', '_', '\\' -> b.append('\\').append(c);
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
