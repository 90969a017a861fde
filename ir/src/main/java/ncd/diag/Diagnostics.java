package ncd.diag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The sink every phase reports into. Phases collect all their errors before the driver stops, so one run shows
 * everything wrong in a file; the same message at the same place is reported once.
 */
public final class Diagnostics {
    private final List<Diagnostic> list = new ArrayList<>();
    /** How many of {@link #list} {@link #unreported()} has handed out. */
    private int reported;
    private static final Comparator<Diagnostic> BY_PLACE = Comparator.comparing((Diagnostic d) -> d.span().path())
            .thenComparingInt(d -> d.span().start());

    public void error(SourceSpan span, DiagCode code, String message) { add(Severity.ERROR, code, span, message, null); }

    public void error(SourceSpan span, DiagCode code, String message, String hint) {
        add(Severity.ERROR, code, span, message, hint);
    }

    public void warning(SourceSpan span, DiagCode code, String message, String hint) {
        add(Severity.WARNING, code, span, message, hint);
    }

    public void add(Severity severity, DiagCode code, SourceSpan span, String message, String hint) {
        Diagnostic d = new Diagnostic(severity, code, span == null ? SourceSpan.NONE : span, message, hint);
        for (Diagnostic e : list) {
            if (e.code() == d.code() && e.span().equals(d.span()) && e.message().equals(d.message())) return;
        }
        list.add(d);
    }

    public boolean hasErrors() { return list.stream().anyMatch(Diagnostic::isError); }
    public int errorCount() { return (int) list.stream().filter(Diagnostic::isError).count(); }

    /** All diagnostics, ordered by file, line and column (then by the order they were reported). */
    public List<Diagnostic> sorted() {
        List<Diagnostic> copy = new ArrayList<>(list);
        copy.sort(BY_PLACE);
        return Collections.unmodifiableList(copy);
    }

    public List<Diagnostic> all() { return Collections.unmodifiableList(list); }

    /**
     * The diagnostics not handed out by an earlier call, sorted as {@link #sorted()}: a command that shows its
     * warnings before it runs and its errors after shows each once.
     */
    public List<Diagnostic> unreported() {
        List<Diagnostic> fresh = new ArrayList<>(list.subList(reported, list.size()));
        reported = list.size();
        fresh.sort(BY_PLACE);
        return Collections.unmodifiableList(fresh);
    }
}
