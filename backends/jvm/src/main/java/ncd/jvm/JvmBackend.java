package ncd.jvm;

import ncd.ir.Graph;
import ncd.passes.PassContext;
import ncd.passes.PassManager;
import ncd.runtime.Backend;
import ncd.runtime.Executable;

/**
 * The JVM backend ("jvm"): each graph becomes one class generated with ASM and defined as a hidden class (see
 * {@link ClassGen}); matrix products run on {@link Gemm}. A graph without a schedule first goes through the standard
 * pass pipeline ({@link PassManager#standard()}: fold, simplify, cse, dce, fuse, plan-memory; every pass exact), so
 * what runs is what {@code ncdc ir --after=all} prints; a graph that carries a schedule is followed as it is (see
 * {@link Plan}). Always available; the Vector API kernel needs {@code --add-modules jdk.incubator.vector} and is
 * replaced by scalar loops (announced once) without it.
 */
public final class JvmBackend implements Backend {
    @Override public String name() { return "jvm"; }

    @Override public boolean isAvailable() { return true; }

    @Override public Executable compile(Graph graph, long seed) { return compile(graph, seed, JvmOptions.defaults()); }

    /** Compiles with explicit options (tests use them to force the sgemm path on small products). */
    public static JvmExecutable compile(Graph graph, long seed, JvmOptions options) {
        Graph g = graph.schedule() != null ? graph : PassManager.standard().run(graph, PassContext.unchecked());
        return new JvmExecutable(g, seed, options);
    }
}
