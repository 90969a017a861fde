package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.frontend.CompilerBug;
import ncd.frontend.Program;
import ncd.frontend.TypeSink;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Name;
import ncd.frontend.resolve.ModuleScope;
import ncd.frontend.resolve.UnitTable;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DaleCheck;
import ncd.ir.Graph;
import ncd.ir.IrInvariantError;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.ir.Unit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed, linked and checked program. Checking elaborates every circuit and law of every loaded module once,
 * generically; lowering elaborates one of the root module's with all sizes known.
 */
public final class CheckedProgram implements Program {
    private final ModuleScope root;
    /** Every loaded module, the root among them. */
    private final List<ModuleScope> modules;
    private final UnitTable units;
    private final boolean clean;
    private final String name;

    /** The integrators chosen in the root module (see {@link #integrators()}). */
    private List<Integrator> integrators = List.of();

    private CheckedProgram(String name, ModuleScope root, List<ModuleScope> modules, UnitTable units, boolean clean) {
        this.name = name;
        this.root = root;
        this.modules = List.copyOf(modules);
        this.units = units;
        this.clean = clean;
    }

    /** A program that failed before checking (unreadable or unparsable root): it has no circuits. */
    public static Program empty(String name) { return new CheckedProgram(name, null, List.of(), null, false); }

    /** Checks every module; errors go to {@code diags}, the type of each tensor expression to {@code types}. */
    public static Program check(ModuleScope root, List<ModuleScope> modules, Diagnostics diags, TypeSink types) {
        UnitTable units = new UnitTable(diags);
        Elaborator el = new Elaborator(diags, units, null, types);
        for (ModuleScope m : modules) {
            for (Decl.UnitDef u : unitsOf(m)) units.lookup(u.name(), m);
        }
        for (ModuleScope m : modules) {
            for (Decl.Circuit c : m.circuits().values()) checkCircuit(el, new CircuitRef(c, m));
            for (Decl.Law l : m.laws().values()) checkLaw(el, l, m);
            for (Decl d : m.ast().decls()) {
                if (d instanceof Decl.Consts cs) for (Decl.ConstDef c : cs.defs()) el.bodies.moduleConstant(c, m, null);
            }
        }
        for (ModuleScope m : modules) for (ncd.frontend.TrainSpec t : m.trains().values()) checkSteps(el, t, m, diags);
        reportRecursion(el, diags);
        Map<String, DaleCheck.Population> populations = populations(modules, diags);
        CheckedProgram p = new CheckedProgram(root.name(), root, modules, units, !diags.hasErrors());
        if (p.clean) p.proveDale(populations, diags);
        Map<String, Integrator> chosen = new LinkedHashMap<>();
        for (Dynamics.Choice c : el.choices) {
            if (c.span().file() == null || root.ast() == null || c.span().file() != root.ast().file()) continue;
            chosen.putIfAbsent(c.span().start() + ":" + c.state(), new Integrator(c.span(), c.state(), c.method(), c.why()));
        }
        p.integrators = List.copyOf(chosen.values());
        return p;
    }

    /**
     * The populations the loaded modules declare ({@code axis exc = 3200 excitatory}), by axis name; a sign word that
     * is neither {@code excitatory} nor {@code inhibitory} is E0734.
     */
    private static Map<String, DaleCheck.Population> populations(List<ModuleScope> modules, Diagnostics diags) {
        Map<String, DaleCheck.Population> out = new LinkedHashMap<>();
        for (ModuleScope m : modules) {
            for (Decl.AxisDef a : m.axes().values()) {
                if (a.sign() == null) continue;
                DaleCheck.Population p = DaleCheck.Population.named(a.sign().text());
                if (p == null) {
                    String close = ncd.diag.CloseNames.didYouMean(a.sign().text(), List.of("excitatory", "inhibitory"));
                    diags.error(a.sign().span(), DiagCode.E0734, "`" + a.sign().text() + "` is not a population sign",
                            close != null ? close + " (a population's outgoing weights: excitatory >= 0, inhibitory <= 0)" : "write `excitatory` (outgoing weights >= 0) or `inhibitory` (<= 0) after the axis: axis "
                                    + a.name().text() + (a.size() == null ? "" : " = " + a.size()) + " excitatory; if `" + a.sign().text()
                                    + "` is another axis, separate the two with a comma");
                    continue;
                }
                out.putIfAbsent(a.name().text(), p);
            }
        }
        return out;
    }

