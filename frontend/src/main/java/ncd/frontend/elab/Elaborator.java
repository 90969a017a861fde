package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.frontend.TypeSink;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.TypeExpr;
import ncd.frontend.resolve.ModuleScope;
import ncd.frontend.resolve.UnitTable;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.IrInvariantError;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.OpSpecs;
import ncd.ir.State;
import ncd.ir.TensorType;
import ncd.ir.TypeRuleException;
import ncd.ir.Unit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Elaboration: the one walk over circuit bodies that both checks and lowers. Checking elaborates every circuit
 * once, with its generic axes as opaque unsized axes, computing types only; lowering elaborates one entry
 * circuit with every size known, expanding calls inline and building IR nodes. Both go through the same code
 * and the same op type rules ({@link OpSpecs}), so what the checker accepts is exactly what lowering builds.
 *
 * <p>This class holds the session (mode, diagnostics, graph builder, caches) and the node factory; bodies are in
 * {@link Bodies}, calls in {@link Calls}, expressions in {@link Exprs}, axis operations and builtins in {@link Builtins}.
 */
final class Elaborator {
    final Diagnostics diags;
    final UnitTable units;
    /** Lowering builds nodes; checking only computes types. */
    final boolean lowering;
    final Graph.Builder graph;
    /** Sizes of sized-later axes given by the driver, and sizes learned from lowered nodes. */
    final Map<String, Integer> axisSizes = new HashMap<>();
    /** Parameter nodes by instance path: calls of a bound instance share them. */
    final Map<String, Node> params = new HashMap<>();
    /** States lowered so far: path to (type, init, next). */
    final Map<String, PendingState> states = new LinkedHashMap<>();
    /**
     * Each parameter path's declaration, per elaborated body (its outermost env, by identity): two declarations of one
     * path in one body are an error (E0206), not one parameter.
     */
    final Map<Env, Map<String, ncd.frontend.ast.Stmt.Param>> paramDecls = new java.util.IdentityHashMap<>();
    /** Circuits being expanded (lowering): a repeat is recursion. */
    final Deque<Decl.Circuit> expanding = new ArrayDeque<>();
    /** Calls seen while checking: caller to callees, for the recursion check. */
    final Map<Decl.Circuit, List<CallEdge>> callGraph = new LinkedHashMap<>();
    /** Module constants already elaborated in this session. */
    final Map<Decl.ConstDef, Value> moduleConsts = new HashMap<>();
    final Map<Decl.ConstDef, Boolean> moduleConstsInProgress = new HashMap<>();
    /** Operations refused while lowering, with the nodes that fed them (for drawing a circuit up to its error). */
    final List<ncd.frontend.Program.Refusal> refusals = new ArrayList<>();
    /** The integrator chosen for each state with an equation, while checking (ncdc check --explain). */
    final List<Dynamics.Choice> choices = new ArrayList<>();
    /** The integrator of each state path, while lowering (drawn in the diagram). */
    final Map<String, String> stateNotes = new LinkedHashMap<>();

    final Bodies bodies;
    final Calls calls;
    final Exprs exprs;
    final Builtins builtins;
    final Complexes complexes = new Complexes(this);
    final UnknownNames unknown;
    final OperatorErrors operators;
    final LawGrads lawGrads;
    final Scans scans;
    /** Sees each tensor expression's type ({@link Exprs#eval}): an editor's hover. */
    final TypeSink types;

    record CallEdge(Decl.Circuit callee, SourceSpan span) {}

    static final class PendingState {
        final String path;
        final TensorType type;
        Node init;
        Node next;
        final SourceSpan span;

        PendingState(String path, TensorType type, SourceSpan span) {
            this.path = path;
            this.type = type;
            this.span = span;
        }
    }

    Elaborator(Diagnostics diags, UnitTable units, Graph.Builder graph, TypeSink types) {
        this.diags = diags;
        this.types = types;
        this.units = units;
        this.graph = graph;
        this.lowering = graph != null;
        this.bodies = new Bodies(this);
        this.calls = new Calls(this);
        this.exprs = new Exprs(this);
        this.builtins = new Builtins(this);
        this.unknown = new UnknownNames(this);
        this.operators = new OperatorErrors(this);
        this.lawGrads = new LawGrads(this);
        this.scans = new Scans(this);
    }

