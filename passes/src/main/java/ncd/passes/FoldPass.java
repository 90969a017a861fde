package ncd.passes;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Scalars;
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
 *   <li>{@code reduce} of a uniform value, or of a one-axis value over its axis, is computed as the interpreter
 *       computes it ({@link Scalars#reduceStep}: double accumulation, i32 wrap-around, NaN rules), then rounded once; {@code argmax}/{@code argmin}
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
                out = b.addChecked(Op.CONST, new Attr.Scalar(stored(d, v.v()[0])), List.of(), old.type(), old.span(), old.scope());
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
        return switch (n.op()) {
            case CONST -> uniform(Scalars.round(t.dtype(), ((Attr.Scalar) a).value()));
            case IOTA -> {
                int size = t.axes().get(0).size();
                if (size > LIMIT) yield null;
                double[] v = new double[size];
                for (int i = 0; i < size; i++) v[i] = i;
                yield size == 1 ? uniform(0) : new Val(v, t.axes().get(0).name());
            }
            case UNARY, BINARY, CAST, WHERE -> elementwise(n, ins, known);
            case RENAME, TRANSPOSE, EXPAND, SPLIT, MERGE, SLICE, SELECT, ROLL, REPEAT -> uniformOf(ins.get(0), known);
            case WINDOW -> {
                Val x = uniformOf(ins.get(0), known);
                boolean wrap = ((Attr.Window) a).boundary() == Attr.Boundary.WRAP;
                yield x != null && (wrap || same(x.v()[0], 0.0)) ? x : null;
            }
            case SHIFT -> {
                Val x = uniformOf(ins.get(0), known);
                if (x == null) yield null;
                Attr.Shift s = (Attr.Shift) a;
                double fill = Scalars.round(t.dtype(), s.fill());
                int size = t.axis(s.axis()).size();
                if (same(fill, x.v()[0])) yield x;
                yield Math.abs((long) s.shift()) >= size ? uniform(fill) : null;
            }
            case CONCAT -> {
                Val first = uniformOf(ins.get(0), known);
                for (Node i : ins) {
                    Val x = uniformOf(i, known);
                    if (first == null || x == null || !same(x.v()[0], first.v()[0])) yield null;
                }
                yield first;
            }
            case REDUCE -> reduce(n, ins.get(0), known);
            case ARG_REDUCE -> argReduce(n, ins.get(0), known);
            case INPUT, PARAM, STATE_READ, RANDOM, CONTRACT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> null;
        };
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
                case INPUT, PARAM, CONST, IOTA, RANDOM, STATE_READ, EXPAND, REDUCE, ARG_REDUCE, CONTRACT, RENAME, TRANSPOSE, SPLIT,
                     MERGE, SLICE, SELECT, ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> throw new AssertionError(n.op() + " is not elementwise");
            };
            out[i] = Scalars.round(d, r);
        }
        for (int i = 1; i < size; i++) if (!same(out[i], out[0])) return new Val(out, axis);
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

    /** As the interpreter reduces ({@link Scalars#reduceStep}): in order, then rounded once. */
    private static Val reduce(Node n, Node x, Map<Node, Val> known) {
        Attr.Reduce r = (Attr.Reduce) n.attr();
        double[] s = sequence(x, r.axes(), known);
        if (s == null) return null;
        boolean integer = x.type().dtype() == DType.I32;
        double acc = Scalars.reduceStart(r.fn());
        for (double v : s) acc = Scalars.reduceStep(r.fn(), integer, acc, v);
        return uniform(Scalars.round(n.type().dtype(), Scalars.reduceEnd(r.fn(), acc, s.length)));
    }

    private static Val argReduce(Node n, Node x, Map<Node, Val> known) {
        Attr.ArgReduce r = (Attr.ArgReduce) n.attr();
        double[] s = sequence(x, List.of(r.axis()), known);
        if (s == null) return null;
        int at = 0;
        for (int i = 1; i < s.length; i++) if (Scalars.argReplaces(r.fn(), s[at], s[i])) at = i;
        return uniform(at);
    }

    /**
     * The value to store in a folded {@code const} of dtype {@code d}: {@code v} (already rounded) written with as few
     * digits as round to the same value, so that `ncdc ir` prints {@code 1.0e-9}, not {@code 9.99999971718069e-10}.
     * A const is rounded to its dtype when it is read, so both mean the same bits.
     */
    static double stored(DType d, double v) {
        if (d == DType.F32 && !Double.isNaN(v) && !Double.isInfinite(v)) return Double.parseDouble(Float.toString((float) v));
        return v;
    }

    /** Whether two stored values are the same bits after rounding (NaN equals NaN, 0 differs from -0). */
    static boolean same(double a, double b) { return Double.compare(a, b) == 0 || (Double.isNaN(a) && Double.isNaN(b)); }
}