    /**
     * Dale's law for the root module's circuits that use a population's axis: each is lowered (generic and sized-later
     * axes at a sample size, since signs do not depend on sizes) and its projections proved ({@link DaleCheck}); only
     * E0732 and E0733 are kept, so that a sample size that some rule cannot meet says nothing.
     */
    private void proveDale(Map<String, DaleCheck.Population> populations, Diagnostics diags) {
        if (populations.isEmpty() || root == null) return;
        for (Decl.Circuit c : root.circuits().values()) {
            Set<String> words = new HashSet<>();
            NamesUsed.ofCircuit(c, root, words, new HashSet<>());
            if (java.util.Collections.disjoint(words, populations.keySet())) continue;
            Map<String, Integer> sizes = new LinkedHashMap<>();
            for (String a : unsizedAxes(c.name().text())) sizes.put(a, SAMPLE_SIZE);
            Diagnostics scratch = new Diagnostics();
            try {
                lower(c.name().text(), sizes, scratch);
            } catch (CompilerBug e) {
                continue;  // reported when the circuit is lowered for real
            }
            for (ncd.diag.Diagnostic d : scratch.all()) {
                if (d.code() == DiagCode.E0732 || d.code() == DiagCode.E0733) diags.add(d.severity(), d.code(), d.span(), d.message(), d.hint());
            }
        }
    }

    /** The size of a generic or sized-later axis when a circuit is lowered only to prove Dale's law. */
    private static final int SAMPLE_SIZE = 4;

    /**
     * A stateful objective's loss is over a run of steps, so its train declaration must say how many; a stateless
     * one's {@code steps} would change nothing. Checked here, where state is known, so that {@code ncdc check} says
     * it rather than the first training run.
     */
    private static void checkSteps(Elaborator el, ncd.frontend.TrainSpec t, ModuleScope m, Diagnostics diags) {
        Decl.Circuit obj = m.circuits().get(t.objective());
        if (obj == null) return;
        boolean stateful = el.isStateful(new CircuitRef(obj, m));
        if (stateful && t.steps() == 0) {
            diags.error(t.span(), DiagCode.E0901, t.objective() + " has state: its loss is over a run of steps, and train " + t.name()
                    + " does not say how many", "say how many steps each sample runs: steps = T (its data then has a step axis after sample)");
        } else if (!stateful && t.steps() > 0) {
            diags.warning(t.span(), DiagCode.E0901, t.objective() + " has no state; steps = " + t.steps() + " changes nothing", "drop steps");
        }
    }

    private static List<Decl.UnitDef> unitsOf(ModuleScope m) {
        List<Decl.UnitDef> out = new ArrayList<>();
        for (Decl d : m.ast().decls()) if (d instanceof Decl.UnitDef u) out.add(u);
        return out;
    }

    private static Map<String, Axis> genericAxes(List<Name> generics, Map<String, Integer> sizes) {
        Map<String, Axis> m = new LinkedHashMap<>();
        for (Name g : generics) {
            Integer s = sizes == null ? null : sizes.get(g.text());
            m.put(g.text(), new Axis(g.text(), s == null ? Axis.UNSIZED : s));
        }
        return m;
    }

    private static void checkCircuit(Elaborator el, CircuitRef c) {
        Decl.Circuit d = c.decl();
        Env env = new Env(c.module(), null, genericAxes(d.generics(), null), List.of(), List.of(), Map.of(), "", new HashMap<>());
        el.calls.currentCircuit = d;
        List<Signature.Param> ins = Signature.inputs(c, el, env);
        if (ins == null) return;
        List<ncd.frontend.elab.Value> args = new ArrayList<>();
        for (Signature.Param p : ins) {
            Elaborator.Typed t = el.type(p.type(), env);
            args.add(t == null ? Value.ERROR : Value.Tensor.strong(t.type(), null, Value.DEP_INPUT));
        }
        el.calls.enter(c, env, args);
    }

