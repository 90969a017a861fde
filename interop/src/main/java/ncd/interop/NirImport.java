package ncd.interop;

import ncd.interop.NirRead.Arr;
import ncd.interop.NirRead.NirGraph;
import ncd.interop.NirRead.NirNode;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.runtime.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A NIR graph as an .ncd module (docs/interop.md, "Importing NIR"): one generated circuit per node, a top circuit
 * wiring them along the edges, and the parameter arrays (weights, and per-neuron values that are not all equal) by
 * instance path, for {@code ncdc run --params}. NIR's neurons are continuous-time; each is stepped by forward Euler at
 * {@code dt}, as NIR's reference implementations and ncd's {@code std.lif} do. An edge that closes a cycle reads its
 * source's output of the previous step (a state, 0 at the start); the others are evaluated in order within the step.
 * Times are in seconds; NIR records no other unit, so voltages, currents and weights are plain numbers.
 */
public final class NirImport {
    /** The node types mapped, in the order the docs list them. */
    public static final List<String> TYPES = List.of("Input", "Output", "Affine", "Linear", "Scale", "Threshold", "LIF", "CubaLIF", "LI");

    /** A graph this importer cannot express: the message names the node and its type. */
    public static final class NotImportable extends Exception {
        public NotImportable(String message) { super(message); }
    }

    /** The module's text, the parameter values by instance path, and the top circuit's inputs and outputs. */
    public record Imported(String source, Map<String, Tensor> params, String circuit, List<String> inputs, List<String> outputs) {}

    /** Words a generated name avoids: ncd's keywords and dtypes, and names the generated circuits use. */
    public static final Set<String> RESERVED = Set.of("after", "and", "by", "false", "for", "in", "let", "next", "not", "or", "param",
            "return", "state", "true", "within", "axis", "circuit", "const", "expect", "import", "law", "module", "train", "unit",
            "f32", "f64", "i32", "bool", "where", "dt", "out", "x");

    private final NirGraph g;
    private final double dt;
    private final Map<String, List<String>> preds = new LinkedHashMap<>();
    private final Map<String, Integer> size = new HashMap<>();
    private final Map<String, String> parent = new HashMap<>();     // union-find over node names: one axis per class
    private final Map<String, String> inClass = new HashMap<>();    // Affine/Linear: a member of their input's class
    private final Set<String> backEdges = new HashSet<>();          // "src\0dst"
    private final List<String> order = new ArrayList<>();
    private final Set<String> taken = new HashSet<>();
    private final Map<String, String> ident = new HashMap<>();      // node -> let/input/output name
    private final Map<String, String> axisName = new HashMap<>();   // class root -> axis name
    private final Map<String, Tensor> params = new LinkedHashMap<>();

    private NirImport(NirGraph g, double dt) {
        this.g = g;
        this.dt = dt;
    }

    /** The module {@code module} with top circuit {@code circuit} computing {@code g} at time step {@code dt} seconds. */
    public static Imported generate(NirGraph g, double dt, String module, String circuit, String from) throws NotImportable {
        return new NirImport(g, dt).build(module, circuit, from);
    }

    private static NotImportable at(NirNode n, String what) {
        return new NotImportable("node `" + n.name() + "` (" + n.type() + ") " + what);
    }

