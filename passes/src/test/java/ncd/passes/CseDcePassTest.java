package ncd.passes;

import ncd.diag.SourceSpan;
import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.IrPrinter;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.State;
import ncd.ir.Verifier;
import org.junit.jupiter.api.Test;

import static ncd.passes.G.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CseDcePassTest {
    static Graph cseDce(Graph g) {
        Graph out = new DcePass().run(new CsePass().run(g, PassContext.verifying()), PassContext.verifying());
        Verifier.verify(out);
        return out;
    }

    @Test void mergesEqualSubtrees() {
        G t = new G();
        Node x = t.in("x", f32(N));
        Node a = t.un(Attr.UnaryFn.EXP, t.add(x, t.c(1, f32())));
        Node b = t.un(Attr.UnaryFn.EXP, t.add(x, t.c(1, f32())));
        t.out("y", t.mul(a, b));
        Graph g = cseDce(t.build());
        Node y = g.outputs().get(0).node();
        assertSame(y.input(0), y.input(1));
        assertEquals(5, g.nodes().size(), IrPrinter.print(g));
    }

    @Test void neverMergesRandomSourcesOrInputs() {
        G t = new G();
        Node r1 = t.random(f32(N), "a", t.c(0, f32()), t.c(1, f32()));
        Node r2 = t.random(f32(N), "a", t.c(0, f32()), t.c(1, f32()));
        Node i1 = t.in("x", f32(N));
        Node i2 = t.in("x2", f32(N));
        t.out("y", t.add(r1, r2)).out("z", t.add(i1, i2));
        Graph g = cseDce(t.build());
        assertEquals(2, G.count(g, Op.RANDOM));
        assertEquals(2, G.count(g, Op.INPUT));
        assertEquals(2, G.count(g, Op.CONST), "the distribution parameters merge");
    }

    /** Two instances of one circuit draw different connections from one input (the key is the instance path's). */
    @Test void mergesSynapsesOfOneInstanceOnly() {
        G t = new G();
        Node x = t.in("x", f32(N));
        ncd.ir.Axis post = new ncd.ir.Axis("post", 4);
        Attr.Synapses s = new Attr.Synapses("n", post, Attr.SynRule.PROBABILITY, 0.5, 0, 1, Attr.SynStorage.CSR);
        Node a = t.b.addChecked(Op.SYNAPSES, s, java.util.List.of(x), null, null, "net.a");
        Node b = t.b.addChecked(Op.SYNAPSES, s, java.util.List.of(x), null, null, "net.b");
        Node a2 = t.b.addChecked(Op.SYNAPSES, s, java.util.List.of(x), null, null, "net.a");
        t.out("y", t.add(t.add(a, b), a2));
        Graph g = cseDce(t.build());
        assertEquals(2, G.count(g, Op.SYNAPSES), "net.a's two merge; net.b's stays its own\n" + IrPrinter.print(g));
    }

    @Test void mergesParametersOnlyByName() {
        G t = new G();
        Node p = t.param("w", f32(N)), q = t.param("w", f32(N)), r = t.param("v", f32(N));
        t.out("y", t.add(t.add(p, q), r));
        Graph g = cseDce(t.build());
        assertEquals(2, G.count(g, Op.PARAM));
    }

    @Test void keepsStatesOutputsToleranceStepsAndScopes() {
        G t = new G(Graph.Kind.LAW);
        Node s = t.op(Op.STATE_READ, new Attr.Named("s"), f32(N));
        Node init = t.c(0, f32(N));
        Node dead = t.un(Attr.UnaryFn.EXP, t.in("x", f32(N)));
        Node next = t.b.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), java.util.List.of(s, t.c(1, f32())), null,
                new SourceSpan(null, 3, 4), "inner.scope");
        t.b.state(new State("s", f32(N), init, next)).tolerance(1e-3).steps(5);
        t.out("lhs", s).out("rhs", s);
        Graph g = cseDce(t.build());
        assertEquals(1e-3, g.tolerance());
        assertEquals(5, g.steps());
        assertEquals(Graph.Kind.LAW, g.kind());
        assertEquals(1, g.states().size());
        State st = g.states().get(0);
        assertEquals("inner.scope", st.next().scope());
        assertEquals(3, st.next().span().start());
        assertEquals(2, g.outputs().size());
        assertTrue(g.nodes().stream().noneMatch(n -> n.op() == Op.UNARY), "the unused exp is dropped");
        assertEquals(1, g.inputs().size(), "an unused input is kept: it is part of the circuit's signature");
        assertTrue(dead != null);
    }

    @Test void keepsUnusedParameters() {
        G t = new G();
        t.param("unused", f32(N));
        Node x = t.in("x", f32(N));
        t.out("y", t.un(Attr.UnaryFn.NEG, x));
        t.un(Attr.UnaryFn.EXP, x);
        Graph g = cseDce(t.build());
        assertEquals(1, G.count(g, Op.PARAM), "a declared parameter is part of the circuit's interface");
        assertEquals(1, G.count(g, Op.UNARY), "the unused exp is dropped");
    }
}
