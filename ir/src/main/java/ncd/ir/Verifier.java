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
 * state's exact type), outputs inside the graph; and, when a {@link Schedule} is attached, that it fits the graph
 * (see {@link #checkSchedule}). A violation is a compiler bug.
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
        for (Graph.PendingGradient pg : g.gradients()) p.addAll(checkGradient(g, pg));
        if (p.isEmpty() && g.schedule() != null) p.addAll(checkSchedule(g));
        return p;
    }

    /**
     * A pending gradient's problems: it belongs to a law; its value and the input it differentiates in are inputs,
     * its loss a scalar float output, and the value has the type of its gradient (the input's, in loss / input).
     */
    private static List<String> checkGradient(Graph g, Graph.PendingGradient pg) {
        List<String> p = new ArrayList<>();
        String what = "pending gradient " + pg.value();
        if (g.kind() != Graph.Kind.LAW) p.add(what + " in a graph that is not a law");
        Node value = input(g, pg.value()), wrt = input(g, pg.wrt());
        Node loss = g.outputs().stream().filter(o -> o.name().equals(pg.loss())).map(Graph.Output::node).findFirst().orElse(null);
        if (value == null || wrt == null || loss == null) {
            p.add(what + ": its value, its input " + pg.wrt() + " or its loss " + pg.loss() + " is not in the graph");
            return p;
        }
        if (!loss.type().dtype().isFloat() || loss.type().rank() != 0) p.add(what + ": the loss " + pg.loss() + " is " + loss.type() + ", not a scalar float");
        TensorType want = wrt.type().withUnit(loss.type().unit().over(wrt.type().unit()));
        if (!value.type().equals(want)) p.add(what + " has type " + value.type() + ", not " + want);
        return p;
    }

    private static Node input(Graph g, String name) {
        for (Node n : g.inputs()) if (((Attr.Named) n.attr()).name().equals(name)) return n;
        return null;
    }

    /**
     * The attached schedule's problems. Fusion: every fused node and its root are nodes of the graph, the root comes
     * later and is not fused itself, every user of a fused node is computed in the same loop, outputs and states'
     * initial and next values are never fused, and stencils are a reduction over exactly a fused window's offsets
     * (through fused unary ops and casts). Memory: every node that needs a buffer (see {@link Liveness}) has one and
     * no other node does, the nodes of one value share it, its dtype is the node's and it holds enough elements, a
     * pinned buffer holds one value and any other buffer never holds two values live at the same time.
     */
    public static List<String> checkSchedule(Graph g) {
        List<String> p = new ArrayList<>();
        Schedule s = g.schedule();
        Map<Node, Integer> pos = new HashMap<>();
        for (Node n : g.nodes()) pos.put(n, pos.size());
        Schedule.Fusion f = s.fusion();
        Set<Node> fixed = new HashSet<>();
        for (Graph.Output o : g.outputs()) fixed.add(o.node());
        for (State st : g.states()) {
            fixed.add(st.init());
            fixed.add(st.next());
        }
        Map<Node, List<Node>> users = new HashMap<>();
        for (Node n : g.nodes()) for (Node in : n.inputs()) users.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        Set<Node> inStencil = new HashSet<>();
        for (Schedule.Stencil st : f.stencils().values()) {
            inStencil.add(st.window());
            inStencil.addAll(st.chain());
        }
        for (Map.Entry<Node, Node> e : f.roots().entrySet()) {
            Node n = e.getKey(), r = e.getValue();
            if (!pos.containsKey(n) || !pos.containsKey(r)) {
                p.add("schedule: fused node " + n + " or its root " + r + " is not in the graph");
                continue;
            }
            if (pos.get(r) <= pos.get(n)) p.add("schedule: " + n + " is fused into " + r + ", which comes before it");
            if (f.inlined(r)) p.add("schedule: " + n + " is fused into " + r + ", which is fused itself");
            if (fixed.contains(n)) p.add("schedule: " + n + " is an output or a state's value but is fused away");
            // outside a stencil, a fused node is an elementwise value computed per element of an elementwise loop
            if (!inStencil.contains(n)) {
                boolean ew = Schedule.Fusion.elementwise(n.op()) || f.stencils().containsKey(n);
                if (!ew || !(Schedule.Fusion.elementwise(r.op()) || r.op() == Op.RANDOM) || !n.type().axisNameSet().equals(r.type().axisNameSet())) {
                    p.add("schedule: " + n + " is fused into " + r + ", which is not an elementwise loop over its axes");
                }
            }
            for (Node u : users.getOrDefault(n, List.of())) {
                if (f.loopOf(u) != r) p.add("schedule: " + n + " is fused into " + r + " but its user " + u + " is computed in " + f.loopOf(u));
            }
        }
        for (Map.Entry<Node, Schedule.Stencil> e : f.stencils().entrySet()) {
            Schedule.Stencil st = e.getValue();
            Node red = st.reduce();
            if (e.getKey() != red || !pos.containsKey(red) || red.op() != Op.REDUCE) {
                p.add("schedule: stencil " + red + " is not a reduction of the graph");
                continue;
            }
            Node m = red.input(0);
            List<Node> chain = new ArrayList<>();
            while (chain.size() < st.chain().size() && !m.inputs().isEmpty()) {
                chain.add(0, m);
                m = m.input(0);
            }
            if (m != st.window() || m.op() != Op.WINDOW || !chain.equals(st.chain())
                    || chain.stream().anyMatch(c -> c.op() != Op.UNARY && c.op() != Op.CAST)) {
                p.add("schedule: stencil " + red + " does not reduce its window through its chain");
                continue;
            }
            Set<String> offs = new HashSet<>();
            for (Attr.WindowDim d : ((Attr.Window) m.attr()).dims()) offs.add(d.offset().name());
            if (!offs.equals(new HashSet<>(st.offsets())) || !offs.equals(new HashSet<>(((Attr.Reduce) red.attr()).axes()))) {
                p.add("schedule: stencil " + red + " does not reduce exactly its window's offsets");
            }
            List<Node> members = new ArrayList<>(chain);
            members.add(m);
            for (Node c : members) {
                if (f.roots().get(c) != f.loopOf(red)) p.add("schedule: " + c + " of stencil " + red + " is not computed in its loop");
            }
        }
        checkHoisted(g, s, pos, p);
        if (s.memory() != null) checkMemory(g, s, p);
        return p;
    }

    /**
     * Hoisted nodes are computed nodes of the graph whose inputs are hoisted or invariant (parameters, constants,
     * iotas, and renames or splits of those), and a fused node is hoisted exactly when its loop's node is: one loop
     * runs either once per instance or every step.
     */
    private static void checkHoisted(Graph g, Schedule s, Map<Node, Integer> pos, List<String> p) {
        Set<Node> h = s.hoisted();
        for (Node n : h) {
            if (!pos.containsKey(n)) {
                p.add("schedule: hoisted " + n + " is not in the graph");
                continue;
            }
            if (Schedule.invariantLeaf(n.op()) || n.op() == Op.RENAME || n.op() == Op.SPLIT || n.op() == Op.RANDOM
                    || n.op() == Op.INPUT || n.op() == Op.STATE_READ) {
                p.add("schedule: hoisted " + n + " is not a node that computes an invariant value");
            }
            for (Node in : n.inputs()) {
                Node src = in;
                while (src.op() == Op.RENAME || src.op() == Op.SPLIT) src = src.input(0);
                if (!h.contains(src) && !Schedule.invariantLeaf(src.op())) p.add("schedule: hoisted " + n + " reads " + in + ", which is not invariant");
            }
        }
        for (Map.Entry<Node, Node> e : s.fusion().roots().entrySet()) {
            if (h.contains(e.getKey()) != h.contains(e.getValue())) {
                p.add("schedule: " + e.getKey() + " is fused into " + e.getValue() + " but only one of them is hoisted");
            }
        }
    }

    private static void checkMemory(Graph g, Schedule s, List<String> p) {
        Schedule.Memory mem = s.memory();
        Liveness live = Liveness.of(g, s.fusion(), s.hoisted());
        Set<Node> nodes = new HashSet<>(g.nodes());
        for (Node n : mem.bufferOf().keySet()) {
            if (!nodes.contains(n)) p.add("memory: " + n + " is not in the graph");
            else if (live.valueOf(n) == null) p.add("memory: " + n + " has a buffer but needs none");
        }
        int nb = mem.buffers().size();
        List<List<Liveness.Value>> held = new ArrayList<>();
        for (int i = 0; i < nb; i++) held.add(new ArrayList<>());
        long before = 0;
        for (Liveness.Value v : live.values()) {
            before = Sizes.plus(before, v.bytes());
            Integer b = null;
            for (Node n : v.nodes()) {
                Integer bn = mem.bufferOf().get(n);
                if (bn == null) p.add("memory: " + n + " has no buffer");
                else if (b != null && !b.equals(bn)) p.add("memory: " + n + " holds the value of " + v.nodes().get(0) + " but not in its buffer");
                else b = bn;
            }
            if (v.state() != null) {
                Integer sb = mem.stateBuffers().get(v.state());
                if (sb == null) p.add("memory: state " + v.state() + " has no buffer");
                else if (b != null && !b.equals(sb)) p.add("memory: state " + v.state() + " is not in the buffer of its reads");
                else b = sb;
            }
            if (b == null) continue;
            if (b < 0 || b >= nb) {
                p.add("memory: " + v + " in buffer " + b + " of " + nb);
                continue;
            }
            Schedule.Buffer buf = mem.buffers().get(b);
            if (buf.dtype() != v.dtype()) p.add("memory: " + v + " is " + v.dtype().word() + " but buffer b" + b + " is " + buf.dtype().word());
            if (buf.count() < v.count()) p.add("memory: " + v + " has " + v.count() + " elements but buffer b" + b + " holds " + buf.count());
            held.get(b).add(v);
        }
        if (!mem.stateBuffers().keySet().equals(live.states().keySet())) p.add("memory: state buffers for " + mem.stateBuffers().keySet() + ", states " + live.states().keySet());
        for (int b = 0; b < nb; b++) {
            List<Liveness.Value> vs = held.get(b);
            boolean pinned = vs.stream().anyMatch(Liveness.Value::pinned);
            if (vs.isEmpty()) p.add("memory: buffer b" + b + " holds nothing");
            if (pinned != mem.buffers().get(b).pinned()) p.add("memory: buffer b" + b + (pinned ? " holds a pinned value but is not pinned" : " is pinned but holds no pinned value"));
            for (int i = 0; i < vs.size(); i++) {
                for (int j = i + 1; j < vs.size(); j++) {
                    if (vs.get(i).overlaps(vs.get(j))) p.add("memory: buffer b" + b + " holds " + vs.get(i) + " and " + vs.get(j) + ", live at the same time");
                }
            }
        }
        if (before != mem.bytesBefore()) p.add("memory: " + mem.bytesBefore() + " bytes before reuse, but the values take " + before);
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
