package io.glassbox.plugins.hyperdenselesion.demo;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * JSON (RFC 8259) read into plain Java values and written back, for the demo programs, which run on the JDK and
 * PixelMed alone (the plugin carries no JSON library, and the demo tools must not add one to the plugin). Objects
 * are {@code Map<String, Object>} in document order, arrays {@code List<Object>}, numbers {@link BigDecimal}
 * (exact: a value read is written back as the same number), strings, booleans and {@code null}. The whole grammar is
 * accepted, and nothing else: anything malformed is an {@link IllegalArgumentException} naming the offset.
 */
public final class Json {

    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private final String text;
    private int at;

    private Json(String text) {
        this.text = text;
    }

    /** The value {@code text} holds. */
    public static Object parse(String text) {
        Json reader = new Json(text);
        Object value = reader.value();
        reader.space();
        if (reader.at != text.length()) {
            throw reader.error("unexpected text after the value");
        }
        return value;
    }

    /** Compact JSON of a value made of maps, lists, strings, numbers, booleans and nulls. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, null, null);
        return out.toString();
    }

    /** The same, indented by two spaces per level, one member or element a line. */
    public static String pretty(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "  ", "");
        return out.append('\n').toString();
    }

    /** {@code value} as an object; an {@link IllegalArgumentException} naming {@code what} when it is not one. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object value, String what) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException(what + " is not a JSON object: " + abbreviated(value));
    }

    /** {@code value} as an array. */
    @SuppressWarnings("unchecked")
    public static List<Object> array(Object value, String what) {
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw new IllegalArgumentException(what + " is not a JSON array: " + abbreviated(value));
    }

    /** A member that is a string, or null when it is absent or not a string. */
    public static String string(Map<String, Object> object, String name) {
        return object.get(name) instanceof String s ? s : null;
    }

    private static String abbreviated(Object value) {
        String json = write(value);
        return json.length() <= 200 ? json : json.substring(0, 200) + "…";
    }

    // ---- reading

    private Object value() {
        space();
        if (at >= text.length()) {
            throw error("a value is missing");
        }
        char c = text.charAt(at);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> object = new LinkedHashMap<>();
        at++; // {
        space();
        if (peek('}')) {
            at++;
            return object;
        }
        while (true) {
            space();
            if (!peek('"')) {
                throw error("a member name (a string) was expected");
            }
            String name = string();
            space();
            expect(':');
            object.put(name, value());
            space();
            if (peek(',')) {
                at++;
            } else {
                expect('}');
                return object;
            }
        }
    }

    private List<Object> array() {
        List<Object> array = new ArrayList<>();
        at++; // [
        space();
        if (peek(']')) {
            at++;
            return array;
        }
        while (true) {
            array.add(value());
            space();
            if (peek(',')) {
                at++;
            } else {
                expect(']');
                return array;
            }
        }
    }

    private String string() {
        at++; // opening quote
        StringBuilder s = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return s.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> s.append(e);
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    try {
                        s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("bad \\u escape");
                    }
                    at += 4;
                }
                default -> throw error("unknown escape \\" + e);
            }
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw error("unexpected character");
        }
        at += word.length();
        return value;
    }

    private BigDecimal number() {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String token = text.substring(start, at);
        if (!NUMBER.matcher(token).matches()) {
            at = start;
            throw error(token.isEmpty() ? "unexpected character" : "not a number: " + token);
        }
        return new BigDecimal(token);
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "' expected");
        }
        at++;
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException("JSON: " + problem + " at offset " + at);
    }

    // ---- writing

    /** @param indent one level's indentation, null for compact output; @param current this level's, null likewise */
    private static void write(Object value, StringBuilder out, String indent, String current) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            quote(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b);
        } else if (value instanceof BigDecimal d) {
            out.append(d);
        } else if (value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("JSON has no " + d);
            }
            out.append(BigDecimal.valueOf(d));
        } else if (value instanceof Map<?, ?> map) {
            writeMembers(map, out, indent, current);
        } else if (value instanceof List<?> list) {
            writeElements(list, out, indent, current);
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private static void writeMembers(Map<?, ?> map, StringBuilder out, String indent, String current) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        String inner = indent == null ? null : current + indent;
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> member : map.entrySet()) {
            if (!(member.getKey() instanceof String name)) {
                throw new IllegalArgumentException("JSON member names are strings, not " + member.getKey());
            }
            out.append(first ? "" : ",");
            first = false;
            newline(out, inner);
            quote(name, out);
            out.append(indent == null ? ":" : ": ");
            write(member.getValue(), out, indent, inner);
        }
        newline(out, current);
        out.append('}');
    }

    private static void writeElements(List<?> list, StringBuilder out, String indent, String current) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        String inner = indent == null ? null : current + indent;
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            out.append(i == 0 ? "" : ",");
            newline(out, inner);
            write(list.get(i), out, indent, inner);
        }
        newline(out, current);
        out.append(']');
    }

    private static void newline(StringBuilder out, String indentation) {
        if (indentation != null) {
            out.append('\n').append(indentation);
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
