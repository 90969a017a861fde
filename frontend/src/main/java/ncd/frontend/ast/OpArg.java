package ncd.frontend.ast;

import ncd.diag.SourceSpan;

import java.util.List;

/** The bracketed arguments of an axis operation, {@code NAME[...]}; which forms an operation takes is the checker's rule. */
public sealed interface OpArg {
    SourceSpan span();

    /** {@code h by 3 -> kh}: a window or repeat size along an axis, optionally into a new axis. */
    record By(SourceSpan span, Name axis, int size, Name into) implements OpArg {}
    /** {@code pix -> (h, w)}. */
    record SplitInto(SourceSpan span, Name axis, List<Name> parts) implements OpArg {
        public SplitInto { parts = List.copyOf(parts); }
    }
    /** {@code (h, w) -> pix}. */
    record MergeInto(SourceSpan span, List<Name> parts, Name into) implements OpArg {
        public MergeInto { parts = List.copyOf(parts); }
    }
    /** {@code h -> h2}. */
    record MapTo(SourceSpan span, Name from, Name to) implements OpArg {}
    /** {@code seq: 2..6 -> win}. */
    record Range(SourceSpan span, Name axis, int start, int stop, Name into) implements OpArg {}
    /** {@code seed = 42}. */
    record Named(SourceSpan span, Name key, Expr value) implements OpArg {}
    /** {@code pairs = "conn.npy"}: a file name, as written between the quotes; {@code valueSpan} covers the quoted text. */
    record Text(SourceSpan span, Name key, String value, SourceSpan valueSpan) implements OpArg {}
    /** An axis name, a number, or a word such as {@code wrap}. */
    record Plain(SourceSpan span, Expr value) implements OpArg {}
}