    private Imported build(String module, String circuit, String from) throws NotImportable {
        if (!(dt > 0) || Double.isInfinite(dt)) throw new NotImportable("the time step dt = " + dt + " s is not a positive number");
        for (NirNode n : g.nodes().values()) {
            if (!TYPES.contains(n.type()))
                throw at(n, "has a type ncdc import does not map; it maps " + String.join(", ", TYPES));
            preds.put(n.name(), new ArrayList<>());
        }
        for (String[] e : g.edges()) {
            for (String end : e) if (!g.nodes().containsKey(end)) throw new NotImportable("an edge " + e[0] + " -> " + e[1] + " names `" + end + "`, which is not a node of the graph");
            NirNode dst = g.nodes().get(e[1]);
            if (dst.type().equals("Input")) throw at(dst, "is the end of the edge from `" + e[0] + "`; an Input takes no edges in");
            if (g.nodes().get(e[0]).type().equals("Output")) throw at(g.nodes().get(e[0]), "is the start of an edge to `" + e[1] + "`; an Output feeds nothing");
            preds.get(e[1]).add(e[0]);
        }
        List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        for (NirNode n : g.nodes().values()) {
            if (n.type().equals("Input")) inputs.add(n.name());
            else if (preds.get(n.name()).isEmpty()) throw at(n, "has no incoming edge, so nothing drives it");
            if (n.type().equals("Output")) outputs.add(n.name());
        }
        if (inputs.isEmpty()) throw new NotImportable("the graph has no Input node");
        if (outputs.isEmpty()) throw new NotImportable("the graph has no Output node");
        findBackEdges(inputs);
        sizeAndAxes();

        taken.addAll(List.of(module.split("\\.")));
        taken.add(circuit);
        for (String root : roots()) axisName.put(root, unique("n_" + sanitise(root)));
        for (String n : g.nodes().keySet()) ident.put(n, unique(sanitise(n)));

        StringBuilder sb = new StringBuilder();
        sb.append("module ").append(module).append("\n\n");
        List<String> axes = new ArrayList<>();
        for (String root : roots()) axes.add(axisName.get(root) + " = " + size.get(root));
        Map<String, String> primed = new LinkedHashMap<>();           // an Affine from an axis to itself contracts a copy
        for (String n : order) {
            String t = g.nodes().get(n).type();
            if ((t.equals("Affine") || t.equals("Linear")) && find(inClass.get(n)).equals(find(n))) {
                String a = axisName.get(find(n));
                if (!primed.containsKey(a)) {
                    primed.put(a, unique(a + "_in"));
                    axes.add(primed.get(a) + " = " + size.get(find(n)));
                }
            }
        }
        sb.append("axis ").append(String.join(", ", axes)).append("\n\n");
        sb.append("const dt = ").append(num(dt)).append(" s\n");
        Map<String, String> circuits = new LinkedHashMap<>();
        for (String n : order) {
            NirNode node = g.nodes().get(n);
            if (node.type().equals("Input") || node.type().equals("Output")) continue;
            String name = unique(node.type() + "_" + sanitise(n));
            circuits.put(n, name);
            sb.append('\n').append(nodeCircuit(node, name, primed));
        }

        // the top circuit
        List<String> ins = new ArrayList<>();
        for (String n : inputs) ins.add(ident.get(n) + ": f32[" + axis(n) + "]");
        List<String> outs = new ArrayList<>();
        for (String n : outputs) outs.add((outputs.size() > 1 ? ident.get(n) + ": " : "") + (spiking(n) ? "bool[" : "f32[") + axis(n) + "]");
        sb.append("\ncircuit ").append(circuit).append('(').append(String.join(", ", ins)).append(") -> ")
          .append(outputs.size() > 1 ? "(" + String.join(", ", outs) + ")" : outs.get(0)).append(" {\n");
        Map<String, String> prev = new LinkedHashMap<>();
        for (String n : order) for (String p : preds.get(n)) if (backEdges.contains(p + "\0" + n) && !prev.containsKey(p)) prev.put(p, unique("prev_" + ident.get(p)));
        for (Map.Entry<String, String> e : prev.entrySet())
            sb.append("  state ").append(e.getValue()).append(": f32[").append(axis(e.getKey())).append("] = 0  // output of ")
              .append(e.getKey()).append(" a step ago (a recurrent edge)\n");
        List<String> results = new ArrayList<>();
        for (String n : order) {
            NirNode node = g.nodes().get(n);
            if (node.type().equals("Input")) continue;
            String in = drive(n, prev);
            if (node.type().equals("Output")) {
                results.add(in);
                continue;
            }
            sb.append("  let ").append(ident.get(n)).append(" = ").append(circuits.get(n)).append('(').append(in).append(")\n");
        }
        for (Map.Entry<String, String> e : prev.entrySet())
            sb.append("  next ").append(e.getValue()).append(" = ").append(spiking(e.getKey()) ? "f32(" + ident.get(e.getKey()) + ")" : ident.get(e.getKey())).append('\n');
        // outputs in the order of the Output nodes
        List<String> ordered = new ArrayList<>();
        List<String> outOrder = new ArrayList<>();
        for (String n : order) if (g.nodes().get(n).type().equals("Output")) outOrder.add(n);
        for (String n : outputs) ordered.add(results.get(outOrder.indexOf(n)));
        sb.append("  return ").append(ordered.size() > 1 ? "(" + String.join(", ", ordered) + ")" : ordered.get(0)).append("\n}\n");
        List<String> outNames = new ArrayList<>();
        for (String n : outputs) outNames.add(outputs.size() > 1 ? ident.get(n) : "out");
        List<String> inNames = new ArrayList<>();
        for (String n : inputs) inNames.add(ident.get(n));
        String header = "// Imported by ncdc import from " + from + " (NIR " + g.version() + "): " + g.nodes().size() + " nodes, "
                + g.edges().size() + " edges, stepped by forward Euler at dt = " + num(dt) + " s.\n"
                + (params.isEmpty() ? "// Every value is a constant here: the module runs as it is.\n"
                        : "// Weights, and neuron values that differ between neurons, are parameters: run with --params.\n");
        return new Imported(header + sb, params, circuit, inNames, outNames);
    }

