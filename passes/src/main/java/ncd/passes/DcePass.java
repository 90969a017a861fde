package ncd.passes;

import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.State;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Dead code elimination. The live nodes are those the outputs and every state's {@code init} and {@code next}
 * depend on, and every {@code input} node (a circuit keeps the inputs it declares, used or not, so callers pass
 * the same inputs). Everything else is dropped, including parameters nothing reads: a backend then neither
 * initialises nor exposes them, so setting such a parameter by name fails after this pass. States are kept even
 * when no output reads them (a state is part of what a step computes).
 */
public final class DcePass implements Pass {
    @Override public String name() { return "dce"; }

    @Override public Graph run(Graph g, PassContext ctx) {
        Set<Node> live = new HashSet<>();
        Deque<Node> work = new ArrayDeque<>();
        for (Graph.Output o : g.outputs()) work.push(o.node());
        for (State s : g.states()) {
            work.push(s.init());
            work.push(s.next());
        }
        for (Node n : g.nodes()) if (n.op() == Op.INPUT) work.push(n);
        while (!work.isEmpty()) {
            Node n = work.pop();
            if (live.add(n)) n.inputs().forEach(work::push);
        }
        return Rebuild.run(g, live::contains, (old, ins, b) -> Rebuild.copy(old, ins, b));
    }
}
