package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static ncd.jvm.Graphs.G;
import static ncd.jvm.Graphs.t;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused paths ({@link Fusion}, {@link Fused}) against the interpreter, bit for bit, and against the same graph
 * compiled without fusion: window reductions as stencils (wrap and zero, windows of 3 and 4, one and two windowed
 * axes, through casts and unary ops), elementwise chains (f32 rounding after every op, i32 wrap-around, bool where),
 * nodes with several users inside one loop, and Life-shaped boards wide enough for the byte-vector interior.
 */
class FusionTest {
    private static final Axis R = new Axis("r", 7), C = new Axis("c", 9);

    /** Fusion on and off both agree with the interpreter, and fusion saves the intermediate buffers. */
    private static void check(Graph g, int steps) {
        JvmExecutable fused = Graphs.same(g, steps, JvmOptions.defaults().withFusion(true));
        JvmExecutable plain = Graphs.same(g, steps, JvmOptions.defaults().withFusion(false));
        assertTrue(fused.bufferBytes() < plain.bufferBytes(),
                g.name() + ": fused buffers " + fused.bufferBytes() + " B, unfused " + plain.bufferBytes() + " B");
    }

    private static Node window(G g, Node x, Attr.Boundary bd, Axis... dims) {
        List<Attr.WindowDim> ws = new ArrayList<>();
        String[] over = {"r", "c"};
        for (int i = 0; i < dims.length; i++) ws.add(new Attr.WindowDim(dims.length == 1 ? "c" : over[i], dims[i]));
        return g.add(Op.WINDOW, new Attr.Window(ws, bd), x);
    }

    private static List<String> names(Axis... dims) {
        List<String> l = new ArrayList<>();
        for (Axis a : dims) l.add(a.name());
        return l;
    }

