package ncd.ir;

import ncd.diag.SourceSpan;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one cost model: FLOPs and bytes per node, and a step's totals. */
class CostTest {
    static final Axis B = new Axis("batch", 2), I = new Axis("i", 3), O = new Axis("o", 4);

    static TensorType f32(Axis... axes) { return new TensorType(DType.F32, List.of(axes), Unit.NONE); }

    static Node add(Graph.Builder g, Op op, Attr a, List<Node> ins, TensorType declared) {
        return g.addChecked(op, a, ins, declared, SourceSpan.NONE, "");
    }

    /**
     * y = relu(W[o, i] @[i] x[batch, i] + b[o]), and a state s[o, batch] with next s + y whose initial value is
     * computed (exp of a constant): that init cone is reset's work, never a step's.
     */
    @Test void aStepCountsTheNodesItsOutputsAndNextValuesNeed() {
        Graph.Builder g = Graph.builder("Layer", Graph.Kind.CIRCUIT, SourceSpan.NONE);
        Node x = add(g, Op.INPUT, new Attr.Named("x"), List.of(), f32(B, I));
        Node w = add(g, Op.PARAM, new Attr.Param("W", new Attr.Init(Attr.InitKind.GLOROT, List.of()), null), List.of(), f32(O, I));
        Node c = add(g, Op.CONTRACT, new Attr.Contract(List.of("i")), List.of(w, x), null);
        Node b = add(g, Op.PARAM, new Attr.Param("b", new Attr.Init(Attr.InitKind.ZEROS, List.of()), null), List.of(), f32(O));
        Node sum = add(g, Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), List.of(c, b), null);
        Node y = add(g, Op.UNARY, new Attr.Unary(Attr.UnaryFn.RELU), List.of(sum), null);
        Node s = add(g, Op.STATE_READ, new Attr.Named("s"), List.of(), f32(O, B));
        Node next = add(g, Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), List.of(s, y), null);
        Node one = add(g, Op.CONST, new Attr.Scalar(1), List.of(), f32(O, B));
        Node init = add(g, Op.UNARY, new Attr.Unary(Attr.UnaryFn.EXP), List.of(one), null);
        add(g, Op.UNARY, new Attr.Unary(Attr.UnaryFn.TANH), List.of(x), null); // needed by nothing
        g.state(new State("s", f32(O, B), init, next));
        g.output("y", y);
        g.output("total", s);
        Graph graph = g.build();

        // contract: 8 outputs x 3 summed x 2; add, relu, next: 8 each
        assertEquals(new Cost(48, 4 * (8 + 6 + 12)), Cost.of(c));
        assertEquals(new Cost(8, 4 * (8 + 8 + 4)), Cost.of(sum));
        assertEquals(new Cost(8, 4 * (8 + 8)), Cost.of(y));
        assertEquals(Cost.ZERO, Cost.of(x));
        assertEquals(Cost.ZERO, Cost.of(w));
        assertEquals(Cost.ZERO, Cost.of(s));
        assertEquals(new Cost(48 + 8 + 8 + 8, 104 + 80 + 64 + 96), Cost.step(graph));
    }

    @Test void reductionsCountTheirInputAndMovesCountNoFlops() {
        Graph.Builder g = Graph.builder("R", Graph.Kind.CIRCUIT, SourceSpan.NONE);
        Node x = add(g, Op.INPUT, new Attr.Named("x"), List.of(), f32(B, I));
        Node r = add(g, Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("i")), List.of(x), null);
        Node m = add(g, Op.ARG_REDUCE, new Attr.ArgReduce(Attr.ReduceFn.ARGMAX, "i"), List.of(x), null);
        Node cast = add(g, Op.CAST, new Attr.Cast(DType.F64), List.of(x), null);
        Node t = add(g, Op.TRANSPOSE, new Attr.None(), List.of(x), f32(I, B));
        Node ren = add(g, Op.RENAME, new Attr.Rename(java.util.Map.of("i", new Axis("j", 3))), List.of(x), null);
        assertEquals(new Cost(6, 4 * (2 + 6)), Cost.of(r));
        assertEquals(new Cost(6, 4 * (2 + 6)), Cost.of(m));
        assertEquals(new Cost(0, 8 * 6 + 4 * 6), Cost.of(cast));
        assertEquals(new Cost(0, 2 * 4 * 6), Cost.of(t));
        assertEquals(Cost.ZERO, Cost.of(ren), "a rename is its input's buffer: nothing moves");
    }
}
