package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.OpArg;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.ir.Unit;

import java.util.ArrayList;
import java.util.List;

/**
 * Builtins composed from existing ops, with no op of their own:
 * <ul>
 *   <li>{@code scatter_add[S -> V](values, idx)} (or {@code [(S1, S2) -> V]}): the adjoint of a gather. For each
 *       element of {@code idx}, its value in {@code values} is added at position {@code idx} of the new axis V; the
 *       listed axes S of {@code idx} are summed over, its other axes are batch axes. Lowered to
 *       {@code sum[S](where(idx == iota[V], values, 0))}, so an index outside V adds nothing and a value at an
 *       unpicked position (even NaN) does not reach the result.</li>
 *   <li>{@code categorical[A, seed = s](logits)}: an i32 index along A drawn from softmax(logits) for each element of
 *       the other axes, fresh at every step, by the Gumbel-max trick:
 *       {@code argmax[A](logits - log(-log(u)))} with {@code u = uniform[..., seed = s]()}, the same numbers on every
 *       backend (ncd.runtime.Rng).</li>
 * </ul>
 */
final class IndexOps {
    private final Elaborator el;
    private final Builtins builtins;

    IndexOps(Elaborator el, Builtins builtins) {
        this.el = el;
        this.builtins = builtins;
    }