    private static void checkLaw(Elaborator el, Decl.Law l, ModuleScope m) {
        Env env = new Env(m, null, genericAxes(l.generics(), null), List.of(), List.of(), Map.of(), "", new HashMap<>());
        el.calls.currentCircuit = null;
        law(el, l, env);
    }

    /** Binds a law's inputs in {@code env} (already done by the caller when lowering) and elaborates both sides. */
    private static Value[] law(Elaborator el, Decl.Law l, Env env) {
        for (Decl.ParamDecl p : l.params()) {
            if (env.bindings.containsKey(p.name().text())) continue;
            Elaborator.Typed t = el.type(p.type(), env);
            env.bindings.put(p.name().text(), Env.Binding.input(p,
                    t == null ? Value.ERROR : Value.Tensor.strong(t.type(), null, Value.DEP_INPUT)));
        }
        el.calls.numberCallsIn(List.of(l.lhs(), l.rhs()), env);
        el.lawGrads.enter(l.name().text(), env);
        Value.Tensor a, b;
        try {
            a = el.exprs.tensor(l.lhs(), env);
            b = el.exprs.tensor(l.rhs(), env);
        } finally {
            el.lawGrads.enter(null, null);
        }
        if (a == null || b == null) return null;
        // the right side must have the left side's type; a number takes it
        if (a.weak() && b.weak()) {
            a = (Value.Tensor) orError(el.materialize(a, ncd.ir.DType.F32, l.lhs().span(), env));
            if (a == null) return null;
        }
        if (a.weak()) {
            Value t = el.conform(a, b.type(), l.lhs().span(), env, "the left side of law " + l.name().text());
            return t instanceof Value.Tensor ? new Value[]{t, b} : null;
        }
        Value r = el.conform(b, a.type(), l.rhs().span(), env, "the right side of law " + l.name().text());
        return r instanceof Value.Tensor ? new Value[]{a, r} : null;
    }

    private static Value orError(Value v) { return v instanceof Value.Tensor ? v : null; }

    /** Calls that close a cycle are errors: circuits are expanded inline, so recursion would never end. */
    private static void reportRecursion(Elaborator el, Diagnostics diags) {
        Set<Decl.Circuit> done = new HashSet<>();
        for (Decl.Circuit start : el.callGraph.keySet()) {
            if (start == null) continue;
            dfs(el, start, new ArrayList<>(), new HashSet<>(), done, diags);
        }
    }

    private static void dfs(Elaborator el, Decl.Circuit c, List<Decl.Circuit> stack, Set<Decl.Circuit> onStack, Set<Decl.Circuit> done, Diagnostics diags) {
        if (done.contains(c)) return;
        stack.add(c);
        onStack.add(c);
        for (Elaborator.CallEdge e : el.callGraph.getOrDefault(c, List.of())) {
            if (onStack.contains(e.callee())) {
                List<String> cycle = new ArrayList<>();
                for (int i = stack.indexOf(e.callee()); i < stack.size(); i++) cycle.add(stack.get(i).name().text());
                cycle.add(e.callee().name().text());
                boolean already = diags.all().stream().anyMatch(d -> d.code() == DiagCode.E0209 && d.span().equals(e.span()));
                if (!already) diags.error(e.span(), DiagCode.E0209, "recursive circuit: " + String.join(" -> ", cycle),
                        "circuits are expanded at compile time; for recurrence over time use `state` and `next`");
            } else {
                dfs(el, e.callee(), stack, onStack, done, diags);
            }
        }
        stack.remove(stack.size() - 1);
        onStack.remove(c);
        done.add(c);
    }

    // ---- Program

    @Override public String moduleName() { return name; }

    @Override public List<Integrator> integrators() { return integrators; }

