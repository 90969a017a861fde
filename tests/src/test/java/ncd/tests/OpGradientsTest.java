package ncd.tests;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Gradients;
import ncd.ir.Node;
import ncd.ir.Graph;
import ncd.ir.Op;
import ncd.interp.Interpreter;
import ncd.passes.PassContext;
import ncd.passes.PassManager;
import ncd.passes.autodiff.Autodiff;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import static ncd.ir.Attr.BinaryFn;
import static ncd.ir.Attr.ReduceFn;
import static ncd.ir.Attr.UnaryFn;
import static ncd.tests.GradientCase.f64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every gradient rule ({@link Gradients}) against central finite differences in f64 on the interpreter, on small
 * tensors with two named axes, broadcasting and axis orders varied; every differentiable op and function must be
 * exercised by a case, every other one declared not differentiable with a reason. Each case's gradient graph also
 * runs on the JVM backend, which must agree with the interpreter.
 */
class OpGradientsTest {
    private static final Axis I = new Axis("i", 3), J = new Axis("j", 4), K = new Axis("k", 2), V = new Axis("v", 5);
    private static final double H = 1e-5, TOL = 1e-6;

    /** A finite-difference case: its name, step, tolerance and forward value. */
    record Case(String name, double h, double tol, Function<GradientCase, Node> body) {
        Case(String name, Function<GradientCase, Node> body) { this(name, H, TOL, body); }
    }

    static List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        for (UnaryFn f : List.of(UnaryFn.NEG, UnaryFn.ABS, UnaryFn.EXP, UnaryFn.TANH, UnaryFn.SIGMOID, UnaryFn.RELU, UnaryFn.SIN,
                UnaryFn.COS, UnaryFn.SIGN, UnaryFn.FLOOR, UnaryFn.CEIL, UnaryFn.ROUND)) {
            cs.add(new Case(f.word(), c -> c.un(f, c.x("x", I, J))));
        }
        for (UnaryFn f : List.of(UnaryFn.LOG, UnaryFn.SQRT)) cs.add(new Case(f.word(), c -> c.un(f, c.pos("x", I, J))));
        for (double p : new double[] {3, 1, 0, -1}) cs.add(new Case("x ^ " + p, c -> c.pow(c.x("x", I, J), p)));
        cs.add(new Case("x ^ 2.5", c -> c.pow(c.pos("x", I, J), 2.5)));

        for (BinaryFn f : List.of(BinaryFn.ADD, BinaryFn.SUB, BinaryFn.MUL, BinaryFn.DIV, BinaryFn.MOD, BinaryFn.POW, BinaryFn.MAX, BinaryFn.MIN)) {
            boolean positiveLeft = f == BinaryFn.POW, positiveRight = f == BinaryFn.MOD;
            Axis[][][] shapes = {{{I, J}, {J, I}}, {{I, J}, {J}}, {{J}, {I, J}}, {{I, J}, {}}};
            for (Axis[][] s : shapes) {
                cs.add(new Case(f.word() + " " + List.of(s[0]) + " " + List.of(s[1]), c -> c.bin(f,
                        positiveLeft ? c.pos("a", s[0]) : c.x("a", s[0]), positiveRight ? c.pos("b", s[1]) : c.x("b", s[1]))));
            }
        }
        cs.add(new Case("a ^ b, b = 0 somewhere", c -> c.bin(BinaryFn.POW, c.pos("a", J), c.x("b", new double[] {0, 1.5, -0.5, 2}, J))));
        cs.add(new Case("max, ties", c -> c.bin(BinaryFn.MAX, c.x("a", new double[] {1, 2, 3, 4}, J), c.x("b", new double[] {1, 0, 3, 5}, J))));

        cs.add(new Case("where", c -> c.op(Op.WHERE, new Attr.None(), null,
                c.bin(BinaryFn.GT, c.given("s", f64(I, J), new double[] {1, -1, 2, -2, 3, -3, 1, 1, -1, -1, 2, 0.5}), c.scalar(0)),
                c.x("a", I, J), c.x("b", J))));
        cs.add(new Case("where, a broadcast condition", c -> c.op(Op.WHERE, new Attr.None(), null,
                c.bin(BinaryFn.LT, c.x("a", J), c.x("b", J, I)), c.x("p", J), c.x("q", I, J))));
        cs.add(new Case("expand", c -> c.op(Op.EXPAND, new Attr.None(), f64(J, K, I), c.x("x", I, J))));
        cs.add(new Case("cast to f32 and back", 1e-2, 1e-4, c -> c.cast(c.cast(c.x("x", I, J), DType.F32), DType.F64)));
        cs.add(new Case("cast to i32 and back", c -> c.bin(BinaryFn.MUL, c.cast(c.cast(c.x("x", I, J), DType.I32), DType.F64), c.x("y", J))));

