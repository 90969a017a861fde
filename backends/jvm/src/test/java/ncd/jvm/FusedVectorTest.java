package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.util.ArrayList;
import java.util.List;

import static ncd.jvm.Graphs.G;
import static ncd.jvm.Graphs.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The byte-lane vector passes of fused bool stencil loops ({@link FusedBytes}) against the interpreter, bit for
 * bit, and against the same graph compiled without fusion: rows narrower than a vector (scalar), exactly one vector,
 * one lane more, and widths that are no multiple of the lane count; wrap and zero boundaries; 3x3, 4x4, 5x5 and
 * non-square windows; windows on the innermost axis only, on an outer axis only, on a non-adjacent outer axis;
 * rank 1 and rank 3; sums whose inner or outer part needs more than one pass; any/all; several stencils in one loop;
 * and the byte-lane forms of comparisons, logic, where, neg and mul. Where the vector passes must be used (the
 * Vector API is present and a row holds a vector), the generated class is checked to contain them.
 */
class FusedVectorTest {
    /** Lanes of a byte vector here; 0 without the Vector API (then every case runs, and checks, the scalar code). */
    private static final int LANES = AotSupport.vectorLanes();

    private static Node window(G g, Node x, Attr.Boundary bd, String[] axes, Axis[] offsets) {
        List<Attr.WindowDim> ws = new ArrayList<>();
        for (int i = 0; i < axes.length; i++) ws.add(new Attr.WindowDim(axes[i], offsets[i]));
        return g.add(Op.WINDOW, new Attr.Window(ws, bd), x);
    }

    private static List<String> names(Axis... offsets) {
        List<String> l = new ArrayList<>();
        for (Axis a : offsets) l.add(a.name());
        return l;
    }

    private static Node i32(G g, Node x) { return g.add(Op.CAST, new Attr.Cast(DType.I32), x); }

    private static Node k(G g, int v) { return g.constant(t(DType.I32), v); }

