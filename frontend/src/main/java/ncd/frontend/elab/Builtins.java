package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.Plural;
import ncd.diag.SourceSpan;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.OpArg;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Op;
import ncd.ir.Scalars;
import ncd.ir.TensorType;
import ncd.ir.Unit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builtin functions ({@code exp(x)}, {@code where(c, a, b)}, ...) and axis operations ({@code sum[A](x)},
 * {@code window[row by 3 -> dr, wrap](x)}, ...). Each axis operation checks the shape of its bracket arguments
 * here and leaves typing to the op's rule.
 */
final class Builtins {
    private final Elaborator el;

    private final Sorting sorting;
    private final IndexOps indexOps;
    private final LinearAlgebra linalg;
    private final SynapseBuiltin synapses;
    final DelayBuiltin delays;

    Builtins(Elaborator el) {
        this.el = el;
        this.sorting = new Sorting(el, this);
        this.indexOps = new IndexOps(el, this);
        this.linalg = new LinearAlgebra(el);
        this.synapses = new SynapseBuiltin(el);
        this.delays = new DelayBuiltin(el);
    }

    // ---- functions

    Value function(Expr.Call c, Env env) {
        String name = c.callee().text();
        if (!c.generics().isEmpty()) {
            el.diags.error(c.span(), DiagCode.E0307, name + " is a builtin function and takes no generic axes", null);
            return Value.ERROR;
        }
        if (name.equals("size")) return size(c, env);
        int arity = switch (name) {
            case "where", "clip" -> 3;
            case "max", "min", "pow", "complex", "atan2" -> 2;
            default -> 1;
        };
        if (c.args().size() != arity) {
            el.diags.error(c.span(), DiagCode.E0601, name + " takes " + Plural.of(arity, "argument") + ", got " + c.args().size(),
                    name.equals("max") || name.equals("min") ? "to reduce over an axis write " + name + "[axis](x)" : null);
            return Value.ERROR;
        }
        List<Value.Tensor> xs = new ArrayList<>();
        for (Expr a : c.args()) {
            Value.Tensor t = el.exprs.tensor(a, env);
            if (t == null) return Value.ERROR;
            xs.add(t);
        }
        if (Complexes.FUNCTIONS.contains(name) || (name.equals("abs") && ncd.ir.Complex.is(xs.get(0).type()))) {
            return el.complexes.function(name, xs, c.span(), env);
        }
        switch (name) {
            case "where" -> { return where(xs, c.span(), env); }
            case "max" -> { return el.exprs.apply(Attr.BinaryFn.MAX, xs.get(0), xs.get(1), c.span(), env); }
            case "min" -> { return el.exprs.apply(Attr.BinaryFn.MIN, xs.get(0), xs.get(1), c.span(), env); }
            case "pow" -> { return el.exprs.apply(Attr.BinaryFn.POW, xs.get(0), xs.get(1), c.span(), env); }
            case "clip" -> {
                Value lo = el.exprs.apply(Attr.BinaryFn.MAX, xs.get(0), xs.get(1), c.span(), env);
                if (!(lo instanceof Value.Tensor l)) return lo;
                return el.exprs.apply(Attr.BinaryFn.MIN, l, xs.get(2), c.span(), env);
            }
            case "spike" -> { return spike(xs.get(0), Attr.Surrogate.DEFAULT, null, c.span(), env); }
            default -> {
                // the op table's "convert with f32(x)" said on the call as written: exp(f32(k))
                Elaborator.Refusal refusal = (sp, e) -> el.report(sp, new ncd.ir.TypeRuleException(e.code(), e.getMessage(),
                        OperatorErrors.callConversionHint(c, e.hint())));
                return unaryFn(new Attr.Unary(Attr.UnaryFn.builtin(name)), xs.get(0), c.span(), env, refusal);
            }
        }
    }

    private Value unaryFn(Attr.Unary u, Value.Tensor x, SourceSpan span, Env env) {
        return unaryFn(u, x, span, env, el::report);
    }

    private Value unaryFn(Attr.Unary u, Value.Tensor x, SourceSpan span, Env env, Elaborator.Refusal refusal) {
        if (x.weak()) {
            // fold, after checking the unit rule on a stand-in
            TensorType folded;
            try {
                folded = ncd.ir.OpSpecs.infer(Op.UNARY, u, List.of(x.type().withDType(DType.F32)), null);
            } catch (ncd.ir.TypeRuleException e) {
                refusal.report(span, e);
                return Value.ERROR;
            }
            return new Value.Tensor(folded, null, 0, true, Scalars.unary(u, x.constant()));
        }
        return el.emit(Op.UNARY, u, List.of(x), null, span, env, 0, refusal);
    }

