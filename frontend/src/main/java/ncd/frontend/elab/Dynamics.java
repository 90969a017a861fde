package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.SourceSpan;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.Stmt;
import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.ir.Unit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The equations and events of one circuit body (docs/language.md, "Equations and events"), lowered to states and
 * their `next` values in the existing IR. Per state it chooses the integrator: the exact propagator for a linear
 * system with constant coefficients (a matrix exponential computed here, at compile time), exponential Euler for an
 * equation linear in its own state with coefficients that vary ({@code dv/dt = g (E - v) / C}), RK4 otherwise;
 * {@code : method} overrides the choice. Events then threshold the integrated values, reset states, and hold the
 * states they reset through a refractory period counted by a state of their own. Jumps ({@code ge += w}) add to a
 * state after its integration, before the resets.
 */
final class Dynamics {
    /** The methods a user may name. */
    static final List<String> METHODS = List.of("exact", "exponential_euler", "rk4", "rk2", "euler");

    /** Why each state got its integrator, for {@code ncdc check --explain} and the diagram. */
    record Choice(SourceSpan span, String state, String method, String why) {}

    private final Elaborator el;
    private final Bodies bodies;
    private final Env env;
    /** Equations by state name, in source order (only for declared states). */
    private final Map<String, Stmt.Equation> eqs;
    private final List<Stmt.Event> events;
    private final Map<String, List<Stmt.Jump>> jumps;
    private final Linearity lin;

    private boolean integrating, done;
    /** The values each state with an equation advances to (after jumps, resets and refractory holds). */
    private final Map<String, Value> next = new HashMap<>();
    private final Map<String, Value> eventValues = new HashMap<>();

    Dynamics(Elaborator el, Bodies bodies, Env env, Map<String, Stmt.Equation> eqs, List<Stmt.Event> events, Map<String, List<Stmt.Jump>> jumps) {
        this.el = el;
        this.bodies = bodies;
        this.env = env;
        this.eqs = eqs;
        this.events = events;
        this.jumps = jumps;
        this.lin = new Linearity(env, eqs.keySet());
    }

    boolean governs(String state) { return eqs.containsKey(state); }

    /** The next value of a state with an equation. */
    Value next(String state) {
        run();
        finish();
        return next.getOrDefault(state, Value.ERROR);
    }

    /** The value of an event (a bool tensor, true where it fired this step). */
    Value event(Stmt.Event ev) {
        if (integrating) {
            el.diags.error(ev.name().span(), DiagCode.E0704, "the equations depend on event `" + ev.name().text()
                    + "`, which depends on the equations' step", "an event is known after the step; feed it back through a state or a jump (`ge += ...`)");
            return Value.ERROR;
        }
        run();
        return eventValues.getOrDefault(ev.name().text(), Value.ERROR);
    }

    // ---- the step

    private void run() {
        if (done || integrating) return;
        integrating = true;
        try {
            step();
        } finally {
            integrating = false;
            done = true;
        }
    }

