package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.Plural;
import ncd.diag.SourceSpan;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.Stmt;
import ncd.frontend.resolve.ModuleScope;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Circuit bodies: a set of bindings evaluated on demand (so lets may come in any order and a cycle is found as a
 * binding met while it is being evaluated), one return, and one `next` per state; constants, parameters and state.
 * Calls, which bind a callee's inputs and enter its body, are {@link Calls}.
 */
final class Bodies {
    private final Elaborator el;
    /** The bindings being evaluated, innermost last: a cycle is the part of this chain from a binding met again. */
    private final List<Env.Binding> evaluating = new ArrayList<>();

    Bodies(Elaborator el) { this.el = el; }

    // ---- bodies

    /**
     * Elaborates a body whose inputs are already bound in {@code env}. Returns the return value, conformed to
     * {@code outputs} when given (a circuit) or as is (a `for` body).
     */
    Value body(List<Stmt> stmts, Env env, List<TensorType> outputs, List<String> outputNames, SourceSpan span, String what) {
        if (env.parent == null) numberCalls(stmts, env);
        Stmt.Return ret = null;
        Map<String, Stmt.Next> nexts = new LinkedHashMap<>();
        List<Stmt.State> stateStmts = new ArrayList<>();
        Map<String, Stmt.Equation> equations = new LinkedHashMap<>();
        List<Stmt.Event> events = new ArrayList<>();
        Map<String, List<Stmt.Jump>> jumps = new LinkedHashMap<>();
        for (Stmt s : stmts) {
            if (s instanceof Stmt.Let l) declare(env, l.name(), s, -1);
            else if (s instanceof Stmt.LetTuple l) {
                for (int i = 0; i < l.names().size(); i++) declare(env, l.names().get(i), s, i);
            } else if (s instanceof Stmt.Param p) {
                for (Name n : p.names()) declare(env, n, s, -1);
            } else if (s instanceof Stmt.Const c) declare(env, c.def().name(), s, -1);
            else if (s instanceof Stmt.State st) {
                if (declare(env, st.name(), s, -1)) stateStmts.add(st);
            } else if (s instanceof Stmt.Next n) {
                if (nexts.putIfAbsent(n.name().text(), n) != null) {
                    el.diags.error(n.span(), DiagCode.E0702, "state `" + n.name().text() + "` has a second `next`",
                            "a state advances once per step; combine the updates into one expression");
                }
            } else if (s instanceof Stmt.Yield || s instanceof Stmt.Until) {
                boolean y = s instanceof Stmt.Yield;
                el.diags.error(s.span(), DiagCode.E0710, "`" + (y ? "yield" : "until") + "` outside a scan",
                        y ? "`yield` gives a scan's per-run output: scan t in A (h = h0) { ...; yield y }; a circuit or `for` body ends with `return`"
                          : "`until` stops a bounded loop: scan for 50 (s = s0) { ...; next s = ...; until done }");
            } else if (s instanceof Stmt.Equation eq) {
                if (equations.putIfAbsent(eq.state().text(), eq) != null) {
                    el.diags.error(eq.span(), DiagCode.E0714, "state `" + eq.state().text() + "` has a second equation",
                            "a state has one equation; add the terms into one right side");
                }
            } else if (s instanceof Stmt.Event ev) {
                if (declare(env, ev.name(), s, -1)) events.add(ev);
            } else if (s instanceof Stmt.Jump j) {
                jumps.computeIfAbsent(j.state().text(), k -> new ArrayList<>()).add(j);
            } else if (s instanceof Stmt.Return r) {
                if (ret != null) {
                    el.diags.error(r.span(), DiagCode.E0708, "a second `return` in " + what, "a circuit returns once; return a tuple for several outputs");
                } else {
                    ret = r;
                }
            }
        }
        for (String n : nexts.keySet()) if (env.lookup(n) == null) env.nextWithoutState.add(n);
        dynamics(env, equations, events, jumps, nexts);
        Value result;
        if (ret == null) {
            el.diags.error(span, DiagCode.E0708, what + " has no `return`", "end the body with `return <expression>`");
            result = Value.ERROR;
        } else {
            result = returned(ret, env, outputs, outputNames, what);
        }
        for (Env.Binding b : env.bindings.values()) {
            if (b.stmt != null) value(b, env);
        }
        for (Stmt.State st : stateStmts) {
            if (env.dynamics != null && env.dynamics.governs(st.name().text())) {
                nextValue(st, env.dynamics.next(st.name().text()), st.span(), env);
                continue;
            }
            Stmt.Next n = nexts.remove(st.name().text());
            if (n == null) {
                el.diags.error(st.name().span(), DiagCode.E0701, "state `" + st.name().text() + "` has no `next`",
                        "say how it advances: next " + st.name().text() + " = ...; a value that never changes is a `const`");
                continue;
            }
            next(st, n, env);
        }
        for (Stmt.Next n : nexts.values()) {
            Env.Owned o = env.lookup(n.name().text());
            String why = o == null ? "nothing named `" + n.name().text() + "` is declared here"
                    : "`" + n.name().text() + "` is not a state of this body";
            el.diags.error(n.name().span(), DiagCode.E0703, "`next " + n.name().text() + "`: " + why,
                    "declare it first: state " + n.name().text() + ": f32[...] = ...");
        }
        return result;
    }

