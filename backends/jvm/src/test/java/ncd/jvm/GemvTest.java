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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Matrix-vector contractions ({@code W[row, col] @[col] x[col]}, the reservoir's shape) through the sgemm kernel's
 * gemv path, against the interpreter within the matrix-product tolerance ({@code 1e-5 + 1e-4 |interp|}): sizes that
 * are not multiples of the vector length or of the 8- and 4-row blocks, one row, one column, and W stored
 * transposed ([col, row]).
 */
class GemvTest {
    private static final int[][] SIZES = {
        {1, 1}, {1, 70}, {70, 1}, {1, 1003}, {1003, 1}, {8, 16}, {15, 47}, {13, 33}, {37, 19}, {9, 1003}, {1000, 1000},
    };

    @Test void matrixVectorProductsAgreeWithTheInterpreter() {
        for (int[] s : SIZES) {
            for (boolean transposed : new boolean[] {false, true}) check(s[0], s[1], transposed);
        }
    }

    private static void check(int rows, int cols, boolean transposed) {
        Axis row = new Axis("row", rows), col = new Axis("col", cols);
        G g = new G("gemv");
        Node w = g.input("w", transposed ? t(DType.F32, col, row) : t(DType.F32, row, col));
        Node x = g.input("x", t(DType.F32, col));
        g.out(g.add(Op.CONTRACT, new Attr.Contract(List.of("col")), w, x));
        Graph graph = g.build();
        JvmExecutable jvm = Graphs.compile(graph, 3, JvmOptions.defaults().withGemmMinMacs(1));
        Graphs.verify(jvm);
        assertTrue(jvm.asmText().contains("ncd/jvm/Gemm.sgemm"), "the product goes to sgemm");
        String what = rows + " x " + cols + (transposed ? " (W transposed)" : "");
        SplittableRandom r = new SplittableRandom(rows * 7919L + cols);
        for (int step = 0; step < 3; step++) {
            Map<String, Tensor> in = Map.of("w", random(w, r), "x", random(x, r));
            Tensor want = new Interpreter(graph, 3).step(in).get("o0"), got = jvm.step(in).get("o0");
            Graphs.assertProductClose(what + " step " + step, want, got);
        }
    }

    private static Tensor random(Node n, SplittableRandom r) {
        Tensor x = Tensor.zeros(n.type());
        for (int i = 0; i < x.size(); i++) x.set(i, (float) (2 * r.nextDouble() - 1));
        return x;
    }
}