    private void step() {
        SourceSpan first = eqs.isEmpty() ? events.get(0).span() : eqs.values().iterator().next().span();
        Value.Tensor dt = timeStep(first);
        Map<String, Value.Tensor> old = new LinkedHashMap<>();
        Map<String, Value.Tensor> derivs = new LinkedHashMap<>();
        boolean ok = dt != null;
        for (Stmt.Equation eq : eqs.values()) {
            Value v = bodies.value(env.bindings.get(eq.state().text()), env);
            if (!(v instanceof Value.Tensor x)) {
                ok = false;
                continue;
            }
            old.put(eq.state().text(), x);
            // checking evaluates every right side (its units); lowering only those a method reads, so that an exact
            // step leaves no unused nodes behind
            if (el.lowering || dt == null) continue;
            Value.Tensor f = derivative(eq, x, dt);
            if (f == null) ok = false;
            else derivs.put(eq.state().text(), f);
        }
        if (!ok) return;
        java.util.function.Function<String, Value.Tensor> rhs = s -> derivs.computeIfAbsent(s, k -> derivative(eqs.get(k), old.get(k), dt));
        Map<String, Expr> inlined = new LinkedHashMap<>();
        for (Stmt.Equation eq : eqs.values()) inlined.put(eq.state().text(), lin.inline(eq.rhs()));
        Map<String, String> method = choose(inlined, dt);
        if (method == null) return;

        Map<String, Value> x1 = new LinkedHashMap<>();
        exact(method, inlined, old, dt, x1);
        for (String s : eqs.keySet()) {
            SourceSpan sp = eqs.get(s).span();
            switch (method.get(s)) {
                case "euler" -> x1.put(s, t(sp, bin(Expr.BinOp.ADD, ref(sp, "$x"), bin(Expr.BinOp.MUL, ref(sp, "$f"), ref(sp, "$dt"))),
                        Map.of("$x", old.get(s), "$f", rhs.apply(s), "$dt", dt)));
                case "exponential_euler" -> x1.put(s, exponentialEuler(s, inlined.get(s), old.get(s), rhs.apply(s), dt));
                default -> { }
            }
        }
        rungeKutta("rk2", method, inlined, old, rhs, dt, x1);
        rungeKutta("rk4", method, inlined, old, rhs, dt, x1);

        // events see the integrated values; the states they reset are held through their refractory period
        Map<String, Value> value = new LinkedHashMap<>(x1);
        Map<String, Value> integrated = new HashMap<>(x1);
        List<Runnable> resets = new ArrayList<>();
        for (Stmt.Event ev : events) {
            SourceSpan sp = ev.span();
            Value cond = el.exprs.eval(lin.inline(ev.condition()), with(integrated), null, false);
            if (cond instanceof Value.Tensor c && c.type().dtype() != DType.BOOL) {
                el.diags.error(ev.condition().span(), DiagCode.E0718, "the condition of event `" + ev.name().text() + "` is not a bool",
                        "compare: on " + ev.name().text() + " = v > v_th: ...");
                cond = Value.ERROR;
            }
            Value fired = cond;
            Value active = null;
            if (ev.refractory() != null) {
                Value.Tensor counter = refractoryCounter(ev, dt, cond);
                if (counter != null) {
                    active = t(sp, bin(Expr.BinOp.LE, ref(sp, "$c"), bin(Expr.BinOp.MUL, num(sp, 0), ref(sp, "$dt"))), Map.of("$c", counter, "$dt", dt));
                    fired = t(sp, bin(Expr.BinOp.AND, ref(sp, "$a"), ref(sp, "$e")), Map.of("$a", active, "$e", cond));
                    Value period = el.exprs.eval(ev.refractory(), env, null, false);
                    if (period instanceof Value.Tensor p && !p.type().unit().equals(dt.type().unit())) {
                        el.diags.error(ev.refractory().span(), DiagCode.E0718, "the refractory period of `" + ev.name().text() + "` is in "
                                + el.unit(p.type().unit()) + ", not a time", "write a duration: refractory 2 ms");
                        period = Value.ERROR;
                    }
                    Value nextCounter = t(sp, call(sp, "where", ref(sp, "$s"), ref(sp, "$p"),
                                    call(sp, "max", bin(Expr.BinOp.SUB, ref(sp, "$c"), ref(sp, "$dt")), bin(Expr.BinOp.MUL, num(sp, 0), ref(sp, "$dt")))),
                            Map.of("$s", fired, "$p", period, "$c", counter, "$dt", dt));
                    bodies.setNext(counter, nextCounter, sp, env);
                }
            }
            eventValues.put(ev.name().text(), fired);
            Set<String> seen = new HashSet<>();
            for (Stmt.Reset r : ev.resets()) {
                String s = r.state().text();
                if (!eqs.containsKey(s)) {
                    el.diags.error(r.state().span(), DiagCode.E0718, "event `" + ev.name().text() + "` resets `" + s + "`, which has no equation",
                            "an event resets states with an equation (dv/dt = ...); a state with a `next` says its own step");
                    continue;
                }
                if (!seen.add(s)) {
                    el.diags.error(r.span(), DiagCode.E0718, "event `" + ev.name().text() + "` resets `" + s + "` twice", "reset each state once");
                    continue;
                }
                if (active != null) {
                    value.put(s, t(sp, call(sp, "where", ref(sp, "$a"), ref(sp, "$x1"), ref(sp, "$x")),
                            Map.of("$a", active, "$x1", value.get(s), "$x", old.get(s))));
                }
                Value reset = el.exprs.eval(lin.inline(r.value()), with(integrated), null, false);
                Value fire = fired;
                resets.add(() -> value.put(s, t(r.span(), call(r.span(), "where", ref(r.span(), "$s"), ref(r.span(), "$r"), ref(r.span(), "$x")),
                        Map.of("$s", fire, "$r", conformTo(reset, s, r.value().span(), "the reset of `" + s + "`"), "$x", value.get(s)))));
            }
        }
        this.value = value;
        this.resets = resets;
    }

