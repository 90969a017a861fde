package ncd.runtime;

import ncd.ir.Graph;

import java.util.List;
import java.util.Map;

/**
 * A compiled circuit with its parameters and state, as a backend made it. {@link #step} computes one step's
 * outputs from the inputs and the current state, then advances the state. All backends agree with the reference
 * interpreter on the same inputs, parameters and seed (within a tolerance each states).
 */
public interface Executable {
    /** The graph this runs. */
    Graph graph();

    /** Input names, in the graph's order. */
    List<String> inputNames();

    /** One step: outputs by name. Inputs are matched by name, their axes by name. */
    Map<String, Tensor> step(Map<String, Tensor> inputs);

    /** Parameters by instance path. */
    Map<String, Tensor> params();

    /**
     * Replaces a parameter (axes matched by name; sizes and dtype must agree). The next step computes with it; a state
     * whose initial value is computed from it keeps its current value until {@link #reset()}.
     */
    void setParam(String path, Tensor value);

    /** The current state by name. */
    Map<String, Tensor> state();

    /** The current value of state {@code name} alone (a monitor reads one state every step: no copy of the others). */
    default Tensor state(String name) {
        Tensor t = state().get(name);
        if (t == null) throw new IllegalArgumentException("no state " + name + "; the states: " + state().keySet());
        return t;
    }

    /** Steps since the state was initialised. */
    long steps();

    /** Puts every state back to its initial value. */
    void reset();

    /**
     * Time spent in each computed node since the executable was built, in nanoseconds, keyed by a one-line description
     * of the node, in execution order; empty when the backend does not measure it (the JVM backend does when built
     * with {@code -Dncd.jvm.profile=true}: {@code ncdc bench --profile}).
     */
    default Map<String, Long> nodeNanos() { return Map.of(); }

    /**
     * How the backend's compilation of this executable divided, in nanoseconds, by part in the order they ran (the JVM
     * backend: plan, codegen, class load, init); empty when the backend does not say. {@code ncdc bench} and
     * {@code --timings} print them under the backend's stage.
     */
    default Map<String, Long> compileNanos() { return Map.of(); }
}
