package ncd.interop;

import ncd.diag.SourceSpan;

/**
 * A circuit, or one node of it, that the chosen interchange format cannot express: {@code span} is where it was
 * written, the message names the op or construct and why. ncdc export reports it as E0809.
 */
public final class Unsupported extends Exception {
    private final transient SourceSpan span;

    public Unsupported(SourceSpan span, String message) {
        super(message);
        this.span = span == null ? SourceSpan.NONE : span;
    }

    public SourceSpan span() { return span; }
}
