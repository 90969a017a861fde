package ncd.passes.autodiff;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.Graph;
import ncd.ir.Gradients;
import ncd.ir.IrInvariantError;
import ncd.ir.Node;
import ncd.ir.NodeEmitter;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.ir.Verifier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation as a graph transform: the gradient of a circuit is another circuit in the
 * same IR, which the pass pipeline optimises and every backend runs. {@link #gradient} copies a stateless circuit and
 * adds, for each differentiated parameter and input, an output {@code grad.NAME} with the derivative of one scalar
 * output (the loss): the node's dtype, axes and axis order, in the unit {@code loss / node}.
 *
 * <p>The cotangents are built backwards from the loss, in reverse graph order, with each op's rule
 * ({@link Gradients}); a value read in several places sums its cotangents with {@code add}. Only the nodes on a path
 * from something differentiated to the loss get one, so nothing is built that does not reach a gradient. A stateful
 * circuit is differentiated through time by unrolling it first ({@link Unroll}). docs/autodiff.md has the rules.
 */
public final class Autodiff {
    /** What the output holding a parameter's or input's gradient is called, before its path or name. */
    public static final String PREFIX = "grad.";

    private Autodiff() {}

    /**
     * What to differentiate.
     *
     * @param loss   the output to differentiate: a scalar (no axes) f32 or f64
     * @param params parameters, by instance path, in the order their gradients are output
     * @param inputs inputs, by name, after the parameters
     */
    public record Request(String loss, List<String> params, List<String> inputs) {
        public Request {
            params = List.copyOf(params);
            inputs = List.copyOf(inputs);
        }

        /** The loss's gradient in every float parameter of {@code g} ({@link #floatParams}). */
        public static Request allParams(Graph g, String loss) { return new Request(loss, floatParams(g), List.of()); }

        /** This request, with the gradient in these inputs as well. */
        public Request andInputs(String... names) {
            List<String> all = new ArrayList<>(inputs);
            all.addAll(List.of(names));
            return new Request(loss, params, all);
        }
    }

    /** The paths of the f32 and f64 parameters of {@code g}, in graph order. */
    public static List<String> floatParams(Graph g) {
        Set<String> out = new LinkedHashSet<>();
        for (Node n : g.params()) if (n.type().dtype().isFloat()) out.add(((Attr.Param) n.attr()).name());
        return List.copyOf(out);
    }

    /** The output name of the gradient in the parameter or input {@code name}. */
    public static String gradName(String name) { return PREFIX + name; }

    /** {@link Request#allParams}: the loss's gradient in every float parameter. */
    public static Graph gradient(Graph g, String loss) { return gradient(g, Request.allParams(g, loss)); }

    /**
     * {@code g}'s outputs, then one output {@link #gradName grad.NAME} per parameter and input of {@code r}, in its
     * order; a verified graph with the same inputs, parameters, name and span. A parameter or input that does not
     * reach the loss has a zero gradient.
     *
     * @throws GradientException when the request does not fit the graph, the graph has states, or a path to the loss
     *                           runs through an op whose derivative is not taken
     */
    public static Graph gradient(Graph g, Request r) {
        if (g.kind() != Graph.Kind.CIRCUIT) throw new GradientException(g.name() + " is a law, not a circuit: it has no loss");
        if (!g.states().isEmpty()) {
            throw new GradientException(g.name() + " has states (" + g.states().get(0).name() + ", ...): unroll it over its"
                    + " steps first (Unroll.unroll), then differentiate the unrolled circuit");
        }
        Node loss = lossNode(g, r.loss());
        Map<String, List<Node>> targets = targets(g, r);
        Set<String> names = new HashSet<>();
        for (Graph.Output o : g.outputs()) names.add(o.name());
        for (String t : targets.keySet()) {
            if (!names.add(gradName(t))) throw new GradientException("the gradient output " + gradName(t) + " would take the name of another output");
        }

        Set<Node> wrt = new HashSet<>();
        targets.values().forEach(wrt::addAll);
        Set<Node> active = active(g, wrt, loss);

        Graph.Builder b = Graph.builder(g.name(), g.kind(), g.span()).tolerance(g.tolerance()).steps(g.steps()).unitNames(g.unitNames()).integrators(g.integrators());
        Map<Node, Node> copy = new HashMap<>();
        for (Node n : g.nodes()) {
            List<Node> ins = n.inputs().stream().map(copy::get).toList();
            copy.put(n, b.addChecked(n.op(), n.attr(), ins, n.type(), n.span(), n.scope()));
        }
        NodeEmitter e = new NodeEmitter(b, axisNames(g));
        Unit lossUnit = loss.type().unit();
        Map<Node, Node> total = backward(g, active, copy, e, loss);

        for (Graph.Output o : g.outputs()) b.output(o.name(), copy.get(o.node()));
        for (Map.Entry<String, List<Node>> t : targets.entrySet()) {
            Node sum = null;
            for (Node n : t.getValue()) {
                Node c = total.get(n);
                if (c != null) sum = sum == null ? c : e.at(copy.get(n)).add(sum, c);
            }
            Node first = copy.get(t.getValue().get(0));
            if (sum == null) sum = e.at(first).constant(0, cotangentType(first, lossUnit));
            b.output(gradName(t.getKey()), sum);
        }
        Graph out = b.build();
        Verifier.verify(out);
        return out;
    }

    /**
     * Each node's cotangent, by the old node, for the active nodes a cotangent reached: seeded with 1 at the loss,
     * then, in reverse graph order, each node's parts summed and handed to its op's rule.
     */
    private static Map<Node, Node> backward(Graph g, Set<Node> active, Map<Node, Node> copy, NodeEmitter e, Node loss) {
        Unit lossUnit = loss.type().unit();
        Map<Node, List<Node>> parts = new HashMap<>();
        Map<Node, Node> total = new HashMap<>();
        Node lossCopy = copy.get(loss);
        parts.computeIfAbsent(loss, k -> new ArrayList<>()).add(e.at(lossCopy).constant(1, cotangentType(lossCopy, lossUnit)));
        List<Node> nodes = g.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            List<Node> ps = parts.remove(n);
            if (ps == null || !active.contains(n)) continue;
            Node y = copy.get(n);
            e.at(y);
            Node gy = ps.get(0);
            for (int k = 1; k < ps.size(); k++) gy = e.add(gy, ps.get(k));
            total.put(n, gy);
            boolean[] need = new boolean[n.inputs().size()];
            boolean any = false;
            for (int k = 0; k < need.length; k++) {
                need[k] = active.contains(n.input(k)) && n.input(k).type().dtype().isFloat();
                any |= need[k];
            }
            if (!any) continue;
            Gradients.Rule rule = Gradients.of(y);
            if (rule instanceof Gradients.Stops) continue;
            if (rule instanceof Gradients.Refused f) {
                throw new GradientException(where(n) + ": the loss depends on a differentiated value through " + describe(n)
                        + ", whose derivative is not taken: " + f.why());
            }
            if (!(rule instanceof Gradients.Vjp v)) throw new IrInvariantError("no gradient rule applies to " + n + ": " + rule);
            Node[] ins = v.adjoint().apply(y, gy, need, e);
            for (int k = 0; k < need.length; k++) {
                Node c = ins[k];
                if (!need[k] || c == null) continue;
                TensorType want = cotangentType(y.input(k), lossUnit);
                if (!c.type().equals(want)) {
                    throw new IrInvariantError("the gradient rule of " + describe(n) + " gave " + c.type() + " for input " + k + ", not " + want);
                }
                parts.computeIfAbsent(n.input(k), key -> new ArrayList<>()).add(c);
            }
        }
        return total;
    }

    /** The type of a node's cotangent: the node's, in the unit {@code loss / node}. */
    static TensorType cotangentType(Node n, Unit lossUnit) {
        return n.type().withUnit(lossUnit.over(n.type().unit()));
    }

    private static Node lossNode(Graph g, String name) {
        for (Graph.Output o : g.outputs()) {
            if (!o.name().equals(name)) continue;
            TensorType t = o.node().type();
            if (!t.dtype().isFloat() || t.rank() != 0) {
                throw new GradientException("the loss " + name + " is " + t + "; it must be a scalar f32 or f64 (reduce it, e.g. sum[...](...))");
            }
            return o.node();
        }
        throw new GradientException(g.name() + " has no output " + name + "; its outputs: "
                + g.outputs().stream().map(Graph.Output::name).toList());
    }

    /** The nodes of each requested parameter (by path) and input (by name), in the request's order. */
    private static Map<String, List<Node>> targets(Graph g, Request r) {
        Map<String, List<Node>> out = new LinkedHashMap<>();
        for (String p : r.params()) {
            List<Node> ns = g.params().stream().filter(n -> ((Attr.Param) n.attr()).name().equals(p)).toList();
            if (ns.isEmpty()) throw new GradientException(g.name() + " has no parameter " + p + "; its float parameters: " + floatParams(g));
            put(out, p, ns);
        }
        for (String i : r.inputs()) {
            List<Node> ns = g.inputs().stream().filter(n -> ((Attr.Named) n.attr()).name().equals(i)).toList();
            if (ns.isEmpty()) {
                throw new GradientException(g.name() + " has no input " + i + "; its inputs: "
                        + g.inputs().stream().map(n -> ((Attr.Named) n.attr()).name()).toList());
            }
            put(out, i, ns);
        }
        return out;
    }

    private static void put(Map<String, List<Node>> out, String name, List<Node> nodes) {
        TensorType t = nodes.get(0).type();
        if (!t.dtype().isFloat()) throw new GradientException(name + " is " + t + ": only f32 and f64 values have gradients");
        if (out.put(name, nodes) != null) throw new GradientException(name + " is asked for twice (or is both a parameter and an input)");
    }

    /** The nodes on a path from a differentiated node to the loss (both ends included). */
    private static Set<Node> active(Graph g, Set<Node> wrt, Node loss) {
        Set<Node> reached = new HashSet<>();
        for (Node n : g.nodes()) {
            if (wrt.contains(n) || n.inputs().stream().anyMatch(reached::contains)) reached.add(n);
        }
        Set<Node> active = new HashSet<>();
        List<Node> work = new ArrayList<>(List.of(loss));
        while (!work.isEmpty()) {
            Node n = work.remove(work.size() - 1);
            if (reached.contains(n) && active.add(n)) work.addAll(n.inputs());
        }
        return active;
    }

    private static Set<String> axisNames(Graph g) {
        Set<String> out = new HashSet<>();
        for (Node n : g.nodes()) for (Axis a : n.type().axes()) out.add(a.name());
        return out;
    }

    private static String describe(Node n) {
        String fn = n.attr() instanceof Attr.Unary u ? " " + u.fn().word()
                : n.attr() instanceof Attr.Binary b ? " " + b.fn().word()
                : n.attr() instanceof Attr.Reduce r ? " " + r.fn().word()
                : n.attr() instanceof Attr.Random r ? " " + r.dist().name().toLowerCase(java.util.Locale.ROOT)
                : n.attr() instanceof Attr.Linalg l ? " " + l.fn().word() : "";
        return n.op().name().toLowerCase(java.util.Locale.ROOT) + fn;
    }

    private static String where(Node n) {
        return !n.span().isKnown() ? "in " + (n.scope().isEmpty() ? "the circuit" : n.scope()) : n.span().toString();
    }
}
