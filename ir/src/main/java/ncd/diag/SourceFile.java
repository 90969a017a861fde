package ncd.diag;

import java.util.ArrayList;
import java.util.List;

/**
 * The text of one source file and where its lines start, so spans can be shown as line and column. Offsets (the
 * start and end of a {@link SourceSpan}) count Unicode code points, as the ANTLR lexer does, not the UTF-16 units of
 * {@link String}: a character outside the Basic Multilingual Plane (an emoji, a mathematical letter) is one offset and
 * one column.
 */
public final class SourceFile {
    private final String path;
    private final String text;
    /** The UTF-16 index of each line's first character, for {@link #line(int)}. */
    private final int[] lineStarts;
    /** The code-point offset of each line's first character, for {@link #lineOf} and {@link #columnOf}. */
    private final int[] lineOffsets;

    public SourceFile(String path, String text) {
        this.path = path;
        this.text = text;
        List<Integer> starts = new ArrayList<>(), offsets = new ArrayList<>();
        starts.add(0);
        offsets.add(0);
        int cp = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;   // one code point, two units
            } else if (c == '\n') {
                starts.add(i + 1);
                offsets.add(cp + 1);
            }
            cp++;
        }
        lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        lineOffsets = offsets.stream().mapToInt(Integer::intValue).toArray();
    }

    public String path() { return path; }
    public String text() { return text; }
    public int lineCount() { return lineStarts.length; }

    /** The 1-based line's text, without its line terminator. */
    public String line(int line) {
        if (line < 1 || line > lineStarts.length) return "";
        int start = lineStarts[line - 1];
        int end = line < lineStarts.length ? lineStarts[line] - 1 : text.length();
        if (end > start && text.charAt(end - 1) == '\r') end--;
        return text.substring(start, Math.max(start, end));
    }

    /** 1-based line of a code-point offset. */
    public int lineOf(int offset) {
        int lo = 0, hi = lineOffsets.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineOffsets[mid] <= offset) lo = mid; else hi = mid - 1;
        }
        return lo + 1;
    }

    /** 1-based column of a code-point offset, in code points from the start of its line. */
    public int columnOf(int offset) {
        return offset - lineOffsets[lineOf(offset) - 1] + 1;
    }

    /**
     * The UTF-16 index in {@link #line(int) its line's text} of a code-point offset: where a caret goes in that
     * string. Offsets past the line's end map past its end, one unit per code point.
     */
    public int indexInLine(int offset) {
        int line = lineOf(offset);
        String s = line(line);
        int cps = offset - lineOffsets[line - 1];
        int inLine = s.codePointCount(0, s.length());
        return cps <= inLine ? s.offsetByCodePoints(0, cps) : s.length() + (cps - inLine);
    }

    @Override public String toString() { return path; }
}
