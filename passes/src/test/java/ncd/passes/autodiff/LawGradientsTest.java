package ncd.passes.autodiff;

import ncd.diag.SourceSpan;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.State;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.ir.Verifier;
import ncd.passes.PassContext;
import ncd.passes.PassManager;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link LawGradients} promises about the graph (the lit tests under tests/lit/run/test_law_grad*.ncd check the
 * values through ncdc test): the stand-ins and the loss outputs are gone, the gradient is wired where the stand-in
 * was, nested gradients resolve inner first, and what cannot be differentiated is refused at the grad's span.
 */
class LawGradientsTest {
    private static final Axis N = new Axis("n", 3);
    private static final Unit VOLT = Unit.base("V");
    private static final SourceSpan AT = new SourceSpan(new ncd.diag.SourceFile("law.ncd", "law l(x: f32): grad[x](x * x) == 2 * x"), 15, 29);

    private final Graph.Builder b = Graph.builder("L", Graph.Kind.LAW, SourceSpan.NONE).tolerance(1e-4);

    private static TensorType f32(Unit u, Axis... axes) { return new TensorType(DType.F32, List.of(axes), u); }

    private Node in(String name, TensorType t) { return b.addChecked(Op.INPUT, new Attr.Named(name), List.of(), t, null, ""); }
    private Node op(Op op, Attr a, Node... ins) { return b.addChecked(op, a, List.of(ins), null, null, ""); }
    private Node mul(Node x, Node y) { return op(Op.BINARY, new Attr.Binary(Attr.BinaryFn.MUL), x, y); }
    private Node sum(Node x) { return op(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, x.type().axisNames()), x); }

    /** grad[x](sum(x * x)) == x * 2 as the frontend lowers it: loss output grad#1, stand-in input grad#1[x]. */
    private Graph square() {
        Node x = in("x", f32(VOLT, N));
        b.output("grad#1", sum(mul(x, x)));
        Node g = in("grad#1[x]", f32(VOLT, N));
        Node two = b.addChecked(Op.CONST, new Attr.Scalar(2), List.of(), f32(Unit.NONE), null, "");
        b.output("lhs", g).output("rhs", mul(x, two));
        b.gradient(new Graph.PendingGradient("grad#1[x]", "grad#1", "x", AT));
        return b.build();
    }

    @Test void theGradientTakesTheStandInsPlaceAndTheExtraOutputsGo() {
        Graph law = square();
        Verifier.verify(law);
        Graph g = LawGradients.resolve(law);
        assertEquals(Graph.Kind.LAW, g.kind());
        assertEquals(1e-4, g.tolerance());
        assertTrue(g.gradients().isEmpty());
        assertEquals(List.of("lhs", "rhs"), g.outputs().stream().map(Graph.Output::name).toList());
        assertEquals(List.of("x"), g.inputs().stream().map(n -> ((Attr.Named) n.attr()).name()).toList());
        Node lhs = g.outputs().get(0).node();
        assertFalse(lhs.op() == Op.INPUT, "lhs is the computed gradient, not an input: " + lhs);
        assertEquals(f32(VOLT, N), lhs.type());
        PassManager.standard().run(g, PassContext.verifying());
    }

    @Test void aLawWithoutGradientsIsLeftAsItIs() {
        Node x = in("x", f32(Unit.NONE, N));
        b.output("lhs", x).output("rhs", x);
        Graph law = b.build();
        assertSame(law, LawGradients.resolve(law));
    }

    @Test void aNestedGradientIsResolvedInnerFirst() {
        // grad[x](grad[x](x * x * x)) for a scalar x: the outer loss reads the inner stand-in
        Node x = in("x", f32(Unit.NONE));
        b.output("grad#1", mul(mul(x, x), x));
        Node inner = in("grad#1[x]", f32(Unit.NONE));
        b.gradient(new Graph.PendingGradient("grad#1[x]", "grad#1", "x", AT));
        b.output("grad#2", inner);
        Node outer = in("grad#2[x]", f32(Unit.NONE));
        b.gradient(new Graph.PendingGradient("grad#2[x]", "grad#2", "x", AT));
        b.output("lhs", outer).output("rhs", x);
        Graph g = LawGradients.resolve(b.build());
        assertEquals(List.of("lhs", "rhs"), g.outputs().stream().map(Graph.Output::name).toList());
        assertEquals(1, g.inputs().size());
        // the second derivative depends on x: the outer pass went through the inner gradient's graph
        assertTrue(Verifier.firstDependency(g.outputs().get(0).node(), Set.of(Op.INPUT)) != null);
    }

    @Test void aStandInOfTheWrongTypeFailsVerification() {
        Node x = in("x", f32(VOLT, N));
        b.output("grad#1", sum(mul(x, x)));
        Node g = in("grad#1[x]", f32(Unit.NONE, N));  // should be V^2 / V = V
        b.output("lhs", g).output("rhs", g);
        b.gradient(new Graph.PendingGradient("grad#1[x]", "grad#1", "x", AT));
        assertFalse(Verifier.check(b.build()).isEmpty());
    }

    @Test void aLawWithStateIsRefusedAtTheGrad() {
        Node x = in("x", f32(Unit.NONE));
        Node s = b.addChecked(Op.STATE_READ, new Attr.Named("s"), List.of(), f32(Unit.NONE), null, "");
        Node zero = b.addChecked(Op.CONST, new Attr.Scalar(0), List.of(), f32(Unit.NONE), null, "");
        Node y = mul(s, x);
        b.state(new State("s", f32(Unit.NONE), zero, y));
        b.output("grad#1", y);
        Node g = in("grad#1[x]", f32(Unit.NONE));
        b.output("lhs", g).output("rhs", x);
        b.gradient(new Graph.PendingGradient("grad#1[x]", "grad#1", "x", AT));
        LawGradients.Failure f = assertThrows(LawGradients.Failure.class, () -> LawGradients.resolve(b.build()));
        assertEquals(AT, f.span());
        assertTrue(f.getMessage().contains("state"), f.getMessage());
    }
}
