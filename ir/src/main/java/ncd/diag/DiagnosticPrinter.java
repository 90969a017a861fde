package ncd.diag;

import java.util.List;

/** Renders diagnostics for people (source line and caret) or for editors (one JSON object per diagnostic). */
public final class DiagnosticPrinter {
    private DiagnosticPrinter() {}

    /**
     * {@code file.ncd:12:7: error[E0301]: message}, then the source line, a caret under the span, and the hint.
     */
    public static String text(Diagnostic d) { return text(d, false); }

    /**
     * {@link #text(Diagnostic)}, with ANSI colours when {@code colour}: the severity and the caret in the severity's
     * colour (errors red, warnings yellow, notes cyan), the location and message bold, the gutter blue, "hint" green.
     * The characters shown are the same either way.
     */
    public static String text(Diagnostic d, boolean colour) {
        Paint p = new Paint(colour);
        String severity = switch (d.severity()) {
            case ERROR -> Paint.RED;
            case WARNING -> Paint.YELLOW;
            case NOTE -> Paint.CYAN;
        };
        StringBuilder sb = new StringBuilder();
        SourceSpan s = d.span();
        if (s.isKnown()) sb.append(p.bold(s.path() + ":" + s.line() + ":" + s.column() + ":")).append(' ');
        sb.append(p.paint(severity, d.severity().word() + "[" + d.code().name() + "]")).append(p.bold(": " + d.message())).append('\n');
        if (s.isKnown()) {
            String line = s.file().line(s.line());
            String gutter = String.valueOf(s.line());
            String pad = " ".repeat(gutter.length());
            // the caret's place in the line's UTF-16 text (columns count code points; a string's indices do not)
            int col = Math.min(s.file().indexInLine(s.start()), line.length());
            int end = s.file().lineOf(s.end()) == s.line() ? Math.min(s.file().indexInLine(s.end()), line.length()) : line.length();
            int width = Math.max(1, end - col);
            Window w = Window.around(line, Math.max(0, col), width);
            sb.append(p.paint(Paint.BLUE, pad + " |")).append('\n');
            sb.append(p.paint(Paint.BLUE, gutter + " |")).append(' ').append(w.text().replace('\t', ' ')).append('\n');
            // one space or mark per character shown, however many UTF-16 units it takes
            String shown = w.text();
            int caret = shown.codePointCount(0, Math.min(w.caret(), shown.length()));
            int marks = Math.max(1, shown.codePointCount(Math.min(w.caret(), shown.length()), Math.min(w.caret() + w.width(), shown.length())));
            sb.append(p.paint(Paint.BLUE, pad + " |")).append(' ').append(" ".repeat(caret))
              .append(p.paint(severity, "^" + "~".repeat(marks - 1))).append('\n');
        }
        if (d.hint() != null && !d.hint().isEmpty()) {
            sb.append("  ").append(p.paint(Paint.BLUE, "=")).append(' ').append(p.paint(Paint.GREEN, "hint")).append(": ").append(d.hint()).append('\n');
        }
        return sb.toString();
    }

    /** ANSI SGR sequences around text, or the text alone when colour is off. */
    private record Paint(boolean on) {
        static final String RED = "1;31", YELLOW = "1;33", CYAN = "1;36", BLUE = "1;34", GREEN = "1;32";
        private static final String RESET = "\u001b[0m";

        String paint(String sgr, String text) { return on ? "\u001b[" + sgr + "m" + text + RESET : text; }
        String bold(String text) { return paint("1", text); }
    }

    /** The widest source line shown whole; a longer one (minified or generated code) is cut to a window this wide. */
    static final int MAX_COLUMNS = 120;

    private static final String CUT = "\u2026";

    /**
     * The part of a source line a diagnostic shows: the whole line when it is at most {@link #MAX_COLUMNS} wide, else
     * {@code MAX_COLUMNS} columns around the span, each cut end marked with {@code …}. {@code caret} is the span's
     * column in {@code text} (0-based), {@code width} how many of its columns the window shows (at least 1).
     */
    record Window(String text, int caret, int width) {
        static Window around(String line, int col, int width) {
            int n = line.length();
            if (n <= MAX_COLUMNS) return new Window(line, col, width);
            // Centre the span (or as much of it as fits with some context) in the window, then slide the window
            // back inside the line; an end that reaches the line's end needs no mark, which frees a column.
            int room = MAX_COLUMNS - 2;
            int shown = Math.min(width, room - 20);
            int from = col - (room - shown) / 2;
            int to;
            if (from <= 0) {
                from = 0;
                to = MAX_COLUMNS - 1;
            } else if (from + room >= n) {
                from = n - (MAX_COLUMNS - 1);
                to = n;
            } else {
                to = from + room;
            }
            // never split a surrogate pair at a cut
            if (from > 0 && Character.isLowSurrogate(line.charAt(from))) from++;
            if (to < n && Character.isHighSurrogate(line.charAt(to - 1))) to--;
            String text = (from > 0 ? CUT : "") + line.substring(from, to) + (to < n ? CUT : "");
            int caret = (from > 0 ? 1 : 0) + col - from;
            return new Window(text, caret, Math.max(1, Math.min(width, to - col)));
        }
    }

    public static String text(List<Diagnostic> ds) { return text(ds, false); }

    /** Every diagnostic ({@link #text(Diagnostic, boolean)}), then how many errors there were. */
    public static String text(List<Diagnostic> ds, boolean colour) {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : ds) sb.append(text(d, colour));
        long errors = ds.stream().filter(Diagnostic::isError).count();
        if (errors > 0) sb.append(new Paint(colour).bold(Plural.of((int) errors, "error"))).append('\n');
        return sb.toString();
    }

    /** A JSON array; positions are 1-based; {@code endLine}/{@code endColumn} are exclusive. */
    public static String json(List<Diagnostic> ds) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ds.size(); i++) {
            Diagnostic d = ds.get(i);
            SourceSpan s = d.span();
            if (i > 0) sb.append(',');
            sb.append("\n  {\"severity\":").append(str(d.severity().word()))
              .append(",\"code\":").append(str(d.code().name()))
              .append(",\"file\":").append(s.isKnown() ? str(s.path()) : "null")
              .append(",\"line\":").append(s.line()).append(",\"column\":").append(s.column());
            if (s.isKnown()) {
                sb.append(",\"endLine\":").append(s.file().lineOf(s.end()))
                  .append(",\"endColumn\":").append(s.file().columnOf(s.end()));
            }
            sb.append(",\"message\":").append(str(d.message()))
              .append(",\"hint\":").append(d.hint() == null ? "null" : str(d.hint())).append('}');
        }
        return sb.append(ds.isEmpty() ? "]\n" : "\n]\n").toString();
    }

    /** {@code s} as a JSON string literal, with quotes (also the runtime's, for checkpoint headers). */
    public static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c)); else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
