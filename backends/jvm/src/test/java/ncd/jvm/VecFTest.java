package ncd.jvm;

import ncd.interp.Interpreter;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.runtime.Rng;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static ncd.jvm.Graphs.G;
import static ncd.jvm.Graphs.t;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The f32 float-lane paths ({@link VecF}): fused elementwise loops and row reductions, on rows long enough for
 * vectors plus a scalar tail (37 and 40 elements with 16 lanes), checked against the interpreter: bit for bit for the
 * exact operations, within 2 ulp for the vector math (docs/jvm.md, "Agreement with the interpreter").
 */
class VecFTest {
    private static final Axis M = new Axis("m", 5), N = new Axis("n", 37), R = new Axis("r", 40);

    private static boolean lanes() { return Gemm.VectorProbe.PRESENT && VecF.LANES <= 37; }

    @Test void exactOperationsOnFloatLanesAreBitExact() {
        G g = new G("exact");
        Node x = g.input("x", t(DType.F32, M, N)), z = g.input("z", t(DType.F32, M, N));
        Node y = g.input("y", t(DType.F32, N));
        Node yb = g.add(Op.EXPAND, new Attr.None(), t(DType.F32, M, N), y);
        Node a = g.binary(Attr.BinaryFn.ADD, g.binary(Attr.BinaryFn.MUL, x, yb), z);
        Node b = g.binary(Attr.BinaryFn.MAX, a, g.unary(Attr.UnaryFn.NEG, g.unary(Attr.UnaryFn.ABS, z)));
        Node one = g.constant(t(DType.F32), 1);
        Node d = g.binary(Attr.BinaryFn.DIV, g.unary(Attr.UnaryFn.RELU, b), g.unary(Attr.UnaryFn.SQRT, g.binary(Attr.BinaryFn.ADD, g.unary(Attr.UnaryFn.ABS, x), one)));
        Node sq = g.add(Op.UNARY, new Attr.Unary(Attr.UnaryFn.POW_CONST, 2.0), yb);
        g.out(g.binary(Attr.BinaryFn.MIN, g.binary(Attr.BinaryFn.SUB, d, sq), a));
        // Graphs.same compares bit for bit, with NaN, infinities, -0 and huge values among the inputs
        JvmExecutable jvm = Graphs.same(g.build(), 2, JvmOptions.defaults());
        if (lanes()) assertTrue(jvm.asmText().contains("ncd/jvm/VecF"), "the loop runs on float lanes");
    }

    /**
     * {@code where(a OP b, t, e)} with a comparison of f32 values in the same loop (the ReLU's backward) runs on lanes
     * as a compare mask and a blend, bit for bit the interpreter's for every comparison: NaN (false, true for !=), -0
     * against +0 (equal), infinities, and a broadcast scalar operand.
     */
    @Test void whereOfAComparisonIsBitExactOnLanes() {
        for (Attr.BinaryFn fn : new Attr.BinaryFn[] {Attr.BinaryFn.GT, Attr.BinaryFn.GE, Attr.BinaryFn.LT, Attr.BinaryFn.LE,
                Attr.BinaryFn.EQ, Attr.BinaryFn.NE}) {
            G g = new G("where_" + fn.word());
            Node x = g.input("x", t(DType.F32, M, N)), y = g.input("y", t(DType.F32, M, N)), z = g.input("z", t(DType.F32, M, N));
            Node zero = g.constant(t(DType.F32), 0);
            // x OP y picks z or -x; x OP 0 (a broadcast constant) picks the first where or 0, as autodiff's relu rule
            Node w1 = g.add(Op.WHERE, new Attr.None(), g.binary(fn, x, y), z, g.unary(Attr.UnaryFn.NEG, x));
            g.out(g.add(Op.WHERE, new Attr.None(), g.binary(fn, y, zero), w1, zero));
            // Graphs.same compares bit for bit, with NaN, infinities, -0 and huge values among the inputs
            JvmExecutable jvm = Graphs.same(g.build(), 2, JvmOptions.defaults());
            if (lanes()) assertTrue(jvm.asmText().contains("ncd/jvm/VecF.where_" + fn.word()), fn.word() + " runs on float lanes");
        }
    }

    @Test void vectorMathIsWithinTwoUlpsOfTheInterpreter() {
        for (Attr.UnaryFn fn : new Attr.UnaryFn[] {Attr.UnaryFn.EXP, Attr.UnaryFn.LOG, Attr.UnaryFn.TANH, Attr.UnaryFn.SIN,
                Attr.UnaryFn.COS, Attr.UnaryFn.SIGMOID}) {
            G g = new G("math_" + fn.word());
            Node x = g.input("x", t(DType.F32, M, N));
            g.out(g.unary(fn, x));
            Graph graph = g.build();
            Map<String, Tensor> in = Map.of("x", moderate(t(DType.F32, M, N), fn == Attr.UnaryFn.LOG));
            Tensor want = new Interpreter(graph, 3).step(in).get("o0");
            JvmExecutable jvm = Graphs.compile(graph, 3, JvmOptions.defaults());
            Graphs.verify(jvm);
            Tensor got = jvm.step(in).get("o0");
            Graphs.assertWithinUlps(fn.word() + " of " + in.get("x"), want, got, 2);
            if (lanes()) assertTrue(jvm.asmText().contains("ncd/jvm/VecF." + (fn == Attr.UnaryFn.SIGMOID ? "sigmoid" : fn.word())), fn.word());
        }
    }

