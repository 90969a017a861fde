package ncd.frontend.ast;

import ncd.diag.SourceSpan;
import ncd.ir.DType;

import java.util.List;

/**
 * A written tensor type: {@code f32[batch, neuron] in mV}. {@code unit} is null when none is written. A {@code c64}
 * type has dtype f32 and {@code complex} set (its values are pairs of f32, {@link ncd.ir.Complex}).
 */
public record TypeExpr(SourceSpan span, DType dtype, List<Name> axes, UnitExpr unit, boolean complex) {
    public TypeExpr { axes = List.copyOf(axes); }

    public TypeExpr(SourceSpan span, DType dtype, List<Name> axes, UnitExpr unit) { this(span, dtype, axes, unit, false); }
}
