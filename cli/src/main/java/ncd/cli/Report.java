package ncd.cli;

import ncd.diag.Diagnostic;
import ncd.diag.DiagnosticPrinter;
import ncd.diag.Diagnostics;
import ncd.frontend.CompilerBug;
import ncd.runtime.Footprint;

import java.io.PrintWriter;
import java.util.List;

/** How the driver talks to people: diagnostics in either format, and internal errors without raw stack traces. */
final class Report {
    private Report() {}

    /** How diagnostics are written: for people (source line, caret, hint) or for editors (one JSON array). */
    enum Format { text, json }

    /** When text diagnostics are coloured (`--color`). */
    enum ColorWhen {
        auto, always, never;

        /**
         * Whether to colour, given the NO_COLOR variable ({@code noColor}, null when unset) and whether stderr, where
         * text diagnostics go, is a terminal. {@code auto} colours a terminal unless NO_COLOR is set to anything but
         * the empty string (https://no-color.org); an explicit {@code always} overrides NO_COLOR, as that page asks.
         */
        boolean colours(String noColor, boolean stderrIsTerminal) {
            return switch (this) {
                case always -> true;
                case never -> false;
                case auto -> stderrIsTerminal && (noColor == null || noColor.isEmpty());
            };
        }
    }

    /**
     * The system property by which the launcher (bin/ncdc) says that stderr is a terminal: Java 17 cannot tell by
     * itself, and the launcher may pass stderr on through a filter. Without it, {@code auto} does not colour.
     */
    static final String STDERR_IS_TERMINAL = "ncd.stderrIsTerminal";

    /**
     * Whether this command colours its text diagnostics: set from {@code --color} (its default included) when the
     * command line is parsed, on the thread that runs the command; off where nothing set it.
     */
    private static final ThreadLocal<Boolean> COLOUR = ThreadLocal.withInitial(() -> false);

    /** Colours (or not) the text diagnostics of the command run next on this thread, as {@code when} decides here. */
    static void colour(ColorWhen when) {
        COLOUR.set(when.colours(System.getenv("NO_COLOR"), Boolean.getBoolean(STDERR_IS_TERMINAL)));
    }

    /**
     * Before a command runs what it compiled: the warnings found so far (E0713, ...), as text; JSON diagnostics stay
     * one array, written by {@link #remaining} if the command fails.
     */
    static void warningsBeforeRun(PrintWriter w, Format format, Diagnostics d) {
        if (format == Format.json) return;
        List<Diagnostic> ds = d.unreported();
        if (!ds.isEmpty()) diagnostics(w, format, ds);
    }

    /** The diagnostics still to show: as text, those {@link #warningsBeforeRun} has not; as JSON, all of them. */
    static void remaining(PrintWriter w, Format format, Diagnostics d) {
        diagnostics(w, format, format == Format.json ? d.sorted() : d.unreported());
    }

    static void diagnostics(PrintWriter w, Format format, List<Diagnostic> ds) {
        if (format == Format.json) {
            w.print(DiagnosticPrinter.json(ds));
        } else if (!ds.isEmpty()) {
            w.print(DiagnosticPrinter.text(ds, COLOUR.get()));
        }
        w.flush();
    }

    /**
     * E0807 for {@code what} ("circuit Life") that ran out of memory after the size check let it through
     * ({@link Footprint#outOfMemory}): the program is too large for this JVM, not ncdc broken. Returns the exit code.
     */
    static int outOfMemory(PrintWriter err, Format format, String what) {
        Diagnostics d = new Diagnostics();
        Footprint.outOfMemory(what, d);
        diagnostics(err, format, d.sorted());
        return Main.USER_ERROR;
    }

    /**
     * {@code ncdc: internal error in phase P: message} and how to see more. The phase is the one a
     * {@link CompilerBug} names (found anywhere in the cause chain), else {@code fallbackPhase}.
     */
    static void internalError(PrintWriter err, String fallbackPhase, Throwable t, boolean verbose) {
        String phase = fallbackPhase;
        Throwable shown = t;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CompilerBug bug) {
                phase = bug.phase();
                shown = bug.getCause() != null ? bug.getCause() : bug;
                break;
            }
        }
        String msg = shown.getMessage();
        String text = shown.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : ": " + msg);
        err.println("ncdc: internal error in phase " + phase + ": " + text);
        if (verbose) {
            t.printStackTrace(err);
        } else {
            err.println("(run with --verbose for the stack trace)");
        }
        err.flush();
    }
}
