package ncd.api;

import ncd.ir.Graph;
import ncd.runtime.Executable;
import ncd.runtime.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running instance of a circuit: its parameters and its state. {@link #step} computes one step's outputs and
 * advances the state; a circuit without state just computes. Runs on the backend it was made for (by default JVM
 * bytecode: {@link Compiled#DEFAULT_BACKEND}).
 */
public final class Circuit {
    private final Executable exec;

    Circuit(Executable exec) { this.exec = exec; }

    /** The lowered graph this instance runs. */
    public Graph graph() { return exec.graph(); }

    /** The names of the inputs, in order. */
    public List<String> inputs() { return exec.inputNames(); }

    /**
     * One step: outputs by name. Inputs are matched by name and their axes by name (any order); a mismatch in
     * axes, sizes or dtype throws {@link ncd.runtime.RunException} with a message that names the input.
     */
    public Map<String, Tensor> step(Map<String, Tensor> inputs) { return exec.step(inputs); }

    /** One step of a circuit with one output, inputs in declaration order. */
    public Tensor call(Tensor... inputs) {
        List<String> names = exec.inputNames();
        if (inputs.length != names.size()) {
            throw new IllegalArgumentException(graph().name() + " takes " + names.size() + " inputs " + names + ", got " + inputs.length);
        }
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) in.put(names.get(i), inputs[i]);
        Map<String, Tensor> out = step(in);
        if (out.size() != 1) throw new IllegalStateException(graph().name() + " has " + out.size() + " outputs " + out.keySet() + "; use step");
        return out.values().iterator().next();
    }

    /**
     * Parameters by instance path (e.g. {@code MultiHead_0.Wq}), in SI base units as the circuit computes with them (a
     * {@code param tau in ms} of 20 ms is 0.02; parameter files hold the declared unit, see {@code ncd.runtime.ParamUnits}).
     */
    public Map<String, Tensor> params() { return exec.params(); }

    /**
     * Replaces a parameter (axes matched by name), in SI base units like {@link #params()}. The next step computes with
     * it; a state whose initial value is
     * computed from it (`state s = s0`) keeps its current value until {@link #reset()}.
     */
    public void setParam(String path, Tensor value) { exec.setParam(path, value); }

    /** The current state by name. */
    public Map<String, Tensor> state() { return exec.state(); }

    /** Steps taken since the state was initialised. */
    public long steps() { return exec.steps(); }

    /** Puts every state back to its initial value. */
    public void reset() { exec.reset(); }
}