    // ---- values whose dtype their context decides

    /**
     * Values made only of number literals and a choice between them, {@code where(h >= 0, 1, -1)}, in their default
     * dtype (i32 for whole numbers), each with how to make it again in another dtype: where it meets an f32 tensor
     * or an f32 result, it is made in f32 instead, as a bare literal would be. By identity: a value is the one
     * {@code where} returned, passed on through lets unchanged.
     */
    private final Map<Value.Tensor, java.util.function.Function<DType, Value>> retypable = new java.util.IdentityHashMap<>();

    void retypable(Value v, java.util.function.Function<DType, Value> remake) {
        if (v instanceof Value.Tensor t) retypable.put(t, remake);
    }

    /** {@code t} made in {@code dtype} when it is {@link #retypable} and that is a number dtype; else {@code t}. */
    Value retyped(Value.Tensor t, DType dtype) {
        var remake = retypable.get(t);
        if (remake == null || dtype == DType.BOOL || dtype == t.type().dtype()) return t;
        return remake.apply(dtype);
    }

    /** A contraction as written, with its operands' logical types: for the hint when its result has the wrong axes. */
    record Contraction(Expr.Contract expr, TensorType left, TensorType right) {}

    /** The value of each contraction, by identity (see {@link #axesHint}). */
    final Map<Value.Tensor, Contraction> contractions = new java.util.IdentityHashMap<>();

    /**
     * The hint for a value with axes {@code have} where {@code want} is needed. For a contraction that kept an axis
     * of one operand where the other's was needed ({@code W @[hid] h} with {@code W: [hid, hid2]} gives {@code [hid2]}),
     * renaming the result would compute with the transpose without a word: the hint says so, and writes the
     * contraction over the other axis.
     */
    private String axesHint(Value.Tensor v, TensorType have, TensorType want) {
        Contraction c = contractions.get(v);
        if (have.axisNameSet().containsAll(want.axisNameSet())) return "reduce the extra axes, e.g. sum[...](x)";
        String generic = "broadcast explicitly with expand[...](x), or rename with x{a -> b}";
        if (c == null) return generic;
        java.util.Set<String> missing = new java.util.LinkedHashSet<>(want.axisNameSet()), extra = new java.util.LinkedHashSet<>(have.axisNameSet());
        missing.removeAll(have.axisNameSet());
        extra.removeAll(want.axisNameSet());
        if (missing.size() != 1 || extra.size() != 1) return generic;
        String gone = missing.iterator().next(), kept = extra.iterator().next();
        List<String> contracted = c.expr().axes().stream().map(Name::text).toList();
        if (!contracted.contains(gone)) return generic;
        boolean keptFromLeft = c.left().hasAxis(kept) && c.left().hasAxis(gone) && !c.right().hasAxis(kept);
        boolean keptFromRight = c.right().hasAxis(kept) && c.right().hasAxis(gone) && !c.left().hasAxis(kept);
        if (!keptFromLeft && !keptFromRight) return generic;
        Expr m = keptFromLeft ? c.expr().left() : c.expr().right(), o = keptFromLeft ? c.expr().right() : c.expr().left();
        String mt = OperatorErrors.text(m), ot = OperatorErrors.text(o);
        String other = ot.matches("[A-Za-z_][A-Za-z_0-9]*") ? ot : "(" + ot + ")";
        String fixed = keptFromLeft ? mt + " @[" + kept + "] " + other + "{" + gone + " -> " + kept + "}"
                : other + "{" + gone + " -> " + kept + "} @[" + kept + "] " + mt;
        String ct = OperatorErrors.text(c.expr()), renamed = "`(" + ct + "){" + kept + " -> " + gone + "}`";
        TensorType mType = keptFromLeft ? c.left() : c.right();
        if (mType.rank() == 2 && mType.axes().get(0).name().equals(gone)) {
            // a matrix's first axis is its output ([post, pre]): contracting it multiplies by the transpose
            return "`" + ct + "` contracts " + mt + "'s first axis " + gone + ", so it multiplies by the transpose of " + mt
                    + "; to multiply by " + mt + ", contract " + kept + ": `" + fixed + "`; if the transpose is meant, rename the result: " + renamed;
        }
        if (mType.rank() == 2) return "`" + ct + "` multiplies by " + mt + " and gives its output axis " + kept + "; rename it: " + renamed;
        return "`" + ct + "` contracts " + gone + " and keeps " + mt + "'s " + kept + ": rename the result, " + renamed
                + ", or contract " + kept + " instead: `" + fixed + "`";
    }

