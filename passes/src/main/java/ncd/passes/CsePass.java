package ncd.passes;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Common subexpression elimination: walks the graph in order and replaces a node by an earlier one with the same
 * op, attribute (by value), inputs (after replacement, by identity) and type. Because inputs are replaced first,
 * whole equal subtrees collapse in one pass. Never merged: {@code random} nodes (each draws its own numbers) and
 * {@code input} nodes (the circuit's input list is kept). {@code param} and {@code state_read} nodes merge only
 * when their attribute, hence their name, is equal: they then read the same parameter or state. {@code synapses}
 * drawn by a rule merge only within one instance (their connections depend on the instance path). The kept node is
 * the first, with its span and scope.
 */
public final class CsePass implements Pass {
    /** {@code scope}: the instance path where it changes the value (synapses drawn by rule: null otherwise). */
    private record Key(Op op, Attr attr, List<Node> inputs, TensorType type, String scope) {}

    @Override public String name() { return "cse"; }

    @Override public Graph run(Graph g, PassContext ctx) {
        Map<Key, Node> seen = new HashMap<>();
        return Rebuild.run(g, n -> true, (old, ins, b) -> {
            if (old.op() == Op.RANDOM || old.op() == Op.INPUT) return Rebuild.copy(old, ins, b);
            // Nodes are compared by identity (Node has no equals), which is what "the same input" means here.
            Key k = new Key(old.op(), old.attr(), List.copyOf(ins), old.type(), drawnAt(old));
            Node prev = seen.get(k);
            if (prev != null) return prev;
            Node out = Rebuild.copy(old, ins, b);
            seen.put(k, out);
            return out;
        });
    }

    /**
     * Synapses drawn by a rule draw from a key of their instance path (ncd.runtime.Synapses.plan): two instances of one
     * circuit on one input draw different connections, so they merge only within one instance. A list of pairs is
     * the same list wherever it is.
     */
    private static String drawnAt(Node n) {
        return n.op() == Op.SYNAPSES && ((Attr.Synapses) n.attr()).rule() != Attr.SynRule.PAIRS ? n.scope() : null;
    }
}
