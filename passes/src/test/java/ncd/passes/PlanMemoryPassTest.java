package ncd.passes;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.IrPrinter;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Schedule;
import ncd.ir.State;
import ncd.ir.Verifier;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static ncd.passes.G.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The liveness rule and the allocation of {@code plan-memory}, on hand-built graphs, and the Verifier's checks of it. */
class PlanMemoryPassTest {
    static Node reduce(G t, Attr.ReduceFn fn, Node x, String... axes) { return t.op(Op.REDUCE, new Attr.Reduce(fn, List.of(axes)), null, x); }

    static Graph fusedAndPlanned(Graph g) {
        Graph out = new PassManager(List.of(new FusePass(), new PlanMemoryPass())).run(g, PassContext.verifying());
        Verifier.verify(out);
        return out;
    }

    static int buf(Graph g, Node n) {
        Integer b = g.schedule().memory().bufferOf().get(n);
        assertTrue(b != null, n + " has a buffer\n" + IrPrinter.print(g));
        return b;
    }

    static Node transpose(G t, Node x, ncd.ir.Axis... to) { return t.op(Op.TRANSPOSE, new Attr.None(), f32(to), x); }

    @Test void aValueDeadBeforeANodeRunsGivesItsBufferUpButNeverToItsReader() {
        G t = new G();
        Node x = t.in("x", f32(N, M));
        Node a = transpose(t, x, M, N);                      // step 0, read at 1
        Node b = transpose(t, a, N, M);                      // step 1, read at 2
        Node c = transpose(t, b, M, N);                      // step 2, read at 3
        t.out("y", transpose(t, c, N, M));
        Graph g = fusedAndPlanned(t.build());
        assertNotEquals(buf(g, a), buf(g, b), "b reads a");
        assertNotEquals(buf(g, b), buf(g, c), "c reads b");
        assertEquals(buf(g, a), buf(g, c), "a is dead when c is computed\n" + IrPrinter.print(g));
        assertEquals(4, g.schedule().memory().buffers().size());
        assertEquals(5 * 24, g.schedule().memory().bytesBefore());
        assertEquals(4 * 24, g.schedule().memory().bytesAfter());
    }

    /** A fused loop reads its group's leaves when it runs: a leaf read only by a fused node stays live until then. */
    @Test void aFusedRootReadsItsGroupsLeavesWhenItRuns() {
        G t = new G();
        Node x = t.in("x", f32(N, M));
        Node a = reduce(t, Attr.ReduceFn.MAX, x, "m");       // step 0
        Node q = reduce(t, Attr.ReduceFn.SUM, x, "m");       // step 1
        Node neg = t.un(Attr.UnaryFn.NEG, a);                // fused into r: a is read at step 2
        Node r = t.add(neg, q);                              // step 2
        Node s = reduce(t, Attr.ReduceFn.SUM, r, "n");       // step 3, an output
        Node v = reduce(t, Attr.ReduceFn.MIN, x, "m");       // step 4
        Node z = reduce(t, Attr.ReduceFn.MAX, v, "n");       // step 5, an output
        t.out("s", s).out("z", z);
        Graph g = fusedAndPlanned(t.build());
        assertSame(r, g.schedule().fusion().roots().get(neg), IrPrinter.print(g));
        assertNotEquals(buf(g, a), buf(g, q), "a is live until r runs, after q is written");
        assertTrue(!List.of(buf(g, a), buf(g, q)).contains(buf(g, r)), "r reads a (through neg) and q");
        assertTrue(List.of(buf(g, a), buf(g, q), buf(g, r)).contains(buf(g, v)), "v comes after all of them died");
        assertEquals(6, g.schedule().memory().buffers().size(), "x, s, z pinned; a, q, r; v reuses one");

        // without fusion neg has its own loop and buffer, and a dies there
        Graph plain = new PlanMemoryPass().run(t.build(), PassContext.verifying());
        Verifier.verify(plain);
        assertTrue(plain.schedule().fusion().isEmpty());
        assertNotEquals(buf(plain, neg), buf(plain, a));
    }

