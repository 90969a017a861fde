package ncd.diag;

/** One message about the user's program: where, how bad, which stable code, what, and how to fix it. */
public record Diagnostic(Severity severity, DiagCode code, SourceSpan span, String message, String hint) {
    public boolean isError() { return severity == Severity.ERROR; }
}