    /**
     * Checks what the equations, events and jumps of a body name, and sets up their lowering ({@link Dynamics}):
     * an equation is for a declared state that has no `next`; a jump is for a state with an equation.
     */
    private void dynamics(Env env, Map<String, Stmt.Equation> equations, List<Stmt.Event> events, Map<String, List<Stmt.Jump>> jumps,
                          Map<String, Stmt.Next> nexts) {
        if (equations.isEmpty() && events.isEmpty() && jumps.isEmpty()) return;
        Map<String, Stmt.Equation> eqs = new LinkedHashMap<>();
        for (Stmt.Equation eq : equations.values()) {
            String n = eq.state().text();
            Env.Binding b = env.bindings.get(n);
            if (b == null || !(b.stmt instanceof Stmt.State)) {
                el.diags.error(eq.state().span(), DiagCode.E0714, "`d" + n + "/dt`: " + (b == null ? "nothing named `" + n + "` is declared here"
                        : "`" + n + "` is not a state"), "declare the state first: state " + n + ": f32[...] in mV = ...");
            } else if (nexts.containsKey(n)) {
                el.diags.error(nexts.get(n).span(), DiagCode.E0714, "state `" + n + "` has both an equation and a `next`",
                        "the equation says how it advances; remove the `next` (or the equation, to write the step by hand)");
                nexts.remove(n);
                eqs.put(n, eq);
            } else {
                eqs.put(n, eq);
            }
        }
        for (Map.Entry<String, List<Stmt.Jump>> j : jumps.entrySet()) {
            if (!eqs.containsKey(j.getKey())) {
                Stmt.Jump first = j.getValue().get(0);
                el.diags.error(first.state().span(), DiagCode.E0714, "`" + j.getKey() + " +=` needs an equation for `" + j.getKey() + "`",
                        "a jump adds to a state after its integration: write d" + j.getKey() + "/dt = ...; a state with a `next` adds in its `next`");
            }
        }
        jumps.keySet().retainAll(eqs.keySet());
        env.dynamics = new Dynamics(el, this, env, eqs, events, jumps);
    }

    /** A state created by the compiler (an event's refractory counter), starting from the weak constant {@code init}. */
    Value.Tensor newState(String name, TensorType type, Value init, SourceSpan span, Env env) {
        String path = env.path(name);
        Value read = el.emit(Op.STATE_READ, new Attr.Named(path), List.of(), type, span, env, Value.DEP_STATE);
        if (!(read instanceof Value.Tensor r)) return null;
        if (el.lowering) {
            Elaborator.PendingState ps = new Elaborator.PendingState(path, type, span);
            Value c = expandTo(el.conform(init, type.withAxes(List.of()), span, env, "the start of " + name), type, span, env);
            if (c instanceof Value.Tensor ct) ps.init = ct.node();
            el.states.put(path, ps);
        }
        return r;
    }

    /** Sets the next value of a state made by {@link #newState}. */
    void setNext(Value.Tensor state, Value next, SourceSpan span, Env env) {
        if (!el.lowering || !(next instanceof Value.Tensor n) || state.node() == null) return;
        String path = ((Attr.Named) state.node().attr()).name();
        Value c = expandTo(n, state.type(), span, env);
        Elaborator.PendingState ps = el.states.get(path);
        if (ps != null && c instanceof Value.Tensor ct) ps.next = ct.node();
    }