    /**
     * {@code spike(x)} and {@code spike[kind, slope](x)}: the Heaviside step with a surrogate gradient. The slope is
     * per unit of x, so x with a unit needs a slope written with the inverse unit: no default slope fits every unit.
     * {@code slope} is the slope's expression, or null when none was written.
     */
    private Value spike(Value.Tensor x, Attr.Surrogate s, Expr slope, SourceSpan span, Env env) {
        if (slope == null && !x.type().unit().isNone()) {
            String u = el.unit(x.type().unit());
            el.diags.error(span, DiagCode.E0502, "spike of a quantity in " + u + " needs a slope in " + perUnit(x.type().unit())
                    + ": the default " + ncd.ir.IrPrinter.number(s.slope()) + " is per unit of a dimensionless argument",
                    "give the slope with its unit, e.g. spike[" + s.kind().word() + ", 1 / (1 " + u + ")](x), or divide x by a reference quantity first");
            return Value.ERROR;
        }
        return unaryFn(new Attr.Unary(Attr.UnaryFn.SPIKE, s), x, span, env);
    }

    /** {@code 1/V}, {@code 1/(V/s)}: the inverse of a unit, as the source would read it. */
    private String perUnit(Unit u) {
        String s = el.unit(u);
        return "1/" + (s.matches("[A-Za-z]+") ? s : "(" + s + ")");
    }

    /** {@code spike[kind](x)}, {@code spike[kind, slope](x)}: kind is fast_sigmoid, sigmoid or triangle. */
    private Value spikeOp(Expr.AxisOp a, Env env) {
        String kinds = java.util.Arrays.stream(Attr.SurrogateKind.values()).map(Attr.SurrogateKind::word).collect(java.util.stream.Collectors.joining(", "));
        List<OpArg> args = a.opArgs();
        if (args.isEmpty() || args.size() > 2 || !(args.get(0) instanceof OpArg.Plain p0) || !(p0.value() instanceof Expr.Ref r)
                || (args.size() == 2 && !(args.get(1) instanceof OpArg.Plain))) {
            el.diags.error(a.span(), DiagCode.E0604, "spike takes a surrogate gradient and optionally its slope: spike[fast_sigmoid, 25](x)",
                    "the surrogates: " + kinds + "; or write spike(x) for fast_sigmoid with slope 25");
            return Value.ERROR;
        }
        Attr.SurrogateKind kind = Attr.SurrogateKind.named(r.name().text());
        if (kind == null) {
            el.diags.error(r.span(), DiagCode.E0605, "spike has no surrogate gradient `" + r.name().text() + "`", "the surrogates: " + kinds);
            return Value.ERROR;
        }
        Value.Tensor x = oneInput(a, env);
        if (x == null) return Value.ERROR;
        if (args.size() == 1) return spike(x, new Attr.Surrogate(kind, Attr.Surrogate.DEFAULT.slope()), null, a.span(), env);
        Expr slopeExpr = ((OpArg.Plain) args.get(1)).value();
        Value v = el.exprs.eval(slopeExpr, env, null, false);
        if (v instanceof Value.Error) return Value.ERROR;
        if (!(v instanceof Value.Tensor t) || !t.weak()) {
            el.diags.error(slopeExpr.span(), DiagCode.E0705, "the slope of a surrogate gradient must be a constant number", null);
            return Value.ERROR;
        }
        Unit want = x.type().unit().inverse();
        if (!t.type().unit().equals(want)) {
            String have = t.type().unit().isNone() ? "a plain number" : "a quantity in " + el.unit(t.type().unit());
            el.diags.error(slopeExpr.span(), DiagCode.E0502, "the slope of spike is per unit of its argument: it must be "
                    + (want.isNone() ? "dimensionless" : "in " + perUnit(x.type().unit())) + ", got " + have,
                    want.isNone() ? null : "e.g. 1 / (1 " + el.unit(x.type().unit()) + ")");
            return Value.ERROR;
        }
        if (!(t.constant() > 0) || Double.isInfinite(t.constant())) {
            el.diags.error(slopeExpr.span(), DiagCode.E0604, "the slope of a surrogate gradient must be positive and finite, got " + t.constant(), null);
            return Value.ERROR;
        }
        return spike(x, new Attr.Surrogate(kind, t.constant()), slopeExpr, a.span(), env);
    }