        cs.add(new Case("sum over one axis", c -> c.reduce(ReduceFn.SUM, c.x("x", I, J), "j")));
        cs.add(new Case("sum over both", c -> c.reduce(ReduceFn.SUM, c.x("x", I, J), "j", "i")));
        cs.add(new Case("mean", c -> c.reduce(ReduceFn.MEAN, c.x("x", I, J), "i")));
        cs.add(new Case("max", c -> c.reduce(ReduceFn.MAX, c.x("x", I, J), "j")));
        cs.add(new Case("min", c -> c.reduce(ReduceFn.MIN, c.x("x", I, J), "i")));
        // two tied elements get half each, which is also what the central difference at a tie of two gives
        cs.add(new Case("max, ties share", c -> c.reduce(ReduceFn.MAX, c.x("x", new double[] {1, 3, 3, 2, 5, 4, 5, 0, -1, -2, -1, -3}, I, J), "j")));
        cs.add(new Case("prod", c -> c.reduce(ReduceFn.PROD, c.x("x", I, J), "j")));
        cs.add(new Case("prod, one zero and two zeros", c -> c.reduce(ReduceFn.PROD,
                c.x("x", new double[] {1, 0, 2, 3, 0, 1.5, 0, -2, 0.5, 1, 2, -1}, I, J), "j")));
        cs.add(new Case("argmax", c -> c.bin(BinaryFn.MUL, c.cast(c.op(Op.ARG_REDUCE, new Attr.ArgReduce(ReduceFn.ARGMAX, "j"), null,
                c.x("x", I, J)), DType.F64), c.x("y", I))));

        cs.add(new Case("contract, a matrix product", c -> c.contract(c.x("a", I, J), c.x("b", K, J), "j")));
        cs.add(new Case("contract, a batch axis", c -> c.contract(c.x("a", I, J, K), c.x("b", J, K), "j")));
        cs.add(new Case("contract, all axes", c -> c.contract(c.x("a", I, J), c.x("b", J, I), "i", "j")));
        cs.add(new Case("contract, outer product", c -> c.contract(c.x("a", I), c.x("b", K, J))));
        cs.add(new Case("contract, x with itself", c -> { Node x = c.x("x", I, J); return c.contract(x, x, "j"); }));

