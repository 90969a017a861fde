package ncd.runtime;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.Graph;
import ncd.ir.Liveness;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Schedule;
import ncd.ir.Sizes;
import ncd.ir.State;
import ncd.ir.TensorType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether one running instance of a graph fits in this JVM, known from the sized graph before anything is allocated,
 * the same for every backend (E0807):
 * <ul>
 *   <li>every value a step computes, and every input, parameter and state, must fit in one Java array
 *       ({@link Sizes#MAX_ARRAY} elements): backends hold a tensor in one array;</li>
 *   <li>the bytes of the instance must fit in what the JVM can allocate ({@link #budget()}): its pinned values
 *       (inputs, parameters, states, constants, outputs, states' next values, the init cone), the other values of a
 *       step at its busiest moment (values whose lifetimes do not overlap share memory, as the memory plan shares
 *       buffers; {@link Liveness} without fusion), and the inputs handed in and outputs handed out of a step, which
 *       are copies. Elements count {@link ncd.ir.DType#bytes()} each ({@link Layout#TYPED}). The reference
 *       interpreter holds every value of a step at once, as doubles ({@link Layout#ALL_DOUBLES}): all of them count,
 *       eight bytes an element.</li>
 * </ul>
 * A caller that keeps every step's outputs (ncdc run --out, stacked over a leading {@code step} axis) names how many
 * steps: each stacked output must fit in one array too, and counts toward the bytes.
 */
public final class Footprint {
    private Footprint() {}

    /** How a backend holds a step's values, which decides the bytes it needs ({@link Backend#layout()}). */
    public enum Layout {
        /** Each value in an array of its dtype; values whose lifetimes do not overlap share memory (the JVM backend). */
        TYPED,
        /** Every value of a step kept at once, in double arrays (the reference interpreter). */
        ALL_DOUBLES;

        /** The bytes of value {@code v} in this layout. */
        long bytes(Liveness.Value v) { return this == TYPED ? v.bytes() : Sizes.times(v.count(), 8); }
    }

    /** The bytes an instance may take: the JVM's heap limit less an eighth, for the compiler's own data and the collector. */
    public static long budget() {
        long max = Runtime.getRuntime().maxMemory();
        return max == Long.MAX_VALUE ? max : max - max / 8;
    }

    /** {@link #check(Graph, long, long, Layout, Diagnostics)} for a caller that keeps no outputs, against {@link #budget()}. */
    public static boolean check(Graph g, Layout layout, Diagnostics diags) { return check(g, 0, budget(), layout, diags); }

    /**
     * Checks that an instance of {@code g}, held as {@code layout} says, fits, with the outputs of {@code keptSteps}
     * steps kept stacked beside it (0: none kept); false after E0807 errors in {@code diags}.
     */
    public static boolean check(Graph g, long keptSteps, long budget, Layout layout, Diagnostics diags) {
        Liveness live = Liveness.of(g, Schedule.Fusion.NONE);
        Map<Liveness.Value, String> names = names(g, live);

        // one array per tensor: every value that is too long, named ones first; of the others only the first, since
        // values computed from an oversized one are oversized too and would only repeat it
        List<Liveness.Value> named = new ArrayList<>(), unnamed = new ArrayList<>();
        for (Liveness.Value v : live.values()) {
            if (v.count() > Sizes.MAX_ARRAY) (names.containsKey(v) ? named : unnamed).add(v);
        }
        // a state's next value has the state's type: the state's error says it
        for (State s : g.states()) {
            Liveness.Value state = live.states().get(s.name()), next = live.valueOf(s.next());
            if (named.contains(state) && next != state) named.remove(next);
        }
        for (Liveness.Value v : named) tooLong(g, names.get(v), v, diags);
        if (named.isEmpty() && !unnamed.isEmpty()) tooLong(g, null, unnamed.get(0), diags);
        boolean ok = named.isEmpty() && unnamed.isEmpty();
        if (keptSteps > 0) {
            for (Graph.Output o : g.outputs()) {
                TensorType t = o.node().type();
                double elements = keptSteps * exactCount(t);
                if (elements > Sizes.MAX_ARRAY) {
                    String what = "output " + o.name() + " of " + g.name() + " stacked over " + keptSteps + " steps";
                    diags.error(SourceSpan.NONE, DiagCode.E0807, what + ": " + stackedText(g, t, keptSteps) + " has " + describe(elements, t),
                            "--out writes each output as one .npy array, and one Java array holds at most " + Sizes.MAX_ARRAY
                                    + " elements; run fewer steps per --out");
                    ok = false;
                }
            }
        }
        if (!ok) return false;

        long total = bytes(g, live, keptSteps, layout);
        if (total <= budget) return true;
        String what = (g.kind() == Graph.Kind.LAW ? "law " : "circuit ") + g.name() + " needs " + Sizes.humanBytes(total)
                + " for its tensors" + (keptSteps > 0 ? " and the outputs of " + keptSteps + " steps" : "") + ", more than the "
                + Sizes.humanBytes(budget) + " this JVM can allocate";
        Liveness.Value largest = null;
        for (Liveness.Value v : live.values()) if (largest == null || layout.bytes(v) > layout.bytes(largest)) largest = v;
        SourceSpan at = SourceSpan.NONE;
        if (largest != null) {
            String name = names.get(largest);
            what += "; the largest tensor is " + (name == null ? "" : name + ": ") + g.typeText(largest.type()) + " ("
                    + Sizes.humanBytes(layout.bytes(largest)) + (layout == Layout.ALL_DOUBLES ? " as the interpreter's doubles" : "") + ")";
            at = span(largest);
        }
        diags.error(at, DiagCode.E0807, what, hint(total * 8.0 / 7));
        return false;
    }

    /**
     * The bytes an instance of {@code g} holds, with the outputs of {@code keptSteps} steps kept beside it: its pinned
     * values, the other values of a step at its busiest moment, the inputs handed in and the outputs handed out (or
     * kept). Saturates at {@code Long.MAX_VALUE}.
     */
    public static long bytes(Graph g, long keptSteps, Layout layout) {
        return bytes(g, Liveness.of(g, Schedule.Fusion.NONE), keptSteps, layout);
    }

    private static long bytes(Graph g, Liveness live, long keptSteps, Layout layout) {
        long total = 0;
        int positions = live.stepOrder().size();
        long[] delta = new long[positions + 1];
        // below this bound per value, no sum of them all overflows, so the sweep can add and subtract plainly
        long bound = Long.MAX_VALUE / (live.values().size() + 2);
        for (Liveness.Value v : live.values()) {
            long b = layout.bytes(v);
            if (b > bound) return Long.MAX_VALUE;
            if (v.pinned() || layout == Layout.ALL_DOUBLES) {
                total += b;
            } else {
                delta[v.def()] += b;
                delta[v.last() + 1] -= b;
            }
        }
        long busy = 0, peak = 0;
        for (int p = 0; p < positions; p++) {
            busy += delta[p];
            peak = Math.max(peak, busy);
        }
        total += peak;
        // the connectivity SYNAPSES ops hold for the life of the instance (dense bits, compressed rows; procedural none)
        for (Node n : g.nodes()) {
            if (n.op() == Op.SYNAPSES) total = Sizes.plus(total, ncd.ir.SynapseChoice.heldBytes((Attr.Synapses) n.attr(),
                    n.input(0).type().elementCount(), ((Attr.Synapses) n.attr()).post().size()));
            // a synaptic delay holds its connectivity as SYNAPSES does (its ring is a state, counted with the states)
            if (n.op() == Op.DELAY && ((Attr.Delay) n.attr()).syn() != null) total = Sizes.plus(total, ncd.ir.SynapseChoice.heldBytes(
                    ((Attr.Delay) n.attr()).syn(), n.input(2).type().elementCount(), ((Attr.Delay) n.attr()).syn().post().size()));
        }
        for (Node in : g.inputs()) total = Sizes.plus(total, in.type().bytes());
        for (Graph.Output o : g.outputs()) total = Sizes.plus(total, Sizes.times(Math.max(1, keptSteps), o.node().type().bytes()));
        return total;
    }

    /**
     * E0807 for an allocation that failed although {@link #check} passed: the JVM needed more beside the instance
     * than the eighth of the heap kept for it. {@code what} says what ran out ("law f").
     */
    public static void outOfMemory(String what, Diagnostics diags) {
        long max = Runtime.getRuntime().maxMemory();
        diags.error(SourceSpan.NONE, DiagCode.E0807, what + " ran out of memory: this JVM can allocate " + Sizes.humanBytes(max), hint(2.0 * max));
    }

    /** How to make it fit, with a heap size that would hold {@code bytes}. */
    private static String hint(double bytes) {
        return "make the axes smaller, or give the JVM more memory (e.g. JAVA_TOOL_OPTIONS=-Xmx"
                + Math.max(1, (long) Math.ceil(bytes / (1L << 30))) + "g)";
    }

    private static void tooLong(Graph g, String name, Liveness.Value v, Diagnostics diags) {
        TensorType t = v.type();
        Node first = v.nodes().get(0);
        String what = name != null ? name : first.op() == Op.CONST ? "a constant" : "the result of `" + word(first) + "`";
        diags.error(span(v), DiagCode.E0807, what + ": " + g.typeText(t) + " has " + describe(exactCount(t), t),
                "one Java array holds at most " + Sizes.MAX_ARRAY + " elements, and a tensor is held in one; make its axes smaller");
    }

    /** "4294967296 elements (16.0 GiB), more than one array holds" */
    private static String describe(double elements, TensorType t) {
        String n = elements < 1e15 ? String.valueOf((long) elements) : String.format(Locale.ROOT, "%.3g", elements);
        return n + " elements (" + Sizes.humanBytes(elements * t.dtype().bytes()) + "), more than one array holds";
    }

    /** The element count as a double: exact up to 2^53, and never saturated, for messages. */
    private static double exactCount(TensorType t) {
        double n = 1;
        for (Axis a : t.axes()) n *= a.size();
        return n;
    }

    private static String stackedText(Graph g, TensorType t, long steps) {
        String s = g.typeText(t);
        int open = s.indexOf('[');
        return s.substring(0, open + 1) + "step:" + steps + (t.rank() == 0 ? "" : ", ") + s.substring(open + 1);
    }

    /**
     * Words for the values users named: inputs, parameters, states, outputs and states' next values, in that order of
     * preference for a value that is several (a circuit that returns its input).
     */
    private static Map<Liveness.Value, String> names(Graph g, Liveness live) {
        Map<Liveness.Value, String> out = new HashMap<>();
        for (Node n : g.nodes()) {
            String name = switch (n.op()) {
                case INPUT -> "input " + ((Attr.Named) n.attr()).name();
                case PARAM -> "parameter " + ((Attr.Param) n.attr()).name();
                // states, outputs and next values are named below; other values have no name of their own
                case CONST, IOTA, RANDOM, STATE_READ, UNARY, BINARY, WHERE, EXPAND, CAST, REDUCE, ARG_REDUCE, CONTRACT, RENAME,
                     TRANSPOSE, SPLIT, MERGE, SLICE, SELECT, ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> null;
            };
            if (name != null) put(out, live.valueOf(n), name);
        }
        for (State s : g.states()) put(out, live.states().get(s.name()), "state " + s.name());
        for (Graph.Output o : g.outputs()) put(out, live.valueOf(o.node()), "output " + o.name());
        for (State s : g.states()) put(out, live.valueOf(s.next()), "the next value of state " + s.name());
        return out;
    }

    private static void put(Map<Liveness.Value, String> names, Liveness.Value v, String name) {
        if (v != null) names.putIfAbsent(v, name);
    }

    /** An operation as the source spells it: {@code bernoulli} for a random node, else the op ({@code expand}). */
    private static String word(Node n) {
        if (n.attr() instanceof Attr.Random r) return r.dist().name().toLowerCase(Locale.ROOT);
        return n.op().name().toLowerCase(Locale.ROOT);
    }

    /** Where the value is written in the source: its first node's span (none for a state nothing reads). */
    private static SourceSpan span(Liveness.Value v) {
        for (Node n : v.nodes()) if (n.span().isKnown()) return n.span();
        return SourceSpan.NONE;
    }
}
