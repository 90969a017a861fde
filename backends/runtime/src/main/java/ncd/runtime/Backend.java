package ncd.runtime;

import ncd.diag.Diagnostics;
import ncd.ir.Graph;

import java.util.Map;
import java.util.Optional;

/**
 * A way to run graphs: the reference interpreter ("interp"), JVM bytecode ("jvm"), CUDA ("cuda"). Registered with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/ncd.runtime.Backend}); {@link Backends} finds them, so
 * {@code --backend NAME} and the differential tests know every installed backend without naming it.
 *
 * <p>A backend receives a graph the driver ({@code ncd.driver.Compilation}) has already lowered, verified and
 * optimised — it carries a schedule (fusion decisions and a memory plan) — and only schedules and generates code
 * for it; it never runs the pass pipeline itself.
 */
public interface Backend {
    /** The name used by {@code --backend}. */
    String name();

    /** One line for {@code --backend list}: what it generates and where it runs. */
    String description();

    /** Whether this backend can run here (a GPU backend says no on a machine without one). */
    boolean isAvailable();

    /** Why it cannot run here, when {@link #isAvailable()} is false. */
    default String unavailableReason() { return "it cannot run on this machine"; }

    /** How it holds a step's values: what {@link Footprint} counts before an instance is made. */
    default Footprint.Layout layout() { return Footprint.Layout.TYPED; }

    /** The backend-specific keys of {@link BackendOptions#extra()} it understands, each with a one-line meaning. */
    default Map<String, String> optionKeys() { return Map.of(); }

    /**
     * Compiles an optimised {@code graph} into an instance with its parameters (drawn from {@code options.seed()})
     * and state. A problem that is the user's (an option value it cannot take) goes to {@code diags} as an error and
     * gives empty; a failure that is the backend's fault is thrown.
     */
    Optional<Executable> compile(Graph graph, BackendOptions options, Diagnostics diags);

    /**
     * Whether this backend generates every op of the lowered {@code graph}; when not, each op it lacks is an error in
     * {@code diags} and the driver compiles nothing (the cuda backend: sparse synapses, E0723; Fourier transforms,
     * E0407). Checked before any pass runs, for compile and emit alike. Every backend but a partial one accepts all
     * graphs.
     */
    default boolean accepts(Graph graph, Diagnostics diags) { return true; }

    /**
     * A readable listing of what {@link #compile} generates for {@code graph}: bytecode for the JVM backend, kernel
     * source for a GPU backend, the IR itself for the interpreter (it runs the IR as it is).
     */
    String emit(Graph graph, BackendOptions options);
}
