package ncd.runtime;

import ncd.ir.Graph;

/**
 * A way to run graphs: the reference interpreter ("interp"), JVM bytecode ("jvm"), CUDA ("cuda"). Found through
 * {@link java.util.ServiceLoader}; {@link Backends#named} picks one by name.
 */
public interface Backend {
    /** The name used by {@code --backend}. */
    String name();

    /** Whether this backend can run here (a GPU backend says no on a machine without one). */
    boolean isAvailable();

    /** How it holds a step's values: what {@link Footprint} counts before an instance is made. */
    default Footprint.Layout layout() { return Footprint.Layout.TYPED; }

    /** Compiles {@code graph}; parameters are drawn from {@code seed} exactly as the interpreter draws them. */
    Executable compile(Graph graph, long seed);
}