        cs.add(new Case("rename", c -> c.op(Op.RENAME, new Attr.Rename(Map.of("j", new Axis("l", 4))), null, c.x("x", I, J))));
        cs.add(new Case("transpose", c -> c.op(Op.TRANSPOSE, new Attr.None(), f64(J, I), c.x("x", I, J))));
        cs.add(new Case("split", c -> c.op(Op.SPLIT, new Attr.Split("j", List.of(new Axis("p", 2), new Axis("q", 2))), null, c.x("x", I, J))));
        cs.add(new Case("merge", c -> c.op(Op.MERGE, new Attr.Merge(List.of("i", "j"), new Axis("r", 12)), null, c.x("x", I, J))));
        cs.add(new Case("merge, parts in the other order", c -> c.op(Op.MERGE, new Attr.Merge(List.of("j", "i"), new Axis("r", 12)), null, c.x("x", I, J))));
        for (int[] r : new int[][] {{1, 3}, {0, 2}, {2, 4}, {0, 4}}) {
            cs.add(new Case("slice " + r[0] + ".." + r[1], c -> c.op(Op.SLICE, new Attr.Slice("j", r[0], r[1], new Axis("s", r[1] - r[0])), null,
                    c.x("x", J, I))));
        }
        cs.add(new Case("select", c -> c.op(Op.SELECT, new Attr.Select("j", 2), null, c.x("x", I, J))));
        for (int k : new int[] {1, -3, 5}) cs.add(new Case("roll " + k, c -> c.op(Op.ROLL, new Attr.Roll("j", k), null, c.x("x", I, J))));
        for (int k : new int[] {1, -2}) {
            cs.add(new Case("shift " + k, c -> c.op(Op.SHIFT, new Attr.Shift("j", k, 0.5), null, c.x("x", I, J))));
        }
        for (Attr.Boundary bd : Attr.Boundary.values()) {
            for (int size : new int[] {3, 4}) {
                cs.add(new Case("window " + size + " " + bd, c -> c.op(Op.WINDOW,
                        new Attr.Window(List.of(new Attr.WindowDim("j", new Axis("d", size))), bd), null, c.x("x", I, J))));
            }
            cs.add(new Case("window along both axes " + bd, c -> c.op(Op.WINDOW, new Attr.Window(List.of(
                    new Attr.WindowDim("j", new Axis("d", 3)), new Attr.WindowDim("i", new Axis("e", 2))), bd), null, c.x("x", I, J))));
        }
        cs.add(new Case("concat", c -> c.op(Op.CONCAT, new Attr.Concat(List.of("i", "k"), new Axis("c", 5)), null, c.x("a", I, J), c.x("b", J, K))));
        cs.add(new Case("concat of three, one input twice", c -> {
            Node a = c.x("a", I, J);
            return c.op(Op.CONCAT, new Attr.Concat(List.of("i", "k", "i"), new Axis("c", 8)), null, a, c.x("b", J, K), a);
        }));
        cs.add(new Case("repeat", c -> c.op(Op.REPEAT, new Attr.Repeat("j", new Axis("jj", 8)), null, c.x("x", I, J))));
        cs.add(new Case("onehot weights", c -> c.bin(BinaryFn.MUL,
                c.cast(c.op(Op.ONEHOT, new Attr.OneHot(J), null, c.ints("n", 4, I)), DType.F64), c.x("x", I, J))));
        cs.add(new Case("gather", c -> c.op(Op.GATHER, new Attr.AxisRef("v"), null, c.x("t", V, J), c.ints("n", 5, I, K))));
        cs.add(new Case("gather with a batch axis", c -> c.op(Op.GATHER, new Attr.AxisRef("v"), null, c.x("t", V, J), c.ints("n", 5, K, J))));
        cs.add(new Case("sort (gather by argsort)", c -> {
            Node x = c.x("x", J, V);
            return c.op(Op.GATHER, new Attr.AxisRef("v"), null, x, c.op(Op.ARGSORT, new Attr.ArgSort("v", true), null, x));
        }));
        // linear algebra on well-conditioned (diagonally dominant) 3 x 3 matrices; batch axes on either operand
        Axis r3 = new Axis("r", 3), c3 = new Axis("c", 3);
        double[] m = {4, 1, -0.5, 0.3, 3.5, 1, -1, 0.2, 5};
        double[] mm = {4, 1, -0.5, 0.3, 3.5, 1, -1, 0.2, 5, 3, -0.4, 0.7, 0.5, 4.5, -1, 0.1, 0.9, 3.8};
        cs.add(new Case("inverse", c -> c.op(Op.LINALG, new Attr.Linalg(Attr.LinalgFn.INVERSE, "r", "c", null), null, c.x("a", m, r3, c3))));
        cs.add(new Case("inverse, a batch axis", c -> c.op(Op.LINALG, new Attr.Linalg(Attr.LinalgFn.INVERSE, "c", "r", null), null,
                c.x("a", mm, K, r3, c3))));
        cs.add(new Case("solve, two right-hand sides", c -> c.op(Op.LINALG, new Attr.Linalg(Attr.LinalgFn.SOLVE, "r", "c", null), null,
                c.x("a", m, r3, c3), c.x("b", K, r3))));
        cs.add(new Case("solve, a batch of matrices, one b", c -> c.op(Op.LINALG, new Attr.Linalg(Attr.LinalgFn.SOLVE, "r", "c", null), null,
                c.x("a", mm, K, r3, c3), c.x("b", r3))));
        cs.add(new Case("atan2", c -> c.bin(BinaryFn.ATAN2, c.x("a", I, J), c.x("b", J))));
        // the transforms on f32 (c64 is f32 pairs), between casts: linear maps, so the differences are exact but for
        // f32 rounding, which a larger step and tolerance allow for (as "cast to f32 and back")
        Axis pair = ncd.ir.Complex.PAIR, k3 = new Axis("k", 3), k2 = new Axis("m", 2), n5 = new Axis("n", 5), w3 = new Axis("w", 3);
        for (Attr.FftKind kind : List.of(Attr.FftKind.FFT, Attr.FftKind.IFFT)) {
            cs.add(new Case(kind.word(), 1e-2, 1e-4, c -> c.cast(c.op(Op.FFT, new Attr.Fft(kind, "j", null), null,
                    c.cast(c.x("x", I, J, pair), DType.F32)), DType.F64)));
        }
        cs.add(new Case("rfft, n = 4", 1e-2, 1e-4, c -> c.cast(c.op(Op.FFT, new Attr.Fft(Attr.FftKind.RFFT, "j", k3), null,
                c.cast(c.x("x", I, J), DType.F32)), DType.F64)));
        cs.add(new Case("rfft, n = 5", 1e-2, 1e-4, c -> c.cast(c.op(Op.FFT, new Attr.Fft(Attr.FftKind.RFFT, "n", w3), null,
                c.cast(c.x("x", n5, I), DType.F32)), DType.F64)));
        cs.add(new Case("irfft, n = 4", 1e-2, 1e-4, c -> c.cast(c.op(Op.FFT, new Attr.Fft(Attr.FftKind.IRFFT, "k", J), null,
                c.cast(c.x("x", I, k3, pair), DType.F32)), DType.F64)));
        cs.add(new Case("irfft, n = 5", 1e-2, 1e-4, c -> c.cast(c.op(Op.FFT, new Attr.Fft(Attr.FftKind.IRFFT, "w", n5), null,
                c.cast(c.x("x", w3, I, pair), DType.F32)), DType.F64)));
        cs.add(new Case("irfft, fewer frequencies (padded)", 1e-2, 1e-4, c -> c.cast(c.op(Op.FFT, new Attr.Fft(Attr.FftKind.IRFFT, "m", J), null,
                c.cast(c.x("x", I, k2, pair), DType.F32)), DType.F64)));
        cs.add(new Case("irfft, more frequencies (cropped)", 1e-2, 1e-4, c -> c.cast(c.op(Op.FFT, new Attr.Fft(Attr.FftKind.IRFFT, "j", new Axis("t", 2)), null,
                c.cast(c.x("x", I, J, pair), DType.F32)), DType.F64)));
        cs.add(new Case("iota and constants", c -> c.bin(BinaryFn.ADD, c.bin(BinaryFn.MUL, c.x("x", I, J),
                c.cast(c.op(Op.IOTA, new Attr.AxisRef("j"), new ncd.ir.TensorType(DType.I32, List.of(J), ncd.ir.Unit.NONE)), DType.F64)), c.scalar(2))));
        cs.add(new Case("a chain with fan-out", c -> {
            Node x = c.x("x", I, J);
            Node t = c.un(UnaryFn.TANH, c.bin(BinaryFn.MUL, x, c.x("s", J)));
            return c.bin(BinaryFn.ADD, c.bin(BinaryFn.MUL, t, x), c.reduce(ReduceFn.SUM, c.bin(BinaryFn.MUL, t, t), "i"));
        }));
        return cs;
    }

    @TestFactory
    Stream<DynamicTest> everyRuleAgreesWithFiniteDifferences() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            GradientCase.Built b = GradientCase.build(c.name(), c.body());
            GradientCheck.check(c.name(), b.graph(), b.request(), b.inputs(), 0, c.h(), c.tol());
        }));
    }

    @TestFactory
    Stream<DynamicTest> theJvmBackendRunsEachGradientAsTheInterpreterDoes() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            GradientCase.Built b = GradientCase.build(c.name(), c.body());
            GradientCheck.jvmAgrees(c.name(), ncd.passes.autodiff.Autodiff.gradient(b.graph(), b.request()), b.inputs(), 0);
        }));
    }

    /**
     * The stated exception to finite differences: a spike's gradient is a surrogate, deliberately not its derivative
     * (which is 0 wherever it exists). Each surrogate is checked against its formula (docs/autodiff.md), computed
     * here in Java, at points on both sides of the step, at it, near it and far from it; its gradient graph also
     * runs on the JVM backend.
     */
    static final List<Attr.Surrogate> SURROGATES = List.of(Attr.Surrogate.DEFAULT, new Attr.Surrogate(Attr.SurrogateKind.FAST_SIGMOID, 2),
            new Attr.Surrogate(Attr.SurrogateKind.SIGMOID, 10), new Attr.Surrogate(Attr.SurrogateKind.SIGMOID, 1),
            new Attr.Surrogate(Attr.SurrogateKind.TRIANGLE, 25), new Attr.Surrogate(Attr.SurrogateKind.TRIANGLE, 0.8));

    /** Where the surrogates are checked: 0, either side of it, within and beyond a triangle's half-width 1/k. */
    private static final double[] SPIKE_AT = {-2, -0.5, -0.1, -0.03, -0.001, 0, 0.02, 0.039, 0.07, 0.3, 1, 3};

    /** The surrogate derivative of a spike at x, from its definition. */
    static double surrogate(Attr.Surrogate s, double x) {
        double k = s.slope();
        return switch (s.kind()) {
            case FAST_SIGMOID -> 1 / ((1 + k * Math.abs(x)) * (1 + k * Math.abs(x)));
            case SIGMOID -> {
                double sg = 1 / (1 + Math.exp(-k * x));
                yield k * sg * (1 - sg);
            }
            case TRIANGLE -> Math.abs(x) < 1 / k ? k * (1 - k * Math.abs(x)) : 0;
        };
    }

    static GradientCase.Built spikeCase(Attr.Surrogate s) {
        return GradientCase.build("spike " + s, c -> c.op(Op.UNARY, new Attr.Unary(UnaryFn.SPIKE, s), null, c.x("x", SPIKE_AT, I, J)));
    }

    @TestFactory
    Stream<DynamicTest> aSpikesGradientIsItsSurrogate() {
        return SURROGATES.stream().map(s -> DynamicTest.dynamicTest(s.kind().word() + " " + s.slope(), () -> {
            GradientCase.Built b = spikeCase(s);
            Graph grad = PassManager.standard().run(Autodiff.gradient(b.graph(), b.request()), PassContext.verifying());
            Tensor got = new Interpreter(grad, 0).step(b.inputs()).get(Autodiff.gradName("x"));
            Tensor w = b.inputs().get("w");
            for (int i = 0; i < SPIKE_AT.length; i++) {
                double want = w.get(i) * surrogate(s, SPIKE_AT[i]);
                assertEquals(want, got.get(i), 1e-12 * (1 + Math.abs(want)), s + " at x = " + SPIKE_AT[i]);
            }
            // the surrogate is not the derivative: away from 0 the finite difference is 0, the surrogate is not
            assertTrue(got.get(4) != 0 && surrogate(s, SPIKE_AT[4]) > 0, "the surrogate passes a gradient near the step");
            GradientCheck.jvmAgrees("spike " + s, Autodiff.gradient(b.graph(), b.request()), b.inputs(), 0);
        }));
    }

    /** An op or function is either exercised by a finite-difference case or declared without a gradient, with a reason. */
    @Test void everyOpAndFunctionIsCheckedOrDeclaredNotDifferentiable() {
        Set<Object> covered = new HashSet<>();
        for (Case c : cases()) covered.addAll(GradientCase.covered(GradientCase.build(c.name(), c.body())));
        Set<Object> bySurrogate = new HashSet<>();
        for (Attr.Surrogate s : SURROGATES) bySurrogate.addAll(GradientCase.covered(spikeCase(s)));
        // the one stated exception: checked against its surrogate formula, above, not against finite differences
        assertTrue(bySurrogate.contains(UnaryFn.SPIKE) && !covered.contains(UnaryFn.SPIKE), "spike is checked by its surrogate, only");
        covered.add(UnaryFn.SPIKE);
        List<String> missing = new ArrayList<>();
        for (Op op : Op.values()) need(op, Gradients.of(op), covered, missing);
        for (UnaryFn f : UnaryFn.values()) need(f, Gradients.of(f), covered, missing);
        for (BinaryFn f : BinaryFn.values()) need(f, Gradients.of(f), covered, missing);
        for (ReduceFn f : ReduceFn.values()) need(f, Gradients.of(f), covered, missing);
        assertTrue(missing.isEmpty(), "differentiable but not checked against finite differences: " + missing);
    }

    private static void need(Object what, Gradients.Rule r, Set<Object> covered, List<String> missing) {
        String why = r instanceof Gradients.Stops s ? s.why() : r instanceof Gradients.Refused f ? f.why() : null;
        if (why != null) {
            assertFalse(why.isBlank(), what + " is declared without a gradient but gives no reason");
            return;
        }
        if (r instanceof Gradients.Leaf) return;
        if (!covered.contains(what)) missing.add(what.toString());
    }
}
