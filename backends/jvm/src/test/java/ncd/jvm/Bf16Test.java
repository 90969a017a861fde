package ncd.jvm;

import ncd.interp.Interpreter;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static ncd.jvm.Graphs.G;
import static ncd.jvm.Graphs.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * bfloat16 weights ({@code --backend-option weights=bf16}): the rounding, the packed kernels (vector and scalar)
 * against a double reference, and whole circuits against the interpreter. The stated tolerance: each weight is
 * rounded to nearest bf16 (relative error at most 2^-8), then summed in f32, so
 * {@code |y - y_f32exact| <= (2^-8 + k 2^-23) sum_p |W[i, p] x[p]|}.
 */
class Bf16Test {
    @Test void roundsToNearestEven() {
        assertEquals(0x3f80, Bf16.bits(1f));
        assertEquals(0xbf80, Bf16.bits(-1f));
        assertEquals(0x3f80, Bf16.bits(1f + 0x1p-8f), "a tie rounds to the even neighbour (down)");
        assertEquals(0x3f82, Bf16.bits(1f + 3 * 0x1p-8f), "a tie rounds to the even neighbour (up)");
        assertEquals(0x3f81, Bf16.bits(1f + 0x1p-8f + 0x1p-20f), "above the tie rounds up");
        assertEquals(0x7f80, Bf16.bits(Float.MAX_VALUE), "overflow rounds to infinity");
        assertEquals(0xff80, Bf16.bits(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Bf16.value(Bf16.bits(Float.NaN))));
        assertEquals(0f, Bf16.value(Bf16.bits(0f)));
        assertEquals(1.5f, Bf16.value(Bf16.bits(1.5f)));
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 10_000; i++) {
            float f = (float) ((r.nextDouble() - 0.5) * Math.pow(2, r.nextInt(-100, 100)));
            float g = Bf16.value(Bf16.bits(f));
            if (!(Math.abs(g - f) <= Math.abs(f) * 0x1p-8)) fail(f + " rounded to " + g);
        }
    }

    private static final int[][] SIZES = {{1, 1}, {1, 7}, {7, 1}, {4, 31}, {5, 32}, {3, 33}, {17, 17}, {255, 257}, {257, 255}, {1000, 1000}};

    @Test void packedKernelsAgreeWithADoubleReference() {
        SplittableRandom r = new SplittableRandom(5);
        for (int[] s : SIZES) {
            int rows = s[0], k = s[1];
            for (boolean transposed : new boolean[] {false, true}) {
                float[] w = rand(r, rows * k + 3), x = rand(r, k + 2);
                int off = 3, xOff = 2;
                int rs = transposed ? 1 : k, cs = transposed ? rows : 1;
                int[] packed = new int[rows * Bf16.rowInts(k)];
                Bf16.pack(w, off, rs, cs, rows, k, packed);
                float[] yv = new float[rows + 1], ys = new float[rows + 1];
                yv[rows] = ys[rows] = Float.NaN;
                Bf16.gemv(rows, k, packed, x, xOff, yv, 0);
                Bf16.scalar(rows, k, packed, x, xOff, ys, 0);
                assertTrue(Float.isNaN(yv[rows]) && Float.isNaN(ys[rows]), "wrote past y");
                for (int i = 0; i < rows; i++) {
                    double rounded = 0, exact = 0, abs = 0;
                    for (int p = 0; p < k; p++) {
                        float wv = w[off + i * rs + p * cs];
                        rounded += (double) Bf16.value(Bf16.bits(wv)) * x[xOff + p];
                        exact += (double) wv * x[xOff + p];
                        abs += Math.abs((double) wv * x[xOff + p]);
                    }
                    String what = rows + " x " + k + (transposed ? " transposed" : "") + " row " + i;
                    for (float got : new float[] {yv[i], ys[i]}) {
                        if (!(Math.abs(got - rounded) <= k * 0x1p-23 * abs * 1.01 + 1e-30)) fail(what + ": " + got + ", bf16 reference " + rounded);
                        if (!(Math.abs(got - exact) <= (0x1p-8 + k * 0x1p-23) * abs + 1e-30)) fail(what + ": " + got + ", f32 reference " + exact);
                    }
                }
            }
        }
    }

    /**
     * {@code W @[col] x} with W a parameter: the product reads the bf16 copy, which follows setParam; without the
     * option (or with W an input) it stays f32.
     */
    @Test void aParameterMatrixTimesAVectorReadsTheCopy() {
        for (boolean transposed : new boolean[] {false, true}) {
            Axis row = new Axis("row", 300), col = new Axis("col", 257);
            G g = new G("bf16");
            Node w = g.param("W", transposed ? t(DType.F32, col, row) : t(DType.F32, row, col), Attr.InitKind.NORMAL, 0.0, 0.1);
            Node x = g.input("x", t(DType.F32, col));
            g.out(g.add(Op.CONTRACT, new Attr.Contract(List.of("col")), w, x));
            Graph graph = g.build();
            JvmExecutable jvm = Graphs.compile(graph, 3, JvmOptions.defaults().withBf16Weights(true));
            Graphs.verify(jvm);
            assertTrue(jvm.asmText().contains("ncd/jvm/Bf16.gemv"), "the product reads bf16 weights");
            assertFalse(Graphs.compile(graph, 3, JvmOptions.defaults()).asmText().contains("ncd/jvm/Bf16"), "f32 by default");
            Interpreter interp = new Interpreter(graph, 3);
            SplittableRandom r = new SplittableRandom(6);
            for (int step = 0; step < 3; step++) {
                if (step == 2) {
                    // a new W: the copy is remade before the next step
                    Tensor nw = random(w, r);
                    jvm.setParam("W", nw);
                    interp.setParam("W", nw);
                }
                Map<String, Tensor> in = Map.of("x", random(x, r));
                Tensor want = interp.step(in).get("o0"), got = jvm.step(in).get("o0");
                Tensor wt = jvm.params().get("W"), xt = in.get("x");
                for (int i = 0; i < 300; i++) {
                    double abs = 0;
                    for (int p = 0; p < 257; p++) abs += Math.abs(wt.get(transposed ? p * 300 + i : i * 257 + p) * xt.get(p));
                    double a = want.get(i), b = got.get(i);
                    if (!(Math.abs(a - b) <= (0x1p-8 + 257 * 0x1p-23) * abs + 1e-30)) {
                        fail("step " + step + (transposed ? " transposed" : "") + " [" + i + "]: interp " + a + ", jvm bf16 " + b);
                    }
                }
            }
        }
    }

    @Test void theOptionIsParsed() {
        assertTrue(JvmOptions.from(ncd.runtime.BackendOptions.defaults().with("weights", "bf16")).bf16Weights());
        assertFalse(JvmOptions.from(ncd.runtime.BackendOptions.defaults().with("weights", "f32")).bf16Weights());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> JvmOptions.from(ncd.runtime.BackendOptions.defaults().with("weights", "f16")));
        assertTrue(e.getMessage().contains("f32 or bf16"), e.getMessage());
    }

    private static Tensor random(Node n, SplittableRandom r) {
        Tensor x = Tensor.zeros(n.type());
        for (int i = 0; i < x.size(); i++) x.set(i, (float) (2 * r.nextDouble() - 1));
        return x;
    }

    private static float[] rand(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * r.nextDouble() - 1);
        return x;
    }
}
