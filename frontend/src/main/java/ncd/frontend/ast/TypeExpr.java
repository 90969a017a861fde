package ncd.frontend.ast;

import ncd.diag.SourceSpan;
import ncd.ir.DType;

import java.util.List;

/** A written tensor type: {@code f32[batch, neuron] in mV}. {@code unit} is null when none is written. */
public record TypeExpr(SourceSpan span, DType dtype, List<Name> axes, UnitExpr unit) {
    public TypeExpr { axes = List.copyOf(axes); }
}
