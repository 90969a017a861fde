package ncd.interop;

import ncd.diag.SourceSpan;

/**
 * A circuit, or one node of it, that the chosen interchange format cannot express: {@code span} is where it was
 * written, the message names the op or construct and why. ncdc export reports it as E0809.
 */
public final class Unsupported extends Exception {
    private final transient SourceSpan span;
    private final String hint;

    public Unsupported(SourceSpan span, String message) { this(span, message, null); }

    /** With {@code hint}: what to change so that the circuit exports (null: docs/interop.md's list is the hint). */
    public Unsupported(SourceSpan span, String message, String hint) {
        super(message);
        this.span = span == null ? SourceSpan.NONE : span;
        this.hint = hint;
    }

    public SourceSpan span() { return span; }

    /** What to change, or null. */
    public String hint() { return hint; }
}
