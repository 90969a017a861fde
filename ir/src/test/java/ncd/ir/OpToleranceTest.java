package ncd.ir;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static ncd.ir.OpSpec.Tolerance.Scale.RESULT;
import static ncd.ir.OpSpec.Tolerance.Scale.TERMS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tolerances of the op table: exact where the result is determined, ulps where rounding is free, growing with n. */
class OpToleranceTest {
    static final Axis B = new Axis("batch", 2), N = new Axis("neuron", 5), K = new Axis("key", 4), U = new Axis("u", Axis.UNSIZED);

    private static TensorType t(DType d, Axis... axes) { return new TensorType(d, List.of(axes), Unit.NONE); }

    private static OpSpec.Tolerance of(Op op, Attr a, TensorType result, TensorType... ins) {
        return OpSpecs.of(op).tolerance().of(a, List.of(ins), result);
    }

    @Test void transcendentalFunctionsMayStrayAFewUlpsOfTheirResult() {
        for (Attr.UnaryFn fn : List.of(Attr.UnaryFn.EXP, Attr.UnaryFn.LOG, Attr.UnaryFn.TANH, Attr.UnaryFn.SIGMOID, Attr.UnaryFn.SIN, Attr.UnaryFn.COS)) {
            assertEquals(new OpSpec.Tolerance(2, RESULT), of(Op.UNARY, new Attr.Unary(fn, 0), t(DType.F32, N), t(DType.F32, N)), fn.word());
        }
        assertEquals(new OpSpec.Tolerance(2, RESULT), of(Op.UNARY, new Attr.Unary(Attr.UnaryFn.POW_CONST, 3), t(DType.F64), t(DType.F64)));
        assertEquals(new OpSpec.Tolerance(2, RESULT), of(Op.BINARY, new Attr.Binary(Attr.BinaryFn.POW), t(DType.F32), t(DType.F32), t(DType.F32)));
        assertEquals(2 * 0x1p-23, of(Op.UNARY, new Attr.Unary(Attr.UnaryFn.EXP, 0), t(DType.F32), t(DType.F32)).relative(DType.F32));
    }

    @Test void correctlyRoundedArithmeticIntegersBoolsAndDataMovementAreExact() {
        for (Attr.BinaryFn fn : List.of(Attr.BinaryFn.ADD, Attr.BinaryFn.SUB, Attr.BinaryFn.MUL, Attr.BinaryFn.DIV, Attr.BinaryFn.MOD, Attr.BinaryFn.MAX)) {
            assertTrue(of(Op.BINARY, new Attr.Binary(fn), t(DType.F32, N), t(DType.F32, N), t(DType.F32)).isExact(), fn.word());
        }
        assertTrue(of(Op.BINARY, new Attr.Binary(Attr.BinaryFn.POW), t(DType.I32), t(DType.I32), t(DType.I32)).isExact());
        for (double p : new double[] {0, 1, 2}) assertTrue(of(Op.UNARY, new Attr.Unary(Attr.UnaryFn.POW_CONST, p), t(DType.F32), t(DType.F32)).isExact());
        assertTrue(of(Op.UNARY, new Attr.Unary(Attr.UnaryFn.SQRT, 0), t(DType.F32), t(DType.F32)).isExact());
        assertTrue(of(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("neuron")), t(DType.I32, B), t(DType.I32, B, N)).isExact());
        assertTrue(of(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.MAX, List.of("neuron")), t(DType.F32, B), t(DType.F32, B, N)).isExact());
        assertTrue(of(Op.CONTRACT, new Attr.Contract(List.of()), t(DType.F32, B, N), t(DType.F32, B), t(DType.F32, N)).isExact(), "outer product");
        assertTrue(of(Op.RENAME, new Attr.Rename(Map.of("neuron", new Axis("n2", 5))), t(DType.F32, new Axis("n2", 5)), t(DType.F32, N)).isExact());
        assertTrue(of(Op.RANDOM, new Attr.Random(Attr.Dist.NORMAL, 1), t(DType.F32, N), t(DType.F32), t(DType.F32)).isExact(), "random streams are exact");
    }

    @Test void accumulationsGrowWithTheirLengthAndAreRelativeToTheirTerms() {
        Attr sumN = new Attr.Reduce(Attr.ReduceFn.SUM, List.of("neuron"));
        assertEquals(new OpSpec.Tolerance(8, TERMS), of(Op.REDUCE, sumN, t(DType.F32, B), t(DType.F32, B, N)));
        assertEquals(new OpSpec.Tolerance(18, TERMS), of(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("neuron", "batch")), t(DType.F32), t(DType.F32, B, N)));
        assertEquals(new OpSpec.Tolerance(9, TERMS), of(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.MEAN, List.of("neuron")), t(DType.F64, B), t(DType.F64, B, N)));
        assertEquals(new OpSpec.Tolerance(8, RESULT), of(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.PROD, List.of("neuron")), t(DType.F32, B), t(DType.F32, B, N)));
        assertTrue(of(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("one")), t(DType.F32), t(DType.F32, new Axis("one", 1))).isExact(), "one term");
        assertEquals(new OpSpec.Tolerance(8, TERMS), of(Op.CONTRACT, new Attr.Contract(List.of("key")), t(DType.F32, B, N), t(DType.F32, B, K), t(DType.F32, K, N)));
        assertEquals(Double.POSITIVE_INFINITY, of(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("u")), t(DType.F32), t(DType.F32, U)).ulps(), "an unsized axis: no bound yet");
    }

    @Test void everyOpStatesOne() {
        for (Op op : Op.values()) assertTrue(OpSpecs.of(op).tolerance() != null, op.name());
        assertThrows(IllegalArgumentException.class, () -> new OpSpec.Tolerance(-1, RESULT));
        assertEquals(0x1p-52, OpSpec.Tolerance.epsilon(DType.F64));
        assertEquals(0, OpSpec.Tolerance.epsilon(DType.I32));
    }
}