    // ---- the node factory

    /**
     * Creates a node (lowering) or computes its type (checking). A type-rule refusal becomes a diagnostic at
     * {@code span} and the result is {@link Value#ERROR}. Error operands give an error result silently.
     */
    Value emit(Op op, Attr attr, List<Value> ins, TensorType declared, SourceSpan span, Env env, int extraDeps) {
        return emit(op, attr, ins, declared, span, env, extraDeps, this::report);
    }

    /** How a type rule's refusal becomes a diagnostic: in the rule's words ({@link #report}), or in the construct's. */
    interface Refusal {
        void report(SourceSpan span, TypeRuleException e);
    }

    /** {@link #emit(Op, Attr, List, TensorType, SourceSpan, Env, int)}, a refusal reported by {@code refusal}. */
    Value emit(Op op, Attr attr, List<Value> ins, TensorType declared, SourceSpan span, Env env, int extraDeps, Refusal refusal) {
        List<Value.Tensor> ts = new ArrayList<>();
        int deps = extraDeps;
        for (Value v : ins) {
            if (!(v instanceof Value.Tensor t)) return Value.ERROR;
            if (t.weak()) throw new IllegalStateException("weak value reached emit for " + op + " at " + span);
            ts.add(t);
            deps |= t.deps();
        }
        if ((op == Op.BINARY || op == Op.WHERE) && env != null && !env.mapped().isEmpty() && !broadcasts(op, attr, ts, declared)) {
            ts = alignMapped(ts, span, env, refusal);
            if (ts == null) return Value.ERROR;
        }
        List<TensorType> types = ts.stream().map(Value.Tensor::type).toList();
        String complexRefusal = complexes.refusal(op, attr, types);
        if (complexRefusal != null) {
            diags.error(span, DiagCode.E0405, complexRefusal, Complexes.HINT);
            return Value.ERROR;
        }
        TensorType type;
        try {
            type = OpSpecs.infer(op, attr, types, declared);
        } catch (TypeRuleException e) {
            refusal.report(span, e);
            if (lowering) refusals.add(new ncd.frontend.Program.Refusal(span, e.getMessage(), ts.stream().map(Value.Tensor::node).toList()));
            return Value.ERROR;
        }
        if (complexes.inside == 0 && types.stream().anyMatch(ncd.ir.Complex::is) && type.hasAxis(ncd.ir.Complex.AXIS) && !ncd.ir.Complex.is(type)) {
            diags.error(span, DiagCode.E0405, op.name().toLowerCase(java.util.Locale.ROOT) + " of a c64 value would move its (re, im) pairs apart", Complexes.HINT);
            return Value.ERROR;
        }
        if (!lowering) return Value.Tensor.strong(type, null, deps);
        for (Axis a : type.axes()) {
            if (!a.isSized()) {
                diags.error(span, DiagCode.E0305, "axis " + a.name() + " has no size here",
                        "declare it with a size (`axis " + a.name() + " = N`) or give one: `--axis " + a.name() + "=N`");
                return Value.ERROR;
            }
        }
        Node n;
        try {
            n = graph.add(op, attr, ts.stream().map(Value.Tensor::node).toList(), declared, span, env == null ? "" : env.drawScope);
        } catch (TypeRuleException e) {
            report(span, e);
            return Value.ERROR;
        }
        for (Axis a : n.type().axes()) axisSizes.putIfAbsent(a.name(), a.size());
        return Value.Tensor.strong(n.type(), n, deps);
    }

    /**
     * The operands of an elementwise op inside a mapped call, each expanded over the mapped axes another operand has
     * and it lacks. A call mapped over {@code sample} gives its inputs that axis but not its parameters: {@code w * x}
     * with {@code w: f32[hid]} and {@code x: f32} (so {@code f32[sample]}) is {@code [sample, hid]}, as the user's code,
     * which sees no {@code sample}, says. Only where the operands do not broadcast as they are. Null after a refusal.
     */
    private static boolean broadcasts(Op op, Attr attr, List<Value.Tensor> ts, TensorType declared) {
        try {
            OpSpecs.infer(op, attr, ts.stream().map(Value.Tensor::type).toList(), declared);
            return true;
        } catch (TypeRuleException e) {
            return false;
        }
    }

