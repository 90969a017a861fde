package ncd.tests;

import ncd.cuda.CudaBackend;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.ir.Graph;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Executable;

/** How the fixture tests (sorting, linear algebra) compile a lowered graph: on a backend, or as the CUDA C run on the CPU. */
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
}
