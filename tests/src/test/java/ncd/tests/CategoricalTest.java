package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.cuda.CudaBackend;
import ncd.cuda.CudaExecutable;
import ncd.cuda.Compilers;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.ir.Graph;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code categorical[A, seed = s](logits)} draws from softmax(logits): 20000 draws of one distribution match its
 * probabilities within 4.5 standard errors; every backend, and the cuda backend's CPU emulation, draws the same
 * indices as the interpreter at every step; a second step draws anew; another seed draws otherwise.
 */
class CategoricalTest {
    private static final String SRC = """
            axis n = 20000, k = 4

            circuit Draw(logits: f32[k]) -> i32[n] {
              return categorical[k, seed = 5](expand[n](logits))
            }

            circuit Other(logits: f32[k]) -> i32[n] {
              return categorical[k, seed = 6](expand[n](logits))
            }
            """;
    private static final double[] P = {0.1, 0.2, 0.3, 0.4};

    private static Map<String, Tensor> logits(Circuit c) {
        Tensor t = Tensor.zeros(c.graph().inputs().get(0).type());
        for (int i = 0; i < P.length; i++) t.set(i, Math.log(P[i]) + 1.5);   // softmax ignores the shift
        return Map.of("logits", t);
    }

    private static int[] ints(Tensor t) {
        int[] v = new int[t.size()];
        for (int i = 0; i < v.length; i++) v[i] = (int) t.get(i);
        return v;
    }

    @Test void drawsFollowTheSoftmaxAndAgreeOnEveryBackend() throws Exception {
        Compiled prog = Ncd.compile(Repo.root().resolve("tests/target/categorical.ncd"), SRC);
        Circuit oracle = prog.circuit("Draw", Map.of(), 0, "interp");
        List<int[]> want = new ArrayList<>();
        for (int s = 0; s < 2; s++) want.add(ints(oracle.step(logits(oracle)).get("out")));
        int n = want.get(0).length;
        int[] count = new int[P.length];
        for (int i = 0; i < n; i++) count[want.get(0)[i]]++;
        for (int j = 0; j < P.length; j++) {
            double f = (double) count[j] / n, se = Math.sqrt(P[j] * (1 - P[j]) / n);
            assertEquals(P[j], f, 4.5 * se, "frequency of index " + j + " in " + n + " draws");
        }
        assertTrue(!java.util.Arrays.equals(want.get(0), want.get(1)), "the second step draws anew");
        Circuit other = prog.circuit("Other", Map.of(), 0, "interp");
        assertTrue(!java.util.Arrays.equals(want.get(0), ints(other.step(logits(other)).get("out"))), "another seed draws otherwise");
        for (var b : Backends.available()) {
            Circuit c = prog.circuit("Draw", Map.of(), 0, b.name());
            for (int s = 0; s < 2; s++) assertArrayEquals(want.get(s), ints(c.step(logits(c)).get("out")), b.name() + " step " + s);
        }
        assumeTrue(Compilers.gxx().isPresent(), "g++ is not installed: no CPU emulation of the CUDA");
        Diagnostics d = new Diagnostics();
        Compilation comp = new Compilation(d);
        Graph g = comp.prepare(prog.graph("Draw", Map.of()), Backends.named("cuda").orElseThrow(), BackendOptions.defaults(), 0)
                .orElseThrow(() -> new AssertionError(d.sorted().toString()));
        try (CudaExecutable exe = CudaBackend.emulate(g, BackendOptions.defaults())) {
            for (int s = 0; s < 2; s++) assertArrayEquals(want.get(s), ints(exe.step(logits(oracle)).get("out")), "cuda (CPU emulation) step " + s);
        }
    }
}