    private List<Value.Tensor> alignMapped(List<Value.Tensor> ts, SourceSpan span, Env env, Refusal refusal) {
        List<Axis> union = new ArrayList<>();
        for (Axis m : env.mapped()) {
            if (ts.stream().anyMatch(t -> t.type().hasAxis(m.name()))) {
                union.add(ts.stream().filter(t -> t.type().hasAxis(m.name())).findFirst().orElseThrow().type().axis(m.name()));
            }
        }
        if (union.isEmpty()) return ts;
        List<Value.Tensor> out = new ArrayList<>();
        for (Value.Tensor t : ts) {
            List<Axis> missing = new ArrayList<>();
            for (Axis m : union) if (!t.type().hasAxis(m.name())) missing.add(m);
            // a scalar broadcasts by the op's own rule; only a tensor with other axes of its own needs the mapped ones
            if (missing.isEmpty() || t.type().rank() == 0) {
                out.add(t);
                continue;
            }
            Value e = emit(Op.EXPAND, new Attr.None(), List.of(t), t.type().withLeadingAxes(missing), span, env, 0, refusal);
            if (!(e instanceof Value.Tensor et)) return null;
            out.add(et);
        }
        return out;
    }

    /** A type rule's refusal as a diagnostic; unit messages name dimensions the way the unit table does. */
    void report(SourceSpan span, TypeRuleException e) {
        String msg = e.code().name().startsWith("E05") ? units.displayIn(e.getMessage()) : e.getMessage();
        diags.error(span, e.code(), msg, e.hint());
    }

    /** A dimension for a message. */
    String unit(Unit u) { return units.display(u); }

    private final Map<Decl.Circuit, Boolean> stateful = new HashMap<>();

    /** Whether a circuit keeps state, itself or through the circuits it calls or composes. */
    boolean isStateful(CircuitRef c) {
        Boolean known = stateful.get(c.decl());
        if (known != null) return known;
        stateful.put(c.decl(), false); // a cycle is reported elsewhere; assume no state meanwhile
        boolean s = false;
        if (c.decl().isComposed()) {
            List<Decl.CompRef> refs = new ArrayList<>();
            compRefs(c.decl().comp(), refs);
            for (Decl.CompRef r : refs) {
                ModuleScope.Found<Object> f = c.module().value(r.circuit().text());
                if (f != null && f.decl() instanceof Decl.Circuit d && isStateful(new CircuitRef(d, f.module()))) s = true;
            }
        } else {
            List<Expr.Call> calls = new ArrayList<>();
            List<Expr> all = new ArrayList<>();
            for (ncd.frontend.ast.Stmt st : c.decl().body()) {
                if (st instanceof ncd.frontend.ast.Stmt.State) s = true;
                if (st instanceof ncd.frontend.ast.Stmt.Event ev && ev.refractory() != null) s = true;  // its refractory counter
                for (Expr e : Bodies.exprsOf(st)) Exprs.walk(e, all::add);
            }
            for (Expr e : all) {
                if (e instanceof Expr.Call call) calls.add(call);
                if (e instanceof Expr.AxisOp ao && DelayBuiltin.makesState(ao)) s = true;  // its ring buffer
                if (e instanceof Expr.For fo && fo.body().stream().anyMatch(b -> b instanceof ncd.frontend.ast.Stmt.State)) s = true;
            }
            for (Expr.Call call : calls) {
                ModuleScope.Found<Object> f = c.module().value(call.callee().text());
                if (f != null && f.decl() instanceof Decl.Circuit d && isStateful(new CircuitRef(d, f.module()))) s = true;
            }
        }
        stateful.put(c.decl(), s);
        return s;
    }

    private static void compRefs(Decl.Comp c, List<Decl.CompRef> out) {
        if (c instanceof Decl.Seq s) { compRefs(s.first(), out); compRefs(s.then(), out); }
        else if (c instanceof Decl.Par p) { compRefs(p.left(), out); compRefs(p.right(), out); }
        else out.add((Decl.CompRef) c);
    }

