package ncd.interop;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.State;
import ncd.runtime.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A spiking circuit as a NIR graph (docs/interop.md, "NIR"). General recognition of neuron dynamics in the IR is out
 * of reach, so this matches exactly the optimised IR of the stdlib's neurons, and refuses everything else:
 * <ul>
 *   <li>{@code std.lif.LIF<N>(I)} with the current {@code I} a circuit input: Input → LIF → Output;</li>
 *   <li>{@code std.lif.LIF<N>(std.lif.ExpSynapse<pre, N>(s))} with the spikes {@code s} a circuit input: Input →
 *       Linear (q W) → CubaLIF → Output;</li>
 *   <li>the same plus {@code ExpSynapse<N, N>} of a state holding the population's spikes of the step before: a
 *       second Linear (q W_rec) on an edge from the CubaLIF back to itself.</li>
 * </ul>
 * Values are in coherent SI units (s, ohm, V, A), as the IR stores them, except that an input current declared in
 * another unit (nA) is taken in that unit and {@code r} scaled to match. NIR's neurons are continuous-time; ncd's LIF
 * is the forward Euler step of NIR's LIF equation at the circuit's dt, and the exact decay {@code I * a} of
 * ExpSynapse is written as the CubaLIF whose forward Euler step at that dt is the same: {@code tau_syn = dt / (1 - a)},
 * {@code w_in = 1 / (1 - a)}. The circuit's dt is recorded in the graph's metadata ({@code dt}).
 */
public final class NirExport {
    /** The NIR file version written. */
    public static final String VERSION = "1.0.0";

    /** One NIR node: its type and parameter datasets (float[], float[][] or long[]). */
    public record NirNode(String type, Map<String, Object> params) {}