    @Override public List<SynapseNote> synapses() {
        Map<String, SynapseNote> out = new LinkedHashMap<>();
        if (root == null || !clean) return List.of();
        for (String c : circuitNames()) {
            if (!unsizedAxes(c).isEmpty()) continue;
            Optional<Graph> g;
            try {
                g = lower(c, Map.of(), new Diagnostics());
            } catch (CompilerBug e) {
                continue;
            }
            if (g.isEmpty()) continue;
            for (ncd.ir.Node n : g.get().nodes()) {
                if (n.op() != Op.SYNAPSES) continue;
                String text = ncd.ir.SynapseExplain.line(n);
                out.putIfAbsent(n.span().start() + ":" + text, new SynapseNote(n.span(), text));
            }
        }
        return List.copyOf(out.values());
    }

    @Override public Optional<ModuleScope> rootScope() { return Optional.ofNullable(root); }

    @Override public List<String> circuitNames() {
        return root == null ? List.of() : new ArrayList<>(root.circuits().keySet());
    }

    @Override public List<ncd.frontend.TrainSpec> trains() {
        return root == null ? List.of() : new ArrayList<>(root.trains().values());
    }

    @Override public List<String> lawNames() {
        return root == null ? List.of() : new ArrayList<>(root.laws().keySet());
    }

    @Override public List<String> unsizedAxes(String circuit) {
        List<String> out = new ArrayList<>();
        if (root == null) return out;
        Decl.Circuit c = root.circuits().get(circuit);
        Decl.Law l = root.laws().get(circuit);
        List<Name> generics = c != null ? c.generics() : l != null ? l.generics() : List.of();
        for (Name g : generics) out.add(g.text());
        if (c == null && l == null) return out;
        Set<String> words = new HashSet<>();
        if (c != null) NamesUsed.ofCircuit(c, root, words, new HashSet<>());
        else NamesUsed.ofLaw(l, root, words);
        for (Map.Entry<String, Decl.AxisDef> a : root.axes().entrySet()) {
            if (a.getValue().size() == null && words.contains(a.getKey()) && !out.contains(a.getKey())) out.add(a.getKey());
        }
        return out;
    }

    @Override public Optional<AxisDecl> axisDeclaration(String axis) {
        if (root == null) return Optional.empty();
        ModuleScope.Found<Decl.AxisDef> seen = root.axis(axis);
        if (seen != null) return Optional.of(axisDecl(seen.module(), seen.decl()));
        for (ModuleScope m : modules) {
            Decl.AxisDef d = m.axes().get(axis);
            if (d != null && d.size() == null) return Optional.of(axisDecl(m, d));
        }
        return Optional.empty();
    }

    private static AxisDecl axisDecl(ModuleScope m, Decl.AxisDef d) { return new AxisDecl(m.name(), d.name().span(), d.size()); }

