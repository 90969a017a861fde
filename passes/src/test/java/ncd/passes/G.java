package ncd.passes;

import ncd.diag.SourceSpan;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.ir.Unit;

import java.util.List;
import java.util.Map;

/** A terse graph builder for pass tests. */
final class G {
    static final Axis N = new Axis("n", 3), M = new Axis("m", 2), K = new Axis("k", 3);
    final Graph.Builder b;

    G() { this(Graph.Kind.CIRCUIT); }
    G(Graph.Kind kind) { b = Graph.builder("T", kind, SourceSpan.NONE); }

    static TensorType f32(Axis... axes) { return new TensorType(DType.F32, List.of(axes), Unit.NONE); }
    static TensorType i32(Axis... axes) { return new TensorType(DType.I32, List.of(axes), Unit.NONE); }

    Node in(String name, TensorType t) { return b.addChecked(Op.INPUT, new Attr.Named(name), List.of(), t, null, ""); }
    Node c(double v, TensorType t) { return b.addChecked(Op.CONST, new Attr.Scalar(v), List.of(), t, null, ""); }
    Node iota(Axis a) { return b.addChecked(Op.IOTA, new Attr.AxisRef(a.name()), List.of(), i32(a), null, ""); }
    Node param(String name, TensorType t) {
        return b.addChecked(Op.PARAM, new Attr.Param(name, new Attr.Init(Attr.InitKind.NORMAL, List.of(0.0, 1.0)), null), List.of(), t, null, "");
    }
    Node un(Attr.UnaryFn f, Node x) { return b.addChecked(Op.UNARY, new Attr.Unary(f), List.of(x), null, null, ""); }
    Node bin(Attr.BinaryFn f, Node x, Node y) { return b.addChecked(Op.BINARY, new Attr.Binary(f), List.of(x, y), null, null, ""); }
    Node add(Node x, Node y) { return bin(Attr.BinaryFn.ADD, x, y); }
    Node mul(Node x, Node y) { return bin(Attr.BinaryFn.MUL, x, y); }
    Node op(Op op, Attr a, TensorType declared, Node... ins) { return b.addChecked(op, a, List.of(ins), declared, null, ""); }
    Node rename(Node x, String from, Axis to) { return op(Op.RENAME, new Attr.Rename(Map.of(from, to)), null, x); }
    Node random(TensorType t, String scope, Node lo, Node hi) {
        return b.addChecked(Op.RANDOM, new Attr.Random(Attr.Dist.UNIFORM, 1), List.of(lo, hi), t, null, scope);
    }
    G out(String name, Node n) { b.output(name, n); return this; }
    Graph build() { return b.build(); }

    /** The nodes of {@code g} with op {@code op}. */
    static long count(Graph g, Op op) { return g.nodes().stream().filter(n -> n.op() == op).count(); }
}
