package ncd.passes;

import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.State;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The shared skeleton of the passes: copy a graph node by node, in order, into a new builder, letting a pass
 * replace each node (given its already-replaced inputs), then carry over states, outputs, tolerance, steps and unit
 * names, mapped to the new nodes.
 */
final class Rebuild {
    private Rebuild() {}

    /** What becomes of one node: {@code ins} are its inputs as they are in the new graph. */
    @FunctionalInterface
    interface Step {
        Node apply(Node old, List<Node> ins, Graph.Builder b);
    }

    /** A builder for a graph like {@code g}: same name, kind, span, tolerance, steps and unit names. */
    static Graph.Builder like(Graph g) {
        return Graph.builder(g.name(), g.kind(), g.span()).tolerance(g.tolerance()).steps(g.steps()).unitNames(g.unitNames()).integrators(g.integrators());
    }

    /** {@code old} copied into {@code b} with new inputs, keeping its op, attribute, type, span and scope. */
    static Node copy(Node old, List<Node> ins, Graph.Builder b) {
        return b.addChecked(old.op(), old.attr(), ins, old.type(), old.span(), old.scope());
    }

    /** Copies the nodes {@code keep} accepts, each through {@code step}, then the states and outputs. */
    static Graph run(Graph g, Predicate<Node> keep, Step step) {
        Graph.Builder b = like(g);
        Map<Node, Node> map = new HashMap<>();
        for (Node n : g.nodes()) {
            if (!keep.test(n)) continue;
            List<Node> ins = new ArrayList<>(n.inputs().size());
            for (Node i : n.inputs()) {
                Node m = map.get(i);
                if (m == null) throw new IllegalStateException("node " + n + " kept but its input " + i + " was dropped");
                ins.add(m);
            }
            Node r = step.apply(n, ins, b);
            if (!r.type().equals(n.type())) {
                throw new IllegalStateException("a rewrite changed the type of " + n + " to " + r.type());
            }
            map.put(n, r);
        }
        for (State s : g.states()) b.state(new State(s.name(), s.type(), map.get(s.init()), map.get(s.next())));
        for (Graph.Output o : g.outputs()) b.output(o.name(), map.get(o.node()));
        return b.build();
    }
}