    /** The step's values before jumps and resets; the resets, applied after the jumps. */
    private Map<String, Value> value;
    private List<Runnable> resets;
    private boolean finished;

    /**
     * Jumps (synaptic input) after the integration, then the resets, which win. Done after the step, when the
     * states' next values are asked for: a jump may read the events (`ge += we * f32(spike)`).
     */
    private void finish() {
        if (finished || value == null) return;
        finished = true;
        for (Map.Entry<String, List<Stmt.Jump>> e : jumps.entrySet()) {
            String s = e.getKey();
            for (Stmt.Jump j : e.getValue()) {
                Value add = conformTo(el.exprs.eval(j.value(), env, null, false), s, j.value().span(), "`" + s + " +=`");
                value.put(s, t(j.span(), bin(Expr.BinOp.ADD, ref(j.span(), "$x"), ref(j.span(), "$j")), Map.of("$x", value.get(s), "$j", add)));
            }
        }
        for (Runnable r : resets) r.run();
        next.putAll(value);
    }

    /** The circuit's or module's {@code dt}, a time. */
    private Value.Tensor timeStep(SourceSpan at) {
        boolean found = env.lookup("dt") != null || env.module.value("dt") != null;
        if (!found) {
            el.diags.error(at, DiagCode.E0717, "equations need the time step `dt`, and none is declared",
                    "declare it in the circuit or the module: const dt = 0.1 ms");
            return null;
        }
        Value v = el.exprs.eval(new Expr.Ref(at, new Name("dt", at)), env, null, false);
        if (v instanceof Value.Error) return null;
        if (!(v instanceof Value.Tensor t) || !t.weak() || t.type().unit().isNone() || !t.type().unit().equals(second())) {
            el.diags.error(at, DiagCode.E0717, "`dt` must be a constant time, such as 0.1 ms", "declare it: const dt = 0.1 ms");
            return null;
        }
        return t;
    }

    private Unit second() {
        var r = el.units.lookup(new Name("s", SourceSpan.NONE), env.module);
        return r == null ? Unit.NONE : r.dimension();
    }

    /** The right side of an equation at the step's start, checked: a float in the state's unit per time. */
    private Value.Tensor derivative(Stmt.Equation eq, Value.Tensor x, Value.Tensor dt) {
        Value v = el.exprs.eval(eq.rhs(), env, null, false);
        if (!(v instanceof Value.Tensor f)) return null;
        Unit want = x.type().unit().over(dt.type().unit());
        if (!f.type().unit().equals(want) && !(f.weak() && f.constant() == 0)) {
            Unit ratio = f.type().unit().over(want);
            String text = eq.rhs().span().isKnown() ? eq.rhs().span().text() : "...";
            if (text.length() > 60 || text.contains("\n")) text = "...";
            String fix = ratio.equals(dt.type().unit()) ? "divide by a time constant: d" + eq.state().text() + "/dt = (" + text + ") / tau"
                    : ratio.equals(dt.type().unit().inverse()) ? "it is a rate already per time twice; multiply by a time constant, or check the units of its terms"
                    : "each term must be in " + el.unit(want) + "; check the units of the constants";
            el.diags.error(eq.rhs().span(), DiagCode.E0715, "the right side of d" + eq.state().text() + "/dt is in " + perTime(f.type().unit(), dt)
                    + ", but it must be in " + perTime(want, dt) + ": " + eq.state().text() + "'s unit (" + el.unit(x.type().unit()) + ") per time", fix);
            return null;
        }
        if (f.weak()) {
            Value m = el.materialize(new Value.Tensor(f.type().withUnit(want), null, 0, true, f.constant()), x.type().dtype(), eq.rhs().span(), env);
            return m instanceof Value.Tensor t ? t : null;
        }
        if (f.type().dtype() != DType.F32 && f.type().dtype() != DType.F64) {
            el.diags.error(eq.rhs().span(), DiagCode.E0715, "the right side of d" + eq.state().text() + "/dt is " + f.type().dtype().word() + ", not a float",
                    "states with equations are f32 or f64");
            return null;
        }
        return f;
    }

