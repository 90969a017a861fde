package ncd.frontend.ast;

import ncd.diag.SourceSpan;

/** An identifier as written, with where it was written. */
public record Name(String text, SourceSpan span) {
    @Override public String toString() { return text; }
}
