package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.SourceSpan;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Stmt;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Op;
import ncd.ir.ScanRuns;
import ncd.ir.TensorType;
import ncd.ir.Unit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scans: {@code scan t in A (h = h0) { ...; next h = ...; yield y }} and {@code scan for N (s = s0) { ...; until c }}.
 * A scan is unrolled here, into the ops the IR already has: run {@code t} elaborates the body with the carries bound
 * to run {@code t - 1}'s {@code next} values and {@code x[t]} a select of index {@code t}; the yields are stacked
 * over {@code A} with a concat. So every pass, backend, the autodiff and the diagrams handle a scan unchanged; the
 * price is a graph that grows with the runs, bounded by {@link #UNROLL_LIMIT}. With {@code until}, every one of the
 * N runs is computed and a done mask freezes the carries from the run after the condition first holds, which gives
 * the values stopping there would; the runs made are counted. The nodes are drawn in a scope of their own, each
 * run in its own below it, so a diagram shows the scan as one box, and opened, its body once and a box per later run.
 */
final class Scans {
    /** The most nodes one scan may unroll to (runs times the nodes of one run), nested scans included. */
    static final int UNROLL_LIMIT = 200_000;

    private final Elaborator el;

    Scans(Elaborator el) { this.el = el; }

    private record Carry(String name, TensorType logical, TensorType physical, SourceSpan span) {}

    Value scan(Expr.Scan s, Env env) {
        Axis axis = null;
        int runs;
        if (s.axis() != null) {
            axis = el.exprs.logicalAxis(s.axis(), env);
            if (axis == null) return Value.ERROR;
            if (!axis.isSized()) {
                if (el.lowering) {
                    // the driver asks for the sizes of every axis a circuit's body names before lowering (NamesUsed)
                    el.diags.error(s.axis().span(), DiagCode.E0305, "scan over axis " + axis.name() + ", which has no size here: a scan is unrolled, one run per index",
                            "declare it with a size (`axis " + axis.name() + " = N`) or give one: `--axis " + axis.name() + "=N`");
                    return Value.ERROR;
                }
                runs = 1;
            } else {
                runs = axis.size();
            }
        } else {
            if (s.count() < 1) {
                el.diags.error(s.countSpan(), DiagCode.E0711, "`scan for N` needs a whole number of runs, at least 1", "write e.g. scan for 50 (s = s0) { ... }");
                return Value.ERROR;
            }
            runs = s.count();
        }
        Parts parts = parts(s);
        if (parts == null) return Value.ERROR;

        // the carries start from values of the enclosing body, one per mapped index like a state
        List<Carry> carries = new ArrayList<>();
        List<Value> current = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Expr.Carry c : s.carries()) {
            String name = c.name().text();
            if (!names.add(name)) {
                el.diags.error(c.name().span(), DiagCode.E0206, "carry `" + name + "` is named twice in this scan", "each carry is named once; rename one");
                return Value.ERROR;
            }
            Value v = el.exprs.eval(c.init(), env, null, false);
            if (v instanceof Value.Error) return v;
            TensorType logical;
            if (c.type() != null) {
                Elaborator.Typed t = el.type(c.type(), env);
                if (t == null) return Value.ERROR;
                logical = t.type();
                v = el.conform(v, logical, c.init().span(), env, "the initial value of carry `" + name + "`");
            } else if (v instanceof Value.Tensor t && !t.weak()) {
                logical = Elaborator.logical(t.type(), env);
            } else {
                el.diags.error(c.init().span(), DiagCode.E0711, "carry `" + name + "` starts from " + Elaborator.describe(v) + ", which does not say the carry's type",
                        "give its type: (" + name + ": f32[...] = " + OperatorErrors.text(c.init()) + ")");
                return Value.ERROR;
            }
            TensorType physical = logical.withLeadingAxes(env.mapped());
            v = el.bodies.expandTo(v, physical, c.init().span(), env);
            if (v instanceof Value.Error) return v;
            carries.add(new Carry(name, logical, physical, c.name().span()));
            current.add(v);
        }

        String label = "scan " + (s.var() != null ? s.var().text() + " in " + axis.name() : "for " + runs)
                + (carries.isEmpty() ? "" : " (" + String.join(", ", carries.stream().map(Carry::name).toList()) + ")");
        String drawScope = env.drawScope.isEmpty() ? label : env.drawScope + "." + label;
        int made = el.lowering ? runs : 1;          // checking needs the types of one run
        int start = el.lowering ? el.graph.size() : 0;
        List<List<Value>> yields = new ArrayList<>();
        Value done = null, count = null;
        for (int i = 0; i < made; i++) {
            Env inner = new Env(env.module, env, env.axes, env.forAxes, env.mapAxes, Map.of(), env.scope, env.callNumbers);
            inner.scanBody = true;
            // each run in a scope of its own: a diagram draws the first run and boxes the rest (ScanRuns)
            inner.drawScope = drawScope + "." + ScanRuns.segment(s.var() != null ? s.var().text() : null, i);
            if (s.var() != null) {
                inner.scanVars.put(s.var().text(), new Env.ScanIndex(axis, i));
                inner.bindings.put(s.var().text(), new Env.Binding(s.var().text(), null, -1, Elaborator.weak(i, DType.I32, Unit.NONE)));
            }
            for (int k = 0; k < carries.size(); k++) {
                inner.bindings.put(carries.get(k).name(), new Env.Binding(carries.get(k).name(), null, -1, current.get(k)));
            }
            for (Stmt st : s.body()) {
                if (st instanceof Stmt.Let l) el.bodies.declare(inner, l.name(), st, -1);
                else if (st instanceof Stmt.LetTuple l) for (int j = 0; j < l.names().size(); j++) el.bodies.declare(inner, l.names().get(j), st, j);
                else if (st instanceof Stmt.Const c) el.bodies.declare(inner, c.def().name(), st, -1);
            }
            // this run's outputs, next carries and stop condition
            if (parts.yield != null) {
                List<Value> items = yieldItems(parts.yield, inner);
                if (items == null) return Value.ERROR;
                if (yields.isEmpty()) for (int j = 0; j < items.size(); j++) yields.add(new ArrayList<>());
                for (int j = 0; j < items.size(); j++) yields.get(j).add(items.get(j));
            }
            List<Value> next = new ArrayList<>();
            for (Carry c : carries) {
                Stmt.Next n = parts.nexts.get(c.name());
                Value v = el.exprs.eval(n.value(), inner, null, false);
                v = el.conform(v, c.logical(), n.value().span(), inner, "`next " + c.name() + "` (carry " + c.name() + " is " + typeText(c.logical()) + ")");
                v = el.bodies.expandTo(v, c.physical(), n.value().span(), inner);
                if (v instanceof Value.Error) return v;
                next.add(v);
            }
            Value cond = null;
            if (parts.until != null) {
                cond = el.exprs.eval(parts.until.cond(), inner, null, false);
                if (cond instanceof Value.Error) return cond;
                if (!(cond instanceof Value.Tensor ct) || ct.weak() || ct.type().dtype() != DType.BOOL || Elaborator.logical(ct.type(), inner).rank() != 0) {
                    el.diags.error(parts.until.cond().span(), DiagCode.E0711, "`until` needs one bool per run, got " + (cond instanceof Value.Tensor ct2 && !ct2.weak()
                                    ? Elaborator.logical(ct2.type(), inner).toString() : Elaborator.describe(cond)),
                            "reduce it to one bool, e.g. until all[i](s1 == s) or until max[i](abs(s1 - s)) < 1e-6");
                    return Value.ERROR;
                }
            }
            for (Env.Binding b : inner.bindings.values()) if (b.stmt != null) el.bodies.value(b, inner);
            if (parts.until != null) {
                SourceSpan sp = parts.until.span();
                if (done != null) {
                    for (int k = 0; k < carries.size(); k++) {
                        Value kept = el.emit(Op.WHERE, new Attr.None(), List.of(done, current.get(k), next.get(k)), null, sp, inner, 0);
                        next.set(k, el.bodies.expandTo(kept, carries.get(k).physical(), sp, inner));
                    }
                }
                Value ran = done == null ? el.emit(Op.CONST, new Attr.Scalar(1), List.of(), TensorType.scalar(DType.I32), sp, inner, 0)
                        : el.emit(Op.CAST, new Attr.Cast(DType.I32), List.of(el.emit(Op.UNARY, new Attr.Unary(Attr.UnaryFn.NOT), List.of(done), null, sp, inner, 0)), null, sp, inner, 0);
                count = count == null ? ran : el.emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), List.of(count, ran), null, sp, inner, 0);
                done = done == null ? cond : el.emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.OR), List.of(done, cond), null, sp, inner, 0);
            }
            current = next;
            if (i == 0 && el.lowering) {
                long per = el.graph.size() - start;
                if (per * runs > UNROLL_LIMIT) {
                    el.diags.error(s.span(), DiagCode.E0712, "this scan unrolls to about " + per * runs + " nodes (" + runs + " runs of " + per
                                    + "), more than the limit of " + UNROLL_LIMIT,
                            "a scan is unrolled into the circuit: scan fewer runs, split the work into a smaller body, or advance a state once per step and run it with `ncdc run --steps`");
                    return Value.ERROR;
                }
            }
        }

        List<Value> out = new ArrayList<>();
        Env at = new Env(env.module, env, env.axes, env.forAxes, env.mapAxes, Map.of(), env.scope, env.callNumbers);
        at.drawScope = drawScope;
        for (List<Value> ys : yields) {
            Value st = stack(ys, axis, parts.yield.span(), at);
            if (st instanceof Value.Error) return st;
            out.add(st);
        }
        out.addAll(current);
        if (count != null) out.add(count);
        return out.size() == 1 ? out.get(0) : new Value.Tuple(out);
    }

    /** The statements of a scan body, checked once: each carry has one `next`, at most one `yield` and `until`. */
    private static final class Parts {
        final Map<String, Stmt.Next> nexts = new LinkedHashMap<>();
        Stmt.Yield yield;
        Stmt.Until until;
    }

    private Parts parts(Expr.Scan s) {
        Parts p = new Parts();
        boolean ok = true;
        for (Stmt st : s.body()) {
            if (st instanceof Stmt.Next n) {
                if (p.nexts.putIfAbsent(n.name().text(), n) != null) {
                    el.diags.error(n.span(), DiagCode.E0702, "carry `" + n.name().text() + "` has a second `next`", "a carry changes once per run; combine the updates into one expression");
                    ok = false;
                }
            } else if (st instanceof Stmt.Yield y) {
                if (s.axis() == null) {
                    el.diags.error(y.span(), DiagCode.E0711, "`yield` in `scan for " + s.count() + "`: there is no axis to stack the runs' outputs over",
                            "scan over an axis to stack them: scan k in A (...) { ...; yield y }; or carry the value and use the last one");
                    ok = false;
                } else if (p.yield != null) {
                    el.diags.error(y.span(), DiagCode.E0711, "a second `yield` in this scan", "yield several values at once: yield (a, b)");
                    ok = false;
                } else {
                    p.yield = y;
                }
            } else if (st instanceof Stmt.Until u) {
                if (s.axis() != null) {
                    el.diags.error(u.span(), DiagCode.E0711, "`until` in a scan over an axis: it runs over all of " + s.axis().text(),
                            "a loop that may stop early is `scan for N (s = s0) { ...; until done }`");
                    ok = false;
                } else if (p.until != null) {
                    el.diags.error(u.span(), DiagCode.E0711, "a second `until` in this scan", "combine the conditions: until a or b");
                    ok = false;
                } else {
                    p.until = u;
                }
            } else if (st instanceof Stmt.Param || st instanceof Stmt.State || st instanceof Stmt.Return) {
                String what = st instanceof Stmt.Param ? "param" : st instanceof Stmt.State ? "state" : "return";
                el.diags.error(st.span(), DiagCode.E0711, "`" + what + "` inside a scan",
                        st instanceof Stmt.Return ? "a scan gives its `yield`s and final carries: yield y"
                                : "declare it outside the scan (the body runs many times in one step); a value carried from run to run is a carry: scan ... (h = h0)");
                ok = false;
            }
        }
        Set<String> carried = new HashSet<>();
        for (Expr.Carry c : s.carries()) {
            carried.add(c.name().text());
            if (!p.nexts.containsKey(c.name().text())) {
                el.diags.error(c.name().span(), DiagCode.E0711, "carry `" + c.name().text() + "` has no `next`",
                        "say how it changes from run to run: next " + c.name().text() + " = ...; a value that does not change needs no carry");
                ok = false;
            }
        }
        for (Stmt.Next n : p.nexts.values()) {
            if (!carried.contains(n.name().text())) {
                el.diags.error(n.name().span(), DiagCode.E0711, "`next " + n.name().text() + "`: `" + n.name().text() + "` is not a carry of this scan",
                        "carry it: scan ... (" + n.name().text() + " = initial value) { ... }");
                ok = false;
            }
        }
        if (ok && p.yield == null && s.carries().isEmpty()) {
            el.diags.error(s.span(), DiagCode.E0711, "this scan has no `yield` and no carry, so it gives nothing",
                    "end the body with `yield y` to stack y over the axis, or carry a value: scan t in A (h = h0) { next h = ... }");
            ok = false;
        }
        return ok ? p : null;
    }

    private List<Value> yieldItems(Stmt.Yield y, Env env) {
        List<Expr> items = y.value() instanceof Expr.Tuple t ? t.items() : List.of(y.value());
        List<Value> out = new ArrayList<>();
        for (Expr e : items) {
            Value v = el.exprs.eval(e, env, null, false);
            if (v instanceof Value.Error) return null;
            if (!(v instanceof Value.Tensor t)) {
                el.diags.error(e.span(), DiagCode.E0603, "`yield` needs a tensor, got " + Elaborator.describe(v), null);
                return null;
            }
            Value m = el.materialize(t, e.span(), env);
            if (!(m instanceof Value.Tensor mt)) return null;
            Value full = el.bodies.expandTo(mt, Elaborator.logical(mt.type(), env).withLeadingAxes(env.mapped()), e.span(), env);
            if (full instanceof Value.Error) return null;
            out.add(full);
        }
        return out;
    }

    /**
     * The runs' values of one yield, stacked over {@code axis} after the mapped axes: each gets a length-1 axis and
     * a concat joins them. While checking, one run stands for all and an expand gives the type.
     */
    private Value stack(List<Value> ys, Axis axis, SourceSpan span, Env env) {
        Value.Tensor first = (Value.Tensor) ys.get(0);
        if (first.type().hasAxis(axis.name())) {
            el.diags.error(span, DiagCode.E0711, "the yielded value already has axis " + axis.name() + ", which the scan stacks its runs over",
                    "reduce or select it first, e.g. sum[" + axis.name() + "](y), or rename it: y{" + axis.name() + " -> other}");
            return Value.ERROR;
        }
        int mapped = 0;
        for (Axis a : first.type().axes()) if (env.isMapped(a.name())) mapped++;
        if (!el.lowering) return el.emit(Op.EXPAND, new Attr.None(), List.of(first), insert(first.type(), mapped, axis), span, env, 0);
        Axis one = new Axis(axis.name() + "'run", 1);
        List<Value> pieces = new ArrayList<>();
        for (Value y : ys) {
            Value.Tensor t = (Value.Tensor) y;
            pieces.add(el.emit(Op.EXPAND, new Attr.None(), List.of(t), insert(t.type(), mapped, one), span, env, 0));
        }
        return el.emit(Op.CONCAT, new Attr.Concat(Collections.nCopies(pieces.size(), one.name()), axis), pieces, null, span, env, 0);
    }

    private static TensorType insert(TensorType t, int at, Axis a) {
        List<Axis> axes = new ArrayList<>(t.axes());
        axes.add(at, a);
        return t.withAxes(axes);
    }

    private static String typeText(TensorType t) {
        return t.dtype().word() + (t.rank() == 0 ? "" : "[" + String.join(", ", t.axisNames()) + "]");
    }

    /** {@code x[t]} for the variable {@code t} of an enclosing scan: run {@code t}'s element of the scanned axis. */
    Value element(Expr.IndexVar iv, Env.ScanIndex si, Env env) {
        Value v = el.exprs.eval(iv.operand(), env, null, false);
        if (!(v instanceof Value.Tensor t)) return v instanceof Value.Error ? v : Value.ERROR;
        if (t.weak() || !t.type().hasAxis(si.axis().name())) {
            el.diags.error(iv.span(), DiagCode.E0311, "indexing by `" + iv.var().text() + "` needs axis " + si.axis().name() + ", but the tensor has "
                    + (t.weak() ? "no axes" : t.type().axesText()), null);
            return Value.ERROR;
        }
        return el.emit(Op.SELECT, new Attr.Select(si.axis().name(), si.index()), List.of(t), null, iv.span(), env, 0);
    }

    /** A call of a circuit with state inside a scan would advance that state once per run: refused. */
    boolean refuseStateful(CircuitRef target, Expr.Call c, Env env) {
        if (!env.inScan() || !el.isStateful(target)) return false;
        el.diags.error(c.span(), DiagCode.E0711, target.decl().name().text() + " has state, and a scan runs its body many times in one step",
                "carry the value through the scan instead of keeping it in a state: scan ... (h = h0) { next h = ... }");
        return true;
    }
}
