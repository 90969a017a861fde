package ncd.diagrams;

import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.State;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The constant subgraphs a diagram folds into one box each: connected nodes of one scope that depend on no input,
 * parameter, state or random draw. A state's initializer (a group whose values only feed states' initial values,
 * Glider's 15-op glider pattern) folds from {@link #INIT_MIN_OPS} ops, since it runs once and is not what the
 * circuit does each step; any other constant group folds from {@link #CONST_MIN_OPS} ops, so that a short formula
 * such as LIF Driven's input current ({@code 1 nA + 1 nA * i / 100}, 5 ops) stays drawn.
 */
final class Folds {
    private Folds() {}

    static final int INIT_MIN_OPS = 2;
    static final int CONST_MIN_OPS = 6;

    /** One folded group: its scope, its nodes in graph order, the states it initializes (empty: a constant). */
    record Fold(String scope, List<Node> nodes, List<State> initOf, Node result) {
        int ops() {
            int k = 0;
            for (Node n : nodes) if (n.op() != Op.CONST) k++;
            return k;
        }
    }

    /** Whether {@code n} computes the same value every step from constants alone. */
    private static boolean pure(Node n) {
        return switch (n.op()) {
            case INPUT, PARAM, STATE_READ, RANDOM -> false;
            default -> true;
        };
    }

    /** The groups to fold among the nodes {@code drawn} says are drawn as themselves (not in a collapsed box). */
    static List<Fold> find(Graph g, Predicate<Node> drawn) {
        Set<Node> constant = new HashSet<>();
        for (Node n : g.nodes()) {                    // graph order is topological
            if (!pure(n) || !drawn.test(n)) continue;
            boolean all = true;
            for (Node i : n.inputs()) all &= constant.contains(i);
            if (all) constant.add(n);
        }
        // union-find over the wires between constant nodes of one scope
        Map<Node, Node> parent = new HashMap<>();
        for (Node n : constant) parent.put(n, n);
        for (Node n : g.nodes()) {
            if (!constant.contains(n)) continue;
            for (Node i : n.inputs()) if (constant.contains(i) && i.scope().equals(n.scope())) union(parent, i, n);
        }
        Map<Node, List<Node>> groups = new LinkedHashMap<>();
        for (Node n : g.nodes()) if (constant.contains(n)) groups.computeIfAbsent(find(parent, n), k -> new ArrayList<>()).add(n);
        // who uses each node outside its group: ops, outputs and next values count as "used", init as "initializes"
        Map<Node, List<Node>> users = new HashMap<>();
        for (Node v : g.nodes()) for (Node u : v.inputs()) users.computeIfAbsent(u, k -> new ArrayList<>()).add(v);
        Set<Node> outputs = new HashSet<>();
        for (Graph.Output o : g.outputs()) outputs.add(o.node());
        for (State s : g.states()) outputs.add(s.next());
        List<Fold> out = new ArrayList<>();
        for (List<Node> grp : groups.values()) {
            Set<Node> in = new HashSet<>(grp);
            List<State> inits = new ArrayList<>();
            boolean onlyInit = true;
            Node result = null;
            int leaving = 0;
            for (Node n : grp) {
                boolean leaves = outputs.contains(n);
                for (Node v : users.getOrDefault(n, List.of())) leaves |= !in.contains(v);
                for (State s : g.states()) {
                    if (s.init() == n) {
                        inits.add(s);
                        leaves = true;
                    }
                }
                if (outputs.contains(n)) onlyInit = false;
                for (Node v : users.getOrDefault(n, List.of())) if (!in.contains(v)) onlyInit = false;
                if (leaves) {
                    leaving++;
                    result = n;
                }
            }
            boolean isInit = onlyInit && !inits.isEmpty();
            Fold f = new Fold(grp.get(0).scope(), List.copyOf(grp), isInit ? List.copyOf(inits) : List.of(), leaving == 1 ? result : null);
            if (f.ops() >= (isInit ? INIT_MIN_OPS : CONST_MIN_OPS)) out.add(f);
        }
        return out;
    }

    private static Node find(Map<Node, Node> parent, Node n) {
        while (parent.get(n) != n) {
            parent.put(n, parent.get(parent.get(n)));
            n = parent.get(n);
        }
        return n;
    }

    private static void union(Map<Node, Node> parent, Node a, Node b) {
        Node ra = find(parent, a), rb = find(parent, b);
        if (ra != rb) parent.put(rb, ra);
    }
}
