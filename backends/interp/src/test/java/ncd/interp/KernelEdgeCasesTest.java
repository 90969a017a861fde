package ncd.interp;

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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kernel edge cases on graphs built directly with {@link Graph#builder} (no frontend): window boundaries, merge
 * order, contraction accumulation, roll and shift beyond the axis, concat of several inputs, state and reset.
 * Expected values come from docs/semantics.md, computed in plain loops.
 */
class KernelEdgeCasesTest {
    private static final SourceSpan NO_SPAN = SourceSpan.NONE;

    // ---- window ------------------------------------------------------------------------------------------------

    @Test void aWindowAsLongAsTheAxisSeesTheWholeRing() {
        Axis n = new Axis("n", 4), d = new Axis("d", 4);
        Tensor x = tensor(f32(n), i -> 10 + i);
        for (Attr.Boundary boundary : Attr.Boundary.values()) {
            Tensor y = run1(x, in -> node(Op.WINDOW, new Attr.Window(List.of(new Attr.WindowDim("n", d)), boundary), in));
            // offset j reads i + j - 2
            Tensor want = tensor(f32(n, d), k -> {
                int i = k / 4, j = k % 4, s = i + j - 2;
                if (s < 0 || s >= 4) return boundary == Attr.Boundary.WRAP ? 10 + Math.floorMod(s, 4) : 0;
                return 10 + s;
            });
            assertSame(want, y, "window of 4 on 4, " + boundary);
        }
    }

    @Test void aWindowOfOneIsTheInputWithAnOffsetAxisOfOne() {
        Axis n = new Axis("n", 5), d = new Axis("d", 1);
        Tensor x = tensor(f32(n), i -> i * i);
        Tensor y = run1(x, in -> node(Op.WINDOW, new Attr.Window(List.of(new Attr.WindowDim("n", d)), Attr.Boundary.ZERO), in));
        assertSame(tensor(f32(n, d), i -> i * i), y, "window of 1");
    }

    @Test void aWindowAlongTheMiddleAxisKeepsTheOthers() {
        Axis a = new Axis("a", 2), n = new Axis("n", 3), b = new Axis("b", 2), d = new Axis("d", 3);
        Tensor x = tensor(f32(a, n, b), k -> 100 * (k / 6) + 10 * (k / 2 % 3) + k % 2);   // 100 a + 10 n + b
        Tensor y = run1(x, in -> node(Op.WINDOW, new Attr.Window(List.of(new Attr.WindowDim("n", d)), Attr.Boundary.ZERO), in));
        assertEquals(List.of("a", "n", "b", "d"), y.type().axisNames(), "the input's axes, then the offset axis");
        Tensor want = tensor(f32(a, n, b, d), k -> {
            int j = k % 3, bi = k / 3 % 2, ni = k / 6 % 3, ai = k / 18;
            int s = ni + j - 1;
            return s < 0 || s >= 3 ? 0 : 100 * ai + 10 * s + bi;
        });
        assertSame(want, y, "window along the middle axis");
    }

    @Test void aZeroWindowReadsZeroWhenEitherCoordinateIsOutside() {
        Axis r = new Axis("r", 3), c = new Axis("c", 3), dr = new Axis("dr", 3), dc = new Axis("dc", 3);
        Tensor x = tensor(f32(r, c), k -> k + 1);               // 1 2 3 / 4 5 6 / 7 8 9
        Tensor y = run1(x, in -> node(Op.WINDOW,
                new Attr.Window(List.of(new Attr.WindowDim("r", dr), new Attr.WindowDim("c", dc)), Attr.Boundary.ZERO), in));
        // the neighbourhood of (0, 0): rows -1..1, cols -1..1
        assertEquals(List.of(0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 0.0, 4.0, 5.0), block(y, 0));
        // of (0, 2): rows -1..1, cols 1..3
        assertEquals(List.of(0.0, 0.0, 0.0, 2.0, 3.0, 0.0, 5.0, 6.0, 0.0), block(y, 2));
        // of (2, 2): rows 1..3, cols 1..3
        assertEquals(List.of(5.0, 6.0, 0.0, 8.0, 9.0, 0.0, 0.0, 0.0, 0.0), block(y, 8));
        // of the centre: everything
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0), block(y, 4));
    }

    /** The 3x3 neighbourhood of cell {@code cell} (row-major) of a [r, c, dr, dc] window. */
    private static List<Double> block(Tensor y, int cell) {
        List<Double> l = new ArrayList<>();
        for (int k = 0; k < 9; k++) l.add(y.get(cell * 9 + k));
        return l;
    }

    // ---- merge and split ---------------------------------------------------------------------------------------

    @Test void mergeOfThreePartsListedInAnotherOrderThanTheLayout() {
        Axis a = new Axis("a", 2), b = new Axis("b", 3), c = new Axis("c", 4), p = new Axis("p", 24);
        Tensor x = tensor(f32(a, b, c), k -> k);                  // x[a, b, c] = 12 a + 4 b + c
        Tensor y = run1(x, in -> node(Op.MERGE, new Attr.Merge(List.of("c", "a", "b"), p), in));
        // p = (c * |a| + a) * |b| + b: the first listed part slowest
        Tensor want = tensor(f32(p), q -> {
            int bi = q % 3, ai = q / 3 % 2, ci = q / 6;
            return 12 * ai + 4 * bi + ci;
        });
        assertSame(want, y, "merge (c, a, b) -> p");
        // and split inverts it: the data of p read as [c, a, b], compared by name with x
        Tensor back = run1(y, in -> node(Op.SPLIT, new Attr.Split("p", List.of(c, a, b)), in));
        assertSame(x.transposeTo(List.of("c", "a", "b")), back, "split p -> (c, a, b)");
    }

    @Test void mergeOfAxesThatAreNotAdjacent() {
        Axis a = new Axis("a", 3), m = new Axis("m", 2), b = new Axis("b", 2), p = new Axis("p", 6);
        Tensor x = tensor(f32(a, m, b), k -> 100 * (k / 4) + 10 * (k / 2 % 2) + k % 2);   // 100 a + 10 m + b
        Tensor y = run1(x, in -> node(Op.MERGE, new Attr.Merge(List.of("a", "b"), p), in));
        Tensor want = tensor(f32(p, m), k -> {
            int mi = k % 2, q = k / 2;
            return 100 * (q / 2) + 10 * mi + q % 2;
        });
        assertSame(want, y, "merge (a, b) -> p across m");
    }

    // ---- contraction -------------------------------------------------------------------------------------------

    @Test void contractionAccumulatesInDoubleOverALongAxis() {
        int len = 1001;
        Axis k = new Axis("k", len);
        // 1e8, then 1000 ones, then... : a float accumulator would stay at 1e8 + 0; in double the sum is 1e8 + 1000
        Tensor a = tensor(f32(k), i -> i == 0 ? 1e8 : 1);
        Tensor b = tensor(f32(k), i -> 1);
        Tensor y = run2(a, b, (x, z) -> node(Op.CONTRACT, new Attr.Contract(List.of("k")), x, z));
        assertEquals((double) (float) (1e8 + 1000), y.get(0), "double accumulation, rounded once");
    }

    @Test void contractionReadsBothOperandsByNameWithBatchAxes() {
        Axis h = new Axis("h", 2), i = new Axis("i", 3), j = new Axis("j", 2), o = new Axis("o", 2);
        // a[h, i, j], b[j, o, h, i]: contract over (i, j), h is a batch axis
        Tensor a = tensor(f32(h, i, j), k -> k % 5 - 2);
        Tensor b = tensor(f32(j, o, h, i), k -> k % 7 - 3);
        Tensor y = run2(a, b, (x, z) -> node(Op.CONTRACT, new Attr.Contract(List.of("i", "j")), x, z));
        assertEquals(List.of("h", "o"), y.type().axisNames(), "a's kept axes, then b's not in a");
        Tensor want = tensor(f32(h, o), k -> {
            int hi = k / 2, oi = k % 2;
            double s = 0;
            for (int ii = 0; ii < 3; ii++) for (int jj = 0; jj < 2; jj++) {
                s += a.get((hi * 3 + ii) * 2 + jj) * b.get(((jj * 2 + oi) * 2 + hi) * 3 + ii);
            }
            return s;
        });
        assertSame(want, y, "contract @[i, j] with batch h");
    }

    // ---- roll, shift, concat -----------------------------------------------------------------------------------

    @Test void rollAndShiftByMoreThanTheAxisLength() {
        Axis n = new Axis("n", 5);
        Tensor x = tensor(f32(n), i -> i);
        assertSame(tensor(f32(n), i -> Math.floorMod(i - 13, 5)), run1(x, in -> node(Op.ROLL, new Attr.Roll("n", 13), in)), "roll 13");
        assertSame(tensor(f32(n), i -> Math.floorMod(i + 13, 5)), run1(x, in -> node(Op.ROLL, new Attr.Roll("n", -13), in)), "roll -13");
        assertSame(tensor(f32(n), i -> 7), run1(x, in -> node(Op.SHIFT, new Attr.Shift("n", 7, 7), in)), "shift 7");
        assertSame(tensor(f32(n), i -> -1), run1(x, in -> node(Op.SHIFT, new Attr.Shift("n", -5, -1), in)), "shift -5");
        assertSame(tensor(f32(n), i -> i == 0 ? 4 : -1), run1(x, in -> node(Op.SHIFT, new Attr.Shift("n", -4, -1), in)), "shift -4");
    }

    @Test void concatOfThreeInputsInOrder() {
        Axis m = new Axis("m", 2), p1 = new Axis("p1", 1), p2 = new Axis("p2", 2), p3 = new Axis("p3", 3), c = new Axis("c", 6);
        Graph.Builder g = Graph.builder("concat3", Graph.Kind.CIRCUIT, NO_SPAN);
        Node x1 = g.addChecked(Op.INPUT, new Attr.Named("x1"), List.of(), f32(m, p1), NO_SPAN, "");
        Node x2 = g.addChecked(Op.INPUT, new Attr.Named("x2"), List.of(), f32(p2, m), NO_SPAN, "");
        Node x3 = g.addChecked(Op.INPUT, new Attr.Named("x3"), List.of(), f32(m, p3), NO_SPAN, "");
        Node y = g.addChecked(Op.CONCAT, new Attr.Concat(List.of("p1", "p2", "p3"), c), List.of(x1, x2, x3), null, NO_SPAN, "");
        g.output("out", y);
        Map<String, Tensor> out = new Interpreter(g.build(), 0).step(Map.of(
                "x1", tensor(f32(m, p1), k -> 10 * k),                   // x1[m, 0] = 10 m
                "x2", tensor(f32(p2, m), k -> 100 + 10 * (k % 2) + k / 2), // x2[p2, m] = 100 + 10 m + p2
                "x3", tensor(f32(m, p3), k -> 200 + 10 * (k / 3) + k % 3))); // x3[m, p3] = 200 + 10 m + p3
        Tensor want = tensor(f32(m, c), k -> {
            int mi = k / 6, ci = k % 6;
            if (ci < 1) return 10 * mi;
            if (ci < 3) return 100 + 10 * mi + (ci - 1);
            return 200 + 10 * mi + (ci - 3);
        });
        assertSame(want, out.get("out"), "concat of three");
    }

    @Test void gatherOutOfRangeNamesTheAxis() {
        Axis v = new Axis("vocab", 3), s = new Axis("s", 2);
        Tensor table = tensor(f32(v), i -> i);
        Tensor idx = Tensor.of(new TensorType(DType.I32, List.of(s), Unit.NONE), new int[] {2, 3});
        InterpreterException e = assertThrows(InterpreterException.class,
                () -> run2(table, idx, (t, i) -> node(Op.GATHER, new Attr.AxisRef("vocab"), t, i)));
        assertTrue(e.getMessage().contains("vocab") && e.getMessage().contains("3"), e.getMessage());
    }

    // ---- rounding ----------------------------------------------------------------------------------------------

    @Test void i32ResultsWrapAndCastsSaturate() {
        Axis n = new Axis("n", 3);
        TensorType i32 = new TensorType(DType.I32, List.of(n), Unit.NONE);
        Tensor x = Tensor.of(i32, new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, 46341});
        Tensor sum = run2(x, x, (a, b) -> node(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), a, b));
        assertSame(Tensor.of(i32, new int[] {-2, 0, 92682}), sum, "i32 add wraps");
        Tensor sq = run2(x, x, (a, b) -> node(Op.BINARY, new Attr.Binary(Attr.BinaryFn.MUL), a, b));
        assertSame(Tensor.of(i32, new int[] {1, 0, 46341 * 46341}), sq, "i32 mul wraps");
        Tensor f = Tensor.of(f32(n), new float[] {1e10f, -1e10f, Float.NaN});
        Tensor c = run1(f, in -> node(Op.CAST, new Attr.Cast(DType.I32), in));
        assertSame(Tensor.of(i32, new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, 0}), c, "f32 -> i32 saturates, NaN -> 0");
    }

    // ---- state -------------------------------------------------------------------------------------------------

    @Test void statesUpdateTogetherAndResetRestoresTheirInit() {
        Axis n = new Axis("n", 2);
        Graph.Builder g = Graph.builder("fib", Graph.Kind.CIRCUIT, NO_SPAN);
        Node one = g.addChecked(Op.CONST, new Attr.Scalar(1), List.of(), f32(n), NO_SPAN, "");
        Node zero = g.addChecked(Op.CONST, new Attr.Scalar(0), List.of(), f32(n), NO_SPAN, "");
        Node a = g.addChecked(Op.STATE_READ, new Attr.Named("a"), List.of(), f32(n), NO_SPAN, "");
        Node b = g.addChecked(Op.STATE_READ, new Attr.Named("b"), List.of(), f32(n), NO_SPAN, "");
        Node sum = g.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), List.of(a, b), null, NO_SPAN, "");
        // (a, b) <- (b, a + b): Fibonacci, only right if both states are replaced at once
        g.state(new State("a", f32(n), zero, b));
        g.state(new State("b", f32(n), one, sum));
        g.output("out", a);
        Interpreter it = new Interpreter(g.build(), 0);
        List<Double> seen = new ArrayList<>();
        for (int t = 0; t < 10; t++) seen.add(it.step(Map.of()).get("out").get(0));
        assertEquals(List.of(0.0, 1.0, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0), seen);
        assertEquals(10, it.steps());
        it.reset();
        assertEquals(0, it.steps());
        assertEquals(0.0, it.state().get("a").get(0));
        assertEquals(1.0, it.state().get("b").get(1));
        assertEquals(0.0, it.step(Map.of()).get("out").get(0));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** Builds a node of the graph under construction (set by {@link #run1}/{@link #run2}). */
    private Graph.Builder current;

    private Node node(Op op, Attr attr, Node... ins) {
        return current.addChecked(op, attr, List.of(ins), null, NO_SPAN, "");
    }

    private Tensor run1(Tensor x, java.util.function.Function<Node, Node> body) {
        current = Graph.builder("t", Graph.Kind.CIRCUIT, NO_SPAN);
        Node in = current.addChecked(Op.INPUT, new Attr.Named("x"), List.of(), x.type(), NO_SPAN, "");
        current.output("out", body.apply(in));
        return new Interpreter(current.build(), 0).step(Map.of("x", x)).get("out");
    }

    private Tensor run2(Tensor x, Tensor y, java.util.function.BinaryOperator<Node> body) {
        current = Graph.builder("t", Graph.Kind.CIRCUIT, NO_SPAN);
        Node a = current.addChecked(Op.INPUT, new Attr.Named("x"), List.of(), x.type(), NO_SPAN, "");
        Node b = current.addChecked(Op.INPUT, new Attr.Named("y"), List.of(), y.type(), NO_SPAN, "");
        current.output("out", body.apply(a, b));
        return new Interpreter(current.build(), 0).step(Map.of("x", x, "y", y)).get("out");
    }

    private static TensorType f32(Axis... axes) { return new TensorType(DType.F32, List.of(axes), Unit.NONE); }

    private static Tensor tensor(TensorType t, IntToDoubleFunction f) {
        Tensor x = Tensor.zeros(t);
        for (int i = 0; i < x.size(); i++) x.set(i, f.applyAsDouble(i));
        return x;
    }

    /** Same dtype and axes (by name and size, in the same order) and exactly the same elements. */
    private static void assertSame(Tensor want, Tensor got, String what) {
        assertEquals(want.type().dtype(), got.type().dtype(), what + ": dtype");
        assertEquals(want.type().axes(), got.type().axes(), what + ": axes");
        for (int i = 0; i < want.size(); i++) {
            double w = want.get(i), g = got.get(i);
            if (!(w == g || (Double.isNaN(w) && Double.isNaN(g)))) {
                fail(what + ": element " + i + " expected " + w + " but was " + g);
            }
        }
    }
}
