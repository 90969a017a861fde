package ncd.tests;

import ncd.cuda.Compilers;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.ir.Graph;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every circuit and law of the examples and the stdlib generates CUDA that nvcc compiles for sm_80 (A100) and sm_90
 * (H100, H200), as {@code ncdc build --target cuda --emit=fatbin} does: kernels and host launch code, one fat binary
 * per program (cached by {@link Compilers} under the source's hash, so only a changed generator recompiles).
 * Skipped where nvcc is not installed.
 */
class CudaCompileTest {
    @Test
    void everyExampleAndStdlibCircuitCompilesForSm80AndSm90() throws Exception {
        assumeTrue(Compilers.nvcc().isPresent(), "nvcc is not installed: the generated CUDA is not compiled here");
        Backend cuda = Backends.named("cuda").orElseThrow(() -> new AssertionError("the cuda backend is not registered"));
        List<BackendDifferentialTest.Case> cases = BackendDifferentialTest.cases(false, 0);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        List<Future<String>> results = new ArrayList<>();
        int refused = 0;
        try {
            for (BackendDifferentialTest.Case c : cases) {
                // what the backend refuses by design (sparse synapses E0723, Fourier transforms E0407) it never generates
                if (!cuda.accepts(c.lowered(), new Diagnostics())) {
                    refused++;
                    continue;
                }
                results.add(pool.submit(() -> {
                    BackendOptions o = BackendOptions.defaults();
                    Graph g = new Compilation(new Diagnostics(), Compilation.Settings.standard()).prepare(c.lowered(), cuda, o, 0).orElseThrow();
                    try {
                        byte[] fatbin = Compilers.fatbin(cuda.emit(g, o), List.of(80, 90));
                        return fatbin.length > 0 ? null : c.label() + ": empty fat binary";
                    } catch (RuntimeException e) {
                        return c.label() + ": " + e.getMessage();
                    }
                }));
            }
            List<String> failed = new ArrayList<>();
            for (Future<String> f : results) {
                String r = f.get(10, TimeUnit.MINUTES);
                if (r != null) failed.add(r);
            }
            assertTrue(failed.isEmpty(), failed.size() + " of " + results.size() + " programs did not compile:\n" + String.join("\n", failed));
            assertTrue(refused * 10 < cases.size(), refused + " of " + cases.size() + " programs refused by the cuda backend");
            System.out.println("CudaCompileTest: " + results.size() + " programs compiled for sm_80 and sm_90, " + refused + " refused by the backend");
        } finally {
            pool.shutdownNow();
        }
    }
}
