package ncd.passes;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Sizes;
import ncd.ir.TensorType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Constant folding. Walks the graph in order, knowing the value of some nodes: a {@code const} (one value, rounded
 * to its dtype), an {@code iota} (0, 1, ..., n-1 along its axis), and whatever this pass computed from those. A
 * node whose value is known and the same everywhere becomes a {@code const} of its type. The rules:
 * <ol>
 *   <li>{@code unary}, {@code binary}, {@code cast}, {@code where} whose inputs are all known and uniform, or known
 *       along one and the same axis (a one-axis result): evaluated element by element as the interpreter does
 *       ({@link Scalars}); a uniform result folds, a one-axis result is remembered for later nodes.</li>
 *   <li>Moving a uniform value ({@code rename transpose expand split merge slice select roll repeat}, {@code window}
 *       with {@code wrap}, or {@code zero} of a value of +0, {@code shift} whose fill is the value, {@code concat} of
 *       one value) gives that value.</li>
 *   <li>{@code reduce} of a uniform value, or of a one-axis value over its axis, is computed by the interpreter's
 *       loop (double accumulation, i32 wrap-around, NaN rules), then rounded once; {@code argmax}/{@code argmin}
 *       of a uniform value is 0, of a one-axis value its first extreme.</li>
 * </ol>
 * Folded values are bit for bit what running the graph computes. Nodes that lose their users stay for
 * {@link DcePass} to drop.
 */
public final class FoldPass implements Pass {
    /** The most elements this pass evaluates for one node. */
    static final int LIMIT = 1 << 16;

    /** A known value: uniform ({@code axis} null, one element) or one element per index of {@code axis}. */
    private record Val(double[] v, String axis) {
        boolean uniform() { return axis == null; }
        double at(int i) { return axis == null ? v[0] : v[i]; }
    }

    @Override public String name() { return "fold"; }

    @Override public Graph run(Graph g, PassContext ctx) {
        Map<Node, Val> known = new HashMap<>();
        return Rebuild.run(g, n -> true, (old, ins, b) -> {
            Val v = evaluate(old, ins, known);
            Node out;
            if (v != null && v.uniform() && old.op() != Op.CONST) {
                DType d = old.type().dtype();
                out = b.addChecked(Op.CONST, new Attr.Scalar(Scalars.stored(d, v.v()[0])), List.of(), old.type(), old.span(), old.scope());
            } else {
                out = Rebuild.copy(old, ins, b);
            }
            if (v != null) known.put(out, v);
            return out;
        });
    }

    /** The value of {@code n} (whose inputs are now {@code ins}), where this pass can know it; else null. */
    private static Val evaluate(Node n, List<Node> ins, Map<Node, Val> known) {
        TensorType t = n.type();
        Attr a = n.attr();
        switch (n.op()) {
            case CONST -> { return uniform(Scalars.round(t.dtype(), ((Attr.Scalar) a).value())); }
            case IOTA -> {
                int size = t.axes().get(0).size();
                if (size > LIMIT) return null;
                double[] v = new double[size];
                for (int i = 0; i < size; i++) v[i] = i;
                return size == 1 ? uniform(0) : new Val(v, t.axes().get(0).name());
            }
            case UNARY, BINARY, CAST, WHERE -> { return elementwise(n, ins, known); }
            case RENAME, TRANSPOSE, EXPAND, SPLIT, MERGE, SLICE, SELECT, ROLL, REPEAT -> { return uniformOf(ins.get(0), known); }
            case WINDOW -> {
                Val x = uniformOf(ins.get(0), known);
                if (x == null) return null;
                boolean wrap = ((Attr.Window) a).boundary() == Attr.Boundary.WRAP;
                return wrap || Scalars.same(x.v()[0], 0.0) ? x : null;
            }
            case SHIFT -> {
                Val x = uniformOf(ins.get(0), known);
                if (x == null) return null;
                Attr.Shift s = (Attr.Shift) a;
                double fill = Scalars.round(t.dtype(), s.fill());
                int size = t.axis(s.axis()).size();
                if (Scalars.same(fill, x.v()[0])) return x;
                return Math.abs((long) s.shift()) >= size ? uniform(fill) : null;
            }
            case CONCAT -> {
                Val first = uniformOf(ins.get(0), known);
                if (first == null) return null;
                for (Node i : ins) {
                    Val x = uniformOf(i, known);
                    if (x == null || !Scalars.same(x.v()[0], first.v()[0])) return null;
                }
                return first;
            }
            case REDUCE -> { return reduce(n, ins.get(0), known); }
            case ARG_REDUCE -> { return argReduce(n, ins.get(0), known); }
            case INPUT, PARAM, STATE_READ, RANDOM, CONTRACT, ONEHOT, GATHER -> { return null; }
        }
        throw new AssertionError(n.op());
    }

