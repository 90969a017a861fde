package ncd.runtime;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259) and string quoting: the header of a .safetensors file, and in the tests the
 * driver's {@code --diagnostics=json} output and the browser's replies. Objects become {@link LinkedHashMap}s in the
 * order written, arrays {@link List}s, integers (no fraction, no exponent) {@link BigInteger}s, other numbers
 * {@link Double}s, {@code null} Java's null.
 *
 * <p>Anything that is not JSON is an {@link IllegalArgumentException} saying what was expected at which character
 * (0-based), and so are a key written twice in one object and nesting deeper than {@link #MAX_DEPTH} — a header is
 * read from a file that may lie, and neither should pass unseen or overflow the stack.
 */
public final class Json {
    /** Arrays and objects nested deeper than this are refused. */
    public static final int MAX_DEPTH = 256;
    /** Numbers written with more characters than this are refused. */
    public static final int MAX_NUMBER = 400;

    private final String s;
    private int i;
    private int depth;

    private Json(String s) { this.s = s; }

    /** The one JSON value that is all of {@code text} (white space around it allowed). */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.i != text.length()) throw p.error("unexpected '" + text.charAt(p.i) + "' after the value");
        return v;
    }

    /** {@code s} as a JSON string literal, with quotes: the one quoting the diagnostics' JSON uses. */
    public static String quote(String s) { return ncd.diag.DiagnosticPrinter.str(s); }

    private Object value() {
        if (i >= s.length()) throw error("unexpected end");
        char c = s.charAt(i);
        if (c == '{') return nested(true);
        if (c == '[') return nested(false);
        if (c == '"') return string();
        if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
        if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
        if (s.startsWith("null", i)) { i += 4; return null; }
        if (c == '-' || isDigit(c)) return number();
        throw error("unexpected '" + c + "'");
    }

    private Object nested(boolean object) {
        if (++depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH);
        Object v = object ? object() : array();
        depth--;
        return v;
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (peek() == '}') { i++; return m; }
        while (true) {
            ws();
            if (peek() != '"') throw error((i < s.length() ? "" : "unexpected end, ") + "expected a key (a string)");
            int at = i;
            String k = string();
            if (m.containsKey(k)) {
                i = at;
                throw error("duplicate key " + quote(k));
            }
            ws();
            expect(':');
            ws();
            m.put(k, value());
            ws();
            if (peek() == ',') { i++; continue; }
            close('}');
            return m;
        }
    }

    private List<Object> array() {
        List<Object> l = new ArrayList<>();
        i++;
        ws();
        if (peek() == ']') { i++; return l; }
        while (true) {
            ws();
            l.add(value());
            ws();
            if (peek() == ',') { i++; continue; }
            close(']');
            return l;
        }
    }

    private String string() {
        StringBuilder sb = new StringBuilder();
        i++;
        while (true) {
            if (i >= s.length()) throw error("unterminated string");
            char c = s.charAt(i++);
            if (c == '"') return sb.toString();
            if (c < 0x20) throw error("control character in a string");
            if (c != '\\') { sb.append(c); continue; }
            if (i >= s.length()) throw error("unterminated escape");
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    int code = 0;
                    for (int k = 0; k < 4; k++, i++) {
                        int d = i < s.length() ? Character.digit(s.charAt(i), 16) : -1;
                        if (d < 0) throw error("expected four hex digits after \\u");
                        code = code * 16 + d;
                    }
                    sb.append((char) code);
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?} */
    private Number number() {
        int start = i;
        if (peek() == '-') i++;
        if (peek() == '0') i++;
        else if (!digits()) throw error("expected a digit");
        boolean integer = true;
        if (peek() == '.') {
            i++;
            integer = false;
            if (!digits()) throw error("expected a digit after '.'");
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            integer = false;
            if (peek() == '+' || peek() == '-') i++;
            if (!digits()) throw error("expected a digit in the exponent");
        }
        // digits cost quadratic time to convert, and no number a reader here needs is that long
        if (i - start > MAX_NUMBER) throw error("a number longer than " + MAX_NUMBER + " characters");
        String text = s.substring(start, i);
        if (integer) return new BigInteger(text);
        try {
            return new BigDecimal(text).doubleValue();
        } catch (NumberFormatException e) {
            throw error("exponent out of range in " + text);
        }
    }

    private boolean digits() {
        int start = i;
        while (i < s.length() && isDigit(s.charAt(i))) i++;
        return i > start;
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    private char peek() { return i < s.length() ? s.charAt(i) : '\0'; }

    private void expect(char c) {
        if (peek() != c) throw error(i < s.length() ? "expected '" + c + "'" : "unexpected end, expected '" + c + "'");
        i++;
    }

    /** The end of an object or array, where a comma could also have been. */
    private void close(char c) {
        if (peek() != c) throw error((i < s.length() ? "" : "unexpected end, ") + "expected ',' or '" + c + "'");
        i++;
    }

    private void ws() {
        while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + i);
    }
}
