package ncd.tests;

import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.cuda.CudaExecutable;
import ncd.cuda.Compilers;
import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Executable;
import ncd.runtime.Npy;
import ncd.runtime.NpyArray;
import ncd.runtime.Npz;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Complex numbers and the Fourier transforms against numpy.fft: every circuit of tests/lit/run/run_fft.ncd runs on the
 * inputs that benchmarks/peers/fft_fixture.py draws, on every available backend; each output element must be within
 * 1e-5 of numpy's float64 value, relative to the largest |value| of that output (f32 inputs; ncd sums in double and
 * rounds once). c64 outputs come back as ncd stores them, f32 with a last axis of (re, im), as the fixture writes
 * them. The cuda backend refuses the transforms (E0407) and runs the circuit without them in its CPU emulation.
 */
class FftFixtureTest {
    private static final Path DIR = Repo.root().resolve("tests/fixtures/fft");
    private static final double TOLERANCE = 1e-5;

    @TestFactory
    Stream<DynamicTest> everyBackendAgreesWithNumpyFft() throws Exception {
        Compiled prog = Ncd.compile(Repo.root().resolve("tests/lit/run/run_fft.ncd"));
        Map<String, NpyArray> want = Npz.read(DIR.resolve("expected.npz"));
        List<String> circuits = List.of("Fft1", "Fft2", "Fft8", "Fft12", "Fft60", "Fft64", "Fft97", "IrfftPadCrop", "Elementwise");
        assertEquals(circuits, prog.circuits(), "the circuits of run_fft.ncd");
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : circuits) {
            Graph g = prog.graph(name, Map.of());
            for (Backend b : Backends.available()) {
                tests.add(DynamicTest.dynamicTest(name + " on " + b.name(), () -> check(name, g, FixtureBackends.compile(g, b, false), want)));
            }
            boolean transforms = g.nodes().stream().anyMatch(n -> n.op() == Op.FFT);
            tests.add(DynamicTest.dynamicTest(name + " on cuda", () -> {
                Backend cuda = Backends.named("cuda").orElseThrow();
                if (transforms) {
                    Diagnostics diags = new Diagnostics();
                    Compilation c = new Compilation(diags, Compilation.Settings.standard());
                    assertTrue(c.prepare(g, cuda, BackendOptions.defaults(), 0).isEmpty(), "cuda refuses " + name);
                    assertTrue(diags.sorted().stream().allMatch(d -> d.code() == DiagCode.E0407) && diags.hasErrors(), diags.sorted().toString());
                    return;
                }
                org.junit.jupiter.api.Assumptions.assumeTrue(Compilers.gxx().isPresent(), "g++ is not installed: no CPU emulation of the CUDA");
                try (CudaExecutable exe = (CudaExecutable) FixtureBackends.compile(g, cuda, true)) {
                    check(name, g, exe, want);
                }
            }));
        }
        return tests.stream();
    }

    private static void check(String name, Graph g, Executable exe, Map<String, NpyArray> want) throws Exception {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Node n : g.inputs()) {
            String input = ((ncd.ir.Attr.Named) n.attr()).name();
            NpyArray a = Npy.read(DIR.resolve(input + ".npy"));
            TensorType t = n.type();
            assertEquals(t.elementCount(), a.size(), "the fixture's size for " + input);
            in.put(input, Tensor.of(t, (float[]) a.data()));
        }
        Map<String, Tensor> got = exe.step(in);
        FixtureBackends.matchRelative(name, got, want, TOLERANCE);
    }
}