    private Value where(List<Value.Tensor> xs, SourceSpan span, Env env) {
        Value.Tensor c = xs.get(0), a = xs.get(1), b = xs.get(2);
        if (c.weak()) {
            el.diags.error(span, DiagCode.E0403, "the condition of `where` is a number, not bool", "compare it, e.g. where(x > 0, a, b)");
            return Value.ERROR;
        }
        DType d = !a.weak() ? a.type().dtype() : !b.weak() ? b.type().dtype()
                : a.type().dtype() == DType.F32 || b.type().dtype() == DType.F32 ? DType.F32 : DType.I32;
        Value w = whereIn(d, c, a, b, span, env);
        // a choice between two literals takes the dtype its context needs, as each literal would
        if (a.weak() && b.weak()) el.retypable(w, dt -> whereIn(dt, c, a, b, span, env));
        return w;
    }

    private Value whereIn(DType d, Value.Tensor c, Value.Tensor a, Value.Tensor b, SourceSpan span, Env env) {
        Value x = el.materialize(a, d, span, env), y = el.materialize(b, d, span, env);
        return el.emit(Op.WHERE, new Attr.None(), List.of(c, x, y), null, span, env, 0);
    }

    private Value size(Expr.Call c, Env env) {
        if (c.args().size() != 1 || !(c.args().get(0) instanceof Expr.Ref r)) {
            el.diags.error(c.span(), DiagCode.E0601, "size takes one axis name: size(d_head)", null);
            return Value.ERROR;
        }
        Axis a = el.axis(r.name(), env);
        if (a == null) return Value.ERROR;
        if (!a.isSized() && el.lowering) {
            el.diags.error(r.span(), DiagCode.E0305, "axis " + a.name() + " has no size here", "give it one: --axis " + a.name() + "=N");
            return Value.ERROR;
        }
        return Elaborator.weak(a.isSized() ? a.size() : Double.NaN, DType.F32, Unit.NONE);
    }

    // ---- axis operations

    /** The reductions of values, {@code sum[A](x)} and the like, by their IR names. */
    private static final Set<String> REDUCTIONS = java.util.Arrays.stream(Attr.ReduceFn.values()).filter(ncd.ir.OpSpecs::isPlainReduction)
            .map(Attr.ReduceFn::word).collect(java.util.stream.Collectors.toUnmodifiableSet());

    Value axisOp(Expr.AxisOp a, Env env) {
        String op = a.op().text();
        if (REDUCTIONS.contains(op)) return reduce(a, env);
        switch (op) {
            case "argmax", "argmin" -> { return argReduce(a, env); }
            case "roll", "shift" -> { return shift(a, env); }
            case "window" -> { return window(a, env); }
            case "split" -> { return split(a, env); }
            case "merge" -> { return merge(a, env); }
            case "slice" -> { return slice(a, env); }
            case "concat" -> { return concat(a, env); }
            case "repeat" -> { return repeat(a, env); }
            case "onehot" -> { return onehot(a, env); }
            case "gather" -> { return gather(a, env); }
            case "argsort", "sort" -> { return sorting.sort(a, env); }
            case "topk" -> { return sorting.topk(a, env); }
            case "scatter_add" -> { return indexOps.scatterAdd(a, env); }
            case "categorical" -> { return indexOps.categorical(a, env); }
            case "solve", "inverse", "cholesky", "eigh", "spectral_radius", "spectral_norm" -> { return linalg.apply(a, env); }
            case "synapses" -> { return synapses.apply(a, env); }
            case "delay" -> { return delays.line(a, env); }
            case "expand" -> { return expand(a, env); }
            case "iota" -> { return iota(a, env); }
            case "uniform", "normal", "bernoulli" -> { return random(a, env); }
            case "spike" -> { return spikeOp(a, env); }
            case "grad" -> { return el.lawGrads.grad(a, env); }
            case "fft", "ifft", "rfft", "irfft" -> { return el.complexes.transform(a, env); }
            default -> {
                el.diags.error(a.op().span(), DiagCode.E0203, "unknown axis operation `" + op + "[...]`",
                        "axis operations: sum mean max min prod any all argmax argmin roll shift window split merge slice concat repeat onehot gather argsort sort topk scatter_add categorical solve inverse cholesky eigh spectral_radius spectral_norm synapses delay expand iota uniform normal bernoulli spike fft ifft rfft irfft");
                return Value.ERROR;
            }
        }
    }

