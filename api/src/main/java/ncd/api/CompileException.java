package ncd.api;

import ncd.diag.Diagnostic;
import ncd.diag.DiagnosticPrinter;

import java.util.List;

/** The program has errors: the exception's message is the diagnostics as ncdc prints them. */
public final class CompileException extends Exception {
    private final transient List<Diagnostic> diagnostics;

    CompileException(List<Diagnostic> diagnostics) {
        super(DiagnosticPrinter.text(diagnostics).stripTrailing());
        this.diagnostics = List.copyOf(diagnostics);
    }

    /** Each error with its file, position, stable code, message and hint. */
    public List<Diagnostic> diagnostics() { return diagnostics; }
}
