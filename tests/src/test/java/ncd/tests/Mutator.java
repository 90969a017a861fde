package ncd.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic, syntax-aware damage to a valid .ncd file, for the checker fuzz test. A rough lexer finds the
 * tokens (comments and whitespace are left alone), then one of ten mutations is applied at a random place. One of
 * them keeps the program valid more often than not: an axis size replaced by a size at or past the limits of
 * memory and of int arithmetic ({@link #AXIS_SIZES}), for the test to run.
 */
final class Mutator {
    enum Kind {
        TRUNCATE, DELETE_SPAN, DUPLICATE_LINE, SWAP_TOKENS, REPLACE_IDENTIFIER, REPLACE_NUMBER, DELETE_BRACKET, INSERT_KEYWORD,
        REPLACE_OPERATOR, REPLACE_AXIS_SIZE
    }

    /** One mutant: its text, what was done, and the offset where it was done (for showing a snippet). */
    record Mutant(String text, String description, int at, Kind kind) {
        /** The seed itself. */
        static Mutant unmodified(String text) { return new Mutant(text, "unmodified", 0, null); }
    }

    private record Token(int start, int end, char kind) {   // kind: i identifier, n number, b bracket, p punctuation
        String text(String s) { return s.substring(start, end); }
    }

    private static final Pattern TOKEN = Pattern.compile(
            "(?<ws>\\s+)|(?<comment>//[^\\n]*|/\\*(?s:.*?)\\*/)|(?<id>[A-Za-z_][A-Za-z_0-9]*)"
            + "|(?<num>[0-9](?:_?[0-9])*(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)|(?<br>[\\[\\](){}])"
            + "|(?<op>->|>>|\\|\\||==|!=|<=|>=|\\.\\.|.)");

    static final List<String> KEYWORDS = List.of("module", "import", "axis", "unit", "const", "circuit", "law", "let",
            "param", "state", "next", "return", "for", "in", "within", "and", "or", "not", "true", "false", "by",
            "f32", "f64", "i32", "bool", "sum", "exp", "where");
    private static final List<String> NUMBERS = List.of("0", "-1", "1e9", "2.5");
    /** Axis sizes at the edges: none, one, 2^16 (its square passes an int), 2^31-1 (past one array), 10^9 (bytes past most heaps). */
    static final List<String> AXIS_SIZES = List.of("0", "1", "65536", "2147483647", "1_000_000_000");
    private static final List<String> OPERATORS =
            List.of("+", "-", "*", "/", "%", "^", "==", "!=", "<", "<=", ">", ">=", ">>", "||", "@[]", "and", "or");

    private final String src;
    private final List<Token> tokens = new ArrayList<>();
    private final List<Token> identifiers = new ArrayList<>();
    private final List<Token> numbers = new ArrayList<>();
    private final List<Token> brackets = new ArrayList<>();
    private final List<Token> operators = new ArrayList<>();
    private final List<Token> axisSizes = new ArrayList<>();
    private final List<String> distinctIdentifiers = new ArrayList<>();
    private final Random rnd;

    Mutator(String src, long seed) {
        this.src = src;
        this.rnd = new Random(seed);
        Matcher m = TOKEN.matcher(src);
        while (m.find()) {
            if (m.group("ws") != null || m.group("comment") != null) continue;
            char k = m.group("id") != null ? 'i' : m.group("num") != null ? 'n' : m.group("br") != null ? 'b' : 'p';
            Token t = new Token(m.start(), m.end(), k);
            tokens.add(t);
            if (k == 'i') {
                identifiers.add(t);
                String text = t.text(src);
                if (!distinctIdentifiers.contains(text)) distinctIdentifiers.add(text);
            }
            if (k == 'n') numbers.add(t);
            if (k == 'b') brackets.add(t);
            if (k == 'p' && OPERATORS.contains(t.text(src))) operators.add(t);
        }
        // the sizes of `axis a = 4, b = 8`: numbers after `=` in an axis declaration (before anything else)
        for (int i = 0; i < tokens.size(); i++) {
            if (!tokens.get(i).text(src).equals("axis")) continue;
            for (int j = i + 1; j + 2 < tokens.size() && tokens.get(j).kind == 'i'; ) {
                if (tokens.get(j + 1).text(src).equals("=") && tokens.get(j + 2).kind == 'n') {
                    axisSizes.add(tokens.get(j + 2));
                    j += 3;
                } else {
                    j++;
                }
                if (j >= tokens.size() || !tokens.get(j).text(src).equals(",")) break;
                j++;
            }
        }
    }

    /** A mutant of the given kind, or null when the file offers no place for it (no numbers, say). */
    Mutant mutate(Kind kind) {
        if (tokens.isEmpty()) return null;
        switch (kind) {
            case TRUNCATE: {
                int at = rnd.nextBoolean() ? tokens.get(rnd.nextInt(tokens.size())).start : rnd.nextInt(src.length() + 1);
                return new Mutant(src.substring(0, at), "truncated at offset " + at, at, kind);
            }
            case DELETE_SPAN: {
                int i = rnd.nextInt(tokens.size());
                int j = Math.min(tokens.size() - 1, i + rnd.nextInt(3));
                Token a = tokens.get(i), b = tokens.get(j);
                return new Mutant(splice(a.start, b.end, ""), "deleted `" + src.substring(a.start, b.end) + "`", a.start, kind);
            }
            case DUPLICATE_LINE: {
                String[] lines = src.split("\n", -1);
                List<Integer> code = new ArrayList<>();
                for (int i = 0; i < lines.length; i++) if (!lines[i].isBlank() && !lines[i].trim().startsWith("//")) code.add(i);
                if (code.isEmpty()) return null;
                int l = code.get(rnd.nextInt(code.size()));
                int at = 0;
                for (int i = 0; i < l; i++) at += lines[i].length() + 1;
                return new Mutant(splice(at, at, lines[l] + "\n"), "duplicated line " + (l + 1), at, kind);
            }
            case SWAP_TOKENS: {
                if (tokens.size() < 2) return null;
                int i = rnd.nextInt(tokens.size() - 1);
                Token a = tokens.get(i), b = tokens.get(i + 1);
                String text = src.substring(0, a.start) + b.text(src) + src.substring(a.end, b.start) + a.text(src) + src.substring(b.end);
                return new Mutant(text, "swapped `" + a.text(src) + "` and `" + b.text(src) + "`", a.start, kind);
            }
            case REPLACE_IDENTIFIER: {
                if (identifiers.isEmpty() || distinctIdentifiers.size() < 2) return null;
                Token t = identifiers.get(rnd.nextInt(identifiers.size()));
                String by;
                do by = distinctIdentifiers.get(rnd.nextInt(distinctIdentifiers.size())); while (by.equals(t.text(src)));
                return new Mutant(splice(t.start, t.end, by), "replaced `" + t.text(src) + "` by `" + by + "`", t.start, kind);
            }
            case REPLACE_NUMBER: {
                if (numbers.isEmpty()) return null;
                Token t = numbers.get(rnd.nextInt(numbers.size()));
                String by = NUMBERS.get(rnd.nextInt(NUMBERS.size()));
                return new Mutant(splice(t.start, t.end, by), "replaced number `" + t.text(src) + "` by `" + by + "`", t.start, kind);
            }
            case DELETE_BRACKET: {
                if (brackets.isEmpty()) return null;
                Token t = brackets.get(rnd.nextInt(brackets.size()));
                return new Mutant(splice(t.start, t.end, ""), "deleted `" + t.text(src) + "`", t.start, kind);
            }
            case INSERT_KEYWORD: {
                Token t = tokens.get(rnd.nextInt(tokens.size()));
                String kw = KEYWORDS.get(rnd.nextInt(KEYWORDS.size()));
                return new Mutant(splice(t.start, t.start, kw + " "), "inserted `" + kw + "`", t.start, kind);
            }
            case REPLACE_OPERATOR: {
                if (operators.isEmpty()) return null;
                Token t = operators.get(rnd.nextInt(operators.size()));
                String by;
                do by = OPERATORS.get(rnd.nextInt(OPERATORS.size())); while (by.equals(t.text(src)));
                return new Mutant(splice(t.start, t.end, " " + by + " "), "replaced `" + t.text(src) + "` by `" + by + "`", t.start, kind);
            }
            case REPLACE_AXIS_SIZE: {
                if (axisSizes.isEmpty()) return null;
                Token t = axisSizes.get(rnd.nextInt(axisSizes.size()));
                String by = AXIS_SIZES.get(rnd.nextInt(AXIS_SIZES.size()));
                return new Mutant(splice(t.start, t.end, by), "replaced axis size `" + t.text(src) + "` by `" + by + "`", t.start, kind);
            }
            default:
                throw new AssertionError(kind);
        }
    }

    private String splice(int from, int to, String with) {
        return src.substring(0, from) + with + src.substring(to);
    }

    /** A few lines of {@code text} around {@code at}, numbered, for failure reports. */
    static String snippet(String text, int at, int context) {
        String[] lines = text.split("\n", -1);
        int line = 0;
        for (int off = 0; line < lines.length - 1 && off + lines[line].length() < at; line++) off += lines[line].length() + 1;
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(0, line - context); i <= Math.min(lines.length - 1, line + context); i++) {
            sb.append(String.format("%5d%s %s%n", i + 1, i == line ? ">" : "|", lines[i]));
        }
        return sb.toString();
    }
}
