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
 * Products of a matrix with spikes ({@code W @[pre] f32(s)}, s bool) go to {@link Gemm#eventsOrSgemm}, which reads
 * only the matrix entries of the spikes that are 1 when they are few, and the dense kernel otherwise: both agree with
 * the interpreter, for the spikes on either side, W in either layout, and spike densities on both sides of
 * {@link Gemm#EVENT_SPARSITY}.
 */
class EventProductTest {
    @Test void spikeProductsAgreeWithTheInterpreterSparseOrDense() {
        for (boolean spikesRight : new boolean[] {true, false}) {
            for (boolean transposed : new boolean[] {false, true}) {
                for (double density : new double[] {0, 0.01, 0.05, 0.5}) check(300, 257, spikesRight, transposed, density);
            }
        }
    }

    private static void check(int posts, int pres, boolean spikesRight, boolean transposed, double density) {
        Axis post = new Axis("post", posts), pre = new Axis("pre", pres);
        G g = new G("events");
        Node w = g.input("w", transposed ? t(DType.F32, pre, post) : t(DType.F32, post, pre));
        Node s = g.input("s", t(DType.BOOL, pre));
        Node x = g.add(Op.CAST, new Attr.Cast(DType.F32), s);
        Node product = spikesRight ? g.add(Op.CONTRACT, new Attr.Contract(List.of("pre")), w, x)
                : g.add(Op.CONTRACT, new Attr.Contract(List.of("pre")), x, w);
        g.out(product);
        Graph graph = g.build();
        JvmExecutable jvm = Graphs.compile(graph, 3, JvmOptions.defaults().withGemmMinMacs(1));
        Graphs.verify(jvm);
        assertTrue(jvm.asmText().contains("ncd/jvm/Gemm.eventsOrSgemm"), "the product goes by events when it can");
        String what = (spikesRight ? "W @ s" : "s @ W") + (transposed ? " (W transposed)" : "") + " at density " + density;
        SplittableRandom r = new SplittableRandom(posts * 31L + pres + (long) (density * 1000));
        for (int step = 0; step < 3; step++) {
            Tensor wt = Tensor.zeros(w.type()), st = Tensor.zeros(s.type());
            for (int i = 0; i < wt.size(); i++) wt.set(i, (float) (2 * r.nextDouble() - 1));
            for (int i = 0; i < st.size(); i++) st.set(i, r.nextDouble() < density ? 1 : 0);
            Map<String, Tensor> in = Map.of("w", wt, "s", st);
            Tensor want = new Interpreter(graph, 3).step(in).get("o0"), got = jvm.step(in).get("o0");
            Graphs.assertProductClose(what + " step " + step, want, got);
        }
    }
}