    /** The sum of what flows into {@code n}: each predecessor's output, or its previous step's on a recurrent edge. */
    private String drive(String n, Map<String, String> prev) {
        List<String> terms = new ArrayList<>();
        List<String> ps = preds.get(n);
        for (String p : ps) {
            if (backEdges.contains(p + "\0" + n)) terms.add(prev.get(p));
            else if (spiking(p) && (ps.size() > 1 || !passesSpikes(n))) terms.add("f32(" + ident.get(p) + ")");
            else terms.add(ident.get(p));
        }
        return String.join(" + ", terms);
    }

    /** Whether {@code n} takes bool spikes as they are: an Output fed by one spiking node. */
    private boolean passesSpikes(String n) {
        return g.nodes().get(n).type().equals("Output");
    }

    /** Whether {@code n}'s value is bool: a spiking neuron, a threshold, or an Output of one spiking node (not a recurrent edge). */
    private boolean spiking(String n) {
        String t = g.nodes().get(n).type();
        if (t.equals("LIF") || t.equals("CubaLIF") || t.equals("Threshold")) return true;
        if (!t.equals("Output")) return false;
        List<String> ps = preds.get(n);
        return ps.size() == 1 && !backEdges.contains(ps.get(0) + "\0" + n) && spiking(ps.get(0));
    }

    private String nodeCircuit(NirNode node, String name, Map<String, String> primed) throws NotImportable {
        String n = node.name(), a = axis(n);
        StringBuilder sb = new StringBuilder();
        switch (node.type()) {
            case "Affine", "Linear" -> {
                String in = axisName.get(find(inClass.get(n)));
                boolean same = find(inClass.get(n)).equals(find(n));
                String contracted = same ? primed.get(in) : in;
                sb.append("circuit ").append(name).append("(x: f32[").append(in).append("]) -> f32[").append(a).append("] {\n");
                Arr w = node.params().get("weight");
                sb.append("  param weight: f32[").append(a).append(", ").append(contracted).append("] = 0\n");
                param(n + ".weight", w, a, contracted);
                String sum = "weight @[" + contracted + "] " + (same ? "x{" + in + " -> " + contracted + "}" : "x");
                if (node.type().equals("Affine")) {
                    Arr b = node.params().get("bias");
                    if (b == null) throw at(node, "has no `bias`");
                    if (b.data().length != size.get(n)) throw at(node, "has a bias of " + b.data().length + " values for " + size.get(n) + " outputs");
                    sb.append("  param bias: f32[").append(a).append("] = 0\n");
                    param(n + ".bias", b, a, null);
                    sum += " + bias";
                }
                sb.append("  return ").append(sum).append("\n}\n");
            }
            case "Scale" -> {
                sb.append("circuit ").append(name).append("(x: f32[").append(a).append("]) -> f32[").append(a).append("] {\n");
                sb.append(values(node, a, "", "scale"));
                sb.append("  return scale * x\n}\n");
            }
            case "Threshold" -> {
                sb.append("circuit ").append(name).append("(x: f32[").append(a).append("]) -> bool[").append(a).append("] {\n");
                sb.append(values(node, a, "", "threshold"));
                sb.append("  return x > threshold\n}\n");
            }
            case "LIF", "LI" -> {
                boolean lif = node.type().equals("LIF");
                sb.append("circuit ").append(name).append("(x: f32[").append(a).append("]) -> ").append(lif ? "bool[" : "f32[").append(a).append("] {\n");
                sb.append(values(node, a, " s", "tau"));
                sb.append(lif ? values(node, a, "", "r", "v_leak", "v_threshold", "v_reset") : values(node, a, "", "r", "v_leak"));
                sb.append("  state v: f32[").append(a).append("] = v_leak\n");
                sb.append("  let u = v + (-(v - v_leak) + r * x) / tau * dt\n");
                if (lif) {
                    sb.append("  let spike = u > v_threshold\n");
                    sb.append("  next v = where(spike, v_reset, u)\n");
                    sb.append("  return spike\n}\n");
                } else {
                    sb.append("  next v = u\n  return u\n}\n");
                }
            }
            case "CubaLIF" -> {
                sb.append("circuit ").append(name).append("(x: f32[").append(a).append("]) -> bool[").append(a).append("] {\n");
                sb.append(values(node, a, " s", "tau_syn", "tau_mem"));
                sb.append(values(node, a, "", "r", "v_leak", "v_threshold", "v_reset", "w_in"));
                sb.append("  state I: f32[").append(a).append("] = 0\n");
                sb.append("  state v: f32[").append(a).append("] = v_leak\n");
                sb.append("  let g = dt / tau_syn\n");
                sb.append("  let u = v + (-(v - v_leak) + r * I) / tau_mem * dt  // the current before its update, as NIR's CubaLIF\n");
                sb.append("  let spike = u > v_threshold\n");
                sb.append("  next v = where(spike, v_reset, u)\n");
                sb.append("  next I = I * (1 - g) + g * w_in * x\n");
                sb.append("  return spike\n}\n");
            }
            default -> throw at(node, "is not mapped");
        }
        return sb.toString();
    }