    /** A weak literal made into a scalar constant of {@code dtype}. */
    Value materialize(Value.Tensor w, DType dtype, SourceSpan span, Env env) {
        if (!w.weak()) return w;
        if (dtype == DType.BOOL) {
            diags.error(span, DiagCode.E0402, "a number where a bool is needed", "write `true`/`false` or compare: x != 0");
            return Value.ERROR;
        }
        double v = w.constant();
        if (dtype == DType.I32 && !Double.isNaN(v) && v != Math.rint(v)) {
            diags.error(span, DiagCode.E0401, "the number " + v + " is not a whole number, but meets an i32 tensor", "convert the tensor: f32(x)");
            return Value.ERROR;
        }
        TensorType t = new TensorType(dtype, List.of(), w.type().unit());
        return emit(Op.CONST, new Attr.Scalar(Double.isNaN(v) ? 0 : v), List.of(), t, span, env, 0);
    }

    /** A weak literal in its own default dtype (i32 for whole numbers written without a fraction, else f32). */
    Value materialize(Value.Tensor w, SourceSpan span, Env env) {
        return w.weak() ? materialize(w, w.type().dtype(), span, env) : w;
    }

    /** A weak value of the given unit. */
    static Value.Tensor weak(double value, DType dtype, Unit unit) {
        return new Value.Tensor(new TensorType(dtype, List.of(), unit), null, 0, true, value);
    }

    // ---- axes and types

    /**
     * The axis a name means in {@code env}: a generic binding, or a declared axis of the module or its imports.
     * Reports E0202 (unknown) or E0207 (ambiguous) and returns null.
     */
    Axis axis(Name n, Env env) {
        Axis bound = env.axes.get(n.text());
        if (bound != null) return bound;
        ModuleScope.Found<Decl.AxisDef> f = env.module.axis(n.text());
        if (f == null) {
            unknown.axis(n, env);
            return null;
        }
        if (f.alsoIn() != null) {
            diags.error(n.span(), DiagCode.E0207, "axis `" + n.text() + "` is declared by both " + f.module().name() + " and " + f.alsoIn().name(),
                    "import just the names you need: import " + f.module().name() + ".{...}");
            return null;
        }
        Integer size = f.decl().size();
        if (size == null) size = axisSizes.get(n.text());
        return new Axis(n.text(), size == null ? Axis.UNSIZED : size);
    }

    /** A resolved written type, with the factor that converts its unit to coherent base units. */
    record Typed(TensorType type, double scale) {}

    Typed type(TypeExpr t, Env env) {
        List<Axis> axes = new ArrayList<>();
        boolean ok = true;
        for (Name n : t.axes()) {
            Axis a = axis(n, env);
            if (a == null) { ok = false; continue; }
            if (axes.stream().anyMatch(b -> b.name().equals(a.name()))) {
                diags.error(n.span(), DiagCode.E0303, "axis " + a.name() + " appears twice in this type", null);
                ok = false;
                continue;
            }
            axes.add(a);
        }
        Unit unit = Unit.NONE;
        double scale = 1;
        if (t.unit() != null) {
            UnitTable.Resolved r = units.eval(t.unit(), env.module);
            if (r == null) ok = false;
            else {
                unit = r.dimension();
                scale = r.scale();
            }
        }
        if (!ok) return null;
        TensorType real = new TensorType(t.dtype(), axes, unit);
        return new Typed(t.complex() ? ncd.ir.Complex.of(real) : real, scale);
    }

    /** {@code t} without the axes mapped in {@code env}: the type as the user's code sees it. */
    static TensorType logical(TensorType t, Env env) {
        List<Axis> keep = new ArrayList<>();
        for (Axis a : t.axes()) if (!env.isMapped(a.name())) keep.add(a);
        return t.withAxes(keep);
    }