    /** {@code sum(i32(window(x)))} over the given axes and offsets. */
    private static Node count(G g, Node x, Attr.Boundary bd, String[] axes, Axis... offsets) {
        return g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, names(offsets)), i32(g, window(g, x, bd, axes, offsets)));
    }

    /** The generated class's method names. */
    private static List<String> methods(JvmExecutable jvm) {
        List<String> out = new ArrayList<>();
        new ClassReader(jvm.classBytes()).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                out.add(name);
                return null;
            }
        }, ClassReader.SKIP_CODE);
        return out;
    }

    /** Runs {@code g} with fusion on and off against the interpreter; returns the fused class's vector pass methods. */
    private static List<String> check(Graph g, int steps) {
        // as built: the standard pipeline's cse would merge the repeated window sums these graphs fuse on purpose
        // the bit-sliced mode (FusedBits, tried first and tested in FusedBitsTest) off: these are the byte passes' cases
        JvmExecutable fused = Graphs.same(g, steps, JvmOptions.defaults().withFusion(true).withBits(JvmOptions.BitSliced.NEVER), false);
        Graphs.same(g, steps, JvmOptions.defaults().withFusion(false), false);
        List<String> passes = new ArrayList<>();
        for (String m : methods(fused)) if (m.matches("n[0-9]+_(v|h[0-9]+_[0-9]+|p[0-9]+_[0-9]+)")) passes.add(m);
        return passes;
    }

    /**
     * Widths around the lane count: narrower than a vector, one vector, one lane more, no multiple of the lanes, a
     * 3-wide window's interior exactly one vector, and three vectors.
     */
    private static int[] widths() {
        int l = Math.max(LANES, 16);
        return new int[] {l - 1, l, l + 1, 2 * l + 7, l + 2, 3 * l};
    }

    private static boolean vectors(int width) { return LANES > 0 && width >= LANES; }

    /** Life on boards of several widths, both boundaries, square and non-square windows up to 5x5. */
    @Test void lifeOnEveryWidth() {
        int[][] windows = {{3, 3}, {4, 4}, {5, 5}, {3, 5}, {5, 1}, {1, 3}};
        for (Attr.Boundary bd : Attr.Boundary.values()) {
            for (int[] w : windows) {
                for (int cols : widths()) {
                    Axis r = new Axis("r", 6), c = new Axis("c", cols), dr = new Axis("dr", w[0]), dc = new Axis("dc", w[1]);
                    G g = new G("life_" + bd + w[0] + "x" + w[1] + "_" + cols);
                    TensorType bt = t(DType.BOOL, r, c);
                    Node x = g.stateRead("board", bt);
                    Node n = g.binary(Attr.BinaryFn.SUB, count(g, x, bd, new String[] {"r", "c"}, dr, dc), i32(g, x));
                    Node next = g.binary(Attr.BinaryFn.OR, g.binary(Attr.BinaryFn.EQ, n, k(g, 3)),
                            g.binary(Attr.BinaryFn.AND, x, g.binary(Attr.BinaryFn.EQ, n, k(g, 2))));
                    Node init = g.add(Op.RANDOM, new Attr.Random(Attr.Dist.BERNOULLI, 1), bt, g.constant(t(DType.F32), 0.35));
                    g.state("board", bt, init, next);
                    g.out(x);
                    List<String> passes = check(g.build(), 5);
                    assertEquals(vectors(cols), passes.contains("n" + next.id() + "_v"), g.build().name() + ": " + passes);
                    // the inner-axis sums get a pass of their own exactly when the innermost axis is windowed
                    if (vectors(cols)) assertEquals(w[1] > 1, passes.contains("n" + next.id() + "_h0_0"), passes.toString());
                }
            }
        }
    }

    /** Sums of more than {@code GROUP} offsets along the innermost or an outer axis take several passes. */
    @Test void longWindowsSplitIntoPasses() {
        int cols = widths()[3];
        for (Attr.Boundary bd : Attr.Boundary.values()) {
            Axis r = new Axis("r", 13), c = new Axis("c", cols), d1 = new Axis("d1", 1), d11 = new Axis("d11", 11), d10 = new Axis("d10", 10),
                    d3 = new Axis("d3", 3);
            G g = new G("long_" + bd);
            Node x = g.input("x", t(DType.BOOL, r, c));
            String[] rc = {"r", "c"};
            // 1 x 11: two inner-sum passes through the ping-pong buffers
            Node a = g.binary(Attr.BinaryFn.GE, count(g, x, bd, rc, d1, d11), k(g, 6));
            // 10 x 3: the outer sum (10 offsets) in two passes of its own
            Node b = g.binary(Attr.BinaryFn.LT, count(g, x, bd, rc, d10, d3), k(g, 17));
            g.out(a).out(b);
            List<String> passes = check(g.build(), 3);
            if (vectors(cols)) {
                assertTrue(passes.contains("n" + a.id() + "_h0_1"), passes.toString());
                assertTrue(passes.contains("n" + b.id() + "_p0_1"), passes.toString());
            }
        }
    }

    /** any / all stencils, several stencils in one loop, and the byte-lane forms of the other operations. */
    @Test void logicComparisonsAndSeveralStencils() {
        for (int cols : new int[] {widths()[1], widths()[3]}) {
            for (Attr.Boundary bd : Attr.Boundary.values()) {
                Axis r = new Axis("r", 7), c = new Axis("c", cols), dr = new Axis("dr", 3), dc = new Axis("dc", 3), dq = new Axis("dq", 5);
                G g = new G("logic_" + bd + cols);
                TensorType bt = t(DType.BOOL, r, c);
                Node x = g.input("x", bt), y = g.input("y", bt);
                String[] rc = {"r", "c"};
                // every output reads stencils of its own: a stencil read by two loops gets a buffer (an i32 leaf)
                java.util.function.Supplier<Node> any = () -> g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.ANY, names(dr, dc)),
                        window(g, x, bd, rc, new Axis[] {dr, dc}));
                java.util.function.Supplier<Node> all = () -> g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.ALL, names(dq)),
                        window(g, y, bd, new String[] {"c"}, new Axis[] {dq}));
                // (sx * i32(y) - 3) in [-3, 6]; comparisons of small ints, where, neg, xor, not
                Node sx = count(g, x, bd, rc, dr, dc), sy = count(g, y, bd, rc, dr, dc);
                Node m = g.binary(Attr.BinaryFn.SUB, g.binary(Attr.BinaryFn.MUL, sx, i32(g, y)), k(g, 3));
                Node pick = g.add(Op.WHERE, new Attr.None(), any.get(), m, g.unary(Attr.UnaryFn.NEG, sy));
                Node o1 = g.binary(Attr.BinaryFn.XOR, g.binary(Attr.BinaryFn.LT, pick, i32(g, all.get())),
                        g.unary(Attr.UnaryFn.NOT, g.binary(Attr.BinaryFn.NE, m, sy)));
                Node sx2 = count(g, x, bd, rc, dr, dc), sy2 = count(g, y, bd, rc, dr, dc);
                Node m2 = g.binary(Attr.BinaryFn.SUB, g.binary(Attr.BinaryFn.MUL, sx2, i32(g, y)), k(g, 3));
                Node o2 = g.binary(Attr.BinaryFn.OR, g.binary(Attr.BinaryFn.LE, sy2, k(g, 2)),
                        g.binary(Attr.BinaryFn.AND, g.binary(Attr.BinaryFn.GT, sx2, m2), all.get()));
                // four 3x3 stencils in one loop: more loads than one pass takes, so some sums get a pass of their own
                Node sz = count(g, g.input("z", bt), bd, rc, dr, dc), sw = count(g, g.input("w", bt), bd, rc, dr, dc);
                Node o3 = g.binary(Attr.BinaryFn.EQ, g.binary(Attr.BinaryFn.ADD, count(g, x, bd, rc, dr, dc), count(g, y, bd, rc, dr, dc)),
                        g.binary(Attr.BinaryFn.ADD, sz, sw));
                // a bool cast of a small int
                Node o4 = g.add(Op.CAST, new Attr.Cast(DType.BOOL), g.binary(Attr.BinaryFn.SUB, count(g, x, bd, rc, dr, dc), k(g, 4)));
                g.out(o1).out(o2).out(o3).out(o4);
                List<String> passes = check(g.build(), 3);
                for (Node o : new Node[] {o1, o2, o3, o4}) assertTrue(passes.contains("n" + o.id() + "_v") || LANES == 0, passes.toString());
                if (LANES > 0) assertTrue(passes.stream().anyMatch(p -> p.startsWith("n" + o3.id() + "_p")), passes.toString());
            }
        }
    }

    /** Rank 1 and rank 3 boards, and windows on an outer axis that is not next to the innermost one. */
    @Test void otherRanks() {
        int cols = widths()[3];
        for (Attr.Boundary bd : Attr.Boundary.values()) {
            Axis b = new Axis("b", 3), r = new Axis("r", 4), c = new Axis("c", cols), d3 = new Axis("d3", 3), d5 = new Axis("d5", 5),
                    e3 = new Axis("e3", 3);
            G g = new G("ranks_" + bd);
            Node line = g.input("line", t(DType.BOOL, c));
            Node o1 = g.binary(Attr.BinaryFn.EQ, count(g, line, bd, new String[] {"c"}, d5), k(g, 2));
            Node cube = g.input("cube", t(DType.BOOL, b, r, c));
            Node o2 = g.binary(Attr.BinaryFn.GT, count(g, cube, bd, new String[] {"r", "c"}, d3, d5), k(g, 5));
            Node o3 = g.binary(Attr.BinaryFn.AND, cube, g.binary(Attr.BinaryFn.LT, count(g, cube, bd, new String[] {"b", "c"}, d3, e3), k(g, 4)));
            Node o4 = g.binary(Attr.BinaryFn.XOR, cube, g.binary(Attr.BinaryFn.GE, count(g, cube, bd, new String[] {"b"}, d3), k(g, 2)));
            g.out(o1).out(o2).out(o3).out(o4);
            List<String> passes = check(g.build(), 3);
            for (Node o : new Node[] {o1, o2, o3, o4}) assertTrue(passes.contains("n" + o.id() + "_v") || LANES == 0, passes.toString());
        }
    }
}
