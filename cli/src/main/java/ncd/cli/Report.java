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

    static void diagnostics(PrintWriter w, Format format, List<Diagnostic> ds) {
        if (format == Format.json) {
            w.print(DiagnosticPrinter.json(ds));
        } else if (!ds.isEmpty()) {
            w.print(DiagnosticPrinter.text(ds));
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
