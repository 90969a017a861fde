package ncd.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values of one step and when each is live, for a graph under given fusion decisions: what {@code plan-memory}
 * allocates buffers from, and what the {@link Verifier} checks a memory plan against.
 *
 * <ul>
 *   <li><b>Step order</b>: the nodes the step computes, each in its own loop, in graph order: the cones of the outputs
 *       and of the states' next values, without leaves ({@code input}, {@code param}, {@code state_read},
 *       {@code const}, {@code iota}), aliases ({@code rename}, {@code split}), hoisted nodes (computed once per
 *       instance, see {@link Schedule#hoisted()}) and nodes computed in another's loop.
 *   <li><b>Values</b>: what needs a buffer. Every input, parameter (one value per name) and state (one per name, with
 *       its reads); constants, iotas and computed nodes of the step or init cone; a {@code rename} or {@code split}
 *       holds its input's value (the data is unchanged).
 *   <li><b>Pinned</b> values live for the executable's whole life: inputs (written before the step), parameters,
 *       states, constants and iotas (filled once), outputs (read after the step), states' next values (swapped into
 *       the state), everything in the init cone (computed at reset, kept apart from the step), hoisted values
 *       (computed once, read by every step), and the indices a
 *       {@code onehot} reads (a backend may read that array to its end, so it must be exactly the value's size).
 *   <li><b>Live interval</b> of any other value: from the position of the node that writes it to the last position
 *       that reads it. A node reads its own inputs and, when other nodes are computed in its loop, theirs: a fused
 *       loop reads all its group's leaves (a stencil's window input included) at the moment it runs. Two values may
 *       share a buffer only when their closed intervals are disjoint, so a node's buffer is never one it reads.
 * </ul>
 */
public final class Liveness {
    /** One value: the nodes that hold it (first the one that defines it), or a state nothing reads (no nodes). */
    public static final class Value {
        private final List<Node> nodes = new ArrayList<>();
        private final TensorType type;
        private final String state;
        private boolean pinned;
        private int def = -1, last = -1;

        Value(TensorType type, String state) {
            this.type = type;
            this.state = state;
        }

        public List<Node> nodes() { return Collections.unmodifiableList(nodes); }
        public TensorType type() { return type; }
        public DType dtype() { return type.dtype(); }
        public long count() { return type.elementCount(); }
        public long bytes() { return type.bytes(); }
        /** The state this value is, or null. */
        public String state() { return state; }
        public boolean pinned() { return pinned; }
        /** Step position of the node that writes it (-1 when pinned). */
        public int def() { return def; }
        /** Last step position that reads it, at least {@link #def()} (-1 when pinned). */
        public int last() { return last; }

        /** Whether both need their buffer at some same moment. */
        public boolean overlaps(Value o) {
            return pinned || o.pinned || def <= o.last && o.def <= last;
        }

        @Override public String toString() {
            String what = nodes.isEmpty() ? "state " + state : nodes.get(0).toString();
            return what + (pinned ? " (pinned)" : " [" + def + ", " + last + "]");
        }
    }

    private final List<Node> stepOrder = new ArrayList<>();
    private final List<Value> values = new ArrayList<>();
    private final Map<Node, Value> valueOf = new HashMap<>();
    private final Map<String, Value> states = new LinkedHashMap<>();

    private Liveness() {}

    /** The step order, values and intervals of {@code g} with {@code fusion}'s nodes computed in their roots' loops. */
    public static Liveness of(Graph g, Schedule.Fusion fusion) { return of(g, fusion, Set.of()); }

    /** As {@link #of(Graph, Schedule.Fusion)}, with {@code hoisted} nodes computed once per instance, not by the step. */
    public static Liveness of(Graph g, Schedule.Fusion fusion, Set<Node> hoisted) {
        Liveness l = new Liveness();
        Set<Node> stepCone = stepCone(g), initCone = new HashSet<>();
        for (State s : g.states()) Graph.cone(s.init(), initCone);
        Set<Node> pinnedNodes = new HashSet<>(initCone);
        pinnedNodes.addAll(hoisted);
        for (Graph.Output o : g.outputs()) pinnedNodes.add(o.node());
        for (State s : g.states()) pinnedNodes.add(s.next());

        for (State s : g.states()) {
            Value v = new Value(s.type(), s.name());
            v.pinned = true;
            l.states.put(s.name(), v);
        }
        Map<String, Value> params = new HashMap<>();
        for (Node n : g.nodes()) {
            boolean live = stepCone.contains(n) || initCone.contains(n);
            Value v = switch (n.op()) {
                case INPUT -> new Value(n.type(), null);
                case PARAM -> params.computeIfAbsent(((Attr.Param) n.attr()).name(), k -> new Value(n.type(), null));
                case STATE_READ -> l.states.get(((Attr.Named) n.attr()).name());
                case CONST, IOTA -> live ? new Value(n.type(), null) : null;
                case RENAME, SPLIT -> live ? l.valueOf.get(n.input(0)) : null;
                case RANDOM, UNARY, BINARY, WHERE, EXPAND, CAST, REDUCE, ARG_REDUCE, CONTRACT, TRANSPOSE, MERGE, SLICE, SELECT,
                     ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> live && !fusion.inlined(n) ? new Value(n.type(), null) : null;
            };
            if (v == null) continue;
            if (v.nodes.isEmpty()) l.values.add(v);
            v.nodes.add(n);
            l.valueOf.put(n, v);
            if (isLeaf(n.op())) {
                v.pinned = true;
            } else if (n.op() != Op.RENAME && n.op() != Op.SPLIT && stepCone.contains(n) && !hoisted.contains(n)) {
                v.def = v.last = l.stepOrder.size();
                l.stepOrder.add(n);
            }
            if (pinnedNodes.contains(n)) v.pinned = true;
            if (n.op() == Op.ONEHOT && l.valueOf.get(n.input(0)) != null) l.valueOf.get(n.input(0)).pinned = true;
        }
        for (Value s : l.states.values()) if (s.nodes.isEmpty()) l.values.add(s);

        Map<Node, List<Node>> members = new HashMap<>();
        for (Map.Entry<Node, Node> e : fusion.roots().entrySet()) members.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
        for (int p = 0; p < l.stepOrder.size(); p++) {
            Node s = l.stepOrder.get(p);
            List<Node> group = new ArrayList<>(members.getOrDefault(s, List.of()));
            group.add(s);
            for (Node m : group) {
                for (Node in : m.inputs()) {
                    Value v = l.valueOf.get(in);
                    if (v != null && v.last < p) v.last = p;
                }
            }
        }
        for (Value v : l.values) if (v.pinned) v.def = v.last = -1;
        return l;
    }

    /** The nodes the step computes in their own loops, in the order it runs them. */
    public List<Node> stepOrder() { return Collections.unmodifiableList(stepOrder); }

    /** Every value: in graph order of the first node that holds it, then the states nothing reads. */
    public List<Value> values() { return Collections.unmodifiableList(values); }

    /** The value {@code n} holds, or null when it needs no buffer. */
    public Value valueOf(Node n) { return valueOf.get(n); }

    /** Each state's value, by name, in the graph's state order. */
    public Map<String, Value> states() { return Collections.unmodifiableMap(states); }

    /** Whether {@code op} makes a value without computing it: an input, parameter, state read, constant or iota. */
    private static boolean isLeaf(Op op) {
        return switch (op) {
            case INPUT, PARAM, STATE_READ, CONST, IOTA -> true;
            case RANDOM, UNARY, BINARY, WHERE, EXPAND, CAST, REDUCE, ARG_REDUCE, CONTRACT, RENAME, TRANSPOSE, SPLIT, MERGE,
                 SLICE, SELECT, ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> false;
        };
    }

    /** The nodes a step needs: the cones of the outputs and of the states' next values. */
    public static Set<Node> stepCone(Graph g) {
        Set<Node> cone = new HashSet<>();
        for (Graph.Output o : g.outputs()) Graph.cone(o.node(), cone);
        for (State s : g.states()) Graph.cone(s.next(), cone);
        return cone;
    }

}