    /** The recognised graph: nodes in order, edges, and the circuit's time step. */
    public record Nir(Map<String, NirNode> nodes, List<String[]> edges, double dt) {
        /** The graph as an HDF5 file in NIR's layout ({@code nir.serialization.write}). */
        public byte[] hdf5() throws IOException {
            Path tmp = Files.createTempFile("ncd-nir", ".h5");
            try {
                try (WritableHdfFile f = HdfFile.write(tmp)) {
                    f.putDataset("version", VERSION);
                    WritableGroup node = f.putGroup("node");
                    node.putDataset("type", "NIRGraph");
                    WritableGroup ns = node.putGroup("nodes");
                    for (Map.Entry<String, NirNode> e : nodes.entrySet()) {
                        WritableGroup g = ns.putGroup(e.getKey());
                        g.putDataset("type", e.getValue().type());
                        for (Map.Entry<String, Object> p : e.getValue().params().entrySet()) g.putDataset(p.getKey(), p.getValue());
                    }
                    node.putDataset("edges", edges.toArray(String[][]::new));
                    WritableGroup meta = node.putGroup("metadata");
                    meta.putDataset("dt", new double[]{dt});
                }
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private final Graph g;
    private final Map<String, Tensor> params;

    private NirExport(Graph g, Map<String, Tensor> params) {
        this.g = g;
        this.params = params;
    }

    /** The NIR graph of {@code g}, with parameter values {@code params}; refused unless it is one of the patterns. */
    public static Nir export(Graph g, Map<String, Tensor> params) throws Unsupported {
        return new NirExport(g, params).recognise();
    }

    private Unsupported refuse(Node at, String what) {
        return new Unsupported(at == null ? g.span() : at.span(), what,
                "NIR export recognises std.lif.LIF driven by an input current, or by std.lif.ExpSynapse of input spikes, "
                        + "plus at most one ExpSynapse of the population's own spikes of the step before (docs/interop.md, \"NIR\")");
    }

    private Nir recognise() throws Unsupported {
        if (g.outputs().size() != 1) throw refuse(null, "circuit " + g.name() + " has " + g.outputs().size() + " outputs; NIR export takes one output of spikes");
        if (g.inputs().isEmpty())
            throw new Unsupported(g.span(), "circuit " + g.name() + " takes no input: a NIR graph starts at an Input node, and this circuit computes "
                    + "or draws what drives its neurons inside (a current, or random spikes), which NIR has no node for",
                    "make the drive an input of the circuit (`circuit Net(I: f32[neuron] in nA)` calling LIF<neuron>(I), or spikes "
                    + "`s: bool[input]` into std.lif.ExpSynapse), and feed it when running the NIR graph");
        if (g.inputs().size() != 1) throw refuse(null, "circuit " + g.name() + " has " + g.inputs().size() + " inputs; NIR export takes one input (current or spikes)");
        Node spike = g.outputs().get(0).node();
        if (!isBinary(spike, Attr.BinaryFn.GT)) throw refuse(spike, "the output is not a threshold crossing (v + dv > v_th)");
        Node u = spike.input(0);
        double vTh = constant(spike.input(1), "v_th");
        State v = null;
        for (State s : g.states()) if (s.next().op() == Op.WHERE && s.next().input(0) == spike) v = s;
        if (v == null) throw refuse(spike, "no state is reset where the output spikes (next v = where(spike, v_reset, v + dv))");
        if (v.next().input(2) != u) throw refuse(v.next(), "the membrane " + v.name() + " does not integrate where it does not spike");
        double vReset = constant(v.next().input(1), "v_reset");
        // u = v + (-(v - v_rest) + R * X) / tau * dt
        Node vRead = readOf(v);
        if (!isBinary(u, Attr.BinaryFn.ADD) || u.input(0) != vRead) throw refuse(u, "the membrane update is not v + dv");
        Node dv = u.input(1);
        if (!isBinary(dv, Attr.BinaryFn.MUL)) throw refuse(dv, "dv is not (...) / tau * dt");
        double dt = constant(dv.input(1), "dt");
        Node quot = dv.input(0);
        if (!isBinary(quot, Attr.BinaryFn.DIV)) throw refuse(quot, "dv is not (...) / tau * dt");
        double tau = constant(quot.input(1), "tau");
        Node drive = quot.input(0);
        if (!isBinary(drive, Attr.BinaryFn.ADD)) throw refuse(drive, "the drive is not -(v - v_rest) + R * I");
        Node leak = drive.input(0), in = drive.input(1);
        if (!(leak.op() == Op.UNARY && ((Attr.Unary) leak.attr()).fn() == Attr.UnaryFn.NEG && isBinary(leak.input(0), Attr.BinaryFn.SUB)
                && leak.input(0).input(0) == vRead)) throw refuse(leak, "the leak is not -(v - v_rest)");
        double vRest = constant(leak.input(0).input(1), "v_rest");
        if (!isBinary(in, Attr.BinaryFn.MUL)) throw refuse(in, "the input term is not R * I");
        double r = constant(in.input(0), "R");
        Node current = in.input(1);
        int n = spike.type().elementCount() > Integer.MAX_VALUE ? -1 : (int) spike.type().elementCount();
        if (spike.type().rank() != 1) throw refuse(spike, "the neurons must lie along one axis, got " + spike.type().axesText());

        Map<String, NirNode> nodes = new LinkedHashMap<>();
        List<String[]> edges = new ArrayList<>();
        // an input current in a unit other than A comes scaled to A: NIR's r takes the scale (r * I in volts)
        double scale = 1;
        if (isBinary(current, Attr.BinaryFn.MUL) && current.input(0).op() == Op.INPUT && current.input(1).op() == Op.CONST) {
            scale = constant(current.input(1), "the unit scale");
            current = current.input(0);
        }
        if (current.op() == Op.INPUT) {
            if (g.states().size() != 1) throw refuse(null, "states other than the membrane: " + g.states().stream().map(State::name).toList());
            nodes.put("input", new NirNode("Input", Map.of("shape", new long[]{n})));
            Map<String, Object> lif = new LinkedHashMap<>();
            lif.put("tau", fill(n, tau));
            lif.put("r", fill(n, r * scale));
            lif.put("v_leak", fill(n, vRest));
            lif.put("v_threshold", fill(n, vTh));
            lif.put("v_reset", fill(n, vReset));
            nodes.put("lif", new NirNode("LIF", lif));
            edges.add(new String[]{"input", "lif"});
            edges.add(new String[]{"lif", "output"});
        } else if (current.op() == Op.STATE_READ || isBinary(current, Attr.BinaryFn.ADD)) {
            // one ExpSynapse of the input spikes, or its sum with one of the population's own spikes a step ago
            List<Node> reads = current.op() == Op.STATE_READ ? List.of(current) : List.of(current.input(0), current.input(1));
            List<Synapse> syns = new ArrayList<>();
            for (Node rd : reads) syns.add(synapse(rd, spike));
            Synapse ff = null, rec = null;
            for (Synapse x : syns) {
                if (x.recurrent()) rec = x;
                else ff = x;
            }
            if (ff == null) throw refuse(current, "no synapse carries the input spikes into the neurons");
            if (syns.size() == 2 && rec == null) throw refuse(current, "two synapses of the input spikes; NIR export takes one (and at most one recurrent one)");
            if (rec != null && Math.abs(rec.a() - ff.a()) > 1e-12 * Math.abs(ff.a()))
                throw refuse(rec.state().next(), "the recurrent synapse decays by " + rec.a() + " a step, the input's by " + ff.a() + "; one CubaLIF has one tau_syn");
            int expected = 2 + (rec == null ? 0 : 2);        // membrane, synapses, and the state holding last step's spikes
            if (g.states().size() != expected)
                throw refuse(null, "states other than the membrane, the synapses and the spikes of the step before: " + g.states().stream().map(State::name).toList());
            int m = ff.source().type().axes().get(0).size();
            nodes.put("input", new NirNode("Input", Map.of("shape", new long[]{m})));
            nodes.put("linear", new NirNode("Linear", Map.of("weight", weight(ff, n))));
            double a = ff.a();
            Map<String, Object> lif = new LinkedHashMap<>();
            lif.put("tau_syn", fill(n, dt / (1 - a)));
            lif.put("tau_mem", fill(n, tau));
            lif.put("r", fill(n, r));
            lif.put("v_leak", fill(n, vRest));
            lif.put("v_threshold", fill(n, vTh));
            lif.put("v_reset", fill(n, vReset));
            lif.put("w_in", fill(n, 1 / (1 - a)));
            nodes.put("lif", new NirNode("CubaLIF", lif));
            edges.add(new String[]{"input", "linear"});
            edges.add(new String[]{"linear", "lif"});
            if (rec != null) {
                // the spikes of step t reach the current at step t + 1: NIR's recurrent edge, as ncdc import reads it
                nodes.put("recurrent", new NirNode("Linear", Map.of("weight", weight(rec, n))));
                edges.add(new String[]{"lif", "recurrent"});
                edges.add(new String[]{"recurrent", "lif"});
            }
            edges.add(new String[]{"lif", "output"});
        } else {
            throw refuse(current, "the LIF's current is neither a circuit input nor an ExpSynapse of input spikes");
        }
        nodes.put("output", new NirNode("Output", Map.of("shape", new long[]{n})));
        return new Nir(nodes, edges, dt);
    }

    /** An exponential synapse: its state, decay a, charge q, weight, presynaptic spikes (f32), and whether they are the population's own. */
    private record Synapse(State state, double a, double q, Node w, Node source, boolean recurrent, String pre) {}

    /**
     * The synapse whose current {@code read} reads (through a rename of its axis): {@code next I = I * a + q * (W @[pre]
     * f32(s))}, {@code s} the circuit's input spikes, or {@code z > 0} of a state {@code next z = f32(spike)} holding
     * the population's spikes of the step before.
     */
    private Synapse synapse(Node read, Node spike) throws Unsupported {
        Node at = read;
        if (read.op() == Op.RENAME) read = read.input(0);
        State syn = null;
        if (read.op() == Op.STATE_READ) for (State s : g.states()) if (readOf(s) == read) syn = s;
        if (syn == null) throw refuse(at, "the LIF's current is not an ExpSynapse's current (a state I with next I = I * decay + q * (W @ s))");
        Node next = syn.next();
        if (!isBinary(next, Attr.BinaryFn.ADD) || !isBinary(next.input(0), Attr.BinaryFn.MUL) || next.input(0).input(0) != read)
            throw refuse(next, "the synaptic current " + syn.name() + " is not I * decay + q * (W @ s)");
        double a = constant(next.input(0).input(1), "the decay");
        Node charge = next.input(1);
        if (!isBinary(charge, Attr.BinaryFn.MUL)) throw refuse(charge, "the synaptic input is not q * (W @ s)");
        double q = constant(charge.input(0), "q");
        Node prod = charge.input(1);
        if (prod.op() != Op.CONTRACT || prod.input(0).op() != Op.PARAM || prod.input(1).op() != Op.CAST)
            throw refuse(prod, "the synaptic input is not W @[pre] f32(s) of a weight parameter and spikes");
        Node src = prod.input(1).input(0);
        boolean recurrent;
        if (src.op() == Op.INPUT) recurrent = false;
        else {
            // last > 0, or last itself when it holds bools: a state whose next value is this step's spikes
            Node z = isBinary(src, Attr.BinaryFn.GT) && src.input(1).op() == Op.CONST && ((Attr.Scalar) src.input(1).attr()).value() == 0 ? src.input(0) : src;
            State last = null;
            if (z.op() == Op.STATE_READ) for (State s : g.states()) if (readOf(s) == z) last = s;
            Node nz = last == null ? null : last.next();
            if (nz != null && nz.op() == Op.CAST) nz = nz.input(0);
            if (nz != spike)
                throw refuse(src, "the synapse's spikes are neither the circuit's input nor the population's own spikes of the step before (a state set to them)");
            recurrent = true;
        }
        return new Synapse(syn, a, q, prod.input(0), prod.input(1), recurrent, prod.input(1).type().axisNames().get(0));
    }

    /** q W as NIR's Linear weight [post, pre]: post the weight's axis that is not contracted. */
    private float[][] weight(Synapse s, int n) {
        List<String> axes = s.w().type().axisNames();
        String post = axes.get(0).equals(s.pre()) ? axes.get(1) : axes.get(0);
        Tensor wt = params.get(((Attr.Param) s.w().attr()).name()).transposeTo(List.of(post, s.pre()));
        int m = s.source().type().axes().get(0).size();
        float[][] weight = new float[n][m];
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) weight[i][j] = (float) (s.q() * wt.get(i * m + j));
        return weight;
    }

    private Node readOf(State s) {
        for (Node x : g.nodes()) if (x.op() == Op.STATE_READ && ((Attr.Named) x.attr()).name().equals(s.name())) return x;
        return null;
    }

    private static boolean isBinary(Node n, Attr.BinaryFn fn) {
        return n.op() == Op.BINARY && ((Attr.Binary) n.attr()).fn() == fn;
    }

    private double constant(Node n, String what) throws Unsupported {
        if (n.op() != Op.CONST) throw refuse(n, what + " is not a constant");
        return ((Attr.Scalar) n.attr()).value();
    }

    private static float[] fill(int n, double v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, (float) v);
        return a;
    }
}
