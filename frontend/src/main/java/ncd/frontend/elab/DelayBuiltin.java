package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.SourceSpan;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.OpArg;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.DelaySpec;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.ir.TypeRuleException;
import ncd.ir.Unit;

import java.util.List;

/**
 * Delays as ring buffers (docs/language.md, "Delays"): {@code delay[1.5 ms](x)} (a delay line of any tensor) and the
 * {@code delay = 1.5 ms} or {@code delay = uniform(1 ms, 3 ms)} option of {@code synapses[...]}. Each becomes two
 * states made by the compiler, the ring ({@code delayK_ring}, on an axis {@code delayK_lag} of the longest delay in
 * steps plus one) and its head ({@code delayK_head}, an i32), one {@link Op#DELAY} (the ring's next value) and the
 * gather of the head's row of it (what arrives now); the head advances by one, modulo the ring's length.
 */
final class DelayBuiltin {
    private static final String EXAMPLE = "delay[1.5 ms](spikes)";
    private final Elaborator el;

    DelayBuiltin(Elaborator el) { this.el = el; }

    /** Whether {@code a} makes a ring buffer (so its circuit keeps state). */
    static boolean makesState(Expr.AxisOp a) {
        String op = a.op().text();
        if (op.equals("delay")) return true;
        return op.equals("synapses") && a.opArgs().stream().anyMatch(o -> o instanceof OpArg.Named n && n.key().text().equals("delay"));
    }

    /** {@code delay[D](x)}: D a time (rounded to whole steps of dt) or a whole number of steps. */
    Value line(Expr.AxisOp a, Env env) {
        if (a.opArgs().size() != 1 || !(a.opArgs().get(0) instanceof OpArg.Plain p)) {
            el.diags.error(a.span(), DiagCode.E0730, "delay takes one delay, a time or a number of steps", "e.g. " + EXAMPLE + " or delay[15](spikes)");
            return Value.ERROR;
        }
        if (a.args().size() != 1) {
            el.diags.error(a.span(), DiagCode.E0601, "delay[...] takes one tensor, got " + a.args().size(), "e.g. " + EXAMPLE);
            return Value.ERROR;
        }
        Value.Tensor x = el.exprs.tensor(a.args().get(0), env);
        if (x == null) return Value.ERROR;
        if (x.weak()) {
            el.diags.error(a.args().get(0).span(), DiagCode.E0730, "delay[...] delays a tensor, got a number", "e.g. " + EXAMPLE);
            return Value.ERROR;
        }
        Steps steps = steps(p.value(), env, true);
        if (steps == null) return Value.ERROR;
        // a generic circuit checked before its axes have sizes (delay[size(slot)]): one step stands in for the delay;
        // a time is rounded to whole steps, a number of steps is taken as written (the type rule wants it whole)
        double k = Double.isNaN(steps.value()) && !el.lowering ? 1 : steps.time() ? Math.rint(steps.value()) : steps.value();
        return ring(p.value().span(), new Attr.Delay(lag(k, a, env), k, k, 0, null), x, a, env);
    }

    /** The {@code delay = ...} option of {@code synapses[...]}: one time for every synapse, or {@code uniform(lo, hi)} per synapse. */
    Value synaptic(Attr.Synapses syn, Value.Tensor x, OpArg.Named arg, Expr.AxisOp a, Env env) {
        Expr e = arg.value();
        double lo, hi;
        if (e instanceof Expr.Call c && c.callee().text().equals("uniform")) {
            if (c.args().size() != 2 || !c.generics().isEmpty()) {
                el.diags.error(e.span(), DiagCode.E0730, "per-synapse delays are uniform(lo, hi), two times", "e.g. delay = uniform(1 ms, 3 ms)");
                return Value.ERROR;
            }
            Steps l = steps(c.args().get(0), env, false), h = steps(c.args().get(1), env, false);
            if (l == null || h == null) return Value.ERROR;
            lo = l.value();
            hi = h.value();
            if (lo == hi) lo = hi = Math.rint(lo);
        } else {
            Steps s = steps(e, env, false);
            if (s == null) return Value.ERROR;
            lo = hi = Math.rint(s.value());
        }
        if (!(hi >= lo) || !(lo >= 0)) {
            el.diags.error(e.span(), DiagCode.E0728, "a delay is not negative, and uniform(lo, hi) needs lo <= hi; got " + number(lo) + " to "
                    + number(hi) + " steps of dt", "e.g. delay = uniform(1 ms, 3 ms)");
            return Value.ERROR;
        }
        return ring(e.span(), new Attr.Delay(lag(hi, a, env), lo, hi, syn.seed(), syn), x, a, env);
    }