    /** A unit, a named one over time written as such: V/s rather than kg*m^2/(A*s^4). */
    private String perTime(Unit u, Value.Tensor dt) {
        Unit t = dt.type().unit();
        Unit times = u.times(t);
        if (!u.isNone() && el.units.quantity(u) == null && !times.isNone() && !el.unit(times).contains("*") && !el.unit(times).contains("^")) {
            return el.unit(times) + "/" + el.unit(t);
        }
        return el.unit(u);
    }

    // ---- choosing the integrator

    private Map<String, String> choose(Map<String, Expr> rhs, Value.Tensor dt) {
        Map<String, String> method = new LinkedHashMap<>();
        Set<String> states = eqs.keySet();
        for (Stmt.Equation eq : eqs.values()) {
            if (eq.method() != null && !METHODS.contains(eq.method().text())) {
                el.diags.error(eq.method().span(), DiagCode.E0716, "unknown integration method `" + eq.method().text() + "`",
                        "methods: " + String.join(", ", METHODS) + "; leave it out and the compiler chooses");
                return null;
            }
        }
        // the largest set of states linear with constant coefficients in states of the set only
        Map<String, Linearity.Affine> full = new LinkedHashMap<>();
        Map<String, Map<String, Double>> coef = new LinkedHashMap<>();
        for (String s : states) {
            Linearity.Affine a = lin.affine(rhs.get(s), states);
            full.put(s, a);
            Map<String, Double> c = a == null ? null : constants(a);
            if (c != null) coef.put(s, c);
        }
        Set<String> exact = new LinkedHashSet<>();
        for (String s : states) {
            String m = eqs.get(s).method() == null ? null : eqs.get(s).method().text();
            if (coef.containsKey(s) && (m == null || m.equals("exact"))) exact.add(s);
        }
        for (boolean changed = true; changed; ) {
            changed = false;
            for (String s : List.copyOf(exact)) {
                for (Map.Entry<String, Double> c : coef.get(s).entrySet()) {
                    if (c.getValue() != 0 && !exact.contains(c.getKey())) {
                        exact.remove(s);
                        changed = true;
                        break;
                    }
                }
            }
        }
        // a state the compiler would integrate by exponential Euler but coupled (either way) to a nonlinear one is
        // integrated with it by RK4, as one system
        Set<String> nonlinear = new LinkedHashSet<>();
        for (String s : states) {
            Linearity.Affine own = lin.affine(rhs.get(s), Set.of(s));
            if (eqs.get(s).method() == null && !exact.contains(s) && (own == null || !own.coef().containsKey(s))) nonlinear.add(s);
        }
        Map<String, String> coupledTo = new LinkedHashMap<>();
        for (boolean changed = !nonlinear.isEmpty(); changed; ) {
            changed = false;
            for (String s : states) {
                if (eqs.get(s).method() != null || exact.contains(s) || nonlinear.contains(s) || coupledTo.containsKey(s)) continue;
                for (String n : nonlinear) {
                    if (Linearity.mentions(rhs.get(s), Set.of(n)) || Linearity.mentions(rhs.get(n), Set.of(s))) {
                        coupledTo.put(s, n);
                        break;
                    }
                }
                if (coupledTo.containsKey(s)) {
                    nonlinear.add(s);
                    changed = true;
                }
            }
        }
        for (String s : states) {
            Stmt.Equation eq = eqs.get(s);
            String asked = eq.method() == null ? null : eq.method().text();
            Linearity.Affine own = lin.affine(rhs.get(s), Set.of(s));
            boolean condLinear = own != null && own.coef().containsKey(s);
            String m, why;
            if (exact.contains(s)) {
                List<String> with = new ArrayList<>();
                for (Map.Entry<String, Double> c : coef.get(s).entrySet()) if (c.getValue() != 0 && !c.getKey().equals(s)) with.add(c.getKey());
                m = "exact";
                why = "linear with constant coefficients" + (with.isEmpty() ? "" : ", coupled to " + String.join(", ", with))
                        + ": the propagator exp(A dt) computed at compile time";
            } else if (asked != null && asked.equals("exact")) {
                el.diags.error(eq.method().span(), DiagCode.E0716, "d" + s + "/dt cannot be integrated exactly: " + notExactWhy(s, full.get(s), coef.get(s), exact),
                        "leave `: exact` out and the compiler chooses" + (condLinear ? " (exponential Euler)" : " (RK4)"));
                return null;
            } else if (asked != null && asked.equals("exponential_euler") && !condLinear) {
                el.diags.error(eq.method().span(), DiagCode.E0716, "d" + s + "/dt is not linear in " + s + ", so exponential Euler does not apply",
                        "leave `: exponential_euler` out and the compiler chooses (RK4), or name rk4, rk2 or euler");
                return null;
            } else if (asked != null) {
                m = asked;
                why = "asked for with `: " + asked + "`";
            } else if (coupledTo.containsKey(s)) {
                m = "rk4";
                why = "linear in " + s + ", but coupled to " + coupledTo.get(s) + ", which is not: integrated together by RK4";
            } else if (condLinear) {
                m = "exponential_euler";
                why = "linear in " + s + ", " + varying(s, own.coef().get(s), full.get(s), coef.get(s), exact);
            } else {
                m = "rk4";
                why = "not linear in " + s;
            }
            method.put(s, m);
            if (el.lowering) el.stateNotes.put(env.path(s), m);
            else el.choices.add(new Choice(eq.span(), env.path(s), m, why));
        }
        return method;
    }

