package ncd.tests;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.OpSpec;
import ncd.ir.OpSpecs;
import ncd.ir.State;
import ncd.runtime.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * How close a backend's outputs and states must be to the interpreter's, derived from the op table's tolerances
 * ({@link OpSpecs#tolerance}, docs/semantics.md "Tolerance") for the ops that produced them, step by step.
 *
 * <p>A value whose producing ops are all exact must agree bit for bit (NaN with NaN, -0 with 0). Otherwise its
 * bound is {@value #HEADROOM} times the sum of the relative bounds of the inexact ops it depends on (each counted
 * once; through a state, the state's bound after the previous step): the first-order error of a chain of ops whose
 * condition numbers are at most {@value #HEADROOM}. An element must satisfy {@code |got - want| <= rel * (|want| + max)},
 * where {@code max} is the largest magnitude in the interpreter's tensor: accumulation bounds are relative to the
 * accumulated terms, which the harness does not see, and a sum may cancel far below them.
 *
 * <p>Comparisons, floor and its kin, float-to-integer casts and argmax are discontinuous: a rounding difference in
 * their operand flips their result where the operand lies that close to the decision. The harness cannot see the
 * operand, so it still demands agreement there; a failure names such ops, to say where to look.
 */
final class Agreement {
    /** The largest condition number of an op on a chain that the bounds allow for. */
    static final double HEADROOM = 4;

    /**
     * The bound on one value: {@code rel} (0: bit for bit), the inexact ops and states it comes from, and the
     * discontinuous ops between them and it.
     */
    record Bound(double rel, List<Node> inexact, List<String> states, List<Node> decisions) {
        static final Bound EXACT = new Bound(0, List.of(), List.of(), List.of());

        String explain() {
            if (rel == 0) return "bit for bit: every op that produced it is exact in the op table";
            StringBuilder sb = new StringBuilder(String.format("within %.3g relative: %s x (", rel, HEADROOM));
            List<String> parts = new ArrayList<>();
            for (Node n : inexact.subList(0, Math.min(6, inexact.size()))) {
                OpSpec.Tolerance t = OpSpecs.tolerance(n);
                parts.add("%" + n.id() + " " + opName(n) + " " + t.ulps() + " ulp " + n.type().dtype().word()
                        + (t.scale() == OpSpec.Tolerance.Scale.TERMS ? " of its terms" : ""));
            }
            if (inexact.size() > 6) parts.add((inexact.size() - 6) + " more");
            if (!states.isEmpty()) parts.add("the bounds of state " + String.join(", ", states) + " from the previous step");
            sb.append(String.join(" + ", parts)).append(')');
            if (!decisions.isEmpty()) {
                sb.append("; it also passes through discontinuous ops (");
                sb.append(String.join(", ", decisions.stream().limit(6).map(n -> "%" + n.id() + " " + opName(n)).toList()));
                sb.append(") whose operands may carry rounding error: a flip there is rounding only where the interpreter's operand"
                        + " lies within that error of the decision");
            }
            return sb.toString();
        }
    }

    private final Graph graph;
    private final Map<Node, Set<Node>> inexact = new IdentityHashMap<>();
    private final Map<Node, Set<State>> reads = new IdentityHashMap<>();
    private final Map<Node, Set<Node>> decisions = new IdentityHashMap<>();
    private final Map<String, State> stateByName = new LinkedHashMap<>();
    private Map<State, Bound> stateBounds = new IdentityHashMap<>();
    private final Map<String, Bound> outputBounds = new LinkedHashMap<>();

    /** The bounds of {@code g}'s initial state; {@link #step} moves on to the outputs of a step and the state after it. */
    Agreement(Graph g) {
        this.graph = g;
        for (State s : g.states()) stateByName.put(s.name(), s);
        for (State s : g.states()) stateBounds.put(s, bound(s.init(), Map.of()));
    }

    /** The bounds of the next step's outputs and of the state after it. */
    void step() {
        outputBounds.clear();
        for (Graph.Output o : graph.outputs()) outputBounds.put(o.name(), bound(o.node(), stateBounds));
        Map<State, Bound> next = new IdentityHashMap<>();
        for (State s : graph.states()) next.put(s, bound(s.next(), stateBounds));
        stateBounds = next;
    }

    /** The bound of an output of the last {@link #step}. */
    Bound output(String name) {
        Bound b = outputBounds.get(name);
        if (b == null) throw new IllegalArgumentException("no output " + name + " (or no step yet)");
        return b;
    }

    /** The bound of a state as it is now. */
    Bound state(String name) {
        State s = stateByName.get(name);
        if (s == null) throw new IllegalArgumentException("no state " + name);
        return stateBounds.get(s);
    }

    private Bound bound(Node n, Map<State, Bound> states) {
        cone(n);
        double rel = 0;
        Set<Node> from = new LinkedHashSet<>(inexact.get(n));
        for (Node m : from) rel += OpSpecs.tolerance(m).relative(m.type().dtype());
        List<String> carried = new ArrayList<>();
        Set<Node> ds = new LinkedHashSet<>(decisions.get(n));
        for (State s : reads.get(n)) {
            Bound b = states.get(s);
            if (b == null || b.rel == 0) continue;
            rel += b.rel / HEADROOM;
            carried.add(s.name());
            ds.addAll(b.decisions);
        }
        if (rel == 0) return Bound.EXACT;
        return new Bound(HEADROOM * rel, List.copyOf(from), carried, List.copyOf(ds));
    }

    /** The inexact ops, state reads and discontinuous ops {@code n} depends on (memoised; the graph is a DAG). */
    private void cone(Node n) {
        if (inexact.containsKey(n)) return;
        Set<Node> in = new LinkedHashSet<>();
        Set<State> rd = new LinkedHashSet<>();
        Set<Node> ds = new LinkedHashSet<>();
        for (Node x : n.inputs()) {
            cone(x);
            in.addAll(inexact.get(x));
            rd.addAll(reads.get(x));
            ds.addAll(decisions.get(x));
        }
        if (!OpSpecs.tolerance(n).isExact()) in.add(n);
        if (n.op() == Op.STATE_READ) rd.add(stateByName.get(((Attr.Named) n.attr()).name()));
        if (discontinuous(n)) ds.add(n);
        inexact.put(n, in);
        reads.put(n, rd);
        decisions.put(n, ds);
    }

    /** Ops whose result jumps as a float operand crosses a threshold. */
    private static boolean discontinuous(Node n) {
        boolean floatIn = n.inputs().stream().anyMatch(x -> x.type().dtype().isFloat());
        if (!floatIn) return false;
        return switch (n.op()) {
            case BINARY -> {
                Attr.BinaryFn f = ((Attr.Binary) n.attr()).fn();
                yield f.isComparison() || f == Attr.BinaryFn.MOD;
            }
            case UNARY -> switch (((Attr.Unary) n.attr()).fn()) {
                case SIGN, FLOOR, CEIL, ROUND -> true;
                default -> false;
            };
            case CAST -> !((Attr.Cast) n.attr()).to().isFloat();
            case ARG_REDUCE -> true;
            default -> false;
        };
    }

    private static String opName(Node n) {
        Attr a = n.attr();
        if (a instanceof Attr.Unary u) return u.fn().word();
        if (a instanceof Attr.Binary b) return b.fn().word();
        if (a instanceof Attr.Reduce r) return "reduce." + r.fn().word() + " " + r.axes();
        if (a instanceof Attr.Contract c) return "contract " + c.axes();
        return n.op().name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Same type, and every element within {@code b} (see the class comment): exactly for i32 and bool and for
     * exact bounds, NaN only with NaN, infinities only with themselves.
     */
    static void within(String what, Tensor want, Tensor got, Bound b) {
        assertEquals(want.type(), got.type(), what + ": type");
        boolean exact = !want.dtype().isFloat() || b.rel() == 0;
        double max = 0;
        for (int i = 0; i < want.size(); i++) if (Double.isFinite(want.get(i))) max = Math.max(max, Math.abs(want.get(i)));
        int bad = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < want.size(); i++) {
            double x = want.get(i), y = got.get(i);
            boolean ok = x == y || (Double.isNaN(x) && Double.isNaN(y))
                    || (!exact && Double.isFinite(x) && Math.abs(x - y) <= b.rel() * (Math.abs(x) + max));
            if (!ok && bad++ < 5) first.append(String.format("%n  [%d] interp %s, backend %s", i, x, y));
        }
        if (bad > 0) fail(what + ": " + bad + " of " + want.size() + " elements differ" + first + "\n  allowed: " + b.explain());
    }

    /** {@link #within} with {@link Bound#EXACT}: parameters and initial states, which every backend draws exactly. */
    static void exact(String what, Tensor want, Tensor got) { within(what, want, got, Bound.EXACT); }
}
