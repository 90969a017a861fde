package ncd.tests;

import ncd.api.Ncd;
import ncd.cuda.CudaBackend;
import ncd.cuda.Compilers;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Executable;
import ncd.runtime.NpyArray;
import ncd.runtime.Npz;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The scans of tests/fixtures/scan/scans.ncd (an LSTM over a sequence, RK4 sub-steps of Lorenz-63, a nested scan,
 * a scan inside a `for` and a mapped call, a Hopfield network run to convergence with its run count) against numpy
 * (benchmarks/peers/scan_reference.py wrote CASE.npz), on the interpreter and the JVM backend, and the CUDA the cuda
 * backend generates for them run on the CPU (g++, as {@link CudaEmulationTest}) where g++ is installed.
 */
class ScanReferenceTest {
    /** The circuits compute in f32, numpy in float64: 1e-5 of the largest value (Lorenz grows to ~20). */
    private static final double TOLERANCE = 1e-5;

    record Case(String name, String circuit) {}

    static final List<Case> CASES = List.of(new Case("lstm", "Lstm"), new Case("lorenz", "Lorenz"), new Case("nested", "Nested"),
            new Case("perneuron", "PerNeuron"), new Case("hopfield", "Hopfield"));

    @TestFactory
    Stream<DynamicTest> scansMatchNumpy() {
        return CASES.stream().flatMap(c -> Stream.of("interp", "jvm", "cuda-emulated").map(b -> DynamicTest.dynamicTest(c.name() + " on " + b, () -> {
            if (b.equals("cuda-emulated")) assumeTrue(Compilers.gxx().isPresent(), "g++ is not installed: the CPU emulation of generated CUDA needs it");
            Map<String, NpyArray> fx = Npz.read(Repo.root().resolve("tests/fixtures/scan/" + c.name() + ".npz"));
            Map<String, Tensor> got = run(c, b, fx);
            List<String> bad = new ArrayList<>(), report = new ArrayList<>();
            for (String k : fx.keySet()) {
                if (!k.startsWith("out.")) continue;
                String name = k.substring(4);
                Tensor t = got.get(name);
                assertTrue(t != null, c.name() + ": no output " + name);
                double err = TorchGradientsTest.relativeError(t, TorchGradientsTest.tensor(fx.get(k), t.type(), name), 0);
                report.add(String.format("%s %.2g", name, err));
                if (!(err <= TOLERANCE)) bad.add(String.format("%s (%.3g)", name, err));
            }
            System.out.printf("ScanReferenceTest %s on %s: relative errors %s%n", c.name(), b, String.join(", ", report));
            if (!bad.isEmpty()) fail(c.name() + " on " + b + ": differs from numpy by more than " + TOLERANCE + " in " + String.join(", ", bad));
        })));
    }

    /** The comparison can fail: the Hopfield run count off by one is caught (a count, compared exactly). */
    @Test void aWrongCountIsCaught() throws Exception {
        Map<String, NpyArray> fx = Npz.read(Repo.root().resolve("tests/fixtures/scan/hopfield.npz"));
        Tensor runs = run(CASES.get(4), "interp", fx).get("runs");
        Tensor want = TorchGradientsTest.tensor(fx.get("out.runs"), runs.type(), "runs");
        assertEquals(0, TorchGradientsTest.relativeError(runs, want, 0));
        Tensor off = TorchGradientsTest.tensor(fx.get("out.runs"), runs.type(), "runs");
        off.set(0, off.get(0) + 1);
        assertTrue(TorchGradientsTest.relativeError(runs, off, 0) > TOLERANCE);
        assertTrue(want.get(0) > 1 && want.get(0) < 20, "the network converges after more than one run and before the limit");
    }

    private static Map<String, Tensor> run(Case c, String backend, Map<String, NpyArray> fx) throws Exception {
        Graph g = Ncd.compile(Repo.root().resolve("tests/fixtures/scan/scans.ncd")).graph(c.circuit(), Map.of());
        Diagnostics diags = new Diagnostics();
        Compilation comp = new Compilation(diags, Compilation.Settings.standard().verifyingEachPass(true));
        Executable exe;
        if (backend.equals("cuda-emulated")) {
            Graph optimized = comp.prepare(g, Backends.named("cuda").orElseThrow(), BackendOptions.defaults(), 0)
                    .orElseThrow(() -> new AssertionError(c.name() + ": refused: " + diags.sorted()));
            exe = CudaBackend.emulate(optimized, BackendOptions.defaults());
        } else {
            exe = comp.instantiate(g, Backends.named(backend).orElseThrow(), BackendOptions.defaults())
                    .orElseThrow(() -> new AssertionError(c.name() + ": refused: " + diags.sorted()));
        }
        TreeSet<String> params = new TreeSet<>();
        for (Node p : g.params()) {
            String name = ((Attr.Param) p.attr()).name();
            params.add(name);
            exe.setParam(name, TorchGradientsTest.tensor(fx.get("param." + name), p.type(), "parameter " + name));
        }
        TreeSet<String> fixtureParams = new TreeSet<>();
        for (String k : fx.keySet()) if (k.startsWith("param.")) fixtureParams.add(k.substring(6));
        assertEquals(fixtureParams, params, c.name() + ": the fixture must hold exactly the circuit's parameters");
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (Node n : g.inputs()) {
            String name = ((Attr.Named) n.attr()).name();
            inputs.put(name, TorchGradientsTest.tensor(fx.get("input." + name), n.type(), "input " + name));
        }
        return exe.step(inputs);
    }
}
