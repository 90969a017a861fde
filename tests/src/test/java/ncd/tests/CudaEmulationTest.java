package ncd.tests;

import ncd.cuda.CudaBackend;
import ncd.cuda.CudaExecutable;
import ncd.cuda.Compilers;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.ir.Graph;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA the cuda backend generates, run on the CPU (its source compiled by g++ against emu.h, every kernel and copy
 * of its launch plan run in order) against the reference interpreter, through the same harness and bounds as
 * {@link BackendDifferentialTest}: every circuit and law of the examples and the stdlib, and random programs. This is
 * what checks the generator on machines without a GPU; {@code scripts/gpu-check.sh} runs the real thing on one.
 */
class CudaEmulationTest {
    private static final int RANDOM_PROGRAMS = Integer.getInteger("ncd.cuda.randomPrograms", 40);

    @TestFactory
    Stream<DynamicTest> generatedCudaAgreesWithTheInterpreterOnTheCpu() throws Exception {
        assumeTrue(Compilers.gxx().isPresent(), "g++ is not installed: the CPU emulation of generated CUDA needs it");
        Backend cuda = Backends.named("cuda").orElseThrow(() -> new AssertionError("the cuda backend is not registered"));
        List<BackendDifferentialTest.Case> cases = BackendDifferentialTest.cases(false, RANDOM_PROGRAMS);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.label(), c.source(), () -> {
            BackendOptions options = BackendOptions.defaults().withSeed(c.seed());
            Diagnostics refusal = new Diagnostics();
            // what the backend refuses by design (sparse synapses, E0723) is skipped, with its diagnostic as the reason
            org.junit.jupiter.api.Assumptions.assumeTrue(cuda.accepts(c.lowered(), refusal), () -> c.label() + ": " + refusal.sorted());
            Compilation comp = new Compilation(new Diagnostics(), Compilation.Settings.standard().verifyingEachPass(true));
            Graph optimized = comp.prepare(c.lowered(), cuda, options, 0).orElseThrow(() -> new AssertionError("refused: " + c.label()));
            String dump = System.getProperty("ncd.cuda.dump");
            if (dump != null) {
                java.nio.file.Files.createDirectories(java.nio.file.Path.of(dump));
                java.nio.file.Files.writeString(java.nio.file.Path.of(dump, c.label().replaceAll("[^A-Za-z0-9_.-]", "_") + ".cu"), cuda.emit(optimized, options));
            }
            try (CudaExecutable exe = CudaBackend.emulate(optimized, options)) {
                BackendDifferentialTest.agree("cuda (CPU emulation)", c.label(), c.lowered(), c.seed(), exe);
            } catch (AssertionError e) {
                throw c.text() == null ? e : new AssertionError(e.getMessage() + "\nprogram:\n" + c.text(), e);
            }
        }));
    }
}
