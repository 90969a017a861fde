package ncd.passes.autodiff;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.State;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stateful circuit over a fixed number of steps as one stateless circuit: what backpropagation through time
 * differentiates. Step t reads input {@code x} as {@code x@t} and gives output {@code y} as {@code y@t}; the states
 * start from their initial values (as after {@code reset}) and step t reads what step t-1's {@code next} computed;
 * each state's value after the last step is the output {@code s@T}. Nodes that depend on no input and no state
 * (parameters, constants, initial values) are built once and shared by every step, so a parameter is one value
 * whose gradient sums over the steps. {@link #chunk} starts the states from inputs {@code s@0} instead, for
 * truncated backpropagation through time.
 *
 * <p>Random sources are refused: the unrolled circuit is one step of the interpreter, so every copy would draw the
 * numbers of step 0 instead of its own step's (and initial values those of step 0 instead of the reset stream).
 */
public final class Unroll {
    private Unroll() {}

    /** The name of input or output {@code name} at step {@code t} in an unrolled circuit (and of a state after it). */
    public static String atStep(String name, int t) { return name + "@" + t; }

    /** {@link #unroll(Graph, int)} with one more output, {@code summed}: the sum over the steps of that scalar output. */
    public static Graph unroll(Graph g, int steps, String summed) {
        return build(g, steps, summed, false);
    }

    /** The {@code steps} steps of {@code g} from its initial state, as one stateless circuit (see the class comment). */
    public static Graph unroll(Graph g, int steps) { return build(g, steps, null, false); }

    /**
     * One chunk of truncated backpropagation through time: {@link #unroll(Graph, int, String)}, but the states start
     * from inputs, {@code s@0} for state {@code s} (of its type), instead of their initial values. A trainer runs the
     * first chunk from the initial values (or feeds them as {@code s@0}), then feeds each chunk's outputs {@code s@T}
     * as the next chunk's {@code s@0} and differentiates each chunk on its own: no gradient crosses a chunk boundary,
     * so memory grows with T, not with the length of the sequence. The graph has the same parameters as the circuit
     * (an initial value's parameters among them, whose gradient in a chunk is then 0). {@code summed} may be null.
     */
    public static Graph chunk(Graph g, int steps, String summed) {
        return build(g, steps, summed, true);
    }

    private static Graph build(Graph g, int steps, String summed, boolean statesFromInputs) {
        if (g.kind() != Graph.Kind.CIRCUIT) throw new GradientException(g.name() + " is a law, not a circuit");
        if (steps < 1) throw new GradientException("unrolling needs at least one step, got " + steps);
        for (Node n : g.nodes()) {
            if (n.op() == Op.RANDOM) {
                throw new GradientException(g.name() + " draws random numbers (" + n.scope() + "): unrolled into one step, every"
                        + " copy would draw step 0's numbers; give the noise as an input instead");
            }
        }
        Graph.Output sumOf = null;
        if (summed != null) {
            sumOf = g.outputs().stream().filter(o -> o.name().equals(summed)).findFirst()
                    .orElseThrow(() -> new GradientException(g.name() + " has no output " + summed));
            if (sumOf.node().type().rank() != 0 || !sumOf.node().type().dtype().isFloat()) {
                throw new GradientException("the summed output " + summed + " is " + sumOf.node().type() + "; it must be a scalar f32 or f64");
            }
        }
        Graph.Builder b = Graph.builder(g.name(), g.kind(), g.span()).unitNames(g.unitNames()).integrators(g.integrators());
        Set<Node> perStep = new HashSet<>();
        Map<Node, Node> shared = new HashMap<>();
        for (Node n : g.nodes()) {
            if (n.op() == Op.INPUT || n.op() == Op.STATE_READ || n.inputs().stream().anyMatch(perStep::contains)) {
                perStep.add(n);
            } else {
                shared.put(n, copy(n, shared, b));
            }
        }
        Map<String, Node> state = new HashMap<>();
        for (State s : g.states()) {
            Node first = statesFromInputs
                    ? b.addChecked(Op.INPUT, new Attr.Named(atStep(s.name(), 0)), List.of(), s.type(), s.init().span(), s.init().scope())
                    : shared.get(s.init());
            state.put(s.name(), first);
        }
        Node sum = null;
        for (int t = 0; t < steps; t++) {
            Map<Node, Node> m = new HashMap<>(shared);
            for (Node n : g.nodes()) {
                if (!perStep.contains(n)) continue;
                Node c;
                if (n.op() == Op.INPUT) {
                    c = b.addChecked(Op.INPUT, new Attr.Named(atStep(((Attr.Named) n.attr()).name(), t)), List.of(), n.type(), n.span(), n.scope());
                } else if (n.op() == Op.STATE_READ) {
                    c = state.get(((Attr.Named) n.attr()).name());
                } else {
                    c = copy(n, m, b);
                }
                m.put(n, c);
            }
            for (Graph.Output o : g.outputs()) b.output(atStep(o.name(), t), m.get(o.node()));
            for (State s : g.states()) state.put(s.name(), m.get(s.next()));
            if (sumOf != null) {
                Node v = m.get(sumOf.node());
                sum = sum == null ? v : b.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), List.of(sum, v), null, v.span(), v.scope());
            }
        }
        for (State s : g.states()) b.output(atStep(s.name(), steps), state.get(s.name()));
        if (sum != null) b.output(summed, sum);
        return b.build();
    }

    private static Node copy(Node n, Map<Node, Node> m, Graph.Builder b) {
        return b.addChecked(n.op(), n.attr(), n.inputs().stream().map(m::get).toList(), n.type(), n.span(), n.scope());
    }
}