    /** Why an equation linear in its own state is not integrated exactly: what its coefficient (or the rest) varies with. */
    private String varying(String s, Expr coefficient, Linearity.Affine a, Map<String, Double> c, Set<String> exact) {
        Set<String> reads = new LinkedHashSet<>();
        Exprs.walk(coefficient, x -> { if (x instanceof Expr.Ref r && eqs.containsKey(r.name().text())) reads.add(r.name().text()); });
        if (!reads.isEmpty()) return "its coefficient varies with " + String.join(", ", reads);
        Value v = el.exprs.eval(coefficient, env, null, false);
        if (v instanceof Value.Tensor t && !t.weak()) return "its coefficient is not a compile-time constant (it reads " + Bodies.dependsOn(t.deps()) + ")";
        return notExactWhy(s, a, c, exact);
    }

    private String notExactWhy(String s, Linearity.Affine a, Map<String, Double> c, Set<String> exact) {
        if (a == null) return "it is not linear in the states";
        if (c == null) return "a coefficient depends on something other than constants";
        for (Map.Entry<String, Double> e : c.entrySet()) {
            if (e.getValue() != 0 && !exact.contains(e.getKey()) && !e.getKey().equals(s)) return "it depends on " + e.getKey() + ", which is not integrated exactly";
        }
        return "it was asked for another method";
    }

