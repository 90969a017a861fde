package ncd.ir;

import ncd.diag.SourceSpan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One monomorphic circuit (or law), flat: calls are expanded, every axis sized. One step of a stateful circuit is
 * the pure function (state_t, inputs_t) -> (state_t+1, outputs_t): states are read by {@link Op#STATE_READ} nodes
 * and written by the {@code next} node of their {@link State}. Immutable; passes build new graphs.
 */
public final class Graph {
    /** What a graph is for. */
    public enum Kind { CIRCUIT, LAW }

    /** A named graph output. */
    public record Output(String name, Node node) {}

    /**
     * A gradient a law states and the lowered graph does not compute yet: the input {@code value} stands for the
     * derivative of the scalar output {@code loss} in the input {@code wrt} (of {@code wrt}'s type, in the unit
     * {@code loss / wrt}). The driver computes it (reverse mode) and puts it in place of the input before the passes;
     * {@code span} is the {@code grad[x](e)} it came from.
     */
    public record PendingGradient(String value, String loss, String wrt, SourceSpan span) {}

    private final String name;
    private final Kind kind;
    private final List<Node> nodes;
    private final List<Node> inputs;
    private final List<State> states;
    private final List<Output> outputs;
    private final double tolerance;
    private final int steps;
    private final List<PendingGradient> gradients;
    private final SourceSpan span;
    private final Map<Unit, String> unitNames;
    private final Map<String, String> integrators;
    private final Schedule schedule;

    private Graph(Builder b) {
        name = b.name;
        kind = b.kind;
        nodes = Collections.unmodifiableList(new ArrayList<>(b.nodes));
        inputs = List.copyOf(b.inputs);
        states = List.copyOf(b.states.values());
        outputs = List.copyOf(b.outputs);
        tolerance = b.tolerance;
        steps = b.steps;
        gradients = List.copyOf(b.gradients);
        span = b.span;
        unitNames = Map.copyOf(b.unitNames);
        integrators = Map.copyOf(b.integrators);
        schedule = null;
    }

    private Graph(Graph g, Schedule schedule) {
        name = g.name;
        kind = g.kind;
        nodes = g.nodes;
        inputs = g.inputs;
        states = g.states;
        outputs = g.outputs;
        tolerance = g.tolerance;
        steps = g.steps;
        gradients = g.gradients;
        span = g.span;
        unitNames = g.unitNames;
        integrators = g.integrators;
        this.schedule = schedule;
    }

    /**
     * This graph, sharing its nodes, with {@code s} attached (null: none). The schedule must refer to this graph's
     * nodes; the {@link Verifier} checks it.
     */
    public Graph withSchedule(Schedule s) { return new Graph(this, s); }

    /** How to execute this graph (fusion groups and a memory plan), or null: none is attached by default. */
    public Schedule schedule() { return schedule; }

    public String name() { return name; }
    public Kind kind() { return kind; }
    /** Every node, in an order where inputs come before their users. */
    public List<Node> nodes() { return nodes; }
    public List<Node> inputs() { return inputs; }
    public List<State> states() { return states; }
    public List<Output> outputs() { return outputs; }
    /** For a law: the largest allowed absolute difference between its two sides. */
    public double tolerance() { return tolerance; }
    /** For a law: the state updates to run before comparing its sides (0: compare at the first step). */
    public int steps() { return steps; }
    /** For a law: the gradients it states that are still inputs ({@link PendingGradient}), in the order to compute them. */
    public List<PendingGradient> gradients() { return gradients; }
    public SourceSpan span() { return span; }

    /** Names for dimensions, as the program's unit table declares them (V for kg*m^2/(A*s^3)); for printing only. */
    public Map<Unit, String> unitNames() { return unitNames; }

    /**
     * The integrator the compiler chose for each state written as an equation ({@code dv/dt = ...}), by state name:
     * exact, exponential_euler, rk4, rk2 or euler. Documentation for diagrams; the states' next values say the step.
     */
    public Map<String, String> integrators() { return integrators; }

    /** A type as people read it: {@code f32[N:10] in V} rather than in base units, where the program names the unit. */
    public String typeText(TensorType t) {
        if (t.unit().isNone()) return t.toString();
        String named = unitNames.get(t.unit());
        if (named == null) return t.toString();
        String s = t.toString();
        return s.substring(0, s.lastIndexOf(" in ")) + " in " + named;
    }

    public List<Node> params() { return nodes.stream().filter(n -> n.op() == Op.PARAM).toList(); }

    /** Adds {@code n} and every node it reads, directly or not, to {@code into} (what computing {@code n} needs). */
    public static void cone(Node n, java.util.Set<Node> into) {
        java.util.ArrayDeque<Node> work = new java.util.ArrayDeque<>();
        work.push(n);
        while (!work.isEmpty()) {
            Node x = work.pop();
            if (into.add(x)) x.inputs().forEach(work::push);
        }
    }

    public static Builder builder(String name, Kind kind, SourceSpan span) { return new Builder(name, kind, span); }

    /** Builds a graph node by node; each node is checked by its op's type rule as it is added. */
    public static final class Builder {
        private final String name;
        private final Kind kind;
        private final SourceSpan span;
        private final List<Node> nodes = new ArrayList<>();
        private final List<Node> inputs = new ArrayList<>();
        private final Map<String, State> states = new LinkedHashMap<>();
        private final List<Output> outputs = new ArrayList<>();
        private double tolerance;
        private int steps;
        private final List<PendingGradient> gradients = new ArrayList<>();
        private final Map<Unit, String> unitNames = new LinkedHashMap<>();
        private final Map<String, String> integrators = new LinkedHashMap<>();

        private Builder(String name, Kind kind, SourceSpan span) {
            this.name = name;
            this.kind = kind;
            this.span = span;
        }

        /**
         * Adds a node. Its type comes from the op's rule; for ops whose type is declared (leaves, transposes) the
         * declared type is checked by the rule instead.
         *
         * @throws TypeRuleException when the rule refuses the operands: the caller decides whether that is the
         *                           user's error (sizes known only now) or a compiler bug
         */
        public Node add(Op op, Attr attr, List<Node> ins, TensorType declared, SourceSpan span, String scope) throws TypeRuleException {
            List<TensorType> types = new ArrayList<>();
            for (Node n : ins) types.add(n.type());
            TensorType t = OpSpecs.infer(op, attr, types, declared);
            for (Axis a : t.axes()) {
                if (!a.isSized()) throw new IrInvariantError("axis " + a.name() + " has no size in " + op + " at " + span);
            }
            Node n = new Node(nodes.size(), op, t, ins, attr, span, scope);
            nodes.add(n);
            if (op == Op.INPUT) inputs.add(n);
            return n;
        }

        /** How many nodes have been added so far. */
        public int size() { return nodes.size(); }

        /** Like {@link #add}, for callers that know the operands are well typed: a refusal is a compiler bug. */
        public Node addChecked(Op op, Attr attr, List<Node> ins, TensorType declared, SourceSpan span, String scope) {
            try {
                return add(op, attr, ins, declared, span, scope);
            } catch (TypeRuleException e) {
                throw new IrInvariantError("ill-typed " + op + " at " + span + ": " + e.getMessage(), e);
            }
        }

        public Builder state(State s) {
            if (states.putIfAbsent(s.name(), s) != null) throw new IrInvariantError("state " + s.name() + " defined twice");
            return this;
        }

        public Builder output(String outName, Node node) {
            outputs.add(new Output(outName, node));
            return this;
        }

        public Builder tolerance(double t) {
            tolerance = t;
            return this;
        }

        /** How to name dimensions when printing (the frontend passes its unit table's coherent units). */
        public Builder unitNames(Map<Unit, String> names) {
            unitNames.putAll(names);
            return this;
        }

        /** Records the integrators of states written as equations (see {@link Graph#integrators()}). */
        public Builder integrators(Map<String, String> byState) {
            integrators.putAll(byState);
            return this;
        }

        public Builder steps(int n) {
            steps = n;
            return this;
        }

        /** Declares a gradient still to compute ({@link PendingGradient}); its input and output are added as usual. */
        public Builder gradient(PendingGradient g) {
            gradients.add(g);
            return this;
        }

        public Graph build() { return new Graph(this); }
    }
}
