package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.State;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which nodes are computed inside another node's loop instead of in their own loop and buffer (see {@link Fused}).
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
 * Graph outputs and states' initial and next values are never fused away (they need their buffers).
 */
final class Fusion {
    /** Most offset combinations a fused stencil unrolls (the code of each is written out). */
    static final int MAX_OFFSETS = 32;

    /**
     * A reduction over a window's offsets: {@code chain} are the unary/cast nodes between the window and the
     * reduction, first applied first; {@code offsets} the reduced axes in the reduction input's order.
     */
    record Stencil(Node reduce, Node window, List<Node> chain, List<String> offsets) {
        Node x() { return window.input(0); }
        Attr.Window attr() { return (Attr.Window) window.attr(); }
    }

    /** Nodes computed inside another node's loop: they get no buffer and no method. */
    final Set<Node> inlined = new HashSet<>();
    final Map<Node, Stencil> stencils = new HashMap<>();
    /** Inlined nodes read more than once in their loop: computed once per element into a local. */
    final Set<Node> shared = new HashSet<>();

    static final Fusion NONE = new Fusion();

    static boolean elementwise(Op op) {
        return op == Op.UNARY || op == Op.BINARY || op == Op.WHERE || op == Op.CAST || op == Op.EXPAND;
    }

    static Fusion analyze(Graph graph) {
        Fusion f = new Fusion();
        Map<Node, Integer> uses = new HashMap<>();
        Map<Node, Node> user = new HashMap<>();
        for (Node n : graph.nodes()) {
            for (Node in : n.inputs()) {
                uses.merge(in, 1, Integer::sum);
                user.put(in, n);
            }
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
            if (r.fn() == Attr.ReduceFn.ARGMAX || r.fn() == Attr.ReduceFn.ARGMIN) continue;
            List<Node> chain = new ArrayList<>();
            Node m = n.input(0);
            while ((m.op() == Op.UNARY || m.op() == Op.CAST) && single.test(m)) {
                chain.add(m);
                m = m.input(0);
            }
            if (m.op() != Op.WINDOW || !single.test(m)) continue;
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
            f.stencils.put(n, new Stencil(n, m, List.copyOf(chain), order));
            f.inlined.add(m);
            f.inlined.addAll(chain);
        }
        // users come after their inputs in graph order: walking it backwards, every user's loop is known
        Map<Node, List<Node>> users = new HashMap<>();
        for (Node n : graph.nodes()) for (Node in : n.inputs()) users.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        Map<Node, Node> rootOf = new HashMap<>();
        List<Node> nodes = graph.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (f.inlined.contains(n)) continue;
            Node root = n;
            boolean fusable = elementwise(n.op()) || f.stencils.containsKey(n);
            List<Node> us = users.getOrDefault(n, List.of());
            if (fusable && !pinned.contains(n) && !us.isEmpty()) {
                Node r = null;
                boolean ok = true;
                for (Node u : us) {
                    if (!(elementwise(u.op()) || u.op() == Op.RANDOM) || f.inlined.contains(u) && rootOf.get(u) == null
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
                if (ok) {
                    root = r;
                    f.inlined.add(n);
                    if (us.size() > 1) f.shared.add(n);
                }
            }
            rootOf.put(n, root);
        }
        return f;
    }

}
