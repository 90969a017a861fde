package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.OpArg;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.Op;

import java.util.List;

/**
 * The ordering builtins, composed from two IR ops: {@link Op#ARGSORT} (a stable sorting permutation along an axis)
 * and {@link Op#GATHER} with batch axes (take-along-axis).
 * <ul>
 *   <li>{@code argsort[A](x)}, {@code argsort[A, descending](x)}: i32 indices along A, ties lower index first;</li>
 *   <li>{@code sort[A](x)}, {@code sort[A, descending](x)}: {@code gather[A](x, argsort[A](x))};</li>
 *   <li>{@code topk[A -> K, k = 2](x)}: the k largest along A, largest first, on a new axis K, as
 *       {@code (values, indices)}; {@code smallest} picks the k smallest, smallest first.</li>
 * </ul>
 */
final class Sorting {
    private final Elaborator el;
    private final Builtins builtins;

    Sorting(Elaborator el, Builtins builtins) {
        this.el = el;
        this.builtins = builtins;
    }

    /** argsort and sort: one axis and an optional word `descending`. */
    Value sort(Expr.AxisOp a, Env env) {
        String op = a.op().text();
        Axis axis = null;
        boolean descending = false;
        for (OpArg o : a.opArgs()) {
            if (o instanceof OpArg.Plain p && p.value() instanceof Expr.Ref r && r.name().text().equals("descending")) {
                descending = true;
            } else if (o instanceof OpArg.Plain p && p.value() instanceof Expr.Ref r && axis == null) {
                axis = el.exprs.logicalAxis(r.name(), env);
                if (axis == null) return Value.ERROR;
            } else {
                el.diags.error(o.span(), DiagCode.E0604, op + " takes one axis and, optionally, the word `descending`",
                        "e.g. " + op + "[A](x) or " + op + "[A, descending](x)");
                return Value.ERROR;
            }
        }
        if (axis == null) {
            el.diags.error(a.span(), DiagCode.E0604, op + " needs the axis to sort along", "e.g. " + op + "[A](x)");
            return Value.ERROR;
        }
        Value.Tensor x = builtins.oneInput(a, env);
        if (x == null) return Value.ERROR;
        Value idx = el.emit(Op.ARGSORT, new Attr.ArgSort(axis.name(), descending), List.of(x), null, a.span(), env, 0);
        if (op.equals("argsort")) return idx;
        return el.emit(Op.GATHER, new Attr.AxisRef(axis.name()), List.of(x, idx), null, a.span(), env, 0);
    }

    /** topk[A -> K, k = n](x), optionally `smallest`: (values, indices) on the new axis K. */
    Value topk(Expr.AxisOp a, Env env) {
        OpArg.MapTo into = null;
        Expr kExpr = null;
        boolean smallest = false;
        for (OpArg o : a.opArgs()) {
            if (o instanceof OpArg.MapTo m && into == null) {
                into = m;
            } else if (o instanceof OpArg.Named n && n.key().text().equals("k") && kExpr == null) {
                kExpr = n.value();
            } else if (o instanceof OpArg.Named n && !n.key().text().equals("k")) {
                el.diags.error(n.key().span(), DiagCode.E0605, "topk has no option `" + n.key().text() + "`", "its option: k");
                return Value.ERROR;
            } else if (o instanceof OpArg.Plain p && p.value() instanceof Expr.Ref r && r.name().text().equals("smallest")) {
                smallest = true;
            } else {
                el.diags.error(o.span(), DiagCode.E0604, "topk takes `axis -> new_axis`, `k = n` and, optionally, the word `smallest`",
                        "e.g. topk[expert -> choice, k = 2](logits)");
                return Value.ERROR;
            }
        }
        if (into == null || kExpr == null) {
            el.diags.error(a.span(), DiagCode.E0604, "topk needs " + (into == null ? "`axis -> new_axis`" : "`k = n`"),
                    "e.g. topk[expert -> choice, k = 2](logits)");
            return Value.ERROR;
        }
        Axis axis = el.exprs.logicalAxis(into.from(), env), to = el.exprs.logicalAxis(into.to(), env);
        Integer k = builtins.constInt(kExpr, env, "k");
        Value.Tensor x = builtins.oneInput(a, env);
        if (axis == null || to == null || k == null || x == null) return Value.ERROR;
        Axis along = x.type().axis(axis.name());
        if (along == null) {
            el.diags.error(a.args().get(0).span(), DiagCode.E0302, "topk over axis " + axis.name() + ", but the tensor has axes " + x.type().axesText(),
                    "name one of its axes before `->`");
            return Value.ERROR;
        }
        if (k < 1 || (along.isSized() && k > along.size())) {
            el.diags.error(kExpr.span(), DiagCode.E0309, "topk picks k = " + k + " of axis " + along.name()
                    + (along.isSized() ? ", which has " + along.size() + " elements" : ""), "k must be between 1 and the axis size");
            return Value.ERROR;
        }
        Value order = el.emit(Op.ARGSORT, new Attr.ArgSort(along.name(), !smallest), List.of(x), null, a.span(), env, 0);
        Value idx = el.emit(Op.SLICE, new Attr.Slice(along.name(), 0, k, to), List.of(order), null, a.span(), env, 0);
        Value vals = el.emit(Op.GATHER, new Attr.AxisRef(along.name()), List.of(x, idx), null, a.span(), env, 0);
        if (!(vals instanceof Value.Tensor) || !(idx instanceof Value.Tensor)) return Value.ERROR;
        return new Value.Tuple(List.of(vals, idx));
    }
}
