package ncd.interp;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.State;
import ncd.ir.TensorType;
import ncd.runtime.Executable;
import ncd.runtime.ParamInit;
import ncd.runtime.Tensor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a graph, one step at a time, keeping its parameters and state. This is the reference semantics: every
 * other backend is compared against it.
 *
 * <p>Random numbers are drawn from {@link ncd.runtime.Rng} by position, never from shared generator state: parameter
 * {@code p} draws from seed {@code Rng.seedOf(p, seed)}, stream 0; a random source in scope {@code s} with seed
 * {@code k} draws from {@code Rng.seedOf(s, k)}, stream -1 while initialising state and stream {@code t} at step
 * {@code t} (0-based); element {@code i} (row-major in the node's type) uses index {@code i}.
 */
public final class Interpreter implements Executable {
    private final Graph graph;
    private final long seed;
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, double[]> state = new LinkedHashMap<>();
    private long step;

    public Interpreter(Graph graph, long seed) {
        this.graph = graph;
        this.seed = seed;
        for (Node n : graph.nodes()) {
            if (n.op() == Op.PARAM) {
                Attr.Param p = (Attr.Param) n.attr();
                params.putIfAbsent(p.name(), initParam(p, n.type(), seed));
            }
        }
        reset();
    }

    @Override
    public Graph graph() { return graph; }

    /** Parameters by instance path, as initialised from the seed (or as set). */
    @Override
    public Map<String, Tensor> params() { return java.util.Collections.unmodifiableMap(params); }

    /** Replaces a parameter's value; its axes are matched by name (any order) and sizes and dtype must agree. */
    @Override
    public void setParam(String path, Tensor value) {
        Tensor old = params.get(path);
        if (old == null) throw new InterpreterException("no parameter " + path + "; parameters: " + params.keySet());
        params.put(path, value.conform(old.type(), "parameter " + path, InterpreterException::new));
    }

    @Override
    public Tensor state(String name) {
        for (State s : graph.states()) if (s.name().equals(name)) return tensor(s.type(), state.get(name));
        return Executable.super.state(name);
    }

    /** The current state, by name. */
    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (State s : graph.states()) out.put(s.name(), tensor(s.type(), state.get(s.name())));
        return out;
    }

    /** Steps taken since the state was (re)initialised. */
    @Override
    public long steps() { return step; }

    /** Sets every state to its initial value and the step count to 0. */
    @Override
    public void reset() {
        step = 0;
        state.clear();
        if (graph.states().isEmpty()) return;
        Set<Node> need = new HashSet<>();
        for (State s : graph.states()) Graph.cone(s.init(), need);
        double[][] v = evaluate(need, Map.of(), -1);
        for (State s : graph.states()) state.put(s.name(), v[s.init().id()].clone());
    }

    /**
     * One step: the outputs for these inputs (by name), and the state advanced. Inputs are matched to the graph's
     * by name; their axes by name (any order), with the sizes and dtype the graph declares.
     */
    @Override
    public Map<String, Tensor> step(Map<String, Tensor> inputs) {
        Map<Node, double[]> bound = new LinkedHashMap<>();
        for (Node in : graph.inputs()) {
            String name = ((Attr.Named) in.attr()).name();
            Tensor t = inputs.get(name);
            if (t == null) throw new InterpreterException("input " + name + " is missing; the circuit takes " + inputNames());
            bound.put(in, Kernels.values(t.conform(in.type(), "input " + name, InterpreterException::new)));
        }
        for (String name : inputs.keySet()) {
            if (!inputNames().contains(name)) throw new InterpreterException("no input " + name + "; the circuit takes " + inputNames());
        }
        Set<Node> need = new HashSet<>();
        for (Graph.Output o : graph.outputs()) Graph.cone(o.node(), need);
        for (State s : graph.states()) Graph.cone(s.next(), need);
        double[][] v = evaluate(need, bound, step);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Graph.Output o : graph.outputs()) out.put(o.name(), tensor(o.node().type(), v[o.node().id()]));
        for (State s : graph.states()) state.put(s.name(), v[s.next().id()].clone());
        step++;
        return out;
    }

    @Override
    public List<String> inputNames() {
        List<String> names = new ArrayList<>();
        for (Node in : graph.inputs()) names.add(((Attr.Named) in.attr()).name());
        return names;
    }

    private double[][] evaluate(Set<Node> need, Map<Node, double[]> inputs, long stream) {
        double[][] v = new double[graph.nodes().size()][];
        for (Node n : graph.nodes()) {
            if (!need.contains(n)) continue;
            v[n.id()] = switch (n.op()) {
                case INPUT -> {
                    double[] x = inputs.get(n);
                    if (x == null) throw new InterpreterException("a state's initial value reads input " + ((Attr.Named) n.attr()).name());
                    yield x;
                }
                case PARAM -> Kernels.values(params.get(((Attr.Param) n.attr()).name()));
                case STATE_READ -> {
                    double[] s = state.get(((Attr.Named) n.attr()).name());
                    if (s == null) throw new InterpreterException("a state's initial value reads state " + ((Attr.Named) n.attr()).name());
                    yield s;
                }
                case CONST, IOTA, RANDOM, UNARY, BINARY, WHERE, EXPAND, CAST, REDUCE, ARG_REDUCE, CONTRACT, RENAME, TRANSPOSE, SPLIT,
                     MERGE, SLICE, SELECT, ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, SYNAPSES, DELAY, FFT -> {
                    List<double[]> ins = new ArrayList<>();
                    for (Node i : n.inputs()) ins.add(v[i.id()]);
                    yield Kernels.eval(n, ins, stream);
                }
                case LINALG -> {
                    List<double[]> ins = new ArrayList<>();
                    for (Node i : n.inputs()) ins.add(v[i.id()]);
                    yield Kernels.linalg(n, ins, graph.name());
                }
            };
        }
        return v;
    }


    static Tensor tensor(TensorType t, double[] v) {
        Tensor out = Tensor.zeros(t);
        for (int i = 0; i < v.length; i++) out.set(i, v[i]);
        return out;
    }

    /** A parameter's first value, drawn as every backend draws it ({@link ParamInit}), rounded to its dtype. */
    static Tensor initParam(Attr.Param p, TensorType t, long seed) {
        double[] v = ParamInit.values(p, t, seed);
        Kernels.round(t.dtype(), v);
        return tensor(t, v);
    }
}
