package ncd.tests;

import ncd.diag.SourceSpan;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.passes.autodiff.Autodiff;
import ncd.runtime.Tensor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * One small f64 graph for a gradient check, built in IR: differentiated inputs with drawn values, the value under
 * test {@code y}, and the loss {@code sum(y * w)} with {@code w} a fixed random input of y's type, so that every
 * element of y reaches the loss with its own weight (a random cotangent).
 */
final class GradientCase {
    final Graph.Builder b = Graph.builder("grad_case", Graph.Kind.CIRCUIT, SourceSpan.NONE);
    final Map<String, Tensor> values = new LinkedHashMap<>();
    final List<String> wrt = new ArrayList<>();
    private final Random rnd;

    private GradientCase(long seed) { rnd = new Random(seed); }

    /** The built case: the forward graph, its inputs, and what to differentiate. */
    record Built(Graph graph, Map<String, Tensor> inputs, Autodiff.Request request) {}

    static Built build(String name, Function<GradientCase, Node> body) {
        GradientCase c = new GradientCase(name.hashCode());
        Node y = body.apply(c);
        Node w = c.given("w", y.type().withUnit(Unit.NONE), c.draw(y.type().elementCount(), 0.5, 1.5, true));
        Node weighted = c.bin(Attr.BinaryFn.MUL, y, w);
        Node loss = y.type().rank() == 0 ? weighted : c.reduce(Attr.ReduceFn.SUM, weighted, y.type().axisNames().toArray(String[]::new));
        c.b.output("loss", loss);
        return new Built(c.b.build(), c.values, new Autodiff.Request("loss", List.of(), c.wrt));
    }

    static TensorType f64(Axis... axes) { return new TensorType(DType.F64, List.of(axes), Unit.NONE); }

    /** A differentiated f64 input of magnitude 0.2 to 2, either sign (away from the kinks of abs, relu, sign at 0). */
    Node x(String name, Axis... axes) { return wrt(name, f64(axes), draw(count(axes), 0.2, 2, true)); }

    /** A differentiated f64 input in [0.5, 2] (log, sqrt, the base of pow). */
    Node pos(String name, Axis... axes) { return wrt(name, f64(axes), draw(count(axes), 0.5, 2, false)); }

    /** A differentiated f64 input with these values. */
    Node x(String name, double[] v, Axis... axes) { return wrt(name, f64(axes), v); }

    /** An input that is not differentiated. */
    Node given(String name, TensorType t, double[] v) {
        Tensor x = Tensor.zeros(t);
        for (int i = 0; i < v.length; i++) x.set(i, v[i]);
        values.put(name, x);
        return b.addChecked(Op.INPUT, new Attr.Named(name), List.of(), t, null, "");
    }

    /** An i32 input in {@code 0..bound-1}. */
    Node ints(String name, int bound, Axis... axes) {
        double[] v = new double[(int) count(axes)];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(bound);
        return given(name, new TensorType(DType.I32, List.of(axes), Unit.NONE), v);
    }

    private Node wrt(String name, TensorType t, double[] v) {
        wrt.add(name);
        return given(name, t, v);
    }

    private static long count(Axis... axes) {
        long n = 1;
        for (Axis a : axes) n *= a.size();
        return n;
    }

    private double[] draw(long n, double lo, double hi, boolean signed) {
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = (lo + (hi - lo) * rnd.nextDouble()) * (signed && rnd.nextBoolean() ? -1 : 1);
        return v;
    }

    Node op(Op op, Attr a, TensorType declared, Node... ins) { return b.addChecked(op, a, List.of(ins), declared, null, ""); }
    Node un(Attr.UnaryFn f, Node x) { return op(Op.UNARY, new Attr.Unary(f), null, x); }
    Node pow(Node x, double p) { return op(Op.UNARY, new Attr.Unary(Attr.UnaryFn.POW_CONST, p), null, x); }
    Node bin(Attr.BinaryFn f, Node x, Node y) { return op(Op.BINARY, new Attr.Binary(f), null, x, y); }
    Node reduce(Attr.ReduceFn f, Node x, String... axes) { return op(Op.REDUCE, new Attr.Reduce(f, List.of(axes)), null, x); }
    Node contract(Node x, Node y, String... axes) { return op(Op.CONTRACT, new Attr.Contract(List.of(axes)), null, x, y); }
    Node cast(Node x, DType to) { return op(Op.CAST, new Attr.Cast(to), null, x); }
    Node scalar(double v) { return op(Op.CONST, new Attr.Scalar(v), f64()); }

    /**
     * The ops and functions on a path from a differentiated input to the loss: what a case checks. Derived from the
     * graph, so a case cannot claim what it does not exercise.
     */
    static Set<Object> covered(Built c) {
        Graph g = c.graph();
        Set<Node> reached = new HashSet<>();
        for (Node n : g.nodes()) {
            boolean wrt = n.op() == Op.INPUT && c.request().inputs().contains(((Attr.Named) n.attr()).name());
            if (wrt || n.inputs().stream().anyMatch(reached::contains)) reached.add(n);
        }
        Set<Node> feeds = new HashSet<>();
        List<Node> work = new ArrayList<>(List.of(g.outputs().get(0).node()));
        while (!work.isEmpty()) {
            Node n = work.remove(work.size() - 1);
            if (feeds.add(n)) work.addAll(n.inputs());
        }
        Set<Object> out = new HashSet<>();
        for (Node n : g.nodes()) {
            if (!reached.contains(n) || !feeds.contains(n)) continue;
            out.add(n.op());
            if (n.attr() instanceof Attr.Unary u) out.add(u.fn());
            if (n.attr() instanceof Attr.Binary bf) out.add(bf.fn());
            if (n.attr() instanceof Attr.Reduce r) out.add(r.fn());
        }
        return out;
    }
}