    /** The ring's states, the DELAY and what arrives; {@code at} is where a refusal of the delays points. */
    private Value ring(SourceSpan at, Attr.Delay d, Value.Tensor x, Expr.AxisOp a, Env env) {
        TensorType row;
        try {
            row = DelaySpec.arrival(d, x.type());
        } catch (TypeRuleException e) {
            el.report(e.code() == DiagCode.E0728 || e.code() == DiagCode.E0729 ? at : a.span(), e);
            return Value.ERROR;
        }
        String local = local(a, env);
        String ringName = local + "_ring", headName = local + "_head";
        if (el.lowering && (el.states.containsKey(env.path(ringName)) || el.states.containsKey(env.path(headName)))) {
            el.diags.error(a.span(), DiagCode.E0730, "this delay's ring buffer would be made twice in one step (a delay inside a scan is not supported)",
                    "delay the scan's input or output instead");
            return Value.ERROR;
        }
        TensorType ringType = DelaySpec.ringType(d, row), headType = TensorType.scalar(DType.I32);
        // zeros (false) of the ring's dtype: a bool ring starts from a constant, which no weak number can be
        Value zero = el.emit(Op.CONST, new Attr.Scalar(0), List.of(), ringType.withAxes(List.of()), a.span(), env, 0);
        Value.Tensor ring = el.bodies.newState(ringName, ringType, zero, a.span(), env);
        Value.Tensor head = el.bodies.newState(headName, headType, Elaborator.weak(0, DType.I32, Unit.NONE), a.span(), env);
        if (ring == null || head == null) return Value.ERROR;
        Value next = el.emit(Op.DELAY, d, List.of(ring, head, x), null, a.span(), env, 0);
        if (!(next instanceof Value.Tensor n)) return Value.ERROR;
        el.bodies.setNext(ring, n, a.span(), env);
        Value one = el.conform(Elaborator.weak(1, DType.I32, Unit.NONE), headType, a.span(), env, "the head of " + local);
        Value len = el.conform(Elaborator.weak(d.lag().size(), DType.I32, Unit.NONE), headType, a.span(), env, "the length of " + local);
        Value plus = el.emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), List.of(head, one), null, a.span(), env, 0);
        Value wrapped = el.emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.MOD), List.of(plus, len), null, a.span(), env, 0);
        el.bodies.setNext(head, wrapped, a.span(), env);
        return el.emit(Op.GATHER, new Attr.AxisRef(d.lag().name()), List.of(n, head), null, a.span(), env, 0);
    }

    /** {@code delayK}: K counts the delays of this body in the order they are first met. */
    private static String local(Expr.AxisOp a, Env env) {
        Integer k = env.callNumbers.get(a);
        if (k == null) {
            k = (int) env.callNumbers.keySet().stream().filter(o -> o instanceof Expr.AxisOp).count();
            env.callNumbers.put(a, k);
        }
        return "delay" + k;
    }

    /** The ring's row axis: the longest delay in steps plus one rows, named after the instance's ring. */
    private static Axis lag(double maxSteps, Expr.AxisOp a, Env env) {
        long rows = (long) Math.rint(maxSteps) + 1;
        return new Axis(env.path(local(a, env) + "_lag"), (int) Math.max(1, Math.min(Integer.MAX_VALUE, rows)));
    }

    /** A delay in steps of dt, not rounded; {@code time}: whether it was written as a time. */
    private record Steps(double value, boolean time) {}

    /**
     * A constant delay in steps of dt (not rounded): a time divided by the circuit's or module's {@code dt}, or, where
     * {@code plain} allows, a dimensionless number of steps. Reports E0727.
     */
    private Steps steps(Expr e, Env env, boolean plain) {
        Value v = el.exprs.eval(e, env, null, false);
        if (v instanceof Value.Error) return null;
        if (!(v instanceof Value.Tensor t) || !t.weak()) {
            el.diags.error(e.span(), DiagCode.E0727, "a delay must be a constant time", "e.g. delay = 1.5 ms");
            return null;
        }
        if (t.type().unit().isNone() && plain) return new Steps(t.constant(), false);
        if (!t.type().unit().equals(second(env))) {
            el.diags.error(e.span(), DiagCode.E0727, "a delay is a time, got " + (t.type().unit().isNone() ? "a number" : "a quantity in "
                    + el.unit(t.type().unit())), plain ? "a time such as 1.5 ms, or a whole number of steps: delay[15](x)" : "e.g. delay = 1.5 ms");
            return null;
        }
        Value.Tensor dt = timeStep(e.span(), env);
        if (dt == null) return null;
        return new Steps(t.constant() / dt.constant(), true);
    }

    /** The circuit's or module's {@code dt}, a constant time (E0727 when there is none). */
    private Value.Tensor timeStep(SourceSpan at, Env env) {
        if (env.lookup("dt") == null && env.module.value("dt") == null) {
            el.diags.error(at, DiagCode.E0727, "a delay in time needs the time step `dt`, and none is declared",
                    "declare it in the circuit or the module: const dt = 0.1 ms");
            return null;
        }
        Value v = el.exprs.eval(new Expr.Ref(at, new Name("dt", at)), env, null, false);
        if (v instanceof Value.Error) return null;
        if (!(v instanceof Value.Tensor t) || !t.weak() || !t.type().unit().equals(second(env)) || !(t.constant() > 0)) {
            el.diags.error(at, DiagCode.E0727, "`dt` must be a positive constant time, such as 0.1 ms", "declare it: const dt = 0.1 ms");
            return null;
        }
        return t;
    }

    private Unit second(Env env) {
        var r = el.units.lookup(new Name("s", SourceSpan.NONE), env.module);
        return r == null ? Unit.NONE : r.dimension();
    }

    private static String number(double v) { return ncd.ir.IrPrinter.number(v); }
}
