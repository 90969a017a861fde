package ncd.passes;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.IrPrinter;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Schedule;
import ncd.ir.State;
import ncd.ir.Verifier;
import org.junit.jupiter.api.Test;

import java.util.List;

import static ncd.passes.G.*;
import static ncd.passes.PlanMemoryPassTest.reduce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fusion decisions of {@code fuse} on hand-built graphs; the JVM backend's FusionTest runs them. */
class FusePassTest {
    static Graph fused(Graph g) {
        Graph out = new FusePass().run(g, PassContext.verifying());
        Verifier.verify(out);
        assertSame(g.nodes(), out.nodes(), "fuse attaches a schedule and keeps the nodes");
        return out;
    }

    static Node window(G t, Node x, Axis... offsets) {
        List<Attr.WindowDim> dims = offsets.length == 1 ? List.of(new Attr.WindowDim("n", offsets[0]))
                : List.of(new Attr.WindowDim("n", offsets[0]), new Attr.WindowDim("m", offsets[1]));
        return t.op(Op.WINDOW, new Attr.Window(dims, Attr.Boundary.WRAP), null, x);
    }

    @Test void aWindowReductionBecomesAStencilComputedInItsUsersLoop() {
        G t = new G();
        Node x = t.in("x", new ncd.ir.TensorType(DType.BOOL, List.of(N, M), ncd.ir.Unit.NONE));
        Axis dn = new Axis("dn", 3), dm = new Axis("dm", 2);
        Node w = window(t, x, dn, dm);
        Node c = t.op(Op.CAST, new Attr.Cast(DType.I32), null, w);
        Node sum = reduce(t, Attr.ReduceFn.SUM, c, "dm", "dn");
        Node self = t.op(Op.CAST, new Attr.Cast(DType.I32), null, x);
        Node y = t.bin(Attr.BinaryFn.SUB, sum, self);
        t.out("y", y);
        Schedule.Fusion f = fused(t.build()).schedule().fusion();
        Schedule.Stencil st = f.stencils().get(sum);
        assertEquals(new Schedule.Stencil(sum, w, List.of(c), List.of("dn", "dm")), st, "offsets in the reduction input's order");
        for (Node n : List.of(w, c, sum, self)) assertSame(y, f.roots().get(n), n + " is computed in the subtraction's loop");
        assertFalse(f.inlined(y), "an output keeps its buffer");
    }

    @Test void aStencilOverTooManyOffsetsOrAWindowReadTwiceIsNotFused() {
        G t = new G();
        Node x = t.in("x", f32(new Axis("n", 8), new Axis("m", 8)));
        Node big = reduce(t, Attr.ReduceFn.SUM, window(t, x, new Axis("dn", 6), new Axis("dm", 6)), "dn", "dm");
        Node w = window(t, x, new Axis("dq", 3));
        Node twice = t.add(reduce(t, Attr.ReduceFn.SUM, w, "dq"), reduce(t, Attr.ReduceFn.MAX, w, "dq"));
        t.out("a", big).out("b", twice);
        Schedule.Fusion f = fused(t.build()).schedule().fusion();
        assertTrue(f.stencils().isEmpty(), "36 offsets are more than " + FusePass.MAX_OFFSETS + "; a window with two readers is written");
    }

    @Test void elementwiseChainsJoinTheirSingleLoopOnlyOverTheSameAxes() {
        G t = new G();
        Node x = t.in("x", f32(N, M)), v = t.in("v", f32(N));
        Node e = t.un(Attr.UnaryFn.EXP, x);
        Node sq = t.mul(e, e);                                  // e read twice in one loop
        Node y = t.add(sq, x);
        Node two = t.un(Attr.UnaryFn.TANH, v);                  // read by two different loops
        Node p = t.add(two, v);
        Node q = reduce(t, Attr.ReduceFn.SUM, t.add(t.op(Op.EXPAND, new Attr.None(), f32(N, M), two), x), "m");
        Node narrow = t.un(Attr.UnaryFn.NEG, v);                // its user has more axes
        Node wide = t.add(y, t.op(Op.EXPAND, new Attr.None(), f32(N, M), narrow));
        t.out("y", wide).out("p", p).out("q", q);
        Schedule.Fusion f = fused(t.build()).schedule().fusion();
        assertSame(wide, f.roots().get(e));
        assertSame(wide, f.roots().get(sq));
        assertFalse(f.inlined(two), "two loops read it");
        assertFalse(f.inlined(narrow), "its user loops over more axes");
        for (Node n : List.of(wide, p, q)) assertFalse(f.inlined(n), "outputs and reductions have loops of their own");
    }

    @Test void statesInitialAndNextValuesAreNeverFused() {
        G t = new G();
        Node s = t.op(Op.STATE_READ, new Attr.Named("s"), f32(N));
        Node init = t.un(Attr.UnaryFn.EXP, t.c(1, f32(N)));
        Node next = t.un(Attr.UnaryFn.NEG, s);
        Node y = t.add(next, init);
        t.b.state(new State("s", f32(N), init, next));
        t.out("y", y);
        Schedule.Fusion f = fused(t.build()).schedule().fusion();
        assertFalse(f.inlined(init));
        assertFalse(f.inlined(next));
    }

    @Test void fusingAgainDropsAnOldMemoryPlan() {
        G t = new G();
        t.out("y", t.un(Attr.UnaryFn.EXP, t.un(Attr.UnaryFn.NEG, t.in("x", f32(N)))));
        Graph planned = new PlanMemoryPass().run(t.build(), PassContext.verifying());
        assertTrue(planned.schedule().fusion().isEmpty());
        Graph again = fused(planned);
        assertNull(again.schedule().memory());
        assertEquals(1, again.schedule().fusion().roots().size(), IrPrinter.print(again));
    }
}
