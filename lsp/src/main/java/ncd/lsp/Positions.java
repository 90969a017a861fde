package ncd.lsp;

import ncd.diag.SourceSpan;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/**
 * Where things are in one text, in both counts: ncd's offsets and LSP's positions. The parser (ANTLR over a
 * {@code CodePointCharStream}) gives a {@link SourceSpan} offsets in Unicode code points from the start of the file;
 * LSP counts 0-based lines and, within a line, UTF-16 code units (its default position encoding). The two differ only
 * after a character outside the Basic Multilingual Plane, which takes two UTF-16 units and one code point.
 *
 * <p>Lines end at {@code \n} (a {@code \r} before it is part of the line's end), as {@link ncd.diag.SourceFile}
 * counts them.
 */
public final class Positions {
    private final String text;
    /** UTF-16 index of each line's first character. */
    private final int[] lineStarts;
    /** UTF-16 index of each code point offset (length: code points + 1); null when the two are the same. */
    private final int[] charOfCodePoint;

    public Positions(String text) {
        this.text = text;
        int lines = 1;
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') lines++;
        lineStarts = new int[lines];
        for (int i = 0, l = 1; i < text.length(); i++) if (text.charAt(i) == '\n') lineStarts[l++] = i + 1;
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints == text.length()) {
            charOfCodePoint = null;
        } else {
            charOfCodePoint = new int[codePoints + 1];
            for (int cp = 0, i = 0; cp <= codePoints; cp++) {
                charOfCodePoint[cp] = i;
                if (i < text.length()) i += Character.charCount(text.codePointAt(i));
            }
        }
    }

    public String text() { return text; }

    /** The LSP position of ncd offset {@code offset} (code points; clamped to the text). */
    public Position position(int offset) {
        int ch = charIndex(offset);
        int line = lineOfChar(ch);
        return new Position(line, ch - lineStarts[line]);
    }

    /** The LSP range of a span of this text. */
    public Range range(SourceSpan span) { return range(span.start(), span.end()); }

    /** The LSP range of ncd offsets [start, end). */
    public Range range(int start, int end) { return new Range(position(start), position(Math.max(start, end))); }

    /**
     * The ncd offset (code points) of an LSP position; a line past the end is the end of the text, a character past the
     * end of its line is the end of that line (as LSP asks).
     */
    public int offset(Position p) {
        if (p.getLine() < 0) return 0;
        if (p.getLine() >= lineStarts.length) return codePointOf(text.length());
        int start = lineStarts[p.getLine()];
        int end = p.getLine() + 1 < lineStarts.length ? lineStarts[p.getLine() + 1] - 1 : text.length();
        if (end > start && text.charAt(end - 1) == '\r') end--;
        int ch = Math.min(start + Math.max(0, p.getCharacter()), end);
        // a position between the two halves of a surrogate pair means the character they make
        if (ch > start && ch < text.length() && Character.isLowSurrogate(text.charAt(ch)) && Character.isHighSurrogate(text.charAt(ch - 1))) ch--;
        return codePointOf(ch);
    }

    private int charIndex(int offset) {
        if (offset <= 0) return 0;
        if (charOfCodePoint == null) return Math.min(offset, text.length());
        return charOfCodePoint[Math.min(offset, charOfCodePoint.length - 1)];
    }

    private int codePointOf(int charIndex) {
        return charOfCodePoint == null ? charIndex : text.codePointCount(0, charIndex);
    }

    private int lineOfChar(int ch) {
        int lo = 0, hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= ch) lo = mid; else hi = mid - 1;
        }
        return lo;
    }
}
