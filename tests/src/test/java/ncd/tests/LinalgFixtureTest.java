package ncd.tests;

import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.cuda.CudaBackend;
import ncd.cuda.CudaExecutable;
import ncd.cuda.Compilers;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.ir.Axis;
import ncd.ir.Graph;
import ncd.ir.Node;
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
 * The linear-algebra builtins (solve, inverse, cholesky, eigh, spectral_radius, spectral_norm) against numpy.linalg:
 * every circuit of tests/lit/run/run_linalg.ncd runs on the inputs that benchmarks/peers/linalg_fixture.py draws, on
 * every available backend and on the cuda backend's CPU emulation (where g++ is installed); each output element must
 * be within 2e-6 of numpy's float64 value, relative to the largest |value| of that output (the inputs are f32 and well
 * conditioned; ncd computes in double and rounds the result to f32 once).
 */
class LinalgFixtureTest {
    private static final Path DIR = Repo.root().resolve("tests/fixtures/linalg");
    private static final double TOLERANCE = 2e-6;

    @TestFactory
    Stream<DynamicTest> everyBackendAgreesWithNumpyLinalg() throws Exception {
        Compiled prog = Ncd.compile(Repo.root().resolve("tests/lit/run/run_linalg.ncd"));
        Map<String, NpyArray> want = Npz.read(DIR.resolve("expected.npz"));
        List<String> circuits = List.of("Solve", "Inverse", "BatchSolve", "Eigh", "Gauss", "Reservoir");
        assertEquals(circuits, prog.circuits(), "the circuits of run_linalg.ncd");
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : circuits) {
            Graph g = prog.graph(name, Map.of());
            for (Backend b : Backends.available()) {
                tests.add(DynamicTest.dynamicTest(name + " on " + b.name(), () -> check(name, g, compile(g, b, false), want)));
            }
            tests.add(DynamicTest.dynamicTest(name + " on cuda (CPU emulation)", () -> {
                org.junit.jupiter.api.Assumptions.assumeTrue(Compilers.gxx().isPresent(), "g++ is not installed: no CPU emulation of the CUDA");
                try (CudaExecutable exe = (CudaExecutable) compile(g, Backends.named("cuda").orElseThrow(), true)) {
                    check(name, g, exe, want);
                }
            }));
        }
        return tests.stream();
    }

    /**
     * A singular matrix fails with one message on every backend and the CUDA emulation (through its error word): the
     * op, its axes, the circuit and the failing matrix of a batch. tests/lit/run/run_linalg_singular*.ncd check the
     * command line (exit 1, E0806 with the step) on interp and jvm.
     */
    @TestFactory
    Stream<DynamicTest> aSingularMatrixFailsAlikeEverywhere() throws Exception {
        Path src = java.nio.file.Files.createTempFile("singular", ".ncd");
        java.nio.file.Files.writeString(src, """
                axis batch = 3, row = 2, col = 2

                circuit Batch(A: f32[batch, row, col], b: f32[row]) -> f32[batch, col] {
                  return solve[row, col](A, b)
                }
                """);
        Graph g = Ncd.compile(src).graph("Batch", Map.of());
        TensorType at = g.inputs().get(0).type(), bt = g.inputs().get(1).type();
        // matrix 1 of the batch is [[1, 2], [2, 4]]; 0 and 2 are the identity
        float[] a = {1, 0, 0, 1, 1, 2, 2, 4, 1, 0, 0, 1};
        Map<String, Tensor> in = Map.of("A", Tensor.of(at, a), "b", Tensor.of(bt, new float[] {1, 1}));
        String want = "solve[row, col] in circuit Batch: the matrix at batch element 1 is singular (a pivot of its elimination"
                + " is at most n * 2^-52 times its largest element)";
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend b : Backends.available()) {
            tests.add(DynamicTest.dynamicTest("on " + b.name(), () -> assertEquals(want,
                    org.junit.jupiter.api.Assertions.assertThrows(ncd.runtime.RunException.class, () -> compile(g, b, false).step(in)).getMessage())));
        }
        tests.add(DynamicTest.dynamicTest("on cuda (CPU emulation)", () -> {
            org.junit.jupiter.api.Assumptions.assumeTrue(Compilers.gxx().isPresent(), "g++ is not installed: no CPU emulation of the CUDA");
            try (CudaExecutable exe = (CudaExecutable) compile(g, Backends.named("cuda").orElseThrow(), true)) {
                assertEquals(want, org.junit.jupiter.api.Assertions.assertThrows(ncd.runtime.RunException.class, () -> exe.step(in)).getMessage());
            }
        }));
        return tests.stream();
    }

    private static Executable compile(Graph lowered, Backend b, boolean emulate) {
        return FixtureBackends.compile(lowered, b, emulate);
    }

    private static void check(String name, Graph g, Executable exe, Map<String, NpyArray> want) throws Exception {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Node n : g.inputs()) {
            String input = ((ncd.ir.Attr.Named) n.attr()).name();
            in.put(input, tensor(Npy.read(DIR.resolve(input + ".npy")), n.type()));
        }
        Map<String, Tensor> got = exe.step(in);
        FixtureBackends.matchRelative(name, got, want, TOLERANCE);
    }

    /** The fixture's f32 array as a tensor of the input's type (numpy's C order is the row-major order of its axes). */
    private static Tensor tensor(NpyArray a, TensorType type) {
        int size = 1;
        for (Axis ax : type.axes()) size *= ax.size();
        assertEquals(size, a.size(), "the fixture's size for " + type);
        return Tensor.of(type, (float[]) a.data());
    }
}