    private static Val uniform(double v) { return new Val(new double[] {v}, null); }

    private static Val uniformOf(Node n, Map<Node, Val> known) {
        Val v = known.get(n);
        return v != null && v.uniform() ? v : null;
    }

    private static Val elementwise(Node n, List<Node> ins, Map<Node, Val> known) {
        String axis = null;
        int size = 1;
        Val[] vs = new Val[ins.size()];
        for (int i = 0; i < ins.size(); i++) {
            vs[i] = known.get(ins.get(i));
            if (vs[i] == null) return null;
            if (!vs[i].uniform()) {
                if (axis != null && !axis.equals(vs[i].axis())) return null;
                axis = vs[i].axis();
                size = vs[i].v().length;
            }
        }
        TensorType t = n.type();
        // a one-axis value stays known only while the result has that one axis (else it varies along others too)
        if (axis != null && (t.rank() != 1 || !t.hasAxis(axis))) return null;
        DType d = t.dtype();
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            double r = switch (n.op()) {
                case UNARY -> Scalars.unary((Attr.Unary) n.attr(), vs[0].at(i));
                case BINARY -> Scalars.binary(((Attr.Binary) n.attr()).fn(), ins.get(0).type().dtype() == DType.I32, vs[0].at(i), vs[1].at(i));
                case CAST -> Scalars.cast(((Attr.Cast) n.attr()).to(), vs[0].at(i));
                case WHERE -> vs[0].at(i) != 0 ? vs[1].at(i) : vs[2].at(i);
                default -> throw new AssertionError(n.op());
            };
            out[i] = Scalars.round(d, r);
        }
        for (int i = 1; i < size; i++) if (!Scalars.same(out[i], out[0])) return new Val(out, axis);
        return uniform(out[0]);
    }

    /** The values a reduction of {@code x} visits for one result element, in order; null when not known. */
    private static double[] sequence(Node x, List<String> axes, Map<Node, Val> known) {
        Val v = known.get(x);
        if (v == null) return null;
        if (v.uniform()) {
            long count = 1;
            for (String ax : axes) count = Sizes.times(count, x.type().axis(ax).size());
            if (count > LIMIT) return null;
            double[] s = new double[(int) count];
            java.util.Arrays.fill(s, v.v()[0]);
            return s;
        }
        return x.type().rank() == 1 && axes.equals(List.of(v.axis())) ? v.v() : null;
    }

    private static Val reduce(Node n, Node x, Map<Node, Val> known) {
        Attr.Reduce r = (Attr.Reduce) n.attr();
        double[] s = sequence(x, r.axes(), known);
        if (s == null) return null;
        DType d = n.type().dtype();
        if (x.type().dtype() == DType.I32 && (r.fn() == Attr.ReduceFn.SUM || r.fn() == Attr.ReduceFn.PROD)) {
            int acc = r.fn() == Attr.ReduceFn.SUM ? 0 : 1;
            for (double v : s) acc = r.fn() == Attr.ReduceFn.SUM ? acc + (int) v : acc * (int) v;
            return uniform(Scalars.round(d, acc));
        }
        double acc = switch (r.fn()) {
            case SUM, MEAN, ANY -> 0;
            case PROD, ALL -> 1;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            default -> throw new IllegalStateException(r.fn().name());
        };
        boolean nan = false;
        for (double v : s) {
            switch (r.fn()) {
                case SUM, MEAN -> acc += v;
                case PROD -> acc *= v;
                case MAX -> { if (Double.isNaN(v)) nan = true; else if (v > acc) acc = v; }
                case MIN -> { if (Double.isNaN(v)) nan = true; else if (v < acc) acc = v; }
                case ANY -> { if (v != 0) acc = 1; }
                case ALL -> { if (v == 0) acc = 0; }
                default -> throw new IllegalStateException(r.fn().name());
            }
        }
        if (r.fn() == Attr.ReduceFn.MEAN) acc /= s.length;
        if (nan) acc = Double.NaN;
        return uniform(Scalars.round(d, acc));
    }

    private static Val argReduce(Node n, Node x, Map<Node, Val> known) {
        Attr.ArgReduce r = (Attr.ArgReduce) n.attr();
        double[] s = sequence(x, List.of(r.axis()), known);
        if (s == null) return null;
        boolean max = r.fn() == Attr.ReduceFn.ARGMAX;
        int at = 0;
        double best = s[0];
        for (int i = 1; i < s.length; i++) {
            double v = s[i];
            // the first maximum (minimum) wins; a NaN counts as the extreme
            if (!Double.isNaN(best) && (Double.isNaN(v) || (max ? v > best : v < best))) {
                best = v;
                at = i;
            }
        }
        return uniform(at);
    }
}
