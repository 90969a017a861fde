package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.SourceSpan;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.OpArg;
import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.ir.Unit;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code grad[x](e)} in a law: the derivative of the scalar float expression {@code e} in the law's float input
 * {@code x}, of x's type in the unit {@code unit(e) / unit(x)}. The frontend does not differentiate (that is a pass):
 * lowering makes {@code e} an extra output and the gradient an input that stands for it, declared as a
 * {@link Graph.PendingGradient}, and the driver puts the gradient in its place before the passes
 * ({@code ncd.passes.autodiff.LawGradients}). docs/language.md, "Gradients in laws".
 */
final class LawGrads {
    private final Elaborator el;
    /** The environment of the law being elaborated (its inputs), or null outside a law. */
    private Env law;
    private String lawName;
    /** Gradients lowered so far in this law: they number the stand-in inputs and loss outputs. */
    private int count;

    LawGrads(Elaborator el) { this.el = el; }

    /** Elaborating the sides of law {@code name}, whose inputs {@code env} binds; {@code null} when leaving it. */
    void enter(String name, Env env) {
        law = env;
        lawName = name;
    }

    Value grad(Expr.AxisOp a, Env env) {
        if (law == null || env != law) {
            boolean inFor = false;
            for (Env e = env; e != null && law != null; e = e.parent) inFor |= e == law;
            // in a circuit (checked on its own, and again where a law calls it: one message for both) or a `for`
            el.diags.error(a.op().span(), DiagCode.E0608, inFor
                            ? "grad[...] inside a `for` of a law: it is for the law's own expressions"
                            : "grad[...] is only for laws, where `ncdc test` checks it",
                    inFor
                            ? "state the gradient outside the `for`: grad[x](e) with x one of the law's inputs"
                            : "a circuit's gradient is a transform of the whole circuit: `ncdc run --grad LOSS` runs it, "
                                    + "and training uses it through `train` (docs/autodiff.md)");
            return Value.ERROR;
        }
        if (a.opArgs().size() != 1 || !(a.opArgs().get(0) instanceof OpArg.Plain p) || !(p.value() instanceof Expr.Ref r)) {
            SourceSpan at = a.opArgs().isEmpty() ? a.op().span() : a.opArgs().get(0).span();
            el.diags.error(at, DiagCode.E0604, "grad takes the one law input to differentiate in: grad[x](e)", inputsHint());
            return Value.ERROR;
        }
        if (a.args().size() != 1) {
            el.diags.error(a.span(), DiagCode.E0601, "grad[" + r.name().text() + "] takes one expression, got " + a.args().size(), null);
            return Value.ERROR;
        }
        Env.Binding b = law.bindings.get(r.name().text());
        if (b == null) {
            boolean axis = law.axes.containsKey(r.name().text()) || law.module.axis(r.name().text()) != null;
            el.diags.error(r.span(), DiagCode.E0609, "`" + r.name().text() + "` is " + (axis ? "an axis, " : "") + "not an input of law " + lawName
                    + ": grad differentiates in one of the law's inputs", inputsHint());
            return Value.ERROR;
        }
        if (!(b.value instanceof Value.Tensor x)) return Value.ERROR;
        if (!x.type().dtype().isFloat()) {
            el.diags.error(r.span(), DiagCode.E0609, "`" + r.name().text() + "` is " + x.type() + ": only f32 and f64 inputs have gradients",
                    floatInputs().isEmpty() ? "declare it f32 (or differentiate in a float input)" : "differentiate in a float input: " + String.join(", ", floatInputs()));
            return Value.ERROR;
        }
        Expr body = a.args().get(0);
        Value.Tensor e = el.exprs.tensor(body, env);
        if (e == null) return Value.ERROR;
        if (e.weak()) {
            Value m = el.materialize(e, DType.F32, body.span(), env);
            if (!(m instanceof Value.Tensor mt)) return Value.ERROR;
            e = mt;
        }
        if (!e.type().dtype().isFloat() || e.type().rank() != 0) {
            String axes = e.type().axes().stream().map(ncd.ir.Axis::name).reduce((s, t) -> s + ", " + t).orElse("");
            el.diags.error(body.span(), DiagCode.E0609, "grad[" + r.name().text() + "] takes a scalar f32 or f64 expression, but this one is " + e.type(),
                    e.type().rank() != 0 ? "reduce it to a scalar, e.g. sum[" + axes + "](...)" : "convert it: f32(...)");
            return Value.ERROR;
        }
        Unit unit = e.type().unit().over(x.type().unit());
        TensorType type = x.type().withUnit(unit);
        if (!el.lowering) return Value.Tensor.strong(type, null, Value.DEP_INPUT | e.deps());
        return lower(r.name().text(), x, e, type, a.span(), env);
    }

    /**
     * The stand-in for the gradient, in the graph: {@code e} becomes output {@code grad#k}, the gradient input
     * {@code grad#k[x]}. An input in a unit that is not coherent (mV) is its number times the unit's scale
     * ({@code CheckedProgram.input}); reverse mode differentiates in the number, so the gradient is divided by the scale.
     */
    private Value lower(String name, Value.Tensor x, Value.Tensor e, TensorType type, SourceSpan span, Env env) {
        Node raw = x.node(), scale = null;
        if (raw.op() != Op.INPUT) {
            if (raw.op() != Op.BINARY || raw.inputs().get(0).op() != Op.INPUT || raw.inputs().get(1).op() != Op.CONST) {
                throw new IllegalStateException("law input " + name + " is neither an input nor a scaled one: " + raw);
            }
            scale = raw.inputs().get(1);
            raw = raw.inputs().get(0);
        }
        count++;
        String loss = "grad#" + count, value = loss + "[" + name + "]";
        el.graph.output(loss, e.node());
        TensorType standIn = raw.type().withUnit(e.type().unit().over(raw.type().unit()));
        Value g = el.emit(Op.INPUT, new Attr.Named(value), List.of(), standIn, span, env, Value.DEP_INPUT);
        el.graph.gradient(new Graph.PendingGradient(value, loss, ((Attr.Named) raw.attr()).name(), span));
        if (scale != null) {
            Value k = Value.Tensor.strong(scale.type(), scale, 0);
            g = el.emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.DIV), List.of(g, k), null, span, env, 0);
        }
        if (g instanceof Value.Tensor t && !t.type().equals(type)) {
            throw new IllegalStateException("grad[" + name + "] lowered to " + t.type() + ", checked as " + type);
        }
        return g;
    }

    private List<String> floatInputs() {
        List<String> out = new ArrayList<>();
        for (Env.Binding b : law.bindings.values()) {
            if (b.value instanceof Value.Tensor t && t.type().dtype().isFloat()) out.add(b.name);
        }
        return out;
    }

    private String inputsHint() {
        List<String> f = floatInputs();
        return f.isEmpty() ? "law " + lawName + " has no f32 or f64 input to differentiate in"
                : "its float inputs: " + String.join(", ", f);
    }
}