    @Test void windowSumsFuseIntoStencils() {
        for (Attr.Boundary bd : Attr.Boundary.values()) {
            for (int size : new int[] {3, 4}) {
                Axis dr = new Axis("dr", size), dc = new Axis("dc", size), dq = new Axis("dq", size == 3 ? 4 : 3);
                // i32 sum of a bool window (Life's neighbour count), minus the cell
                G g = new G("count_" + bd + size);
                Node x = g.input("x", t(DType.BOOL, R, C));
                Node n = g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, names(dr, dc)),
                        g.add(Op.CAST, new Attr.Cast(DType.I32), window(g, x, bd, dr, dc)));
                g.out(g.binary(Attr.BinaryFn.SUB, n, g.add(Op.CAST, new Attr.Cast(DType.I32), x)));
                check(g.build(), 2);
                // f32 mean through a unary op (double accumulation in the interpreter's order), non-square window
                g = new G("mean_" + bd + size);
                Node f = g.input("f", t(DType.F32, R, C));
                g.out(g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.MEAN, names(dq, dc)),
                        g.unary(Attr.UnaryFn.TANH, window(g, f, bd, dq, dc))));
                check(g.build(), 2);
                // one windowed axis; i32 input with extreme values (wrapping sum), max; f64 product; bool any
                g = new G("oneaxis_" + bd + size);
                Node i = g.input("i", t(DType.I32, R, C));
                g.out(g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, names(dc)), window(g, i, bd, dc)));
                g.out(g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.MAX, names(dc)), window(g, g.input("j", t(DType.I32, R, C)), bd, dc)));
                g.out(g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.PROD, names(dc)),
                        g.add(Op.CAST, new Attr.Cast(DType.F64), window(g, g.input("h", t(DType.F32, R, C)), bd, dc))));
                g.out(g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.ANY, names(dc)), window(g, g.input("b", t(DType.BOOL, R, C)), bd, dc)));
                check(g.build(), 2);
                // the window's axes in another order than the reduction's output
                g = new G("transposed_" + bd + size);
                Node y = g.input("y", t(DType.F32, C, R));
                g.out(g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, names(dr, dc)), window(g, y, bd, dr, dc)));
                check(g.build(), 2);
            }
        }
    }

    @Test void elementwiseChainsRoundLikeSeparateNodes() {
        G g = new G("chain");
        Node x = g.input("x", t(DType.F32, R, C)), y = g.input("y", t(DType.F32, C));
        // f32: every product and sum rounds to f32 before the next op; exp rounds from double
        Node a = g.binary(Attr.BinaryFn.MUL, x, g.constant(t(DType.F32), 3.1));
        Node b = g.binary(Attr.BinaryFn.ADD, a, y);
        Node e = g.unary(Attr.UnaryFn.EXP, g.binary(Attr.BinaryFn.DIV, b, g.constant(t(DType.F32), 7)));
        Node f = g.binary(Attr.BinaryFn.SUB, e, g.binary(Attr.BinaryFn.MUL, x, x));
        // i32: products that wrap around
        Node i = g.input("i", t(DType.I32, R, C));
        Node w = g.binary(Attr.BinaryFn.MUL, g.binary(Attr.BinaryFn.ADD, g.binary(Attr.BinaryFn.MUL, i, g.constant(t(DType.I32), 1000003)),
                g.constant(t(DType.I32), 12345)), g.constant(t(DType.I32), 65599));
        // bool where choosing between two i32 expressions, from a comparison of the f32 chain (NaN compares false)
        Node c = g.binary(Attr.BinaryFn.GT, f, g.constant(t(DType.F32), 0.5));
        Node pick = g.add(Op.WHERE, new Attr.None(), c, w, g.unary(Attr.UnaryFn.NEG, w));
        // a node with two users in the same loop (computed once), cast to f32 at the end
        Node shared = g.binary(Attr.BinaryFn.MOD, pick, g.constant(t(DType.I32), 17));
        Node z = g.binary(Attr.BinaryFn.ADD, g.binary(Attr.BinaryFn.MUL, shared, shared), g.add(Op.CAST, new Attr.Cast(DType.I32), c));
        g.out(g.add(Op.CAST, new Attr.Cast(DType.F32), z));
        // bool logic: and, or, not, xor, comparisons of small ints
        Node p = g.input("p", t(DType.BOOL, R, C)), q = g.input("q", t(DType.BOOL, R, C));
        Node k = g.binary(Attr.BinaryFn.SUB, g.add(Op.CAST, new Attr.Cast(DType.I32), p), g.add(Op.CAST, new Attr.Cast(DType.I32), q));
        g.out(g.binary(Attr.BinaryFn.OR, g.binary(Attr.BinaryFn.LT, k, g.constant(t(DType.I32), 0)),
                g.binary(Attr.BinaryFn.XOR, g.unary(Attr.UnaryFn.NOT, p), g.binary(Attr.BinaryFn.GE, k, g.constant(t(DType.I32), 1)))));
        check(g.build(), 3);
    }

    /** Life's rule on boards wide enough for the byte-vector interior (partial last vectors, both boundaries). */
    @Test void lifeBoardsOnVectors() {
        for (Attr.Boundary bd : Attr.Boundary.values()) {
            for (int size : new int[] {3, 4}) {
                for (int cols : new int[] {64, 70, 150, 200}) {
                    Axis r = new Axis("r", 5), c = new Axis("c", cols), dr = new Axis("dr", size), dc = new Axis("dc", size);
                    G g = new G("life_" + bd + size + "_" + cols);
                    TensorType bt = t(DType.BOOL, r, c);
                    Node x = g.stateRead("board", bt);
                    List<Attr.WindowDim> ws = List.of(new Attr.WindowDim("r", dr), new Attr.WindowDim("c", dc));
                    Node hood = g.add(Op.WINDOW, new Attr.Window(ws, bd), x);
                    Node n = g.binary(Attr.BinaryFn.SUB, g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("dr", "dc")),
                            g.add(Op.CAST, new Attr.Cast(DType.I32), hood)), g.add(Op.CAST, new Attr.Cast(DType.I32), x));
                    Node next = g.binary(Attr.BinaryFn.OR, g.binary(Attr.BinaryFn.EQ, n, g.constant(t(DType.I32), 3)),
                            g.binary(Attr.BinaryFn.AND, x, g.binary(Attr.BinaryFn.EQ, n, g.constant(t(DType.I32), 2))));
                    Node init = g.add(Op.RANDOM, new Attr.Random(Attr.Dist.BERNOULLI, 1), bt, g.constant(t(DType.F32), 0.35));
                    g.state("board", bt, init, next);
                    g.out(x);
                    check(g.build(), 6);
                }
            }
        }
    }
}