    /**
     * Declarations of a node's per-neuron values: one constant where all neurons share the value, else a parameter
     * whose values go to the --params file. NIR's LIF and CubaLIF may leave out v_reset (0) and CubaLIF w_in (1).
     */
    private String values(NirNode node, String axis, String unit, String... names) throws NotImportable {
        StringBuilder sb = new StringBuilder();
        List<String> consts = new ArrayList<>();
        int n = size.get(node.name());
        for (String p : names) {
            Arr v = node.params().get(p);
            if (v == null && p.equals("v_reset")) v = new Arr(new double[]{0}, new int[0]);
            if (v == null && p.equals("w_in")) v = new Arr(new double[]{1}, new int[0]);
            if (v == null) throw at(node, "has no `" + p + "`");
            if (v.data().length != 1 && v.data().length != n) throw at(node, "has " + v.data().length + " values of " + p + " for " + n + " neurons");
            for (double d : v.data()) if (!Double.isFinite(d)) throw at(node, "has a " + p + " of " + d);
            if (v.uniform()) consts.add(p + " = " + num(v.data()[0]) + unit);
            else {
                sb.append("  param ").append(p).append(": f32[").append(axis).append("]").append(unit.isEmpty() ? "" : " in" + unit).append(" = 0").append(unit).append('\n');
                param(node.name() + "." + p, v, axis, null);
            }
        }
        return consts.isEmpty() ? sb.toString() : "  const " + String.join(", ", consts) + "\n" + sb;
    }

    private void param(String nodeDotName, Arr v, String a0, String a1) {
        String node = nodeDotName.substring(0, nodeDotName.lastIndexOf('.'));
        String path = ident.get(node) + nodeDotName.substring(node.length());
        List<Axis> axes = new ArrayList<>();
        axes.add(new Axis(a0, a1 == null ? v.data().length : v.shape()[0]));
        if (a1 != null) axes.add(new Axis(a1, v.shape()[1]));
        float[] f = new float[v.data().length];
        for (int i = 0; i < f.length; i++) f[i] = (float) v.data()[i];
        params.put(path, Tensor.of(new TensorType(DType.F32, axes, Unit.NONE), f));
    }

    // --- the graph's shape: cycles, sizes, axes

    private void findBackEdges(List<String> inputs) {
        Map<String, Integer> colour = new HashMap<>();               // absent white, 1 grey, 2 black
        Map<String, List<String>> succ = new LinkedHashMap<>();
        for (String n : g.nodes().keySet()) succ.put(n, new ArrayList<>());
        for (String[] e : g.edges()) succ.get(e[0]).add(e[1]);
        List<String> post = new ArrayList<>();
        List<String> starts = new ArrayList<>(inputs);
        starts.addAll(g.nodes().keySet());
        for (String s : starts) {
            if (colour.containsKey(s)) continue;
            // iterative DFS: a stack of (node, next successor index)
            List<String> stack = new ArrayList<>();
            List<Integer> idx = new ArrayList<>();
            stack.add(s);
            idx.add(0);
            colour.put(s, 1);
            while (!stack.isEmpty()) {
                int top = stack.size() - 1;
                String n = stack.get(top);
                List<String> ss = succ.get(n);
                if (idx.get(top) < ss.size()) {
                    String m = ss.get(idx.get(top));
                    idx.set(top, idx.get(top) + 1);
                    Integer c = colour.get(m);
                    if (c == null) {
                        colour.put(m, 1);
                        stack.add(m);
                        idx.add(0);
                    } else if (c == 1) {
                        backEdges.add(n + "\0" + m);
                    }
                } else {
                    colour.put(n, 2);
                    post.add(n);
                    stack.remove(top);
                    idx.remove(top);
                }
            }
        }
        for (int i = post.size() - 1; i >= 0; i--) order.add(post.get(i));
    }

