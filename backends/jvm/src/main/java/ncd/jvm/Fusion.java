package ncd.jvm;

import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Schedule;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which nodes are computed inside another node's loop instead of in their own loop and buffer (see {@link Fused}), as
 * the graph's schedule says: the {@code fuse} pass ({@link ncd.passes.FusePass}) decides it, with its rules:
 * stencils (a reduction over a window's offsets reads the window's input directly) and elementwise chains (computed
 * in their users' loop, in registers). This class is the backend's view of that decision.
 */
final class Fusion {
    /** Nodes computed inside another node's loop: they get no buffer and no method. */
    final Set<Node> inlined = new HashSet<>();
    /** Fused stencils ({@link Schedule.Stencil}), keyed by their reduction. */
    final Map<Node, Schedule.Stencil> stencils = new HashMap<>();
    /** Inlined nodes read more than once in their loop: computed once per element into a local. */
    final Set<Node> shared = new HashSet<>();

    static final Fusion NONE = new Fusion();

    /** The backend's view of {@code f}, the fusion decisions attached to {@code graph}. */
    static Fusion of(Graph graph, Schedule.Fusion f) {
        Fusion out = new Fusion();
        out.inlined.addAll(f.roots().keySet());
        out.stencils.putAll(f.stencils());
        Map<Node, Integer> reads = new HashMap<>();
        for (Node n : graph.nodes()) for (Node in : n.inputs()) reads.merge(in, 1, Integer::sum);
        for (Node n : out.inlined) if (reads.getOrDefault(n, 0) > 1) out.shared.add(n);
        return out;
    }
}