    /** The single tensor argument an axis operation takes; reports arity and weak-number misuse. */
    Value.Tensor oneInput(Expr.AxisOp a, Env env) {
        if (a.args().size() != 1) {
            el.diags.error(a.span(), DiagCode.E0601, a.op().text() + "[...] takes one tensor, got " + a.args().size(), null);
            return null;
        }
        Value.Tensor x = el.exprs.tensor(a.args().get(0), env);
        if (x == null) return null;
        if (x.weak()) {
            el.diags.error(a.args().get(0).span(), DiagCode.E0302, a.op().text() + "[...] needs a tensor with axes, got a number", null);
            return null;
        }
        return x;
    }

    /** Bracket arguments that must all be plain axis names. */
    private List<Axis> axisList(Expr.AxisOp a, Env env, int min) {
        List<Axis> out = new ArrayList<>();
        for (OpArg o : a.opArgs()) {
            if (!(o instanceof OpArg.Plain p) || !(p.value() instanceof Expr.Ref r)) {
                el.diags.error(o.span(), DiagCode.E0604, a.op().text() + "[...] takes axis names here", null);
                return null;
            }
            Axis ax = el.exprs.logicalAxis(r.name(), env);
            if (ax == null) return null;
            if (out.stream().anyMatch(x -> x.name().equals(ax.name()))) {
                el.diags.error(r.span(), DiagCode.E0303, a.op().text() + "[...] names axis " + ax.name() + " twice", null);
                return null;
            }
            out.add(ax);
        }
        if (out.size() < min) {
            el.diags.error(a.span(), DiagCode.E0604, a.op().text() + " needs at least " + min + " axis", "e.g. " + a.op().text() + "[A](x)");
            return null;
        }
        return out;
    }

    private Value reduce(Expr.AxisOp a, Env env) {
        List<Axis> axes = axisList(a, env, 1);
        Value.Tensor x = oneInput(a, env);
        if (axes == null || x == null) return Value.ERROR;
        Attr.ReduceFn fn = Attr.ReduceFn.valueOf(a.op().text().toUpperCase(java.util.Locale.ROOT));
        return el.emit(Op.REDUCE, new Attr.Reduce(fn, axes.stream().map(Axis::name).toList()), List.of(x), null, a.span(), env, 0);
    }

    private Value argReduce(Expr.AxisOp a, Env env) {
        List<Axis> axes = axisList(a, env, 1);
        Value.Tensor x = oneInput(a, env);
        if (axes == null || x == null) return Value.ERROR;
        if (axes.size() != 1) {
            el.diags.error(a.span(), DiagCode.E0604, a.op().text() + " takes exactly one axis", "merge axes first: merge[(a, b) -> ab](x)");
            return Value.ERROR;
        }
        Attr.ReduceFn fn = a.op().text().equals("argmax") ? Attr.ReduceFn.ARGMAX : Attr.ReduceFn.ARGMIN;
        return el.emit(Op.ARG_REDUCE, new Attr.ArgReduce(fn, axes.get(0).name()), List.of(x), null, a.span(), env, 0);
    }

