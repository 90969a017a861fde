package ncd.tests;

import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.cuda.CudaBackend;
import ncd.cuda.CudaExecutable;
import ncd.cuda.Compilers;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.ir.Graph;
import ncd.ir.Node;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ordering builtins (argsort, sort, topk, gather with batch axes) and scatter_add against numpy: every circuit of
 * tests/lit/run/run_sorting.ncd runs on the fixture inputs that benchmarks/peers/sorting_fixture.py draws, on every
 * available backend and on the cuda backend's CPU emulation (where g++ is installed), and each output must equal the
 * fixture's (indices and sorted values exactly, NaN where numpy has NaN; the softmax weights within 1e-6).
 */
class SortingFixtureTest {
    private static final Path DIR = Repo.root().resolve("tests/fixtures/sorting");

    @TestFactory
    Stream<DynamicTest> everyBackendOrdersAsNumpyDoes() throws Exception {
        Compiled prog = Ncd.compile(Repo.root().resolve("tests/lit/run/run_sorting.ncd"));
        Map<String, NpyArray> want = Npz.read(DIR.resolve("expected.npz"));
        Map<String, Tensor> inputs = Map.of("x", tensor(Npy.read(DIR.resolve("x.npy"))), "v", tensor(Npy.read(DIR.resolve("v.npy"))));
        List<String> circuits = List.of("Route", "KWinners", "Orders", "Ties", "Scatter");
        assertEquals(circuits, prog.circuits(), "the circuits of run_sorting.ncd");
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : circuits) {
            Graph g = prog.graph(name, Map.of());
            for (Backend b : Backends.available()) {
                tests.add(DynamicTest.dynamicTest(name + " on " + b.name(), () -> check(name, g, compile(g, b, false), inputs, want)));
            }
            tests.add(DynamicTest.dynamicTest(name + " on cuda (CPU emulation)", () -> {
                org.junit.jupiter.api.Assumptions.assumeTrue(Compilers.gxx().isPresent(), "g++ is not installed: no CPU emulation of the CUDA");
                try (CudaExecutable exe = (CudaExecutable) compile(g, Backends.named("cuda").orElseThrow(), true)) {
                    check(name, g, exe, inputs, want);
                }
            }));
        }
        return tests.stream();
    }

    private static Executable compile(Graph lowered, Backend b, boolean emulate) {
        return FixtureBackends.compile(lowered, b, emulate);
    }

    private static void check(String name, Graph g, Executable exe, Map<String, Tensor> inputs, Map<String, NpyArray> want) {
        Map<String, Tensor> in = new java.util.LinkedHashMap<>();
        for (Node n : g.inputs()) {
            String input = ((ncd.ir.Attr.Named) n.attr()).name();
            in.put(input, inputs.get(input));
        }
        Map<String, Tensor> got = exe.step(in);
        int compared = 0;
        for (Map.Entry<String, Tensor> o : got.entrySet()) {
            NpyArray w = want.get(name + "." + o.getKey());
            assertTrue(w != null, "the fixture has " + name + "." + o.getKey());
            Tensor t = o.getValue();
            assertEquals(w.size(), t.size(), name + "." + o.getKey() + ": size");
            double tol = name.equals("Route") || name.equals("Scatter") ? 1e-6 : 0;
            for (int i = 0; i < t.size(); i++) {
                double e = java.lang.reflect.Array.getDouble(w.data(), i), a = t.get(i);
                if (Double.isNaN(e) && Double.isNaN(a)) continue;
                assertEquals(e, a, tol, name + "." + o.getKey() + " at flat index " + i);
            }
            compared++;
        }
        assertTrue(compared > 0, name + " has outputs");
    }

    private static Tensor tensor(NpyArray a) {
        List<ncd.ir.Axis> axes = List.of(new ncd.ir.Axis("tok", a.shape()[0]), new ncd.ir.Axis("expert", a.shape()[1]));
        if (a.data() instanceof float[] f) return Tensor.of(new ncd.ir.TensorType(ncd.ir.DType.F32, axes, ncd.ir.Unit.NONE), f);
        return Tensor.of(new ncd.ir.TensorType(ncd.ir.DType.I32, axes, ncd.ir.Unit.NONE), (int[]) a.data());
    }
}