    /** x^3 (GELU's cube) on lanes carries the square's rounding error: within an ulp, overflow and specials as pow's. */
    @Test void cubeIsWithinAnUlpOfPow() {
        G g = new G("cube");
        Node x = g.input("x", t(DType.F32, M, N));
        g.out(g.add(Op.UNARY, new Attr.Unary(Attr.UnaryFn.POW_CONST, 3.0), x));
        Graph graph = g.build();
        Tensor xs = moderate(t(DType.F32, M, N), false);
        // overflow to +-inf, the largest finite cubes, results in the subnormal range and below it
        double[] edge = {1e13, -1e13, 6.98e12, -6.98e12, 1e-13, -3e-15, 1.17e-38, 3.4e38};
        for (int i = 0; i < edge.length; i++) xs.set(20 + i, edge[i]);
        Map<String, Tensor> in = Map.of("x", xs);
        Tensor want = new Interpreter(graph, 3).step(in).get("o0");
        JvmExecutable jvm = Graphs.compile(graph, 3, JvmOptions.defaults());
        Graphs.verify(jvm);
        Graphs.assertWithinUlps("x^3 of " + xs, want, jvm.step(in).get("o0"), 1);
        if (lanes()) assertTrue(jvm.asmText().contains("ncd/jvm/VecF.cube"), "x^3 runs on float lanes");
    }

    @Test void rowReductionsAgree() {
        for (Attr.ReduceFn fn : new Attr.ReduceFn[] {Attr.ReduceFn.SUM, Attr.ReduceFn.MEAN, Attr.ReduceFn.MAX, Attr.ReduceFn.MIN}) {
            G g = new G("reduce_" + fn.name());
            Node x = g.input("x", t(DType.F32, M, R));
            g.out(g.add(Op.REDUCE, new Attr.Reduce(fn, List.of("r")), x));
            Graph graph = g.build();
            Tensor xs = moderate(t(DType.F32, M, R), false, R.size());   // specials in the first row only
            Map<String, Tensor> in = Map.of("x", xs);
            Tensor want = new Interpreter(graph, 3).step(in).get("o0");
            JvmExecutable jvm = Graphs.compile(graph, 3, JvmOptions.defaults());
            Tensor got = jvm.step(in).get("o0");
            for (int row = 0; row < M.size(); row++) {
                double abs = 0;
                for (int j = 0; j < R.size(); j++) abs += Math.abs(xs.get(row * R.size() + j));
                double w = want.get(row), v = got.get(row);
                // max and min are exact; sums differ from the sequential double sum only by double rounding, so
                // the f32 results are at most one rounding apart
                double tol = fn == Attr.ReduceFn.MAX || fn == Attr.ReduceFn.MIN ? 0 : Math.ulp((float) abs);
                if (Double.isNaN(w) && Double.isNaN(v) || w == v) continue;
                if (!(Math.abs(w - v) <= tol)) fail(fn + " row " + row + ": interpreter " + w + ", jvm " + v);
            }
            if (lanes()) assertTrue(jvm.asmText().contains("ncd/jvm/VecF." + (fn == Attr.ReduceFn.MEAN ? "sum" : fn.name().toLowerCase())), fn.name());
        }
    }

    /** Sums and means over leading axes (a bias's gradient) take Rt.colSums: bit for bit the interpreter's, specials too. */
    @Test void columnReductionsAreBitExact() {
        Axis a = new Axis("a", 3), b = new Axis("b", 7), c = new Axis("c", 37);
        G g = new G("columns");
        Node x = g.input("x", t(DType.F32, a, b, c));
        for (Attr.ReduceFn fn : new Attr.ReduceFn[] {Attr.ReduceFn.SUM, Attr.ReduceFn.MEAN}) {
            g.out(g.add(Op.REDUCE, new Attr.Reduce(fn, List.of("a", "b")), x));   // [c]: 37 columns, 16 at a time and a tail
            g.out(g.add(Op.REDUCE, new Attr.Reduce(fn, List.of("a")), x));        // [b, c]
        }
        JvmExecutable jvm = Graphs.same(g.build(), 2, JvmOptions.defaults());
        assertTrue(jvm.asmText().contains("colSums"), "the column path");
    }

    /** Values in [-20, 20) (log: (0, 20]), with a few specials: NaN, infinities, zeros of both signs. */
    private static Tensor moderate(TensorType type, boolean positive) { return moderate(type, positive, Integer.MAX_VALUE); }

    /** The same, with the specials only among the first {@code specialsBelow} elements. */
    private static Tensor moderate(TensorType type, boolean positive, int specialsBelow) {
        Tensor x = Tensor.zeros(type);
        long s = Rng.seedOf("moderate", 11);
        for (int i = 0; i < x.size(); i++) {
            double u = Rng.uniform(s, 0, i);
            double v = positive ? 20 * (1 - u) : 40 * u - 20;
            int k = i < specialsBelow ? i % 29 : -1;
            if (k == 3) v = Double.NaN;
            else if (k == 7) v = Double.POSITIVE_INFINITY;
            else if (k == 11) v = positive ? 0.0 : Double.NEGATIVE_INFINITY;
            else if (k == 13) v = -0.0;
            x.set(i, v);
        }
        return x;
    }
}