    @Test void aRenameHoldsItsInputsValueAndKeepsItLive() {
        G t = new G();
        Node x = t.in("x", f32(N, M));
        Node a = reduce(t, Attr.ReduceFn.MAX, x, "m");       // step 0
        Node ra = t.rename(a, "n", K);                       // a's buffer
        Node q = reduce(t, Attr.ReduceFn.SUM, x, "m");       // step 1
        Node s = reduce(t, Attr.ReduceFn.SUM, ra, "k");      // step 2: reads a
        Node u = reduce(t, Attr.ReduceFn.SUM, q, "n");       // step 3
        t.out("y", t.add(s, u));
        Graph g = fusedAndPlanned(t.build());
        assertEquals(buf(g, a), buf(g, ra));
        assertNotEquals(buf(g, a), buf(g, q), "a is read through its rename after q is written");
    }

    @Test void bestFitTakesTheSmallestBufferThatHoldsTheValueElseGrowsTheLargest() {
        G t = new G();
        Node x = t.in("x", f32(N, M)), x3 = t.in("x3", f32(N, K));
        Node a = reduce(t, Attr.ReduceFn.SUM, x, "m");                                    // 3 elements
        Node b = transpose(t, x, M, N);                                                   // 6 elements
        Node o = t.add(t.op(Op.EXPAND, new Attr.None(), f32(M, N), a), b);                // reads a and b; an output
        Node e = reduce(t, Attr.ReduceFn.MAX, x, "n");                                    // 2 elements
        Node o2 = reduce(t, Attr.ReduceFn.SUM, e, "m");
        Node f = transpose(t, x3, K, N);                                                  // 9 elements
        Node o3 = reduce(t, Attr.ReduceFn.SUM, f, "k", "n");
        Node i = t.op(Op.CAST, new Attr.Cast(DType.I32), null, x);                        // i32: no f32 buffer
        Node o4 = reduce(t, Attr.ReduceFn.SUM, i, "n", "m");
        t.out("o", o).out("o2", o2).out("o3", o3).out("o4", o4);
        Graph g = fusedAndPlanned(t.build());
        Schedule.Memory m = g.schedule().memory();
        assertEquals(buf(g, a), buf(g, e), "the 3-element buffer is the smallest that holds 2\n" + IrPrinter.print(g));
        assertEquals(buf(g, b), buf(g, f), "nothing holds 9: the largest free buffer grows");
        assertEquals(new Schedule.Buffer(DType.F32, 9, false), m.buffers().get(buf(g, f)));
        for (Node n : List.of(a, b, e, f)) assertNotEquals(buf(g, i), buf(g, n), "reuse only within a dtype");
        assertEquals(DType.I32, m.buffers().get(buf(g, i)).dtype());
    }