    /** The coefficients of an affine form as compile-time numbers (base units), or null if one is not a constant. */
    private Map<String, Double> constants(Linearity.Affine a) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Expr> c : a.coef().entrySet()) {
            Value v = el.exprs.eval(c.getValue(), env, null, false);
            if (!(v instanceof Value.Tensor t) || !t.weak() || Double.isNaN(t.constant())) return null;
            out.put(c.getKey(), t.constant());
        }
        return out;
    }

    // ---- the integrators

    /** The states integrated exactly, as one linear system x' = E x + F b. */
    private void exact(Map<String, String> method, Map<String, Expr> rhs, Map<String, Value.Tensor> old, Value.Tensor dt, Map<String, Value> x1) {
        List<String> xs = new ArrayList<>();
        for (String s : eqs.keySet()) if (method.get(s).equals("exact")) xs.add(s);
        if (xs.isEmpty()) return;
        int n = xs.size();
        double[][] a = new double[n][n];
        List<Expr> b = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Linearity.Affine af = lin.affine(rhs.get(xs.get(i)), Set.copyOf(xs));
            Map<String, Double> c = constants(af);
            for (Map.Entry<String, Double> e : c.entrySet()) a[i][xs.indexOf(e.getKey())] = e.getValue();
            b.add(af.rest());
        }
        Propagator p = Propagator.of(a, dt.constant());
        List<Value> bv = new ArrayList<>();
        for (Expr e : b) bv.add(e == null ? null : el.exprs.eval(e, env, null, false));
        for (int i = 0; i < n; i++) {
            SourceSpan sp = eqs.get(xs.get(i)).span();
            Unit ui = old.get(xs.get(i)).type().unit();
            Value sum = null;
            for (int j = 0; j < n; j++) {
                Unit uj = old.get(xs.get(j)).type().unit();
                if (p.e()[i][j] != 0) sum = plus(sp, sum, times(sp, Elaborator.weak(p.e()[i][j], DType.F32, ui.over(uj)), old.get(xs.get(j))));
                if (p.f()[i][j] != 0 && bv.get(j) != null) {
                    sum = plus(sp, sum, times(sp, Elaborator.weak(p.f()[i][j], DType.F32, ui.over(uj).times(dt.type().unit())), bv.get(j)));
                }
            }
            x1.put(xs.get(i), sum == null ? Elaborator.weak(0, DType.F32, ui) : sum);
        }
    }

    /** x + f dt phi(A dt), phi(z) = (e^z - 1) / z (1 + z/2 + z^2/6 near 0): exact when A and the rest hold over the step. */
    private Value exponentialEuler(String s, Expr rhs, Value.Tensor x, Value.Tensor f, Value.Tensor dt) {
        SourceSpan sp = eqs.get(s).span();
        Linearity.Affine own = lin.affine(rhs, Set.of(s));
        Value a = el.exprs.eval(own.coef().get(s), env, null, false);
        Value z = t(sp, bin(Expr.BinOp.MUL, ref(sp, "$a"), ref(sp, "$dt")), Map.of("$a", a, "$dt", dt));
        Expr zr = ref(sp, "$z");
        Expr series = bin(Expr.BinOp.ADD, bin(Expr.BinOp.ADD, num(sp, 1), bin(Expr.BinOp.DIV, zr, num(sp, 2))),
                bin(Expr.BinOp.DIV, bin(Expr.BinOp.MUL, zr, zr), num(sp, 6)));
        Expr exact = bin(Expr.BinOp.DIV, bin(Expr.BinOp.SUB, call(sp, "exp", zr), num(sp, 1)), zr);
        Expr phi = call(sp, "where", bin(Expr.BinOp.LT, call(sp, "abs", zr), num(sp, 1e-3)), series, exact);
        Expr step = bin(Expr.BinOp.ADD, ref(sp, "$x"), bin(Expr.BinOp.MUL, bin(Expr.BinOp.MUL, ref(sp, "$f"), ref(sp, "$dt")), phi));
        return t(sp, step, Map.of("$z", z, "$x", x, "$f", f, "$dt", dt));
    }

    /** Explicit Runge-Kutta (the midpoint rule for rk2, the classical scheme for rk4) over the states that use it. */
    private void rungeKutta(String kind, Map<String, String> method, Map<String, Expr> rhs, Map<String, Value.Tensor> old,
                            java.util.function.Function<String, Value.Tensor> f0, Value.Tensor dt, Map<String, Value> x1) {
        List<String> xs = new ArrayList<>();
        for (String s : eqs.keySet()) if (method.get(s).equals(kind)) xs.add(s);
        if (xs.isEmpty()) return;
        double[] c = kind.equals("rk2") ? new double[] {0.5} : new double[] {0.5, 0.5, 1};
        // the states integrated exactly go through the stages too, so that the others read them at the stage times
        List<String> staged = new ArrayList<>(xs);
        for (String s : eqs.keySet()) if (method.get(s).equals("exact")) staged.add(s);
        List<Map<String, Value>> k = new ArrayList<>();
        Map<String, Value> k1 = new LinkedHashMap<>();
        for (String s : staged) k1.put(s, f0.apply(s));
        k.add(k1);
        for (double ci : c) {
            Map<String, Value> stage = new LinkedHashMap<>();
            for (String s : staged) {
                SourceSpan sp = eqs.get(s).span();
                stage.put(s, t(sp, bin(Expr.BinOp.ADD, ref(sp, "$x"), bin(Expr.BinOp.MUL, bin(Expr.BinOp.MUL, num(sp, ci), ref(sp, "$dt")), ref(sp, "$k"))),
                        Map.of("$x", old.get(s), "$dt", dt, "$k", k.get(k.size() - 1).get(s))));
            }
            Map<String, Value> ki = new LinkedHashMap<>();
            for (String s : staged) ki.put(s, el.exprs.eval(rhs.get(s), with(stage), null, false));
            k.add(ki);
        }
        for (String s : xs) {
            SourceSpan sp = eqs.get(s).span();
            Map<String, Value> vals = new HashMap<>(Map.of("$x", old.get(s), "$dt", dt));
            Expr incr;
            if (kind.equals("rk2")) {
                vals.put("$k2", k.get(1).get(s));
                incr = ref(sp, "$k2");
            } else {
                for (int i = 0; i < 4; i++) vals.put("$k" + (i + 1), k.get(i).get(s));
                Expr mid = bin(Expr.BinOp.MUL, num(sp, 2), bin(Expr.BinOp.ADD, ref(sp, "$k2"), ref(sp, "$k3")));
                incr = bin(Expr.BinOp.DIV, bin(Expr.BinOp.ADD, bin(Expr.BinOp.ADD, ref(sp, "$k1"), mid), ref(sp, "$k4")), num(sp, 6));
            }
            x1.put(s, t(sp, bin(Expr.BinOp.ADD, ref(sp, "$x"), bin(Expr.BinOp.MUL, incr, ref(sp, "$dt"))), vals));
        }
    }

    /** The state counting down an event's refractory period: {@code <event>_refractory}, in dt's unit, from 0. */
    private Value.Tensor refractoryCounter(Stmt.Event ev, Value.Tensor dt, Value cond) {
        if (!(cond instanceof Value.Tensor c)) return null;
        String name = ev.name().text() + "_refractory";
        if (env.bindings.containsKey(name)) {
            el.diags.error(ev.name().span(), DiagCode.E0718, "event `" + ev.name().text() + "` counts its refractory period in a state `" + name
                    + "`, but that name is taken here", "rename the event or the other `" + name + "`");
            return null;
        }
        TensorType type = new TensorType(DType.F32, c.type().axes(), dt.type().unit());
        return bodies.newState(name, type, Elaborator.weak(0, DType.F32, dt.type().unit()), ev.span(), env);
    }

    private Value conformTo(Value v, String state, SourceSpan span, String what) {
        Elaborator.Typed t = el.type(((Stmt.State) env.bindings.get(state).stmt).type(), env);
        if (t == null) return Value.ERROR;
        Value c = el.conform(v, t.type(), span, env, what);
        return bodies.expandTo(c, ((Value.Tensor) bodies.value(env.bindings.get(state), env)).type(), span, env);
    }

    // ---- small expressions over bound values

    /** Evaluates {@code e} with the {@code $}-names bound to values (they cannot clash with a user's names). */
    private Value t(SourceSpan sp, Expr e, Map<String, Value> vals) {
        for (Value v : vals.values()) if (!(v instanceof Value.Tensor)) return Value.ERROR;
        return el.exprs.eval(e, with(vals), null, false);
    }

    private Env with(Map<String, Value> vals) {
        Env c = new Env(env.module, env, env.axes, env.forAxes, env.mapAxes, Map.of(), env.scope, env.callNumbers);
        for (Map.Entry<String, Value> e : vals.entrySet()) c.bindings.put(e.getKey(), new Env.Binding(e.getKey(), null, -1, e.getValue()));
        return c;
    }

    private Value plus(SourceSpan sp, Value a, Value b) {
        if (a == null) return b;
        return t(sp, bin(Expr.BinOp.ADD, ref(sp, "$a"), ref(sp, "$b")), Map.of("$a", a, "$b", b));
    }

    private Value times(SourceSpan sp, Value a, Value b) {
        return t(sp, bin(Expr.BinOp.MUL, ref(sp, "$a"), ref(sp, "$b")), Map.of("$a", a, "$b", b));
    }

    private static Expr ref(SourceSpan sp, String n) { return new Expr.Ref(sp, new Name(n, sp)); }
    private static Expr num(SourceSpan sp, double v) { return new Expr.Num(sp, v, false, null); }
    private static Expr bin(Expr.BinOp op, Expr a, Expr b) { return new Expr.Binary(a.span(), op, a, b); }
    private static Expr call(SourceSpan sp, String f, Expr... args) { return new Expr.Call(sp, new Name(f, sp), List.of(), List.of(args)); }
}
