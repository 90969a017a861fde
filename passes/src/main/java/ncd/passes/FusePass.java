package ncd.passes;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.OpSpecs;
import ncd.ir.Schedule;
import ncd.ir.State;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which nodes are computed inside another node's loop instead of in their own loop and buffer, and attaches
 * the decision as the graph's {@link Schedule.Fusion} (any memory plan attached before is dropped: it depended on
 * the old decision). The nodes are unchanged.
 *
 * <ul>
 *   <li><b>Stencils</b>: a {@code reduce} over exactly the offset axes of a {@code window}, possibly through unary ops
 *       and casts, where the window and those ops have no other user: the reduction reads the window's input at the
 *       offsets directly (wrap or zero boundary), so the window is never written.
 *   <li><b>Elementwise chains</b>: a unary, binary, where, cast or expand node (or a stencil) whose users are all
 *       elementwise nodes with the same axes, computed in one loop, is evaluated in that loop, in registers (once per
 *       element, into a local, when it has several users there). Constants read by a fused loop are immediates.
 *       Every value is still rounded to its node's dtype, so results stay bit-exact.
 * </ul>
 * Graph outputs and states' initial and next values are never fused away (they need their buffers), and a loop is
 * either hoisted ({@link Schedule#hoisted()}, kept from the {@code hoist} pass) with all its nodes, or none of them is.
 */
public final class FusePass implements Pass {
    /** Most offset combinations a fused stencil unrolls (the code of each is written out). */
    public static final int MAX_OFFSETS = 32;

    @Override public String name() { return "fuse"; }

    @Override public Graph run(Graph g, PassContext ctx) {
        Set<Node> hoisted = g.schedule() == null ? Set.of() : g.schedule().hoisted();
        return g.withSchedule(new Schedule(analyze(g, hoisted), hoisted, null));
    }

    /** The fusion decisions for {@code graph} when nothing is hoisted. */
    public static Schedule.Fusion analyze(Graph graph) { return analyze(graph, Set.of()); }

    /** The fusion decisions for {@code graph}, whose {@code hoisted} nodes run once; roots and stencils in graph order. */
    public static Schedule.Fusion analyze(Graph graph, Set<Node> hoisted) {
        Set<Node> inlined = new HashSet<>();
        Map<Node, Schedule.Stencil> stencils = new HashMap<>();
        Map<Node, Integer> uses = new HashMap<>();
        for (Node n : graph.nodes()) {
            for (Node in : n.inputs()) uses.merge(in, 1, Integer::sum);
        }
        Set<Node> pinned = new HashSet<>();
        for (Graph.Output o : graph.outputs()) pinned.add(o.node());
        for (State s : graph.states()) {
            pinned.add(s.next());
            pinned.add(s.init());
        }
        java.util.function.Predicate<Node> single = n -> !pinned.contains(n) && uses.getOrDefault(n, 0) == 1;

        for (Node n : graph.nodes()) {
            if (n.op() != Op.REDUCE) continue;
            Attr.Reduce r = (Attr.Reduce) n.attr();
            if (!OpSpecs.isPlainReduction(r.fn())) continue;
            List<Node> chain = new ArrayList<>();
            Node m = n.input(0);
            while ((m.op() == Op.UNARY || m.op() == Op.CAST) && single.test(m)) {
                chain.add(m);
                m = m.input(0);
            }
            if (m.op() != Op.WINDOW || !single.test(m) || hoisted.contains(m) != hoisted.contains(n)) continue;
            Attr.Window w = (Attr.Window) m.attr();
            Set<String> offs = new HashSet<>();
            long combos = 1;
            for (Attr.WindowDim d : w.dims()) {
                offs.add(d.offset().name());
                combos *= d.offset().size();
            }
            if (!offs.equals(new HashSet<>(r.axes())) || offs.size() != r.axes().size() || combos > MAX_OFFSETS) continue;
            if (!n.type().axisNameSet().equals(m.input(0).type().axisNameSet())) continue;
            List<String> order = new ArrayList<>();
            for (String a : n.input(0).type().axisNames()) if (offs.contains(a)) order.add(a);
            Collections.reverse(chain);
            stencils.put(n, new Schedule.Stencil(n, m, List.copyOf(chain), order));
            inlined.add(m);
            inlined.addAll(chain);
        }
        // users come after their inputs in graph order: walking it backwards, every user's loop is known
        Map<Node, List<Node>> users = new HashMap<>();
        for (Node n : graph.nodes()) for (Node in : n.inputs()) users.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        Map<Node, Node> rootOf = new HashMap<>();
        List<Node> nodes = graph.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (inlined.contains(n)) continue;
            Node root = n;
            boolean fusable = Schedule.Fusion.elementwise(n.op()) || stencils.containsKey(n);
            List<Node> us = users.getOrDefault(n, List.of());
            if (fusable && !pinned.contains(n) && !us.isEmpty()) {
                Node r = null;
                boolean ok = true;
                for (Node u : us) {
                    // a stencil's window and chain have no loop of their own: what they read keeps its buffer
                    if (!(Schedule.Fusion.elementwise(u.op()) || u.op() == Op.RANDOM) || inlined.contains(u) && rootOf.get(u) == null
                            || !n.type().axisNameSet().equals(u.type().axisNameSet())) {
                        ok = false;
                        break;
                    }
                    Node ru = rootOf.get(u);
                    if (ru == null || r != null && r != ru) {
                        ok = false;
                        break;
                    }
                    r = ru;
                }
                if (ok && hoisted.contains(n) == hoisted.contains(r)) {
                    root = r;
                    inlined.add(n);
                }
            }
            rootOf.put(n, root);
        }
        // a stencil's window and chain are computed wherever its reduction is
        Map<Node, Node> roots = new LinkedHashMap<>();
        Map<Node, Schedule.Stencil> ordered = new LinkedHashMap<>();
        Map<Node, Node> stencilRoot = new HashMap<>();
        for (Schedule.Stencil s : stencils.values()) {
            Node r = rootOf.get(s.reduce());
            stencilRoot.put(s.window(), r);
            for (Node c : s.chain()) stencilRoot.put(c, r);
        }
        for (Node n : nodes) {
            if (!inlined.contains(n)) continue;
            Node r = stencilRoot.containsKey(n) ? stencilRoot.get(n) : rootOf.get(n);
            roots.put(n, r);
        }
        for (Node n : nodes) if (stencils.containsKey(n)) ordered.put(n, stencils.get(n));
        return new Schedule.Fusion(roots, ordered);
    }
}