    private void sizeAndAxes() throws NotImportable {
        for (NirNode n : g.nodes().values()) {
            parent.put(n.name(), n.name());
            switch (n.type()) {
                case "Input" -> {
                    Arr s = n.params().get("shape");
                    if (s == null) throw at(n, "has no `shape`");
                    if (s.data().length != 1) throw at(n, "has shape " + shape(s) + "; ncdc import takes one axis of neurons (a shape of one number)");
                    size.put(n.name(), (int) s.data()[0]);
                }
                case "Affine", "Linear" -> {
                    Arr w = n.params().get("weight");
                    if (w == null) throw at(n, "has no `weight`");
                    if (w.rank() != 2) throw at(n, "has a weight of shape " + Arrays.toString(w.shape()) + "; ncdc import takes a matrix [out, in]");
                    size.put(n.name(), w.shape()[0]);
                }
                default -> { }
            }
        }
        for (String n : order) {
            String t = g.nodes().get(n).type();
            List<String> ps = preds.get(n);
            if (t.equals("Affine") || t.equals("Linear")) {
                String cls = n + "\0in";
                parent.put(cls, cls);
                size.put(cls, g.nodes().get(n).params().get("weight").shape()[1]);
                inClass.put(n, cls);
                for (String p : ps) union(cls, p, n);
            } else if (!t.equals("Input")) {
                for (String p : ps) union(n, p, n);
            }
        }
        for (String n : g.nodes().keySet()) {
            Integer s = size.get(find(n));
            if (s == null) throw at(g.nodes().get(n), "has a size that nothing in the graph fixes");
            if (s <= 0) throw at(g.nodes().get(n), "has " + s + " elements");
            size.put(n, s);
            NirNode node = g.nodes().get(n);
            Arr shape = node.params().get("shape");
            // an Output's shape is optional in NIR (empty when left to inference); where given it must match
            if (node.type().equals("Output") && shape != null && shape.data().length > 0 && (shape.data().length != 1 || (int) shape.data()[0] != s))
                throw at(node, "has shape " + shape(shape) + " but receives " + s + " values");
        }
    }

    /** Joins the axis classes of {@code a} and {@code b}; their sizes must agree ({@code at} is the node blamed). */
    private void union(String a, String b, String at) throws NotImportable {
        String ra = find(a), rb = find(b);
        if (ra.equals(rb)) return;
        Integer sa = size.get(ra), sb = size.get(rb);
        if (sa != null && sb != null && !sa.equals(sb)) {
            NirNode n = g.nodes().get(at);
            throw at(n, "receives " + sb + " values from `" + b + "` where it takes " + sa);
        }
        // the root is the member first in the order of evaluation, so that an axis is named after the Input or
        // Affine that defines it
        int ia = order.indexOf(ra), ib = order.indexOf(rb);
        boolean keepA = ib < 0 || (ia >= 0 && ia < ib) || (ia < 0 && ib < 0);
        String root = keepA ? ra : rb, other = keepA ? rb : ra;
        parent.put(other, root);
        if (size.get(root) == null && size.get(other) != null) size.put(root, size.get(other));
    }

    private String find(String a) {
        String p = parent.get(a);
        if (p.equals(a)) return a;
        String r = find(p);
        parent.put(a, r);
        return r;
    }

    private Set<String> roots() {
        Set<String> out = new LinkedHashSet<>();
        for (String n : g.nodes().keySet()) {
            out.add(find(n));
            if (inClass.containsKey(n)) out.add(find(inClass.get(n)));
        }
        return out;
    }

    private String axis(String n) { return axisName.get(find(n)); }

    private String unique(String base) {
        String s = base;
        while (RESERVED.contains(s) || taken.contains(s)) s = s + "_";
        taken.add(s);
        return s;
    }

    private static String sanitise(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_]", "_");
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) s = "node_" + s;
        return s;
    }

    private static String shape(Arr s) {
        List<String> out = new ArrayList<>();
        for (double d : s.data()) out.add(Long.toString((long) d));
        return "[" + String.join(", ", out) + "]";
    }

    /** A literal that reads back as the same number: the float's shortest form where the value is a float. */
    static String num(double v) {
        String s = (double) (float) v == v ? Float.toString((float) v) : Double.toString(v);
        s = s.toLowerCase(Locale.ROOT);
        if (s.endsWith(".0")) s = s.substring(0, s.length() - 2);
        return s.replace(".0e", "e");
    }
}
