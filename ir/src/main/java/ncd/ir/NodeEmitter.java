package ncd.ir;

import ncd.diag.SourceSpan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shorthands over a {@link Graph.Builder} for code that writes IR rather than copies it (the gradient rules of
 * {@link Gradients}): every node it adds takes the span and scope set by {@link #at}, so a derived node is drawn and
 * reported where the node it comes from is. Each shorthand goes through the op's type rule; a refusal is a compiler
 * bug ({@link Graph.Builder#addChecked}). Fresh axis names ({@link #freshAxis}) avoid every name the graph uses, since
 * an axis name has one size in a whole graph.
 */
public final class NodeEmitter {
    private final Graph.Builder b;
    private final Set<String> axisNames;
    private SourceSpan span = SourceSpan.NONE;
    private String scope = "";
    private int fresh;

    /** @param usedAxisNames every axis name the graph being built has or will have, so fresh names avoid them */
    public NodeEmitter(Graph.Builder b, Set<String> usedAxisNames) {
        this.b = b;
        this.axisNames = new HashSet<>(usedAxisNames);
    }

    /** From now on, nodes take {@code n}'s span and scope. */
    public NodeEmitter at(Node n) {
        span = n.span();
        scope = n.scope();
        return this;
    }

    public Node add(Op op, Attr attr, TensorType declared, Node... ins) {
        return b.addChecked(op, attr, List.of(ins), declared, span, scope);
    }

    /** An axis of {@code size} named after {@code base}, whose name no axis of the graph has. */
    public Axis freshAxis(String base, int size) {
        String name;
        do name = base + "_grad" + fresh++; while (!axisNames.add(name));
        return new Axis(name, size);
    }

    // ---- leaves

    /** {@code v} broadcast to {@code t}. */
    public Node constant(double v, TensorType t) { return add(Op.CONST, new Attr.Scalar(v), t); }

    /** The scalar {@code v} (no axes); elementwise ops broadcast it by name. */
    public Node scalar(double v, DType d, Unit u) { return constant(v, new TensorType(d, List.of(), u)); }

    /** The scalar {@code v} with {@code like}'s dtype and unit. */
    public Node scalarLike(double v, Node like) { return scalar(v, like.type().dtype(), like.type().unit()); }

    /** The dimensionless scalar {@code v} with {@code like}'s dtype. */
    public Node number(double v, Node like) { return scalar(v, like.type().dtype(), Unit.NONE); }

    public Node iota(Axis a) { return add(Op.IOTA, new Attr.AxisRef(a.name()), new TensorType(DType.I32, List.of(a), Unit.NONE)); }

    // ---- elementwise

    public Node unary(Attr.UnaryFn f, Node x) { return add(Op.UNARY, new Attr.Unary(f), null, x); }

    /** {@code x ^ p} for a constant {@code p}. */
    public Node pow(Node x, double p) { return add(Op.UNARY, new Attr.Unary(Attr.UnaryFn.POW_CONST, p), null, x); }

    public Node binary(Attr.BinaryFn f, Node x, Node y) { return add(Op.BINARY, new Attr.Binary(f), null, x, y); }
    public Node add(Node x, Node y) { return binary(Attr.BinaryFn.ADD, x, y); }
    public Node sub(Node x, Node y) { return binary(Attr.BinaryFn.SUB, x, y); }
    public Node mul(Node x, Node y) { return binary(Attr.BinaryFn.MUL, x, y); }
    public Node div(Node x, Node y) { return binary(Attr.BinaryFn.DIV, x, y); }
    public Node neg(Node x) { return unary(Attr.UnaryFn.NEG, x); }
    public Node where(Node c, Node x, Node y) { return add(Op.WHERE, new Attr.None(), null, c, x, y); }

    /** {@code x} where {@code c} holds, else 0 (of x's dtype and unit). */
    public Node maskOrZero(Node c, Node x) { return where(c, x, scalarLike(0, x)); }

    public Node cast(Node x, DType to) { return add(Op.CAST, new Attr.Cast(to), null, x); }

    // ---- reductions and contraction

    public Node reduce(Attr.ReduceFn f, Node x, List<String> axes) { return add(Op.REDUCE, new Attr.Reduce(f, axes), null, x); }
    public Node contract(Node x, Node y, List<String> axes) { return add(Op.CONTRACT, new Attr.Contract(axes), null, x, y); }

    // ---- moving data

    /** {@code x} broadcast over {@code axes} (which it lacks and which come first). */
    public Node expand(Node x, List<Axis> axes) { return add(Op.EXPAND, new Attr.None(), x.type().withLeadingAxes(axes), x); }

    /** {@code x} with its axes in {@code order} (their names); x itself when they already are. */
    public Node transpose(Node x, List<String> order) {
        if (x.type().axisNames().equals(order)) return x;
        List<Axis> axes = new ArrayList<>();
        for (String name : order) {
            Axis a = x.type().axis(name);
            if (a == null) throw new IrInvariantError("transpose of " + x + " to " + order + ": no axis " + name);
            axes.add(a);
        }
        return add(Op.TRANSPOSE, new Attr.None(), x.type().withAxes(axes), x);
    }

    /** {@code x} summed over the axes {@code like} lacks, in {@code like}'s axis order: the adjoint of broadcasting. */
    public Node sumTo(Node x, TensorType like) {
        List<String> extra = new ArrayList<>();
        for (String a : x.type().axisNames()) if (!like.hasAxis(a)) extra.add(a);
        Node r = extra.isEmpty() ? x : reduce(Attr.ReduceFn.SUM, x, extra);
        return transpose(r, like.axisNames());
    }

    public Node rename(Node x, Map<String, Axis> map) { return add(Op.RENAME, new Attr.Rename(map), null, x); }
    public Node split(Node x, String axis, List<Axis> parts) { return add(Op.SPLIT, new Attr.Split(axis, parts), null, x); }
    public Node merge(Node x, List<String> parts, Axis into) { return add(Op.MERGE, new Attr.Merge(parts, into), null, x); }
    public Node select(Node x, String axis, int index) { return add(Op.SELECT, new Attr.Select(axis, index), null, x); }
    public Node roll(Node x, String axis, int shift) { return add(Op.ROLL, new Attr.Roll(axis, shift), null, x); }
    public Node shift(Node x, String axis, int shift, double fill) { return add(Op.SHIFT, new Attr.Shift(axis, shift, fill), null, x); }

    public Node slice(Node x, String axis, int start, int stop, Axis into) {
        return add(Op.SLICE, new Attr.Slice(axis, start, stop, into), null, x);
    }

    public Node concat(List<Node> parts, List<String> partAxes, Axis into) {
        return b.addChecked(Op.CONCAT, new Attr.Concat(partAxes, into), parts, null, span, scope);
    }

    public Node onehot(Node indices, Axis axis) { return add(Op.ONEHOT, new Attr.OneHot(axis), null, indices); }
}