    Value scatterAdd(Expr.AxisOp a, Env env) {
        List<Name> summedNames;
        Name intoName;
        if (a.opArgs().size() == 1 && a.opArgs().get(0) instanceof OpArg.MapTo m) {
            summedNames = List.of(m.from());
            intoName = m.to();
        } else if (a.opArgs().size() == 1 && a.opArgs().get(0) instanceof OpArg.MergeInto m) {
            summedNames = m.parts();
            intoName = m.into();
        } else {
            el.diags.error(a.span(), DiagCode.E0604, "scatter_add takes `summed_axis -> new_axis` (or `(a, b) -> new_axis`)",
                    "e.g. scatter_add[choice -> expert](weights, ids)");
            return Value.ERROR;
        }
        if (a.args().size() != 2) {
            el.diags.error(a.span(), DiagCode.E0601, "scatter_add takes two tensors, values and indices, got " + a.args().size(),
                    "scatter_add[choice -> expert](weights, ids)");
            return Value.ERROR;
        }
        List<String> summed = new ArrayList<>();
        for (Name n : summedNames) {
            Axis ax = el.exprs.logicalAxis(n, env);
            if (ax == null) return Value.ERROR;
            summed.add(ax.name());
        }
        Axis into = el.exprs.logicalAxis(intoName, env);
        Value.Tensor vals = el.exprs.tensor(a.args().get(0), env), idx = el.exprs.tensor(a.args().get(1), env);
        if (into == null || vals == null || idx == null) return Value.ERROR;
        if (vals.weak() || idx.weak()) {
            el.diags.error(a.span(), DiagCode.E0302, "scatter_add needs tensors, not numbers", null);
            return Value.ERROR;
        }
        TensorType vt = vals.type(), it = idx.type();
        if (it.dtype() != DType.I32) {
            el.diags.error(a.args().get(1).span(), DiagCode.E0404, "scatter_add needs i32 indices, got " + it.dtype().word(),
                    "indices come from argmax, argsort, topk or i32(...)");
            return Value.ERROR;
        }
        if (!vt.dtype().isNumeric()) {
            el.diags.error(a.args().get(0).span(), DiagCode.E0402, "scatter_add adds numbers, got bool values", "convert with f32(x)");
            return Value.ERROR;
        }
        for (Axis ax : it.axes()) {
            if (!vt.hasAxis(ax.name())) {
                el.diags.error(a.args().get(0).span(), DiagCode.E0302, "scatter_add: the indices have axis " + ax.name()
                        + ", the values do not (values " + vt.axesText() + ", indices " + it.axesText() + ")", "every index needs its value: expand[" + ax.name() + "](values)");
                return Value.ERROR;
            }
        }
        for (String s : summed) {
            if (!it.hasAxis(s)) {
                el.diags.error(a.span(), DiagCode.E0302, "scatter_add sums over axis " + s + ", but the indices have axes " + it.axesText(), null);
                return Value.ERROR;
            }
        }
        if (vt.hasAxis(into.name())) {
            el.diags.error(a.span(), DiagCode.E0303, "scatter_add makes axis " + into.name() + ", which the values already have", null);
            return Value.ERROR;
        }
        if (!into.isSized()) {
            el.diags.error(intoName.span(), DiagCode.E0305, "scatter_add needs the size of axis " + into.name(), null);
            return Value.ERROR;
        }
        // sum[S](where(idx == iota[V], values, 0)), each operand expanded so one side's axes contain the other's
        List<Axis> hotAxes = new ArrayList<>(it.axes());
        hotAxes.add(into);
        Value iota = el.emit(Op.IOTA, new Attr.AxisRef(into.name()), List.of(), new TensorType(DType.I32, List.of(into), Unit.NONE), a.span(), env, 0);
        Value iotas = el.emit(Op.EXPAND, new Attr.None(), List.of(iota), new TensorType(DType.I32, hotAxes, Unit.NONE), a.span(), env, 0);
        Value hot = el.emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.EQ), List.of(idx, iotas), null, a.span(), env, 0);
        List<Axis> wide = new ArrayList<>();
        wide.add(into);
        wide.addAll(vt.axes());
        Value spread = el.emit(Op.EXPAND, new Attr.None(), List.of(vals), vt.withAxes(wide), a.span(), env, 0);
        Value zero = el.emit(Op.CONST, new Attr.Scalar(0), List.of(), new TensorType(vt.dtype(), List.of(), vt.unit()), a.span(), env, 0);
        Value picked = el.emit(Op.WHERE, new Attr.None(), List.of(hot, spread, zero), null, a.span(), env, 0);
        return el.emit(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, summed), List.of(picked), null, a.span(), env, 0);
    }

    Value categorical(Expr.AxisOp a, Env env) {
        Axis axis = null;
        Long seed = null;
        for (OpArg o : a.opArgs()) {
            if (o instanceof OpArg.Named n && n.key().text().equals("seed") && seed == null) {
                Integer s = builtins.constInt(n.value(), env, "a seed");
                if (s == null) return Value.ERROR;
                seed = (long) s;
            } else if (o instanceof OpArg.Named n && !n.key().text().equals("seed")) {
                el.diags.error(n.key().span(), DiagCode.E0605, "categorical has no option `" + n.key().text() + "`", "its option: seed");
                return Value.ERROR;
            } else if (o instanceof OpArg.Plain p && p.value() instanceof Expr.Ref r && axis == null) {
                axis = el.exprs.logicalAxis(r.name(), env);
                if (axis == null) return Value.ERROR;
            } else {
                el.diags.error(o.span(), DiagCode.E0604, "categorical takes one axis and `seed = n`", "e.g. categorical[token, seed = 1](logits)");
                return Value.ERROR;
            }
        }
        if (axis == null) {
            el.diags.error(a.span(), DiagCode.E0604, "categorical needs the axis to draw an index along", "e.g. categorical[token, seed = 1](logits)");
            return Value.ERROR;
        }
        if (seed == null) {
            el.diags.error(a.span(), DiagCode.E0709, "categorical has no seed",
                    "every random source names its seed, so runs repeat: categorical[" + axis.name() + ", seed = 1](logits)");
            return Value.ERROR;
        }
        if (a.args().size() != 1) {
            el.diags.error(a.span(), DiagCode.E0601, "categorical takes one tensor of logits, got " + a.args().size(), null);
            return Value.ERROR;
        }
        Value.Tensor logits = el.exprs.tensor(a.args().get(0), env);
        if (logits == null) return Value.ERROR;
        if (logits.weak() || !logits.type().dtype().isFloat()) {
            el.diags.error(a.args().get(0).span(), DiagCode.E0404, "categorical needs float logits with axes, got "
                    + (logits.weak() ? "a number" : logits.type().dtype().word()), "convert with f32(x)");
            return Value.ERROR;
        }
        TensorType lt = logits.type();
        if (!lt.hasAxis(axis.name())) {
            el.diags.error(a.args().get(0).span(), DiagCode.E0302, "categorical over axis " + axis.name() + ", but the logits have axes " + lt.axesText(), null);
            return Value.ERROR;
        }
        if (!lt.unit().isNone()) {
            el.diags.error(a.args().get(0).span(), DiagCode.E0502, "logits must be dimensionless, got a quantity in " + el.unit(lt.unit()), null);
            return Value.ERROR;
        }
        List<Axis> all = new ArrayList<>(env.mapped());
        all.removeIf(m -> lt.hasAxis(m.name()));
        all.addAll(lt.axes());
        TensorType noise = new TensorType(DType.F32, all, Unit.NONE);
        Value lo = el.emit(Op.CONST, new Attr.Scalar(0), List.of(), TensorType.scalar(DType.F32), a.span(), env, 0);
        Value hi = el.emit(Op.CONST, new Attr.Scalar(1), List.of(), TensorType.scalar(DType.F32), a.span(), env, 0);
        Value u = el.emit(Op.RANDOM, new Attr.Random(Attr.Dist.UNIFORM, seed), List.of(lo, hi), noise, a.span(), env, Value.DEP_RANDOM);
        // Gumbel noise -log(-log(u)); u = 0 gives -inf (never drawn)
        Value g = el.emit(Op.UNARY, new Attr.Unary(Attr.UnaryFn.LOG), List.of(u), null, a.span(), env, 0);
        g = el.emit(Op.UNARY, new Attr.Unary(Attr.UnaryFn.NEG), List.of(g), null, a.span(), env, 0);
        g = el.emit(Op.UNARY, new Attr.Unary(Attr.UnaryFn.LOG), List.of(g), null, a.span(), env, 0);
        if (lt.dtype() != DType.F32) g = el.emit(Op.CAST, new Attr.Cast(lt.dtype()), List.of(g), null, a.span(), env, 0);
        Value score = el.emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.SUB), List.of(logits, g), null, a.span(), env, 0);
        return el.emit(Op.ARG_REDUCE, new Attr.ArgReduce(Attr.ReduceFn.ARGMAX, axis.name()), List.of(score), null, a.span(), env, 0);
    }
}
