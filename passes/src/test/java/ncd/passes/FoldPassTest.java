package ncd.passes;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.IrPrinter;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Verifier;
import org.junit.jupiter.api.Test;

import java.util.List;

import static ncd.passes.G.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FoldPassTest {
    static Graph fold(Graph g) {
        Graph out = new FoldPass().run(g, PassContext.verifying());
        Verifier.verify(out);
        return new DcePass().run(out, PassContext.verifying());
    }

    static double constOut(Graph g) {
        Node n = g.outputs().get(0).node();
        assertEquals(Op.CONST, n.op(), IrPrinter.print(g));
        return ((Attr.Scalar) n.attr()).value();
    }

    @Test void foldsArithmeticRoundingToF32AfterEveryOp() {
        G t = new G();
        Node x = t.mul(t.c(0.1, f32()), t.c(3, f32()));
        t.out("y", t.add(x, t.c(1e-9, f32())));
        double want = (float) ((double) (float) ((double) (float) 0.1 * 3) + (double) (float) 1e-9);
        assertEquals(want, (float) constOut(fold(t.build())));
    }

    @Test void storesTheShortestDecimalOfAnF32Result() {
        G t = new G();
        t.out("y", t.mul(t.c(1, f32()), t.c(1e-9, f32())));
        assertEquals(1e-9, constOut(fold(t.build())));
    }

    @Test void foldsIntegerArithmeticWithWrapAroundAndFloorModulo() {
        G t = new G();
        Node big = t.mul(t.c(Integer.MAX_VALUE, i32()), t.c(2, i32()));
        t.out("y", t.bin(Attr.BinaryFn.MOD, big, t.c(-7, i32())));
        assertEquals(Math.floorMod(Integer.MAX_VALUE * 2, -7), constOut(fold(t.build())));
    }

    @Test void keepsNanAndTheSignOfZero() {
        G t = new G();
        t.out("y", t.mul(t.c(-0.0, f32()), t.c(1, f32())));
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(constOut(fold(t.build()))));
        G u = new G();
        u.out("y", u.bin(Attr.BinaryFn.MAX, u.un(Attr.UnaryFn.LOG, u.c(-1, f32())), u.c(2, f32())));
        assertTrue(Double.isNaN(constOut(fold(u.build()))));
    }

    @Test void foldsAConstBroadcastToAxesIntoAConstOfTheResultType() {
        G t = new G();
        Node y = t.add(t.c(2, f32(N)), t.c(3, f32()));
        t.out("y", y);
        Graph g = fold(t.build());
        assertEquals(f32(N), g.outputs().get(0).node().type());
        assertEquals(5.0, constOut(g));
        assertEquals(1, g.nodes().size());
    }

    @Test void leavesInputsAndParametersAlone() {
        G t = new G();
        Node x = t.in("x", f32(N));
        t.out("y", t.mul(x, t.add(t.c(2, f32()), t.c(3, f32()))));
        Graph g = fold(t.build());
        assertEquals(Op.BINARY, g.outputs().get(0).node().op());
        assertEquals(1, G.count(g, Op.CONST));
    }

    @Test void foldsReductionsOfConstantsAndOfIota() {
        G t = new G();
        t.out("mean", t.op(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.MEAN, List.of("n")), null, t.c(0.1, f32(N))));
        t.out("sum", t.op(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("n")), null, t.iota(N)));
        t.out("max", t.op(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.MAX, List.of("n")), null, t.iota(N)));
        Graph g = fold(t.build());
        double acc = 0;
        for (int i = 0; i < 3; i++) acc += (float) 0.1;
        assertEquals((float) (acc / 3), (float) ((Attr.Scalar) g.outputs().get(0).node().attr()).value());
        assertEquals(3.0, ((Attr.Scalar) g.outputs().get(1).node().attr()).value());
        assertEquals(2.0, ((Attr.Scalar) g.outputs().get(2).node().attr()).value());
    }

    @Test void foldsAnIotaComparisonThatHoldsEverywhere() {
        G t = new G();
        Node lt = t.bin(Attr.BinaryFn.LT, t.iota(N), t.c(3, i32()));
        Node mixed = t.bin(Attr.BinaryFn.LT, t.iota(N), t.c(1, i32()));
        t.out("all", lt).out("mixed", mixed);
        Graph g = fold(t.build());
        assertEquals(1.0, constOut(g));
        assertEquals(Op.BINARY, g.outputs().get(1).node().op());
    }

    @Test void movingAConstantKeepsItConstant() {
        G t = new G();
        Node e = t.op(Op.EXPAND, new Attr.None(), f32(M, N), t.c(4, f32(N)));
        t.out("y", t.rename(e, "m", new ncd.ir.Axis("q", 2)));
        assertEquals(4.0, constOut(fold(t.build())));
    }

    @Test void neverFoldsRandomSources() {
        G t = new G();
        t.out("y", t.random(f32(N), "", t.c(0, f32()), t.c(1, f32())));
        assertEquals(Op.RANDOM, fold(t.build()).outputs().get(0).node().op());
    }
}
