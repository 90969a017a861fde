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
 * depend on, every {@code input} node (a circuit keeps the inputs it declares, used or not, so callers pass the
 * same inputs) and every {@code param} node (a circuit keeps the parameters it declares, read or not: backends run
 * this pipeline before they compile, and a caller loading a checkpoint sets parameters by name). Everything else is
 * dropped. States are kept even when no output reads them (a state is part of what a step computes).
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
        for (Node n : g.nodes()) if (n.op() == Op.INPUT || n.op() == Op.PARAM) work.push(n);
        while (!work.isEmpty()) {
            Node n = work.pop();
            if (live.add(n)) n.inputs().forEach(work::push);
        }
        return Rebuild.run(g, live::contains, (old, ins, b) -> Rebuild.copy(old, ins, b));
    }
}
