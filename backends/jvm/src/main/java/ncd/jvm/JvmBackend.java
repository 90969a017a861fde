package ncd.jvm;

import ncd.ir.Graph;
import ncd.runtime.Backend;
import ncd.runtime.Executable;

/**
 * The JVM backend ("jvm"): each graph becomes one class generated with ASM and defined as a hidden class (see
 * {@link ClassGen}); matrix products run on {@link Gemm}. It follows the graph's schedule (fusion groups and memory
 * plan) when the graph carries one, and otherwise runs the {@code fuse} and {@code plan-memory} passes itself (see
 * {@link Plan}). Always available; the Vector API kernel needs {@code --add-modules jdk.incubator.vector} and is
 * replaced by scalar loops (announced once) without it.
 */
public final class JvmBackend implements Backend {
    @Override public String name() { return "jvm"; }

    @Override public boolean isAvailable() { return true; }

    @Override public Executable compile(Graph graph, long seed) { return compile(graph, seed, JvmOptions.defaults()); }

    /** Compiles with explicit options (tests use them to force the sgemm path on small products). */
    public static JvmExecutable compile(Graph graph, long seed, JvmOptions options) {
        return new JvmExecutable(graph, seed, options);
    }
}
