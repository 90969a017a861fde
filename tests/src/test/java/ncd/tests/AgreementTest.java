package ncd.tests;

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
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The differential harness's bounds: derived from the op table, exact where every op is, growing through state. */
class AgreementTest {
    private static final Axis N = new Axis("n", 5);
    private static final TensorType VEC = new TensorType(DType.F32, List.of(N), Unit.NONE), SCALAR = new TensorType(DType.F32, List.of(), Unit.NONE);
    private static final double EPS = 0x1p-23;

    /** out0 = x * 2 (exact), out1 = exp(x), out2 = sum[n](exp(x)) > 0, and a state s' = tanh(s + sum[n](x)). */
    private static Graph graph() {
        Graph.Builder b = Graph.builder("g", Graph.Kind.CIRCUIT, SourceSpan.NONE);
        Node x = b.addChecked(Op.INPUT, new Attr.Named("x"), List.of(), VEC, SourceSpan.NONE, "");
        Node two = b.addChecked(Op.CONST, new Attr.Scalar(2), List.of(), SCALAR, SourceSpan.NONE, "");
        Node doubled = b.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.MUL), List.of(x, two), null, SourceSpan.NONE, "");
        Node exp = b.addChecked(Op.UNARY, new Attr.Unary(Attr.UnaryFn.EXP, 0), List.of(x), null, SourceSpan.NONE, "");
        Node sumExp = b.addChecked(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("n")), List.of(exp), null, SourceSpan.NONE, "");
        Node positive = b.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.GT), List.of(sumExp, two), null, SourceSpan.NONE, "");
        Node s = b.addChecked(Op.STATE_READ, new Attr.Named("s"), List.of(), SCALAR, SourceSpan.NONE, "");
        Node sumX = b.addChecked(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("n")), List.of(x), null, SourceSpan.NONE, "");
        Node next = b.addChecked(Op.UNARY, new Attr.Unary(Attr.UnaryFn.TANH, 0),
                List.of(b.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), List.of(s, sumX), null, SourceSpan.NONE, "")), null, SourceSpan.NONE, "");
        Node zero = b.addChecked(Op.CONST, new Attr.Scalar(0), List.of(), SCALAR, SourceSpan.NONE, "");
        b.state(new State("s", SCALAR, zero, next));
        b.output("doubled", doubled).output("exp", exp).output("positive", positive);
        return b.build();
    }

    @Test void boundsComeFromTheOpsThatProducedEachValue() {
        Agreement a = new Agreement(graph());
        assertEquals(0, a.state("s").rel(), "the initial state is a constant");
        a.step();
        assertEquals(0, a.output("doubled").rel(), "a multiplication by 2 is exact");
        assertEquals(Agreement.HEADROOM * 2 * EPS, a.output("exp").rel(), "exp: 2 ulp");
        assertEquals(Agreement.HEADROOM * (2 + 8) * EPS, a.output("positive").rel(), "exp, then a sum of 5 terms: 2 (5 - 1) ulp");
        assertEquals(1, a.output("positive").decisions().size(), "the comparison is named");
        double first = a.state("s").rel();
        assertEquals(Agreement.HEADROOM * (8 + 2) * EPS, first, "sum and tanh");
        a.step();
        assertEquals(2 * first, a.state("s").rel(), 1e-20, "the state's bound carries over to the next step");
        assertEquals(List.of("s"), a.state("s").states());
    }

    @Test void anExactValueMustAgreeBitForBit() {
        Tensor want = Tensor.of(VEC, new float[] {1, 2, 3, Float.NaN, -0f});
        Agreement.exact("same", want, Tensor.of(VEC, new float[] {1, 2, 3, Float.NaN, 0f}));
        AssertionError e = assertThrows(AssertionError.class,
                () -> Agreement.exact("v", want, Tensor.of(VEC, new float[] {1, Math.nextUp(2f), 3, Float.NaN, 0})));
        assertTrue(e.getMessage().contains("v: 1 of 5 elements differ") && e.getMessage().contains("bit for bit"), e.getMessage());
    }

    @Test void anInexactValueMayStrayWithinItsBoundAndNoFurther() {
        Agreement a = new Agreement(graph());
        a.step();
        Agreement.Bound exp = a.output("exp");
        Tensor want = Tensor.of(VEC, new float[] {1, 2, 3, 4, Float.POSITIVE_INFINITY});
        Agreement.within("close", want, Tensor.of(VEC, new float[] {1, Math.nextUp(Math.nextUp(2f)), 3, 4, Float.POSITIVE_INFINITY}), exp);
        AssertionError far = assertThrows(AssertionError.class,
                () -> Agreement.within("far", want, Tensor.of(VEC, new float[] {1, 2.001f, 3, 4, Float.POSITIVE_INFINITY}), exp));
        assertTrue(far.getMessage().contains("%3 exp 2.0 ulp f32"), far.getMessage());
        assertThrows(AssertionError.class, () -> Agreement.within("inf", want, Tensor.of(VEC, new float[] {1, 2, 3, 4, Float.MAX_VALUE}), exp));
        assertThrows(AssertionError.class, () -> Agreement.within("nan", want, Tensor.of(VEC, new float[] {1, 2, 3, Float.NaN, Float.POSITIVE_INFINITY}), exp));
    }
}
