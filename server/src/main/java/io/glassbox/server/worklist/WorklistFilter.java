package io.glassbox.server.worklist;

import io.glassbox.server.web.ProblemException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The worklist's search, filters, order and page, checked where they enter: a value of the wrong form is a
 * {@link ProblemException} (400) that names the parameter and what it takes.
 *
 * @param patient  name or ID, case-insensitive, DICOM wildcards {@code *} and {@code ?} (as QIDO-RS); null for any
 * @param from     earliest study date, {@code YYYYMMDD}, inclusive; null for no bound
 * @param to       latest study date, inclusive; null for no bound
 * @param modality a modality of one of the study's own series (not Glassbox's results); null for any
 * @param finding  true: the top finding is present; false: analysed and no finding present; null for any
 * @param status   the AI status ({@link AiSummary}); null for any
 * @param sort     the order of the items
 * @param offset   items skipped
 * @param limit    items on the page
 */
public record WorklistFilter(String patient, String from, String to, String modality, Boolean finding,
                             Status status, Sort sort, int offset, int limit) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    /** Past any real worklist; keeps OFFSET an int and the database's work bounded. */
    public static final int MAX_OFFSET = 1_000_000;

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuuMMdd")
            .withResolverStyle(ResolverStyle.STRICT);
    /** A Code String (PS3.5 6.2): upper-case letters, digits, space and underscore, at most 16. */
    private static final Pattern MODALITY = Pattern.compile("[A-Za-z0-9_ ]{1,16}");
    private static final int MAX_PATIENT_LENGTH = 200;

    public enum Status {
        NONE, QUEUED, RUNNING, DONE, FAILED;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The orders the worklist offers; a leading '-' reverses. */
    public enum Sort {
        DATE("date", false), DATE_DESC("-date", true), PATIENT("patient", false), PATIENT_DESC("-patient", true);

        private final String parameter;
        private final boolean descending;

        Sort(String parameter, boolean descending) {
            this.parameter = parameter;
            this.descending = descending;
        }

        public boolean descending() {
            return descending;
        }

        public boolean byDate() {
            return this == DATE || this == DATE_DESC;
        }
    }

    /** The query parameters of {@code GET /api/worklist}, each null when absent. */
    public static WorklistFilter parse(String patient, String from, String to, String modality, String finding,
                                       String status, String sort, String offset, String limit) {
        String fromDate = date("from", from);
        String toDate = date("to", to);
        if (fromDate != null && toDate != null && fromDate.compareTo(toDate) > 0) {
            throw ProblemException.badRequest("from (" + fromDate + ") is after to (" + toDate + ")");
        }
        return new WorklistFilter(patient(patient), fromDate, toDate, modality(modality), finding(finding),
                status(status), sort(sort), number("offset", offset, 0, 0, MAX_OFFSET),
                number("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT));
    }

    private static boolean absent(String value) {
        return value == null || value.isBlank();
    }

    private static String patient(String value) {
        if (absent(value) || value.trim().equals("*")) {
            return null;
        }
        if (value.length() > MAX_PATIENT_LENGTH) {
            throw ProblemException.badRequest("patient is longer than " + MAX_PATIENT_LENGTH + " characters");
        }
        return value.trim();
    }

    private static String date(String name, String value) {
        if (absent(value)) {
            return null;
        }
        try {
            LocalDate.parse(value.trim(), DATE);
            return value.trim();
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(name + " must be a date YYYYMMDD, not '" + quote(value) + "'");
        }
    }

    private static String modality(String value) {
        if (absent(value)) {
            return null;
        }
        if (!MODALITY.matcher(value.trim()).matches()) {
            throw ProblemException.badRequest("modality must be a DICOM modality such as CT or MR, not '"
                    + quote(value) + "'");
        }
        return value.trim().toUpperCase(Locale.ROOT);
    }

    private static Boolean finding(String value) {
        if (absent(value)) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ProblemException.badRequest("finding must be true or false, not '" + quote(value) + "'");
        };
    }

    private static Status status(String value) {
        if (absent(value)) {
            return null;
        }
        for (Status s : Status.values()) {
            if (s.json().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw ProblemException.badRequest("status must be one of "
                + Arrays.stream(Status.values()).map(Status::json).toList() + ", not '" + quote(value) + "'");
    }

    private static Sort sort(String value) {
        if (absent(value)) {
            return Sort.DATE_DESC;
        }
        for (Sort s : Sort.values()) {
            if (s.parameter.equals(value.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw ProblemException.badRequest("sort must be one of "
                + Arrays.stream(Sort.values()).map(s -> s.parameter).toList() + ", not '" + quote(value) + "'");
    }

    private static int number(String name, String value, int absentValue, int min, int max) {
        if (absent(value)) {
            return absentValue;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below, in the same words as a number out of range
        }
        throw ProblemException.badRequest(name + " must be a whole number from " + min + " to " + max + ", not '"
                + quote(value) + "'");
    }

    /** A client's value quoted back: short, and without control characters. */
    private static String quote(String value) {
        String v = value.replaceAll("\\p{Cntrl}", "?");
        return v.length() > 40 ? v.substring(0, 40) + "…" : v;
    }
}