    /** roll[A, k](x) and shift[A, k, fill = v](x). */
    private Value shift(Expr.AxisOp a, Env env) {
        String op = a.op().text();
        Value.Tensor x = oneInput(a, env);
        List<OpArg> args = a.opArgs();
        Double fill = 0.0;
        List<OpArg> positional = new ArrayList<>();
        for (OpArg o : args) {
            if (o instanceof OpArg.Named n && op.equals("shift") && n.key().text().equals("fill") && n.value() instanceof Expr.Bool b) {
                fill = b.value() ? 1.0 : 0.0;
            } else if (o instanceof OpArg.Named n && op.equals("shift") && n.key().text().equals("fill")) {
                Value.Tensor f = el.exprs.tensor(n.value(), env);
                if (f == null || !f.weak()) {
                    el.diags.error(n.value().span(), DiagCode.E0705, "the fill of shift must be a constant number", null);
                    return Value.ERROR;
                }
                if (x != null && !f.type().unit().equals(x.type().unit()) && f.constant() != 0) {
                    el.diags.error(n.value().span(), DiagCode.E0501, "units differ: the fill is in " + el.unit(f.type().unit()) + ", the tensor in " + el.unit(x.type().unit()), null);
                    return Value.ERROR;
                }
                fill = f.constant();
            } else if (o instanceof OpArg.Named n) {
                el.diags.error(n.key().span(), DiagCode.E0605, op + " has no option `" + n.key().text() + "`", op.equals("shift") ? "its option: fill" : null);
                return Value.ERROR;
            } else {
                positional.add(o);
            }
        }
        if (positional.size() != 2 || !(positional.get(0) instanceof OpArg.Plain p0) || !(p0.value() instanceof Expr.Ref r)
                || !(positional.get(1) instanceof OpArg.Plain p1)) {
            el.diags.error(a.span(), DiagCode.E0604, op + " takes an axis and an amount: " + op + "[col, 1](x)", null);
            return Value.ERROR;
        }
        Axis ax = el.exprs.logicalAxis(r.name(), env);
        Integer k = constInt(p1.value(), env, "a shift amount");
        if (ax == null || k == null || x == null) return Value.ERROR;
        if (op.equals("roll")) return el.emit(Op.ROLL, new Attr.Roll(ax.name(), k), List.of(x), null, a.span(), env, 0);
        return el.emit(Op.SHIFT, new Attr.Shift(ax.name(), k, fill), List.of(x), null, a.span(), env, 0);
    }

    private Value window(Expr.AxisOp a, Env env) {
        Value.Tensor x = oneInput(a, env);
        List<Attr.WindowDim> dims = new ArrayList<>();
        Attr.Boundary boundary = null;
        for (OpArg o : a.opArgs()) {
            if (o instanceof OpArg.By b) {
                Axis ax = el.exprs.logicalAxis(b.axis(), env);
                if (ax == null) return Value.ERROR;
                if (b.into() == null) {
                    el.diags.error(b.span(), DiagCode.E0604, "a window names its offset axis: " + b.axis().text() + " by " + b.size() + " -> d" + b.axis().text(), null);
                    return Value.ERROR;
                }
                Axis into = el.exprs.logicalAxis(b.into(), env);
                if (into == null) return Value.ERROR;
                if (into.isSized() && into.size() != b.size()) {
                    el.diags.error(b.into().span(), DiagCode.E0304, "axis " + into.name() + " has size " + into.size() + ", but the window is " + b.size(), null);
                    return Value.ERROR;
                }
                dims.add(new Attr.WindowDim(ax.name(), new Axis(into.name(), b.size())));
            } else if (o instanceof OpArg.Plain p && p.value() instanceof Expr.Ref r && (r.name().text().equals("wrap") || r.name().text().equals("zero"))) {
                if (boundary != null) {
                    el.diags.error(o.span(), DiagCode.E0604, "window takes one boundary, `wrap` or `zero`", null);
                    return Value.ERROR;
                }
                boundary = r.name().text().equals("wrap") ? Attr.Boundary.WRAP : Attr.Boundary.ZERO;
            } else {
                el.diags.error(o.span(), DiagCode.E0604, "window takes `axis by size -> offset_axis` and a boundary (`wrap` or `zero`)", null);
                return Value.ERROR;
            }
        }
        if (dims.isEmpty()) {
            el.diags.error(a.span(), DiagCode.E0604, "window needs at least one `axis by size -> offset_axis`", null);
            return Value.ERROR;
        }
        if (x == null) return Value.ERROR;
        return el.emit(Op.WINDOW, new Attr.Window(dims, boundary == null ? Attr.Boundary.ZERO : boundary), List.of(x), null, a.span(), env, 0);
    }

