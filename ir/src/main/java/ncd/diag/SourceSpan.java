package ncd.diag;

/**
 * A range of characters [start, end) in a source file. Every AST node carries one, and IR nodes keep the span
 * of the source they were lowered from, so diagnostics from any phase point at the user's text.
 */
public record SourceSpan(SourceFile file, int start, int end) {
    /** A span for things that have no source (compiler-made nodes, command-line input). */
    public static final SourceSpan NONE = new SourceSpan(null, 0, 0);

    public SourceSpan {
        if (end < start) end = start;
    }

    public boolean isKnown() { return file != null; }
    public int line() { return file == null ? 0 : file.lineOf(start); }
    public int column() { return file == null ? 0 : file.columnOf(start); }
    public String path() { return file == null ? "<unknown>" : file.path(); }

    /** The source text of the span ("" when it has none); start and end count code points, as columns do. */
    public String text() {
        if (file == null) return "";
        String t = file.text();
        int from = t.offsetByCodePoints(0, Math.min(start, t.codePointCount(0, t.length())));
        return t.substring(from, t.offsetByCodePoints(from, Math.min(end - start, t.codePointCount(from, t.length()))));
    }

    /** The smallest span covering both. */
    public SourceSpan to(SourceSpan other) {
        if (!isKnown()) return other;
        if (!other.isKnown() || other.file != file) return this;
        return new SourceSpan(file, Math.min(start, other.start), Math.max(end, other.end));
    }

    @Override public String toString() {
        return isKnown() ? path() + ":" + line() + ":" + column() : "<unknown>";
    }

    // Spans are provenance, not identity: two spans are equal when they name the same place.
    @Override public boolean equals(Object o) {
        return o instanceof SourceSpan s && s.file == file && s.start == start && s.end == end;
    }
    @Override public int hashCode() { return 31 * start + end; }
}