    /**
     * Makes {@code v} fit the declared logical type {@code want} (a return, a next, an annotated let): the same
     * axes (by name), dtype and unit, laid out in the declared order after any mapped axes. Weak literals are
     * materialized and broadcast. Reports E0301/E0401/E0501/E0603 with {@code what} naming the place.
     */
    Value conform(Value v, TensorType want, SourceSpan span, Env env, String what) {
        if (v instanceof Value.Tensor rt && rt.type().dtype() != want.dtype()) v = retyped(rt, want.dtype());
        if (v instanceof Value.Error) return v;
        if (!(v instanceof Value.Tensor t)) {
            diags.error(span, DiagCode.E0603, what + " needs a tensor, got " + describe(v), null);
            return Value.ERROR;
        }
        if (t.weak()) {
            if (!t.type().unit().equals(want.unit()) && !(Double.isNaN(t.constant()) || t.constant() == 0)) {
                diags.error(span, DiagCode.E0501, "units differ in " + what + ": " + unit(t.type().unit()) + " vs " + unit(want.unit()), null);
                return Value.ERROR;
            }
            Value c = materialize(new Value.Tensor(t.type().withUnit(want.unit()), null, 0, true, t.constant()), want.dtype(), span, env);
            if (want.rank() == 0 || c instanceof Value.Error) return c;
            return emit(Op.EXPAND, new Attr.None(), List.of(c), want, span, env, 0);
        }
        TensorType have = logical(t.type(), env);
        if (ncd.ir.Complex.is(have) != ncd.ir.Complex.is(want)) {
            diags.error(span, DiagCode.E0405, "dtypes differ: " + what + " is " + have + " but needs " + want,
                    ncd.ir.Complex.is(want) ? "make it complex: c64(x), or complex(re, im)" : "take a real part of it: re(z), im(z), abs(z) or angle(z)");
            return Value.ERROR;
        }
        if (!have.axisNameSet().equals(want.axisNameSet())) {
            diags.error(span, DiagCode.E0301, "axes differ: " + what + " has " + have.axesText() + " but needs " + want.axesText(),
                    axesHint(t, have, want));
            return Value.ERROR;
        }
        if (have.dtype() != want.dtype()) {
            diags.error(span, DiagCode.E0401, "dtypes differ: " + what + " is " + have.dtype().word() + " but needs " + want.dtype().word(),
                    "convert explicitly: " + want.dtype().word() + "(x)");
            return Value.ERROR;
        }
        if (!have.unit().equals(want.unit())) {
            diags.error(span, DiagCode.E0501, "units differ: " + what + " is in " + unit(have.unit()) + " but needs " + unit(want.unit()), null);
            return Value.ERROR;
        }
        for (Axis a : want.axes()) {
            Axis h = have.axis(a.name());
            if (a.isSized() && h.isSized() && a.size() != h.size()) {
                diags.error(span, DiagCode.E0304, "axis " + a.name() + " has size " + h.size() + " in " + what + " but " + a.size() + " is declared", null);
                return Value.ERROR;
            }
        }
        // physical order: mapped axes first (as they are), then the declared order
        List<Axis> order = new ArrayList<>();
        for (Axis a : t.type().axes()) if (env.isMapped(a.name())) order.add(a);
        for (Axis a : want.axes()) order.add(t.type().axis(a.name()));
        if (order.equals(t.type().axes())) return t;
        return emit(Op.TRANSPOSE, new Attr.None(), List.of(t), t.type().withAxes(order), span, env, 0);
    }

    static String describe(Value v) {
        if (v instanceof Value.Tuple tu) return "a tuple of " + tu.items().size();
        if (v instanceof Value.Instance i) return "the circuit " + i.circuit().name().text();
        if (v instanceof Value.Tensor t) return t.weak() ? "a number" : t.type().toString();
        return "an error";
    }

    /** Runs {@code work}, turning an IR invariant failure into a located compiler bug. */
    static <T> T guarded(String phase, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (IrInvariantError e) {
            throw new ncd.frontend.CompilerBug(phase, e);
        }
    }

    Graph finish(Graph.Builder b) {
        b.integrators(stateNotes);
        for (PendingState s : states.values()) {
            if (s.init == null || s.next == null) continue;
            b.state(new State(s.path, s.type, s.init, s.next));
        }
        return b.build();
    }

    /** Every name of an expression tree that is a call, in source order (used to number unnamed instances). */
    static void collectCalls(Expr e, List<Expr.Call> out) {
        Exprs.walk(e, x -> { if (x instanceof Expr.Call c) out.add(c); });
    }
}