    boolean declare(Env env, Name n, Stmt s, int tupleIndex) {
        if (env.bindings.containsKey(n.text())) {
            el.diags.error(n.span(), DiagCode.E0206, "`" + n.text() + "` is defined twice in this body", "each name is bound once; rename one");
            return false;
        }
        env.bindings.put(n.text(), new Env.Binding(n.text(), s, tupleIndex, null));
        return true;
    }

    private Value returned(Stmt.Return r, Env env, List<TensorType> outputs, List<String> names, String what) {
        if (outputs == null) return el.exprs.eval(r.value(), env, null, true);
        if (outputs.size() > 1 || r.value() instanceof Expr.Tuple) {
            // `return (a, b)` gives one value per item; `return Three(x)`, a call with several outputs, gives them all
            List<Expr> items = r.value() instanceof Expr.Tuple t ? t.items() : List.of(r.value());
            Value call = items.size() == 1 && outputs.size() > 1 ? el.exprs.eval(r.value(), env, null, true) : null;
            if (call instanceof Value.Error) return call;
            int n = call instanceof Value.Tuple t ? t.items().size() : items.size();
            if (n != outputs.size()) {
                el.diags.error(r.value().span(), DiagCode.E0602, what + " returns " + Plural.of(n, "value") + " but declares " + outputs.size(), null);
                return Value.ERROR;
            }
            List<Value> vs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Expr item = call == null ? items.get(i) : r.value();
                Value v = call == null ? el.exprs.eval(item, env, null, false) : ((Value.Tuple) call).items().get(i);
                vs.add(el.conform(v, outputs.get(i), item.span(), env, "output " + names.get(i) + " of " + what));
            }
            return new Value.Tuple(vs);
        }
        Value v = el.exprs.eval(r.value(), env, null, false);
        return el.conform(v, outputs.get(0), r.value().span(), env, "the result of " + what);
    }

    /** The value of a binding, evaluating it on first use. */
    Value value(Env.Binding b, Env owner) {
        if (b.value != null) return b.value;
        if (b.evaluating) {
            el.diags.error(b.stmt.span(), DiagCode.E0704, "`" + b.name + "` depends on itself within one step: " + cycle(b),
                    "break the cycle with a state: state x: ... = ..., next x = ...");
            b.value = Value.ERROR;
            return b.value;
        }
        b.evaluating = true;
        evaluating.add(b);
        try {
            Value v = evaluate(b, owner);
            if (b.value == null) b.value = v;
            return b.value;
        } finally {
            b.evaluating = false;
            evaluating.remove(evaluating.size() - 1);
        }
    }

    /** The cycle through {@code again}, met while being evaluated: {@code a (line 3) -> b (line 4) -> a}. */
    private String cycle(Env.Binding again) {
        StringBuilder sb = new StringBuilder();
        for (int i = evaluating.lastIndexOf(again); i < evaluating.size(); i++) {
            Env.Binding b = evaluating.get(i);
            sb.append(b.name).append(" (line ").append(b.stmt.span().line()).append(") -> ");
        }
        return sb.append(again.name).toString();
    }

    private Value evaluate(Env.Binding b, Env env) {
        Stmt s = b.stmt;
        if (s instanceof Stmt.Let l) {
            Value v = el.exprs.eval(l.value(), env, l.name().text(), false);
            if (l.type() != null) {
                Elaborator.Typed t = el.type(l.type(), env);
                if (t == null) return Value.ERROR;
                return el.conform(v, t.type(), l.value().span(), env, "`" + l.name().text() + "`");
            }
            return v;
        }
        if (s instanceof Stmt.LetTuple l) {
            Value v = el.exprs.eval(l.value(), env, null, true);
            if (v instanceof Value.Error) return v;
            if (!(v instanceof Value.Tuple t)) {
                el.diags.error(l.value().span(), DiagCode.E0602, "`let (" + l.names().size() + " names)` needs a tuple, got " + Elaborator.describe(v), null);
                return Value.ERROR;
            }
            if (t.items().size() != l.names().size()) {
                el.diags.error(l.value().span(), DiagCode.E0602, "the tuple has " + Plural.of(t.items().size(), "value") + ", but " + Plural.of(l.names().size(), "name") + (l.names().size() == 1 ? " takes" : " take") + " them", null);
                return Value.ERROR;
            }
            // bind the siblings too
            for (int i = 0; i < l.names().size(); i++) {
                Env.Binding sib = env.bindings.get(l.names().get(i).text());
                if (sib != null && sib.stmt == s) sib.value = t.items().get(i);
            }
            return t.items().get(b.tupleIndex);
        }
        if (s instanceof Stmt.Param p) return param(p, b.name, env);
        if (s instanceof Stmt.Const c) return circuitConstant(c.def(), env);
        if (s instanceof Stmt.State st) return stateRead(st, env);
        if (s instanceof Stmt.Event ev) return env.dynamics.event(ev);
        throw new IllegalStateException("binding of " + s);
    }

    /** A constant: any expression that depends on no input, parameter, state or random source. */
    Value constant(Decl.ConstDef d, Env env, String what) {
        return constant(d, el.exprs.eval(d.value(), env, null, false), env, what);
    }

    private Value constant(Decl.ConstDef d, Value v, Env env, String what) {
        if (v instanceof Value.Tensor t && !t.isConstant()) {
            el.diags.error(d.value().span(), DiagCode.E0705, what + " `" + d.name().text() + "` depends on "
                    + dependsOn(t.deps()) + ", so it is not a compile-time constant", constantHint(d, t, env));
            return Value.ERROR;
        }
        if (v instanceof Value.Tensor && d.type() != null) {
            Elaborator.Typed t = el.type(d.type(), env);
            if (t == null) return Value.ERROR;
            return el.conform(v, t.type(), d.value().span(), env, "`" + d.name().text() + "`");
        }
        return v;
    }

    /**
     * A circuit's {@code const}: a compile-time constant, or a value drawn at random once per instance (a connection
     * mask, stored patterns: {@code const mask = bernoulli[post, pre, seed = 3](0.02)}). A random source draws anew at
     * every step, so a drawn constant is kept in a state {@code PATH} that starts from the draw and never changes:
     * drawn when the instance is made and again at a reset, the same on every backend.
     */
    private Value circuitConstant(Decl.ConstDef d, Env env) {
        Value v = el.exprs.eval(d.value(), env, null, false);
        if (!(v instanceof Value.Tensor t) || (t.deps() & Value.DEP_RANDOM) == 0 || (t.deps() & (Value.DEP_INPUT | Value.DEP_STATE)) != 0) {
            return constant(d, v, env, "constant");
        }
        if (d.type() != null) {
            Elaborator.Typed ty = el.type(d.type(), env);
            if (ty == null) return Value.ERROR;
            v = el.conform(v, ty.type(), d.value().span(), env, "`" + d.name().text() + "`");
            if (!(v instanceof Value.Tensor)) return v;
            t = (Value.Tensor) v;
        }
        String path = env.path(d.name().text());
        Value read = el.emit(Op.STATE_READ, new Attr.Named(path), List.of(), t.type(), d.name().span(), env, t.deps());
        if (el.lowering && read instanceof Value.Tensor r) {
            Elaborator.PendingState kept = new Elaborator.PendingState(path, r.type(), d.span());
            kept.init = t.node();
            kept.next = r.node();
            el.states.put(path, kept);
        }
        return read;
    }

    /** What to write instead of a constant that is not one: it depends on what the value reads. */
    private String constantHint(Decl.ConstDef d, Value.Tensor t, Env env) {
        String name = d.name().text();
        if ((t.deps() & (Value.DEP_INPUT | Value.DEP_STATE)) != 0) return "use `let` for values computed from inputs or states";
        if ((t.deps() & Value.DEP_RANDOM) != 0) {
            // only a module's constant gets here: a circuit's is drawn once per instance
            return "a module-level constant belongs to no instance, so nothing draws it; declare `const " + name + "` inside the circuit that uses it, "
                    + "where it is drawn once per instance";
        }
        return "use `let`: a value computed from parameters and constants alone is computed once per instance, not every step";
    }

    static String dependsOn(int deps) {
        List<String> s = new ArrayList<>();
        if ((deps & Value.DEP_INPUT) != 0) s.add("an input");
        if ((deps & Value.DEP_STATE) != 0) s.add("a state");
        if ((deps & Value.DEP_PARAM) != 0) s.add("a parameter");
        if ((deps & Value.DEP_RANDOM) != 0) s.add("a random source");
        return String.join(" and ", s);
    }

    /** A module-level constant, elaborated in its own module's scope. */
    Value moduleConstant(Decl.ConstDef d, ModuleScope module, Env at) {
        Value cached = el.moduleConsts.get(d);
        if (cached != null) return cached;
        if (el.moduleConstsInProgress.putIfAbsent(d, true) != null) {
            el.diags.error(d.span(), DiagCode.E0704, "constant `" + d.name().text() + "` depends on itself", null);
            return Value.ERROR;
        }
        Env env = new Env(module, null, new HashMap<>(), List.of(), List.of(), Map.of(), "", new HashMap<>());
        Value v = constant(d, env, "constant");
        el.moduleConstsInProgress.remove(d);
        el.moduleConsts.put(d, v);
        return v;
    }

    // ---- parameters and state

    private Value param(Stmt.Param p, String name, Env env) {
        Elaborator.Typed t = el.type(p.type(), env);
        if (t == null) return Value.ERROR;
        TensorType type = t.type().withLeadingAxes(env.forAxes);
        Attr.Init init = init(p.init(), t, env);
        Attr.Bound bound = null;
        if (p.bound() != null) {
            Double b = constantIn(p.bound().value(), t, env, DiagCode.E0707, "a parameter bound");
            if (b == null) return Value.ERROR;
            bound = new Attr.Bound(p.bound().lower(), b);
        }
        if (init == null) return Value.ERROR;
        String path = env.path(name);
        // one path, one declaration: a `param b` inside a `for` beside the circuit's own `b` would silently be one
        Env root = env;
        while (root.parent != null) root = root.parent;
        Stmt.Param first = el.paramDecls.computeIfAbsent(root, k -> new HashMap<>()).putIfAbsent(path, p);
        if (first != null && first != p) {
            el.diags.error(p.span(), DiagCode.E0206, "parameter `" + name + "` is declared twice in one instance (line " + first.span().line()
                    + " and here): both would be the one parameter " + path, "rename one of them");
            return Value.ERROR;
        }
        if (el.lowering) {
            Node existing = el.params.get(path);
            if (existing != null) return Value.Tensor.strong(existing.type(), existing, Value.DEP_PARAM);
        }
        String unit = p.type().unit() == null ? null : p.type().unit().span().text().replaceAll("\\s+", " ");
        Value v = el.emit(Op.PARAM, new Attr.Param(path, init, bound, t.scale(), unit), List.of(), type, p.span(), env, Value.DEP_PARAM);
        if (v instanceof Value.Tensor tv && tv.node() != null) el.params.put(path, tv.node());
        return v;
    }

    private Attr.Init init(Stmt.Init i, Elaborator.Typed t, Env env) {
        if (i instanceof Stmt.ExprInit e) {
            Double v = constantIn(e.value(), t, env, DiagCode.E0706, "a parameter's initial value");
            return v == null ? null : new Attr.Init(Attr.InitKind.CONST, List.of(v));
        }
        Stmt.NamedInit n = (Stmt.NamedInit) i;
        Attr.InitKind kind;
        int arity;
        switch (n.kind().text()) {
            case "zeros" -> { kind = Attr.InitKind.ZEROS; arity = 0; }
            case "ones" -> { kind = Attr.InitKind.ONES; arity = 0; }
            case "normal" -> { kind = Attr.InitKind.NORMAL; arity = 2; }
            case "uniform" -> { kind = Attr.InitKind.UNIFORM; arity = 2; }
            case "glorot" -> { kind = Attr.InitKind.GLOROT; arity = 0; }
            case "he" -> { kind = Attr.InitKind.HE; arity = 0; }
            default -> {
                el.diags.error(n.kind().span(), DiagCode.E0706, "unknown initializer `" + n.kind().text() + "`",
                        "initializers: zeros, ones, normal(mean, std), uniform(lo, hi), glorot, he, or `= value`");
                return null;
            }
        }
        if (n.args().size() != arity) {
            el.diags.error(n.span(), DiagCode.E0706, "initializer " + n.kind().text() + " takes " + Plural.of(arity, "argument") + ", got " + n.args().size(), null);
            return null;
        }
        if ((kind == Attr.InitKind.GLOROT || kind == Attr.InitKind.HE) && t.type().rank() < 1) {
            el.diags.error(n.span(), DiagCode.E0706, n.kind().text() + " needs a tensor with axes (it scales by their sizes)", null);
            return null;
        }
        List<Double> args = new ArrayList<>();
        for (Expr a : n.args()) {
            Double v = constantIn(a, t, env, DiagCode.E0706, "an initializer argument");
            if (v == null) return null;
            args.add(v);
        }
        if (kind == Attr.InitKind.NORMAL && args.get(1) < 0 || kind == Attr.InitKind.UNIFORM && args.get(1) < args.get(0)) {
            el.diags.error(n.span(), DiagCode.E0706, "initializer " + n.kind().text() + args + " has an empty or negative spread", null);
            return null;
        }
        return new Attr.Init(kind, args);
    }

    /**
     * A constant number for a parameter of type {@code t}: a plain number is read in the parameter's declared
     * unit; a number with a unit must have the parameter's dimension. Returns the value in base units.
     */
    Double constantIn(Expr e, Elaborator.Typed t, Env env, DiagCode code, String what) {
        Value v = el.exprs.eval(e, env, null, false);
        if (v instanceof Value.Error) return null;
        if (!(v instanceof Value.Tensor w) || !w.weak()) {
            el.diags.error(e.span(), code, what + " must be a constant number", "write a number such as 0, 0.5 or -65 mV");
            return null;
        }
        if (Double.isNaN(w.constant())) return 0.0;
        if (w.type().unit().isNone()) return w.constant() * t.scale();
        if (!w.type().unit().equals(t.type().unit())) {
            el.diags.error(e.span(), DiagCode.E0501, "units differ: " + what + " is in " + el.unit(w.type().unit()) + ", the parameter in " + el.unit(t.type().unit()), null);
            return null;
        }
        return w.constant();
    }

    private Value stateRead(Stmt.State st, Env env) {
        Elaborator.Typed t = el.type(st.type(), env);
        if (t == null) return Value.ERROR;
        TensorType type = t.type().withLeadingAxes(env.mapped());
        String path = env.path(st.name().text());
        env.statePaths.put(st.name().text(), path);
        if (el.lowering && el.states.containsKey(path)) {
            el.diags.error(st.span(), DiagCode.E0702, "state " + path + " is advanced twice: a stateful instance is called more than once",
                    "call it once per step, or give each call its own instance");
            return Value.ERROR;
        }
        Value read = el.emit(Op.STATE_READ, new Attr.Named(path), List.of(), type, st.name().span(), env, Value.DEP_STATE);
        if (el.lowering && read instanceof Value.Tensor) el.states.put(path, new Elaborator.PendingState(path, type, st.span()));
        // the initial value: constants, parameters, seeded random sources, and inputs (read at the first step)
        Value init = el.exprs.eval(st.init(), env, null, false);
        if (init instanceof Value.Tensor it && (it.deps() & Value.DEP_STATE) != 0) {
            el.diags.error(st.init().span(), DiagCode.E0705, "the initial value of state `" + st.name().text() + "` depends on a state",
                    "a state starts from constants, parameters, seeded random numbers or inputs (read at the first step); write the other state's initial value here instead");
            return read;
        }
        Value ci = el.conform(init, t.type(), st.init().span(), env, "the initial value of state `" + st.name().text() + "`");
        ci = expandTo(ci, type, st.init().span(), env);
        if (!(ci instanceof Value.Tensor c)) return read;
        if ((c.deps() & Value.DEP_INPUT) != 0) return readFromInputAtFirstStep(st, path, read, c, type, env);
        if (el.lowering && el.states.containsKey(path)) el.states.get(path).init = c.node();
        return read;
    }

    /**
     * A state whose initial value reads inputs (an RNN's h0, a reservoir's initial condition): it takes that value at
     * the first step after a reset, from that step's inputs. The stored state starts at zero, beside a flag state
     * {@code PATH#started} that is false until the first step has run; the state's value in the step is
     * {@code where(started, stored, init)}, so the first step reads the initial value and every later one the stored
     * state, on every backend, with nothing new in the IR.
     */
    private Value readFromInputAtFirstStep(Stmt.State st, String path, Value read, Value.Tensor init, TensorType type, Env env) {
        SourceSpan span = st.init().span();
        String flagPath = path + "#started";
        Value flag = el.emit(Op.STATE_READ, new Attr.Named(flagPath), List.of(), TensorType.scalar(DType.BOOL), st.name().span(), env, Value.DEP_STATE);
        Value zero = expandTo(el.emit(Op.CONST, new Attr.Scalar(0), List.of(), new TensorType(type.dtype(), List.of(), type.unit()), span, env, 0), type, span, env);
        Value no = el.emit(Op.CONST, new Attr.Scalar(0), List.of(), TensorType.scalar(DType.BOOL), span, env, 0);
        Value yes = el.emit(Op.CONST, new Attr.Scalar(1), List.of(), TensorType.scalar(DType.BOOL), span, env, 0);
        if (el.lowering && flag instanceof Value.Tensor f && zero instanceof Value.Tensor z && no instanceof Value.Tensor n0 && yes instanceof Value.Tensor n1
                && el.states.containsKey(path)) {
            el.states.get(path).init = z.node();
            Elaborator.PendingState started = new Elaborator.PendingState(flagPath, f.type(), st.span());
            started.init = n0.node();
            started.next = n1.node();
            el.states.put(flagPath, started);
        }
        return el.emit(Op.WHERE, new Attr.None(), List.of(flag, read, init), type, span, env, 0);
    }

    private void next(Stmt.State st, Stmt.Next n, Env env) {
        nextValue(st, null, n.value().span(), env, n);
    }

    /** The next value of a state: {@code v}, or the value of its `next` statement {@code n}. */
    private void nextValue(Stmt.State st, Value v, SourceSpan span, Env env) {
        nextValue(st, v, span, env, null);
    }

    private void nextValue(Stmt.State st, Value given, SourceSpan span, Env env, Stmt.Next n) {
        Env.Binding b = env.bindings.get(st.name().text());
        Value read = value(b, env);
        if (!(read instanceof Value.Tensor r)) return;
        Elaborator.Typed t = el.type(st.type(), env);
        if (t == null) return;
        Value v = n == null ? given : el.exprs.eval(n.value(), env, null, false);
        Value c = el.conform(v, t.type(), span, env, "`next " + st.name().text() + "`");
        c = expandTo(c, r.type(), span, env);
        if (el.lowering && c instanceof Value.Tensor ct) {
            Elaborator.PendingState ps = el.states.get(env.statePaths.get(st.name().text()));
            if (ps != null) ps.next = ct.node();
        }
    }

    /** Broadcasts a conformed value to the full physical type of a state (adding mapped axes it lacks). */
    Value expandTo(Value v, TensorType physical, SourceSpan span, Env env) {
        if (!(v instanceof Value.Tensor t)) return v;
        if (t.type().axes().equals(physical.axes())) return t;
        Value e = t;
        if (!t.type().axisNameSet().equals(physical.axisNameSet())) {
            List<Axis> withAll = new ArrayList<>();
            for (Axis a : physical.axes()) if (!t.type().hasAxis(a.name())) withAll.add(a);
            withAll.addAll(t.type().axes());
            e = el.emit(Op.EXPAND, new Attr.None(), List.of(t), t.type().withAxes(withAll), span, env, 0);
        }
        if (e instanceof Value.Tensor et && !et.type().axes().equals(physical.axes())) {
            e = el.emit(Op.TRANSPOSE, new Attr.None(), List.of(e), physical, span, env, 0);
        }
        return e;
    }

    // ---- call numbering

    /** Numbers the unnamed calls of each circuit in source order, so instance names are stable. */
    private void numberCalls(List<Stmt> stmts, Env env) {
        List<Expr> roots = new ArrayList<>();
        for (Stmt s : stmts) roots.addAll(exprsOf(s));
        el.calls.numberCallsIn(roots, env);
    }

    static List<Expr> exprsOf(Stmt s) {
        if (s instanceof Stmt.Let l) return List.of(l.value());
        if (s instanceof Stmt.LetTuple l) return List.of(l.value());
        if (s instanceof Stmt.Const c) return List.of(c.def().value());
        if (s instanceof Stmt.State st) return List.of(st.init());
        if (s instanceof Stmt.Next n) return List.of(n.value());
        if (s instanceof Stmt.Return r) return List.of(r.value());
        if (s instanceof Stmt.Yield y) return List.of(y.value());
        if (s instanceof Stmt.Until u) return List.of(u.cond());
        if (s instanceof Stmt.Equation e) return List.of(e.rhs());
        if (s instanceof Stmt.Jump j) return List.of(j.value());
        if (s instanceof Stmt.Event ev) {
            List<Expr> all = new ArrayList<>(List.of(ev.condition()));
            for (Stmt.Reset r : ev.resets()) all.add(r.value());
            if (ev.refractory() != null) all.add(ev.refractory());
            return all;
        }
        return List.of();
    }
}
