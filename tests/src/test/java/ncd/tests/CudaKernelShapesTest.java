package ncd.tests;

import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.cuda.Compilers;
import ncd.cuda.CudaBackend;
import ncd.cuda.CudaExecutable;
import ncd.cuda.CudaRunException;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.interp.Interpreter;
import ncd.interp.InterpreterException;
import ncd.ir.Graph;
import ncd.ir.TensorType;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernel shapes the small sizes of {@link CudaEmulationTest} never reach, on the CPU emulation against the
 * interpreter: the shared-memory tiled product (sizes that are not multiples of its tiles, batch axes, an operand
 * read transposed), the block-per-element reduction (sum, max, mean over thousands of terms, and a matrix times a
 * vector) and a gather whose index
 * is out of range (the error word, reported with the interpreter's message).
 */
class CudaKernelShapesTest {
    private static final String SOURCE = """
            module cuda_shapes
            axis m = 70, k = 130, n = 90, b = 3, r = 3000, v = 5, t = 4
            circuit MatMul(x: f32[m, k], w: f32[k, n]) -> f32[m, n] { return x @[k] w }
            circuit Batched(x: f32[b, m, k], w: f32[b, n, k]) -> f32[b, n, m] { return x @[k] w }
            circuit Sums(x: f32[m, r]) -> (f32[m], f32[m], f32[m]) {
              return (sum[r](x), max[r](x), mean[r](exp(x)))
            }
            circuit MatVec(w: f32[m, r], x: f32[r]) -> f32[m] { return w @[r] x }
            circuit Counter() -> f32[v] {
              state c: f32[v] = uniform[v, seed = 3](0, 1)
              next c = c * 0.5 + uniform[v, seed = 4](0, 1)
              return c
            }
            circuit Lookup(table: f32[v, n], ids: i32[t]) -> f32[t, n] { return gather[v](table, ids) }
            """;
    private static Compiled prog;
    private static Backend cuda;

    @BeforeAll
    static void compile() throws Exception {
        assumeTrue(Compilers.gxx().isPresent(), "g++ is not installed: the CPU emulation of generated CUDA needs it");
        prog = Ncd.compile(Path.of("tests/target/cuda_shapes.ncd"), SOURCE);
        cuda = Backends.named("cuda").orElseThrow();
    }

    private static CudaExecutable emulate(Graph lowered) {
        Compilation c = new Compilation(new Diagnostics(), Compilation.Settings.standard());
        BackendOptions o = BackendOptions.defaults();
        return CudaBackend.emulate(c.prepare(lowered, cuda, o, 0).orElseThrow(), o);
    }

    private void agrees(String circuit, String kernel) throws Exception {
        Graph g = prog.graph(circuit, Map.of());
        try (CudaExecutable exe = emulate(g)) {
            assertTrue(exe.program().source().contains(kernel), circuit + " was not given the " + kernel + " kernel");
            BackendDifferentialTest.agree("cuda (CPU emulation)", circuit, g, 0, exe);
        }
    }

    @Test void tiledProductsAgreeWithTheInterpreter() throws Exception {
        agrees("MatMul", "tiled 64x64x16");
        agrees("Batched", "tiled 64x64x16");
    }

    @Test void blockReductionsAgreeWithTheInterpreter() throws Exception {
        agrees("Sums", "a block per element");
        agrees("MatVec", "a block per element");
    }

    /** {@code run(n)} (what {@code ncdc bench --loop} times) issues n steps with their own random streams. */
    @Test void theDevicesOwnLoopStepsAsStepDoes() throws Exception {
        Graph g = prog.graph("Counter", Map.of());
        Interpreter oracle = new Interpreter(g, 0);
        for (int i = 0; i < 6; i++) oracle.step(Map.of());
        try (CudaExecutable exe = emulate(g)) {
            exe.step(Map.of());
            exe.run(5);
            assertEquals(6, exe.steps());
            assertEquals(0.0, oracle.state().get("c").maxAbsDiff(exe.state().get("c")));
        }
    }

    @Test void anOutOfRangeGatherFailsWithTheInterpretersMessage() throws Exception {
        Graph g = prog.graph("Lookup", Map.of());
        TensorType idsType = g.inputs().get(1).type();
        Tensor table = Tensor.zeros(g.inputs().get(0).type());
        Tensor ids = Tensor.of(idsType, new int[] {1, 4, 7, -2});
        Map<String, Tensor> in = Map.of("table", table, "ids", ids);
        InterpreterException want = assertThrows(InterpreterException.class, () -> new Interpreter(g, 0).step(in));
        try (CudaExecutable exe = emulate(g)) {
            CudaRunException got = assertThrows(CudaRunException.class, () -> exe.step(in));
            assertEquals(want.getMessage(), got.getMessage());
            // and a good index still runs on the same instance
            Map<String, Tensor> ok = Map.of("table", table, "ids", Tensor.of(idsType, new int[] {0, 1, 2, 4}));
            assertEquals(new Interpreter(g, 0).step(ok).get("out").maxAbsDiff(exe.step(ok).get("out")), 0.0);
        }
    }
}
