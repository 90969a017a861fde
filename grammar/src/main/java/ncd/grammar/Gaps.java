package ncd.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * The text between two tokens of {@link NcdLexer}: the lexer skips whitespace and comments, so that is all a gap
 * holds. Tools that keep comments (the formatter, the doc site's highlighter) split a gap here rather than each
 * scanning for {@code //} and {@code /*} on their own.
 */
public final class Gaps {
    private Gaps() {}

    /** {@code text[start, end)}: a comment ({@code // ...} to the line's end, or {@code /* ... *}{@code /}), or whitespace. */
    public record Piece(int start, int end, boolean comment) {
        public String of(String text) { return text.substring(start, end); }
    }

    /** The pieces of {@code text[from, to)}, a gap between tokens, in order; together they cover it. */
    public static List<Piece> split(String text, int from, int to) {
        List<Piece> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            int c = next(text, i, to);
            if (c < 0) {
                out.add(new Piece(i, to, false));
                break;
            }
            if (c > i) out.add(new Piece(i, c, false));
            int end;
            if (text.startsWith("//", c)) {
                end = text.indexOf('\n', c);
                if (end < 0 || end > to) end = to;
            } else {
                end = text.indexOf("*/", c + 2);
                end = end < 0 || end + 2 > to ? to : end + 2;
            }
            out.add(new Piece(c, end, true));
            i = end;
        }
        return out;
    }

    /** Where the next comment in {@code text[from, to)} starts, or -1. */
    private static int next(String text, int from, int to) {
        for (int p = from; p + 1 < to; p++) {
            if (text.charAt(p) == '/' && (text.charAt(p + 1) == '/' || text.charAt(p + 1) == '*')) return p;
        }
        return -1;
    }
}
