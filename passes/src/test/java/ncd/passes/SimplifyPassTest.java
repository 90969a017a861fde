package ncd.passes;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Verifier;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static ncd.passes.G.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class SimplifyPassTest {
    static Graph simplify(Graph g) {
        Graph out = new DcePass().run(new SimplifyPass().run(g, PassContext.verifying()), PassContext.verifying());
        Verifier.verify(out);
        return out;
    }

    static Node result(Graph g) { return g.outputs().get(0).node(); }

    @Test void dropsMultiplicationAndDivisionByOne() {
        G t = new G();
        Node x = t.in("x", f32(N));
        t.out("y", t.bin(Attr.BinaryFn.DIV, t.mul(t.c(1, f32()), x), t.c(1, f32())));
        Graph g = simplify(t.build());
        assertEquals(Op.INPUT, result(g).op());
        assertEquals(1, g.nodes().size());
    }

    @Test void subtractingZeroGoesButAddingPositiveZeroToAFloatStays() {
        G t = new G();
        Node x = t.in("x", f32(N));
        t.out("sub", t.bin(Attr.BinaryFn.SUB, x, t.c(0, f32())));
        t.out("add", t.add(x, t.c(0, f32())));
        t.out("addNegZero", t.add(t.c(-0.0, f32()), x));
        Graph g = simplify(t.build());
        assertEquals(Op.INPUT, g.outputs().get(0).node().op());
        assertEquals(Op.BINARY, g.outputs().get(1).node().op(), "-0 + 0 is +0: not an identity");
        assertEquals(Op.INPUT, g.outputs().get(2).node().op());
    }

    @Test void addingZeroToAnIntegerGoes() {
        G t = new G();
        Node x = t.in("x", i32(N));
        t.out("y", t.add(x, t.c(0, i32())));
        assertEquals(Op.INPUT, result(simplify(t.build())).op());
    }

    @Test void timesOneOverMoreAxesBecomesAnExpand() {
        G t = new G();
        Node x = t.in("x", f32(N));
        t.out("y", t.mul(x, t.c(1, f32(M, N))));
        Graph g = simplify(t.build());
        assertEquals(Op.EXPAND, result(g).op());
        assertEquals(f32(M, N), result(g).type());
    }

    @Test void doesNotDropMultiplicationByZero() {
        G t = new G();
        t.out("y", t.mul(t.in("x", f32(N)), t.c(0, f32())));
        assertEquals(Op.BINARY, result(simplify(t.build())).op());
    }

    @Test void doubleNegationAndDoubleTransposeCancel() {
        G t = new G();
        Node x = t.in("x", f32(M, N));
        Node tr = t.op(Op.TRANSPOSE, new Attr.None(), f32(N, M), x);
        Node back = t.op(Op.TRANSPOSE, new Attr.None(), f32(M, N), tr);
        t.out("y", t.un(Attr.UnaryFn.NEG, t.un(Attr.UnaryFn.NEG, back)));
        Graph g = simplify(t.build());
        assertEquals(1, g.nodes().size());
    }

    @Test void aTransposedExpandIsOneExpandInTheTransposedOrder() {
        G t = new G();
        Node x = t.in("x", f32(N));
        Node ex = t.op(Op.EXPAND, new Attr.None(), f32(M, N), x);
        t.out("y", t.op(Op.TRANSPOSE, new Attr.None(), f32(N, M), ex));
        Graph g = simplify(t.build());
        assertEquals(Op.EXPAND, result(g).op());
        assertEquals(f32(N, M), result(g).type());
        assertSame(g.inputs().get(0), result(g).input(0));
        assertEquals(2, g.nodes().size());
    }

    @Test void renamesCompose() {
        G t = new G();
        Node x = t.in("x", f32(N));
        Axis a = new Axis("a", 3), c = new Axis("c", 3);
        t.out("back", t.rename(t.rename(x, "n", a), "a", N));
        t.out("on", t.rename(t.rename(x, "n", a), "a", c));
        Graph g = simplify(t.build());
        assertEquals(Op.INPUT, g.outputs().get(0).node().op());
        Node on = g.outputs().get(1).node();
        assertEquals(Op.RENAME, on.op());
        assertEquals(Map.of("n", c), ((Attr.Rename) on.attr()).map());
        assertSame(g.inputs().get(0), on.input(0));
    }

    @Test void identityMovesAndSelectsGo() {
        G t = new G();
        Node x = t.in("x", f32(N));
        Node cond = t.in("c", new ncd.ir.TensorType(ncd.ir.DType.BOOL, java.util.List.of(M, N), null));
        t.out("expand", t.op(Op.EXPAND, new Attr.None(), f32(N), x));
        t.out("cast", t.op(Op.CAST, new Attr.Cast(ncd.ir.DType.F32), null, x));
        t.out("where", t.op(Op.WHERE, new Attr.None(), null, cond, x, x));
        Graph g = simplify(t.build());
        assertEquals(Op.INPUT, g.outputs().get(0).node().op());
        assertEquals(Op.INPUT, g.outputs().get(1).node().op());
        assertEquals(Op.EXPAND, g.outputs().get(2).node().op());
    }

    @Test void whereWithAConstantConditionPicksItsBranchAndNotNotCancels() {
        G t = new G();
        Node x = t.in("x", f32(N)), y = t.in("y", f32(N));
        ncd.ir.TensorType bool = new ncd.ir.TensorType(ncd.ir.DType.BOOL, java.util.List.of(N), null);
        Node c = t.in("c", bool);
        t.out("t", t.op(Op.WHERE, new Attr.None(), null, t.c(1, bool), x, y));
        t.out("f", t.op(Op.WHERE, new Attr.None(), null, t.c(0, bool), x, y));
        t.out("nn", t.un(Attr.UnaryFn.NOT, t.un(Attr.UnaryFn.NOT, c)));
        Graph g = simplify(t.build());
        assertSame(g.inputs().get(0), g.outputs().get(0).node());
        assertSame(g.inputs().get(1), g.outputs().get(1).node());
        assertSame(g.inputs().get(2), g.outputs().get(2).node());
    }

    @Test void everyRuleHasAName() {
        assertEquals(SimplifyPass.RULES.size(), SimplifyPass.RULES.stream().map(SimplifyPass.Rule::name).distinct().count());
    }
}