    @Test void pinnedValuesAreNeverShared() {
        G t = new G();
        Node x = t.in("x", f32(N, M));
        Node s = t.op(Op.STATE_READ, new Attr.Named("s"), f32(N));
        Node init = t.un(Attr.UnaryFn.EXP, t.c(0.5, f32(N)));     // the init cone
        Node a = reduce(t, Attr.ReduceFn.SUM, x, "m");
        Node sum = t.add(a, s);                                  // not fused: its user has other axes
        Node wide = t.op(Op.EXPAND, new Attr.None(), f32(N, M), sum);
        Node next = reduce(t, Attr.ReduceFn.MAX, wide, "m");
        Node w = reduce(t, Attr.ReduceFn.MIN, x, "m");
        Node idx = t.op(Op.ARG_REDUCE, new Attr.ArgReduce(Attr.ReduceFn.ARGMAX, "m"), null, x);
        Node oh = t.op(Op.ONEHOT, new Attr.OneHot(K), null, idx);
        t.b.state(new State("s", f32(N), init, next));
        t.out("y", reduce(t, Attr.ReduceFn.SUM, w, "n")).out("h", reduce(t, Attr.ReduceFn.SUM, oh, "n", "k"));
        Graph g = fusedAndPlanned(t.build());
        Schedule.Memory m = g.schedule().memory();
        Map<Integer, Integer> holders = new HashMap<>();
        for (Map.Entry<Node, Integer> e : m.bufferOf().entrySet()) holders.merge(e.getValue(), 1, Integer::sum);
        for (Node n : List.of(x, s, init, next, idx)) {
            assertTrue(m.buffers().get(buf(g, n)).pinned(), n + " is pinned");
            assertEquals(1, holders.get(buf(g, n)), n + " has its buffer alone\n" + IrPrinter.print(g));
        }
        assertEquals(buf(g, s), m.stateBuffers().get("s"));
        assertTrue(!m.buffers().get(buf(g, a)).pinned() && !m.buffers().get(buf(g, w)).pinned());
        assertTrue(List.of(buf(g, a), buf(g, sum), buf(g, wide)).contains(buf(g, w)), "w reuses a buffer of the next value's cone\n" + IrPrinter.print(g));
    }

    @Test void theVerifierRejectsBuffersSharedByLiveValuesAndFusedNodesWithBuffers() {
        G t = new G();
        Node x = t.in("x", f32(N, M));
        Node a = reduce(t, Attr.ReduceFn.MAX, x, "m");
        Node q = reduce(t, Attr.ReduceFn.SUM, x, "m");
        Node neg = t.un(Attr.UnaryFn.NEG, a);
        Node r = t.add(neg, q);
        t.out("s", reduce(t, Attr.ReduceFn.SUM, r, "n"));
        Graph g = fusedAndPlanned(t.build());
        Schedule.Memory m = g.schedule().memory();

        Map<Node, Integer> clash = new HashMap<>(m.bufferOf());
        clash.put(q, m.bufferOf().get(a));
        Graph bad = g.withSchedule(g.schedule().withMemory(new Schedule.Memory(clash, m.buffers(), m.stateBuffers(), m.bytesBefore())));
        assertTrue(Verifier.check(bad).stream().anyMatch(p -> p.contains("live at the same time")), String.valueOf(Verifier.check(bad)));

        Map<Node, Integer> extra = new HashMap<>(m.bufferOf());
        extra.put(neg, m.bufferOf().get(r));
        bad = g.withSchedule(g.schedule().withMemory(new Schedule.Memory(extra, m.buffers(), m.stateBuffers(), m.bytesBefore())));
        assertTrue(Verifier.check(bad).stream().anyMatch(p -> p.contains("needs none")), String.valueOf(Verifier.check(bad)));

        Graph intoReduce = g.withSchedule(new Schedule(new Schedule.Fusion(Map.of(r, g.outputs().get(0).node()), Map.of()), null));
        assertTrue(Verifier.check(intoReduce).stream().anyMatch(p -> p.contains("not an elementwise loop")), String.valueOf(Verifier.check(intoReduce)));
        Graph usersElsewhere = g.withSchedule(new Schedule(new Schedule.Fusion(Map.of(a, r), Map.of()), null));
        assertTrue(Verifier.check(usersElsewhere).stream().anyMatch(p -> p.contains("is computed in")), String.valueOf(Verifier.check(usersElsewhere)));
    }

    @Test void aGraphWithoutAScheduleIsPrintedAsBefore() {
        G t = new G();
        t.out("y", t.un(Attr.UnaryFn.EXP, t.in("x", f32(N))));
        Graph g = t.build();
        assertNull(g.schedule());
        Graph planned = fusedAndPlanned(g);
        assertEquals(IrPrinter.print(g), IrPrinter.print(planned.withSchedule(null)));
        assertTrue(IrPrinter.print(planned).contains("buffers: 2 (pinned b0-b1), 24 B before reuse, 24 B after"), IrPrinter.print(planned));
    }
}