    private Value split(Expr.AxisOp a, Env env) {
        Value.Tensor x = oneInput(a, env);
        if (a.opArgs().size() != 1 || !(a.opArgs().get(0) instanceof OpArg.SplitInto s)) {
            el.diags.error(a.span(), DiagCode.E0604, "split takes one `axis -> (part, part, ...)`", null);
            return Value.ERROR;
        }
        Axis from = el.exprs.logicalAxis(s.axis(), env);
        List<Axis> parts = new ArrayList<>();
        for (Name n : s.parts()) {
            Axis p = el.exprs.logicalAxis(n, env);
            if (p == null) return Value.ERROR;
            parts.add(p);
        }
        if (from == null || x == null) return Value.ERROR;
        Axis have = x.type().axis(from.name());
        // one part may be left unsized: it takes what the others leave
        List<Integer> unsized = new ArrayList<>();
        long known = 1;
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).isSized()) known *= parts.get(i).size(); else unsized.add(i);
        }
        if (unsized.size() == 1 && have != null && have.isSized() && known > 0 && have.size() % known == 0) {
            int i = unsized.get(0);
            parts.set(i, new Axis(parts.get(i).name(), (int) (have.size() / known)));
        }
        return el.emit(Op.SPLIT, new Attr.Split(from.name(), parts), List.of(x), null, a.span(), env, 0);
    }

    private Value merge(Expr.AxisOp a, Env env) {
        Value.Tensor x = oneInput(a, env);
        if (a.opArgs().size() != 1 || !(a.opArgs().get(0) instanceof OpArg.MergeInto m)) {
            el.diags.error(a.span(), DiagCode.E0604, "merge takes one `(part, part, ...) -> axis`", null);
            return Value.ERROR;
        }
        List<String> parts = new ArrayList<>();
        for (Name n : m.parts()) {
            Axis p = el.exprs.logicalAxis(n, env);
            if (p == null) return Value.ERROR;
            parts.add(p.name());
        }
        Axis into = el.exprs.logicalAxis(m.into(), env);
        if (into == null || x == null) return Value.ERROR;
        if (!into.isSized()) {
            long prod = 1;
            for (String p : parts) {
                Axis h = x.type().axis(p);
                prod = h == null || !h.isSized() ? -1 : prod * h.size();
                if (prod < 0) break;
            }
            if (prod > 0) into = new Axis(into.name(), (int) prod);
        }
        return el.emit(Op.MERGE, new Attr.Merge(parts, into), List.of(x), null, a.span(), env, 0);
    }

    private Value slice(Expr.AxisOp a, Env env) {
        Value.Tensor x = oneInput(a, env);
        if (a.opArgs().size() != 1 || !(a.opArgs().get(0) instanceof OpArg.Range r) || r.into() == null) {
            el.diags.error(a.span(), DiagCode.E0604, "slice takes one `axis: start..stop -> new_axis`", "e.g. slice[seq: 0..4 -> head](x)");
            return Value.ERROR;
        }
        Axis from = el.exprs.logicalAxis(r.axis(), env);
        Axis into = el.exprs.logicalAxis(r.into(), env);
        if (from == null || into == null || x == null) return Value.ERROR;
        return el.emit(Op.SLICE, new Attr.Slice(from.name(), r.start(), r.stop(), into), List.of(x), null, a.span(), env, 0);
    }

    private Value concat(Expr.AxisOp a, Env env) {
        if (a.opArgs().size() != 1 || !(a.opArgs().get(0) instanceof OpArg.MergeInto m)) {
            el.diags.error(a.span(), DiagCode.E0604, "concat takes one `(axis_of_x, axis_of_y, ...) -> new_axis`", null);
            return Value.ERROR;
        }
        if (m.parts().size() != a.args().size()) {
            el.diags.error(a.span(), DiagCode.E0601, "concat names " + Plural.of(m.parts().size(), "axis", "axes") + " for " + Plural.of(a.args().size(), "tensor"), null);
            return Value.ERROR;
        }
        List<String> parts = new ArrayList<>();
        for (Name n : m.parts()) {
            Axis p = el.exprs.logicalAxis(n, env);
            if (p == null) return Value.ERROR;
            parts.add(p.name());
        }
        Axis into = el.exprs.logicalAxis(m.into(), env);
        List<Value> xs = new ArrayList<>();
        for (Expr e : a.args()) {
            Value.Tensor t = el.exprs.tensor(e, env);
            if (t == null) return Value.ERROR;
            if (t.weak()) {
                el.diags.error(e.span(), DiagCode.E0302, "concat needs tensors with axes, got a number", null);
                return Value.ERROR;
            }
            xs.add(t);
        }
        if (into == null) return Value.ERROR;
        return el.emit(Op.CONCAT, new Attr.Concat(parts, into), xs, null, a.span(), env, 0);
    }

    private Value repeat(Expr.AxisOp a, Env env) {
        Value.Tensor x = oneInput(a, env);
        if (a.opArgs().size() != 1 || !(a.opArgs().get(0) instanceof OpArg.MapTo m)) {
            el.diags.error(a.span(), DiagCode.E0604, "repeat takes one `axis -> longer_axis`", "e.g. repeat[h -> h2](x)");
            return Value.ERROR;
        }
        Axis from = el.exprs.logicalAxis(m.from(), env), to = el.exprs.logicalAxis(m.to(), env);
        if (from == null || to == null || x == null) return Value.ERROR;
        return el.emit(Op.REPEAT, new Attr.Repeat(from.name(), to), List.of(x), null, a.span(), env, 0);
    }

    private Value onehot(Expr.AxisOp a, Env env) {
        List<Axis> axes = axisList(a, env, 1);
        Value.Tensor x = oneInput(a, env);
        if (axes == null || x == null) return Value.ERROR;
        if (axes.size() != 1) {
            el.diags.error(a.span(), DiagCode.E0604, "onehot takes one axis", null);
            return Value.ERROR;
        }
        return el.emit(Op.ONEHOT, new Attr.OneHot(axes.get(0)), List.of(x), null, a.span(), env, 0);
    }

    private Value gather(Expr.AxisOp a, Env env) {
        List<Axis> axes = axisList(a, env, 1);
        if (axes == null) return Value.ERROR;
        if (axes.size() != 1 || a.args().size() != 2) {
            el.diags.error(a.span(), DiagCode.E0604, "gather takes one axis and two tensors: gather[V](table, indices)", null);
            return Value.ERROR;
        }
        Value.Tensor table = el.exprs.tensor(a.args().get(0), env), idx = el.exprs.tensor(a.args().get(1), env);
        if (table == null || idx == null) return Value.ERROR;
        if (table.weak() || idx.weak()) {
            el.diags.error(a.span(), DiagCode.E0302, "gather needs tensors, not numbers", null);
            return Value.ERROR;
        }
        return el.emit(Op.GATHER, new Attr.AxisRef(axes.get(0).name()), List.of(table, idx), null, a.span(), env, 0);
    }

    private Value expand(Expr.AxisOp a, Env env) {
        List<Axis> axes = axisList(a, env, 1);
        if (axes == null) return Value.ERROR;
        if (a.args().size() != 1) {
            el.diags.error(a.span(), DiagCode.E0601, "expand takes one tensor", null);
            return Value.ERROR;
        }
        Value.Tensor x = el.exprs.tensor(a.args().get(0), env);
        if (x == null) return Value.ERROR;
        Value m = el.materialize(x, a.span(), env);
        if (!(m instanceof Value.Tensor t)) return m;
        for (Axis ax : axes) {
            if (t.type().hasAxis(ax.name())) {
                el.diags.error(a.span(), DiagCode.E0303, "expand adds axis " + ax.name() + ", which the tensor already has", null);
                return Value.ERROR;
            }
        }
        List<Axis> all = new ArrayList<>(axes);
        all.addAll(t.type().axes());
        return el.emit(Op.EXPAND, new Attr.None(), List.of(t), t.type().withAxes(all), a.span(), env, 0);
    }

    private Value iota(Expr.AxisOp a, Env env) {
        List<Axis> axes = axisList(a, env, 1);
        if (axes == null) return Value.ERROR;
        if (axes.size() != 1 || !a.args().isEmpty()) {
            el.diags.error(a.span(), DiagCode.E0604, "iota takes one axis and no inputs: iota[A]()", null);
            return Value.ERROR;
        }
        Axis ax = axes.get(0);
        return el.emit(Op.IOTA, new Attr.AxisRef(ax.name()), List.of(), new TensorType(DType.I32, List.of(ax), Unit.NONE), a.span(), env, 0);
    }

    private Value random(Expr.AxisOp a, Env env) {
        String op = a.op().text();
        Attr.Dist dist = Attr.Dist.valueOf(op.toUpperCase(java.util.Locale.ROOT));
        List<Axis> axes = new ArrayList<>();
        Long seed = null;
        for (OpArg o : a.opArgs()) {
            if (o instanceof OpArg.Named n) {
                if (!n.key().text().equals("seed")) {
                    el.diags.error(n.key().span(), DiagCode.E0605, op + " has no option `" + n.key().text() + "`", "its option: seed");
                    return Value.ERROR;
                }
                if (seed != null) {
                    el.diags.error(n.key().span(), DiagCode.E0604, op + " names its seed twice", null);
                    return Value.ERROR;
                }
                Integer s = constInt(n.value(), env, "a seed");
                if (s == null) return Value.ERROR;
                seed = (long) s;
            } else if (o instanceof OpArg.Plain p && p.value() instanceof Expr.Ref r) {
                Axis ax = el.exprs.logicalAxis(r.name(), env);
                if (ax == null) return Value.ERROR;
                axes.add(ax);
            } else {
                el.diags.error(o.span(), DiagCode.E0604, op + "[...] takes axis names and `seed = n`", null);
                return Value.ERROR;
            }
        }
        if (seed == null) {
            el.diags.error(a.span(), DiagCode.E0709, op + " has no seed", "every random source names its seed, so runs repeat: " + op + "[..., seed = 1](...)");
            return Value.ERROR;
        }
        int want = dist == Attr.Dist.BERNOULLI ? 1 : 2;
        List<Expr> argExprs = a.args();
        if (argExprs.size() != want && !(argExprs.isEmpty() && dist != Attr.Dist.BERNOULLI)) {
            el.diags.error(a.span(), DiagCode.E0601, op + " takes " + Plural.of(want, "parameter") + ", got " + argExprs.size(),
                    dist == Attr.Dist.BERNOULLI ? "bernoulli[A, seed = 1](p)" : op + "[A, seed = 1](" + (dist == Attr.Dist.NORMAL ? "mean, std" : "lo, hi") + ")");
            return Value.ERROR;
        }
        List<Value.Tensor> ps = new ArrayList<>();
        if (argExprs.isEmpty()) {
            ps.add(Elaborator.weak(dist == Attr.Dist.NORMAL ? 0 : 0, DType.F32, Unit.NONE));
            ps.add(Elaborator.weak(1, DType.F32, Unit.NONE));
        } else {
            for (Expr e : argExprs) {
                Value.Tensor t = el.exprs.tensor(e, env);
                if (t == null) return Value.ERROR;
                ps.add(t);
            }
        }
        Unit unit = dist == Attr.Dist.BERNOULLI ? Unit.NONE : ps.stream().filter(t -> !t.weak() || t.constant() != 0).map(t -> t.type().unit())
                .findFirst().orElse(Unit.NONE);
        List<Value> ins = new ArrayList<>();
        for (Value.Tensor t : ps) {
            if (t.weak() && t.constant() == 0) t = new Value.Tensor(t.type().withUnit(unit), null, 0, true, 0);
            ins.add(el.materialize(t, DType.F32, a.span(), env));
        }
        List<Axis> all = new ArrayList<>(env.mapped());
        for (Axis ax : axes) if (all.stream().noneMatch(b -> b.name().equals(ax.name()))) all.add(ax);
        TensorType t = new TensorType(dist == Attr.Dist.BERNOULLI ? DType.BOOL : DType.F32, all, unit);
        return el.emit(Op.RANDOM, new Attr.Random(dist, seed), ins, t, a.span(), env, Value.DEP_RANDOM);
    }

    /** A compile-time whole number (shift amounts, indices, seeds). */
    Integer constInt(Expr e, Env env, String what) { return constInt(e, env, what, null); }

    /** As {@link #constInt(Expr, Env, String)}, with {@code hint} for a value computed at run time (null: none). */
    Integer constInt(Expr e, Env env, String what, String hint) {
        Value v = el.exprs.eval(e, env, null, false);
        if (v instanceof Value.Error) return null;
        if (!(v instanceof Value.Tensor t) || !t.weak()) {
            el.diags.error(e.span(), DiagCode.E0705, what + " must be a constant whole number", hint);
            return null;
        }
        if (!t.type().unit().isNone()) {
            el.diags.error(e.span(), DiagCode.E0502, what + " must be dimensionless, got a quantity in " + el.unit(t.type().unit()), null);
            return null;
        }
        if (Double.isNaN(t.constant())) return 0;
        if (t.constant() != Math.rint(t.constant()) || Math.abs(t.constant()) > Integer.MAX_VALUE) {
            el.diags.error(e.span(), DiagCode.E0404, what + " must be a whole number, got " + t.constant(), null);
            return null;
        }
        return (int) t.constant();
    }
}
