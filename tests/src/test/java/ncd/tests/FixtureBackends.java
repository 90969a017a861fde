package ncd.tests;

import ncd.cuda.CudaBackend;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.ir.Graph;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Executable;
import ncd.runtime.NpyArray;
import ncd.runtime.Tensor;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the fixture tests (sorting, linear algebra, Fourier transforms) compile a lowered graph, on a backend or as the
 * CUDA C run on the CPU, and compare its outputs with numpy's.
 */
final class FixtureBackends {
    private FixtureBackends() {}

    /** {@code lowered} compiled for {@code b} with every pass verified; {@code emulate}: the CUDA backend's code on the CPU. */
    static Executable compile(Graph lowered, Backend b, boolean emulate) {
        Diagnostics diags = new Diagnostics();
        Compilation c = new Compilation(diags, Compilation.Settings.standard().verifyingEachPass(true));
        if (!emulate) return c.instantiate(lowered, b, BackendOptions.defaults()).orElseThrow(() -> new AssertionError(diags.sorted().toString()));
        Graph g = c.prepare(lowered, b, BackendOptions.defaults(), 0).orElseThrow(() -> new AssertionError(diags.sorted().toString()));
        return CudaBackend.emulate(g, BackendOptions.defaults());
    }

    /**
     * Every output of circuit {@code name} equals the fixture's {@code name.OUTPUT} array element by element, within
     * {@code tolerance} times the array's largest magnitude.
     */
    static void matchRelative(String name, Map<String, Tensor> got, Map<String, NpyArray> want, double tolerance) {
        int compared = 0;
        for (Map.Entry<String, Tensor> o : got.entrySet()) {
            NpyArray w = want.get(name + "." + o.getKey());
            assertTrue(w != null, "the fixture has " + name + "." + o.getKey());
            Tensor t = o.getValue();
            assertEquals(w.size(), t.size(), name + "." + o.getKey() + ": size");
            double max = 0;
            for (int i = 0; i < t.size(); i++) max = Math.max(max, Math.abs(java.lang.reflect.Array.getDouble(w.data(), i)));
            for (int i = 0; i < t.size(); i++) {
                double e = java.lang.reflect.Array.getDouble(w.data(), i), a = t.get(i);
                assertEquals(e, a, tolerance * Math.max(max, 1e-30), name + "." + o.getKey() + " at flat index " + i);
            }
            compared++;
        }
        assertTrue(compared > 0, name + " has outputs");
    }
}
