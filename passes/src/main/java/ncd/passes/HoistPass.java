package ncd.passes;

import ncd.ir.Graph;
import ncd.ir.Liveness;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Schedule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loop-invariant hoisting: decides which nodes of the step depend only on parameters, constants and iotas, and so
 * can be computed once per instance (and again only after a parameter is set), and attaches the decision as the
 * graph's {@link Schedule#hoisted()}. The nodes are unchanged; a backend that ignores the decision computes the same
 * values every step.
 *
 * <ul>
 *   <li>A node is <b>invariant</b> when it is a parameter, constant or iota, or when it computes from invariant
 *       inputs only. Inputs, state reads and random sources (a new draw each step) are not, nor is anything that
 *       reads them.
 *   <li>The <b>hoisted</b> nodes are the invariant nodes the step needs that compute something (not the leaves, and
 *       not renames or splits, which only hold their input's value).
 *   <li>But a broadcast ({@code expand}) whose users all run per step stays per step: it costs nothing inside its
 *       users' fused loop, while hoisted it would be stored at its full, broadcast size. Its input is hoisted instead.
 * </ul>
 * A typical catch: a synaptic mask cast from a parameter, a decay factor {@code exp(-dt / tau)} of a learnable time
 * constant, a weight transposed or scaled before a product.
 */
public final class HoistPass implements Pass {
    @Override public String name() { return "hoist"; }

    @Override public Graph run(Graph g, PassContext ctx) { return g.withSchedule(new Schedule(Schedule.Fusion.NONE, hoisted(g), null)); }

    /** The nodes of {@code g} to compute once per instance, in graph order. */
    public static Set<Node> hoisted(Graph g) {
        Set<Node> invariant = new HashSet<>();
        for (Node n : g.nodes()) {
            boolean inv = switch (n.op()) {
                case INPUT, STATE_READ, RANDOM -> false;
                default -> Schedule.invariantLeaf(n.op()) || n.inputs().stream().allMatch(invariant::contains);
            };
            if (inv) invariant.add(n);
        }
        Set<Node> step = Liveness.stepCone(g);
        Map<Node, List<Node>> users = new HashMap<>();
        for (Node n : g.nodes()) for (Node in : n.inputs()) users.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        Set<Node> hoisted = new HashSet<>();
        List<Node> nodes = g.nodes();
        // users come after their inputs: walking backwards, whether each user is hoisted is known
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (!invariant.contains(n) || !step.contains(n) || Schedule.invariantLeaf(n.op()) || n.op() == Op.RENAME || n.op() == Op.SPLIT) continue;
            if (n.op() == Op.EXPAND && users.getOrDefault(n, List.of()).stream().noneMatch(u -> hoisted.contains(u) || alias(u) && readByHoisted(u, users, hoisted))) continue;
            hoisted.add(n);
        }
        Set<Node> ordered = new LinkedHashSet<>();
        for (Node n : nodes) if (hoisted.contains(n)) ordered.add(n);
        return ordered;
    }

    private static boolean alias(Node n) { return n.op() == Op.RENAME || n.op() == Op.SPLIT; }

    /** Whether a hoisted node reads the alias {@code a} (directly or through further aliases). */
    private static boolean readByHoisted(Node a, Map<Node, List<Node>> users, Set<Node> hoisted) {
        for (Node u : users.getOrDefault(a, List.of())) {
            if (hoisted.contains(u) || alias(u) && readByHoisted(u, users, hoisted)) return true;
        }
        return false;
    }
}
