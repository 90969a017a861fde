package ncd.ir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the IR's own rules, which every pass must keep: inputs before users, every type re-derivable by its op's
 * rule, every axis sized and one size per axis name, states well formed (init free of inputs and state, next of the
 * state's exact type), outputs inside the graph. A violation is a compiler bug.
 */
public final class Verifier {
    private Verifier() {}

    /** @throws IrInvariantError listing every problem found */
    public static void verify(Graph g) {
        List<String> problems = check(g);
        if (!problems.isEmpty()) {
            throw new IrInvariantError("IR verification failed for " + g.name() + ":\n  " + String.join("\n  ", problems));
        }
    }

    public static List<String> check(Graph g) {
        List<String> p = new ArrayList<>();
        Set<Node> seen = new HashSet<>();
        Map<String, Integer> sizes = new HashMap<>();
        Set<String> stateNames = new HashSet<>();
        for (State s : g.states()) stateNames.add(s.name());
        for (Node n : g.nodes()) {
            for (Node in : n.inputs()) {
                if (!seen.contains(in)) p.add(n + ": input " + in + " is not defined before it");
            }
            seen.add(n);
            List<TensorType> ts = n.inputs().stream().map(Node::type).toList();
            try {
                TensorType t = OpSpecs.infer(n.op(), n.attr(), ts, n.type());
                if (!t.equals(n.type())) p.add(n + ": type rule gives " + t);
            } catch (TypeRuleException | IllegalArgumentException e) {
                p.add(n + ": " + e.getMessage());
            }
            for (Axis a : n.type().axes()) {
                if (!a.isSized()) p.add(n + ": axis " + a.name() + " is unsized");
                Integer prev = sizes.putIfAbsent(a.name(), a.size());
                if (prev != null && prev != a.size()) p.add(n + ": axis " + a.name() + " has size " + a.size() + " here and " + prev + " elsewhere");
            }
            if (n.op() == Op.STATE_READ && !stateNames.contains(((Attr.Named) n.attr()).name())) {
                p.add(n + ": reads unknown state " + ((Attr.Named) n.attr()).name());
            }
        }
        for (State s : g.states()) {
            if (!seen.contains(s.init()) || !seen.contains(s.next())) p.add("state " + s.name() + ": init or next outside the graph");
            if (!s.init().type().equals(s.type())) p.add("state " + s.name() + ": init has type " + s.init().type() + ", not " + s.type());
            if (!s.next().type().equals(s.type())) p.add("state " + s.name() + ": next has type " + s.next().type() + ", not " + s.type());
            Node bad = firstDependency(s.init(), Set.of(Op.INPUT, Op.STATE_READ));
            if (bad != null) p.add("state " + s.name() + ": init depends on " + bad);
        }
        for (Graph.Output o : g.outputs()) {
            if (!seen.contains(o.node())) p.add("output " + o.name() + " is not in the graph");
        }
        return p;
    }

    /** The first node among {@code root}'s transitive inputs (itself included) whose op is in {@code ops}. */
    public static Node firstDependency(Node root, Set<Op> ops) {
        Deque<Node> work = new ArrayDeque<>();
        Set<Node> visited = new HashSet<>();
        work.push(root);
        while (!work.isEmpty()) {
            Node n = work.pop();
            if (!visited.add(n)) continue;
            if (ops.contains(n.op())) return n;
            n.inputs().forEach(work::push);
        }
        return null;
    }
}