    @Override public Optional<Graph> lower(String circuit, Map<String, Integer> sizes, Diagnostics diags) {
        if (root == null) return Optional.empty();
        Decl.Circuit c = root.circuits().get(circuit);
        Decl.Law l = root.laws().get(circuit);
        if (c == null && l == null) {
            List<String> all = new ArrayList<>(circuitNames());
            all.addAll(lawNames());
            diags.error(SourceSpan.NONE, DiagCode.E0801, "no circuit or law `" + circuit + "` in module " + name,
                    all.isEmpty() ? "the module declares none" : "it declares: " + String.join(", ", all));
            return Optional.empty();
        }
        if (!clean) return Optional.empty();
        for (Map.Entry<String, Integer> e : sizes.entrySet()) {
            if (e.getValue() == null || e.getValue() < 1) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "axis " + e.getKey() + " must have a size of at least 1", null);
                return Optional.empty();
            }
        }
        List<String> missing = new ArrayList<>();
        for (String a : unsizedAxes(circuit)) if (!sizes.containsKey(a)) missing.add(a);
        if (!missing.isEmpty()) {
            SourceSpan at = c != null ? c.name().span() : l.name().span();
            diags.error(at, DiagCode.E0305, circuit + " needs sizes for " + String.join(", ", missing),
                    "give them: " + String.join(" ", missing.stream().map(m -> "--axis " + m + "=SIZE").toList()));
            return Optional.empty();
        }
        int before = diags.errorCount();
        try {
            Graph g = c != null ? lowerCircuit(new CircuitRef(c, root), sizes, diags) : lowerLaw(l, sizes, diags);
            return diags.errorCount() > before || g == null ? Optional.empty() : Optional.of(g);
        } catch (IrInvariantError | IllegalStateException | IllegalArgumentException e) {
            throw new CompilerBug("lower", e);
        }
    }

    @Override public Optional<String> declarationAt(SourceSpan span) {
        if (root == null || !span.isKnown()) return Optional.empty();
        for (Decl d : root.ast().decls()) {
            SourceSpan s = d.span();
            if (s.path().equals(span.path()) && s.start() <= span.start() && span.start() < Math.max(s.end(), s.start() + 1)) {
                if (d instanceof Decl.Circuit c) return Optional.of(c.name().text());
                if (d instanceof Decl.Law l) return Optional.of(l.name().text());
                if (d instanceof Decl.Train t && root.trains().containsKey(t.name().text())) return Optional.of(t.name().text());
            }
        }
        return Optional.empty();
    }

    @Override public Optional<Partial> lowerPartial(String name, Map<String, Integer> sizes) {
        if (root == null) return Optional.empty();
        Decl.Circuit c = root.circuits().get(name);
        Decl.Law l = root.laws().get(name);
        if (c == null && l == null) return Optional.empty();
        Diagnostics scratch = new Diagnostics();
        Decl decl = c != null ? c : l;
        Elaborator el = lowering(name, c != null ? Graph.Kind.CIRCUIT : Graph.Kind.LAW, decl.span(), sizes, scratch);
        try {
            if (c != null) {
                Env env = new Env(root, null, genericAxes(c.generics(), sizes), List.of(), List.of(), Map.of(), "", new HashMap<>());
                List<Signature.Param> ins = Signature.inputs(new CircuitRef(c, root), el, env);
                if (ins == null) return Optional.empty();
                List<Value> args = new ArrayList<>();
                for (Signature.Param p : ins) args.add(input(el, p.name(), p.type(), env));
                el.calls.enter(new CircuitRef(c, root), env, args);
            } else {
                Env env = new Env(root, null, genericAxes(l.generics(), sizes), List.of(), List.of(), Map.of(), "", new HashMap<>());
                for (Decl.ParamDecl p : l.params()) {
                    env.bindings.put(p.name().text(), Env.Binding.input(p, input(el, p.name().text(), p.type(), env)));
                }
                law(el, l, env);
            }
        } catch (RuntimeException e) {
            // a broken program may break lowering's assumptions anywhere: draw what was built
        }
        Graph g = el.finish(el.graph);
        if (g.nodes().isEmpty()) return Optional.empty();
        return Optional.of(new Partial(g, List.copyOf(el.refusals)));
    }

    private Elaborator lowering(String graphName, Graph.Kind kind, SourceSpan span, Map<String, Integer> sizes, Diagnostics diags) {
        Elaborator el = new Elaborator(diags, units, Graph.builder(graphName, kind, span).unitNames(units.coherentNames()), TypeSink.NONE);
        el.axisSizes.putAll(sizes);
        return el;
    }

    private Graph lowerCircuit(CircuitRef c, Map<String, Integer> sizes, Diagnostics diags) {
        Decl.Circuit d = c.decl();
        int before = diags.errorCount();
        Elaborator el = lowering(d.name().text(), Graph.Kind.CIRCUIT, d.span(), sizes, diags);
        Env env = new Env(c.module(), null, genericAxes(d.generics(), sizes), List.of(), List.of(), Map.of(), "", new HashMap<>());
        List<Signature.Param> ins = Signature.inputs(c, el, env);
        if (ins == null) return null;
        List<Value> args = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (Signature.Param p : ins) {
            // a parallel composition can bring two inputs of one name: x, x_1, ...
            String n = p.name();
            for (int k = 1; !taken.add(n); k++) n = p.name() + "_" + k;
            args.add(input(el, n, p.type(), env));
        }
        Value out = el.calls.enter(c, env, args);
        List<Value> outs = out instanceof Value.Tuple t ? t.items() : List.of(out);
        List<String> names = d.isComposed() ? defaultNames(outs.size()) : Calls.outputNames(d);
        for (int i = 0; i < outs.size(); i++) {
            double scale = d.isComposed() ? 1 : scaleOf(el, d.outputs().get(i).type(), env);
            output(el, names.get(i), outs.get(i), scale, env);
        }
        Graph g = el.finish(el.graph);
        if (diags.errorCount() == before) DaleCheck.check(g, populations(modules, new Diagnostics()), diags);
        return g;
    }

    private static List<String> defaultNames(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(n == 1 ? "out" : "out" + i);
        return out;
    }

    private Graph lowerLaw(Decl.Law l, Map<String, Integer> sizes, Diagnostics diags) {
        Elaborator el = lowering(l.name().text(), Graph.Kind.LAW, l.span(), sizes, diags);
        el.graph.tolerance(l.tolerance()).steps(l.steps());
        Env env = new Env(root, null, genericAxes(l.generics(), sizes), List.of(), List.of(), Map.of(), "", new HashMap<>());
        for (Decl.ParamDecl p : l.params()) {
            env.bindings.put(p.name().text(), Env.Binding.input(p, input(el, p.name().text(), p.type(), env)));
        }
        Value[] sides = law(el, l, env);
        if (sides == null) return null;
        output(el, "lhs", sides[0], 1, env);
        output(el, "rhs", sides[1], 1, env);
        return el.finish(el.graph);
    }

    private double scaleOf(Elaborator el, ncd.frontend.ast.TypeExpr t, Env env) {
        Elaborator.Typed ty = el.type(t, env);
        return ty == null ? 1 : ty.scale();
    }

    /**
     * A graph input. Numbers arrive in the declared unit; where that unit is not coherent (nA, mV), the input is
     * a plain number multiplied by the unit's scale, so that inside the graph every value is in base units.
     */
    private static Value input(Elaborator el, String name, ncd.frontend.ast.TypeExpr type, Env env) {
        Elaborator.Typed t = el.type(type, env);
        if (t == null) return Value.ERROR;
        for (Axis a : t.type().axes()) {
            if (!a.isSized()) {
                el.diags.error(type.span(), DiagCode.E0305, "input " + name + " has axis " + a.name() + " without a size", "give one: --axis " + a.name() + "=N");
                return Value.ERROR;
            }
        }
        if (t.scale() == 1) {
            return el.emit(Op.INPUT, new Attr.Named(name), List.of(), t.type(), type.span(), env, Value.DEP_INPUT);
        }
        Value raw = el.emit(Op.INPUT, new Attr.Named(name), List.of(), t.type().withUnit(Unit.NONE), type.span(), env, Value.DEP_INPUT);
        Value k = el.emit(Op.CONST, new Attr.Scalar(t.scale()), List.of(), new TensorType(t.type().dtype(), List.of(), t.type().unit()), type.span(), env, 0);
        Value v = el.emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.MUL), List.of(raw, k), null, type.span(), env, 0);
        return v instanceof Value.Tensor tv ? new Value.Tensor(tv.type(), tv.node(), Value.DEP_INPUT, false, Double.NaN) : v;
    }

    /** A graph output, converted back to its declared unit's numbers where that unit is not coherent. */
    private static void output(Elaborator el, String name, Value v, double scale, Env env) {
        if (!(v instanceof Value.Tensor t) || t.node() == null) return;
        Value out = t;
        if (scale != 1) {
            Value k = el.emit(Op.CONST, new Attr.Scalar(scale), List.of(), new TensorType(t.type().dtype(), List.of(), t.type().unit()), t.node().span(), env, 0);
            out = el.emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.DIV), List.of(t, k), null, t.node().span(), env, 0);
        }
        if (out instanceof Value.Tensor o) el.graph.output(name, o.node());
    }
}
