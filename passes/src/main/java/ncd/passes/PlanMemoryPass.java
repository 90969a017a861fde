package ncd.passes;

import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Liveness;
import ncd.ir.Node;
import ncd.ir.Schedule;
import ncd.ir.Sizes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans the buffers of a step, once, so that a backend allocates them when it compiles the graph and a step allocates
 * nothing; attaches the plan as the graph's {@link Schedule.Memory}, keeping the fusion decisions already attached
 * (none when {@code fuse} did not run: every node in its own loop). The nodes are unchanged.
 *
 * <p>Values and their live intervals come from {@link Liveness}: pinned values (inputs, parameters, states,
 * constants, iotas, outputs, states' next values, the init cone) get a buffer each. The others are allocated walking
 * the step order: at each node, its value first takes a free buffer of the same dtype (the smallest that holds it;
 * when none does, the largest, grown to fit; when none is free, a new one), then the values it read for the last
 * time free theirs. So a node's buffer is never one it reads. Buffers are numbered in graph order of their first
 * node.
 */
public final class PlanMemoryPass implements Pass {
    @Override public String name() { return "plan-memory"; }

    @Override public Graph run(Graph g, PassContext ctx) {
        Schedule.Fusion f = g.schedule() == null ? Schedule.Fusion.NONE : g.schedule().fusion();
        Set<Node> hoisted = g.schedule() == null ? Set.of() : g.schedule().hoisted();
        return g.withSchedule(new Schedule(f, hoisted, plan(g, f, hoisted)));
    }

    /** The memory plan of {@code g} with {@code fusion}'s nodes computed in their roots' loops. */
    public static Schedule.Memory plan(Graph g, Schedule.Fusion fusion) { return plan(g, fusion, Set.of()); }

    /** The memory plan of {@code g} with {@code fusion}'s nodes computed in their roots' loops and {@code hoisted} once. */
    public static Schedule.Memory plan(Graph g, Schedule.Fusion fusion, Set<Node> hoisted) {
        Liveness live = Liveness.of(g, fusion, hoisted);
        List<DType> dtypes = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        List<Boolean> pinned = new ArrayList<>();
        Map<Liveness.Value, Integer> bufferOf = new HashMap<>();
        long before = 0;
        for (Liveness.Value v : live.values()) {
            before = Sizes.plus(before, v.bytes());
            if (!v.pinned()) continue;
            bufferOf.put(v, dtypes.size());
            dtypes.add(v.dtype());
            counts.add(v.count());
            pinned.add(true);
        }

        Map<Integer, Liveness.Value> defined = new HashMap<>();
        Map<Integer, List<Liveness.Value>> dying = new HashMap<>();
        for (Liveness.Value v : live.values()) {
            if (v.pinned()) continue;
            defined.put(v.def(), v);
            dying.computeIfAbsent(v.last(), k -> new ArrayList<>()).add(v);
        }
        Map<DType, List<Integer>> free = new EnumMap<>(DType.class);
        for (int p = 0; p < live.stepOrder().size(); p++) {
            Liveness.Value v = defined.get(p);
            if (v != null) {
                List<Integer> pool = free.computeIfAbsent(v.dtype(), k -> new ArrayList<>());
                Integer best = null;
                for (Integer b : pool) {
                    if (best == null || better(counts.get(b), counts.get(best), v.count())) best = b;
                }
                if (best == null) {
                    best = dtypes.size();
                    dtypes.add(v.dtype());
                    counts.add(v.count());
                    pinned.add(false);
                } else {
                    pool.remove(best);
                    counts.set(best, Math.max(counts.get(best), v.count()));
                }
                bufferOf.put(v, best);
            }
            for (Liveness.Value d : dying.getOrDefault(p, List.of())) free.computeIfAbsent(d.dtype(), k -> new ArrayList<>()).add(bufferOf.get(d));
        }

        // number buffers in graph order of their first node (states nothing reads last, in state order)
        Map<Integer, Integer> first = new HashMap<>();
        int late = Integer.MAX_VALUE / 2;
        for (Liveness.Value v : live.values()) {
            int at = v.nodes().isEmpty() ? late++ : v.nodes().get(0).id();
            first.merge(bufferOf.get(v), at, Math::min);
        }
        List<Integer> order = new ArrayList<>(first.keySet());
        order.sort(Comparator.comparing(first::get));
        int[] renumber = new int[dtypes.size()];
        List<Schedule.Buffer> buffers = new ArrayList<>();
        for (int b : order) {
            renumber[b] = buffers.size();
            buffers.add(new Schedule.Buffer(dtypes.get(b), counts.get(b), pinned.get(b)));
        }
        Map<Node, Integer> nodes = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            Liveness.Value v = live.valueOf(n);
            if (v != null) nodes.put(n, renumber[bufferOf.get(v)]);
        }
        Map<String, Integer> states = new LinkedHashMap<>();
        for (Map.Entry<String, Liveness.Value> e : live.states().entrySet()) states.put(e.getKey(), renumber[bufferOf.get(e.getValue())]);
        return new Schedule.Memory(nodes, buffers, states, before);
    }

    /** Best fit: a buffer that holds {@code need} beats one that does not; among those that do, the smaller; else the larger. */
    private static boolean better(long candidate, long best, long need) {
        boolean fits = candidate >= need, bestFits = best >= need;
        if (fits != bestFits) return fits;
        return fits ? candidate < best : candidate > best;
    }
}
