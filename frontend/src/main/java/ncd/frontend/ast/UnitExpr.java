package ncd.frontend.ast;

import ncd.diag.SourceSpan;

import java.util.List;

/** A written unit, flattened to a product of named units with integer exponents: {@code mV / ms} is mV^1 ms^-1. */
public record UnitExpr(SourceSpan span, List<Term> terms) {
    public UnitExpr { terms = List.copyOf(terms); }

    /** One named unit raised to an exponent. */
    public record Term(Name unit, int exponent) {}
}
