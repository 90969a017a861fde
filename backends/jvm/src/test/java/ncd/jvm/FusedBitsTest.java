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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bit-sliced stencil loops on bit-packed bool grids ({@link FusedBits}) against the interpreter, bit for bit, over many
 * steps of a state that feeds itself: outer-totalistic cellular automata with several birth/survival rules (Life
 * B3/S23, HighLife B36/S23, Seeds B2/S, B3/S0 which keeps lone cells), written with or, where and comparisons; widths
 * 1, 63, 64, 65, 100 and 512 (row ends inside a word, at one, one past); wrap and zero boundaries; 3x3, 5x5, 1x3 and
 * 3x1 windows; any/all stencils; and rank 1. Each case checks that the generated class has the bit passes; the
 * groups the mode does not take (a product, an f32 grid, rank 3) are checked to fall back, still exact.
 */
class FusedBitsTest {
    private static final int[] WIDTHS = {1, 63, 64, 65, 100, 512};
    /** The mode wherever the shape allows (by default the byte lanes keep rows of two vectors or more). */
    private static final JvmOptions ALWAYS = JvmOptions.defaults().withBits(JvmOptions.BitSliced.ALWAYS);

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

    private static Node count(G g, Node x, Attr.Boundary bd, String[] axes, Axis... offsets) {
        return g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, names(offsets)), i32(g, window(g, x, bd, axes, offsets)));
    }

    /** {@code n} is one of {@code values} (false for none): an or of equalities. */
    private static Node oneOf(G g, Node n, int... values) {
        Node acc = g.constant(t(DType.BOOL), 0);
        for (int v : values) acc = g.binary(Attr.BinaryFn.OR, acc, g.binary(Attr.BinaryFn.EQ, n, k(g, v)));
        return acc;
    }

    static List<String> methods(JvmExecutable jvm) {
        List<String> out = new ArrayList<>();
        new ClassReader(jvm.classBytes()).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                out.add(name);
                return null;
            }
        }, ClassReader.SKIP_CODE);
        return out;
    }

    private static boolean bits(JvmExecutable jvm, Node root) {
        return methods(jvm).contains("n" + root.id() + "_bits0");
    }

    /** A board stepping by {@code rule(x, n)} ({@code n}: the live neighbours), run against the interpreter. */
    private static void automaton(String name, int rows, int cols, Attr.Boundary bd, int wr, int wc, int steps,
                                  java.util.function.BiFunction<G, Node[], Node> rule) {
        // a window is at most as wide as its axis: on a board of width 1 the neighbourhood is a column
        Axis r = new Axis("r", rows), c = new Axis("c", cols), dr = new Axis("dr", Math.min(wr, rows)), dc = new Axis("dc", Math.min(wc, cols));
        G g = new G(name + "_" + bd + "_" + rows + "x" + cols + "_" + wr + "x" + wc);
        TensorType bt = t(DType.BOOL, r, c);
        Node x = g.stateRead("board", bt);
        Node n = g.binary(Attr.BinaryFn.SUB, count(g, x, bd, new String[] {"r", "c"}, dr, dc), i32(g, x));
        Node next = rule.apply(g, new Node[] {x, n});
        Node init = g.add(Op.RANDOM, new Attr.Random(Attr.Dist.BERNOULLI, 7), bt, g.constant(t(DType.F32), 0.3));
        g.state("board", bt, init, next);
        g.out(x);
        Graph graph = g.build();
        JvmExecutable jvm = Graphs.same(graph, steps, ALWAYS, false);
        // the fuse pass may give an intermediate a buffer of its own (an i32 leaf: not packed), as in "arith"
        if (!name.equals("arith")) assertTrue(bits(jvm, next), graph.name() + " should run bit-sliced: " + methods(jvm));
    }

    /** Birth and survival counts as an outer-totalistic rule: {@code (not x and n in B) or (x and n in S)}. */
    private static java.util.function.BiFunction<G, Node[], Node> rule(int[] birth, int[] survive) {
        return (g, xn) -> g.binary(Attr.BinaryFn.OR,
                g.binary(Attr.BinaryFn.AND, g.unary(Attr.UnaryFn.NOT, xn[0]), oneOf(g, xn[1], birth)),
                g.binary(Attr.BinaryFn.AND, xn[0], oneOf(g, xn[1], survive)));
    }

    @Test void lifeHighLifeSeedsAndSurvivalOnZeroOnEveryWidth() {
        int[][][] rules = {{{3}, {2, 3}}, {{3, 6}, {2, 3}}, {{2}, {}}, {{3}, {0}}};
        String[] names = {"life", "highlife", "seeds", "b3s0"};
        for (Attr.Boundary bd : Attr.Boundary.values()) {
            for (int cols : WIDTHS) {
                for (int i = 0; i < rules.length; i++) automaton(names[i], 5, cols, bd, 3, 3, 12, rule(rules[i][0], rules[i][1]));
            }
        }
    }

    /** Life as std.life writes it ({@code n == 3 or (x and n == 2)}), on a 512 x 512 torus, and on one row. */
    @Test void stdlibLifeOnLargeAndThinBoards() {
        java.util.function.BiFunction<G, Node[], Node> life = (g, xn) -> g.binary(Attr.BinaryFn.OR,
                g.binary(Attr.BinaryFn.EQ, xn[1], k(g, 3)),
                g.binary(Attr.BinaryFn.AND, xn[0], g.binary(Attr.BinaryFn.EQ, xn[1], k(g, 2))));
        automaton("stdlife", 512, 512, Attr.Boundary.WRAP, 3, 3, 4, life);
        automaton("stdlife", 1, 100, Attr.Boundary.WRAP, 3, 3, 20, life);
        automaton("stdlife", 2, 65, Attr.Boundary.ZERO, 3, 3, 20, life);
    }

    /** Other neighbourhoods and rule forms: 5x5 with range comparisons, 1x3 and 3x1, where, max/min, neg. */
    @Test void otherNeighbourhoodsAndRuleForms() {
        for (Attr.Boundary bd : Attr.Boundary.values()) {
            for (int cols : new int[] {1, 63, 65, 128, 130}) {
                // "larger than life": born with 5..7 of 24, survives with 4..9
                automaton("ltl", 7, cols, bd, 5, 5, 10, (g, xn) -> g.add(Op.WHERE, new Attr.None(), xn[0],
                        g.binary(Attr.BinaryFn.AND, g.binary(Attr.BinaryFn.GE, xn[1], k(g, 4)), g.binary(Attr.BinaryFn.LE, xn[1], k(g, 9))),
                        g.binary(Attr.BinaryFn.AND, g.binary(Attr.BinaryFn.GT, xn[1], k(g, 4)), g.binary(Attr.BinaryFn.LT, xn[1], k(g, 8)))));
                automaton("row3", 4, cols, bd, 1, 3, 10, rule(new int[] {1}, new int[] {1}));
                automaton("col3", 4, cols, bd, 3, 1, 10, rule(new int[] {1, 2}, new int[] {0}));
                // neg, max, min and a sum of two counts: 2 * n - 5 written with adds, clamped (exact whichever loop runs it)
                automaton("arith", 5, cols, bd, 3, 3, 10, (g, xn) -> {
                    Node twice = g.binary(Attr.BinaryFn.ADD, xn[1], xn[1]);
                    Node v = g.binary(Attr.BinaryFn.MAX, g.binary(Attr.BinaryFn.MIN, g.binary(Attr.BinaryFn.SUB, twice, k(g, 5)), k(g, 3)),
                            g.unary(Attr.UnaryFn.NEG, k(g, 1)));
                    return g.binary(Attr.BinaryFn.NE, g.binary(Attr.BinaryFn.XOR, g.binary(Attr.BinaryFn.EQ, v, k(g, 1)), xn[0]),
                            g.binary(Attr.BinaryFn.EQ, v, g.unary(Attr.UnaryFn.NEG, k(g, 1))));
                });
            }
        }
    }

    /** any / all stencils (dilation and erosion) on several widths, and a rank-1 automaton (rule 90). */
    @Test void anyAllAndRankOne() {
        for (Attr.Boundary bd : Attr.Boundary.values()) {
            for (int cols : WIDTHS) {
                Axis r = new Axis("r", 3), c = new Axis("c", cols), dr = new Axis("dr", 3), dc = new Axis("dc", Math.min(5, cols));
                G g = new G("anyall_" + bd + cols);
                TensorType bt = t(DType.BOOL, r, c);
                Node x = g.input("x", bt);
                Node any = g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.ANY, names(dr, dc)), window(g, x, bd, new String[] {"r", "c"}, new Axis[] {dr, dc}));
                Node all = g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.ALL, names(dr)), window(g, x, bd, new String[] {"r"}, new Axis[] {dr}));
                Node o = g.binary(Attr.BinaryFn.XOR, any, all);
                g.out(o);
                JvmExecutable jvm = Graphs.same(g.build(), 3, ALWAYS, false);
                assertTrue(bits(jvm, o), methods(jvm).toString());

                Axis c1 = new Axis("c", cols), d = new Axis("d", Math.min(3, cols));
                G h = new G("rule90_" + bd + cols);
                TensorType lt = t(DType.BOOL, c1);
                Node s = h.stateRead("cells", lt);
                Node n = count(h, s, bd, new String[] {"c"}, d);
                Node next = h.binary(Attr.BinaryFn.EQ, h.binary(Attr.BinaryFn.SUB, n, i32(h, s)), k(h, 1));
                Node init = h.add(Op.RANDOM, new Attr.Random(Attr.Dist.BERNOULLI, 3), lt, h.constant(t(DType.F32), 0.5));
                h.state("cells", lt, init, next);
                h.out(s);
                JvmExecutable j1 = Graphs.same(h.build(), 30, ALWAYS, false);
                assertTrue(bits(j1, next), methods(j1).toString());
            }
        }
    }

    /** Groups outside the pattern keep the other stencil loops, and agree with the interpreter all the same. */
    @Test void fallsBackWhenThePatternDoesNotMatch() {
        Axis r = new Axis("r", 6), c = new Axis("c", 70), dr = new Axis("dr", 3), dc = new Axis("dc", 3);
        String[] rc = {"r", "c"};
        // a product of counts: no bit-sliced multiply
        G g = new G("mul");
        Node x = g.input("x", t(DType.BOOL, r, c));
        Node n = count(g, x, Attr.Boundary.WRAP, rc, dr, dc);
        Node m = g.binary(Attr.BinaryFn.EQ, g.binary(Attr.BinaryFn.MUL, n, n), k(g, 9));
        g.out(m);
        JvmExecutable jm = Graphs.same(g.build(), 3, ALWAYS, false);
        assertFalse(bits(jm, m), methods(jm).toString());
        // an f32 grid
        G f = new G("f32");
        Node y = f.input("y", t(DType.F32, r, c));
        Node s = f.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, names(dr, dc)), window(f, y, Attr.Boundary.WRAP, rc, new Axis[] {dr, dc}));
        Node o = f.binary(Attr.BinaryFn.GT, s, f.constant(t(DType.F32), 0.5));
        f.out(o);
        JvmExecutable jf = Graphs.same(f.build(), 3, ALWAYS, false);
        assertFalse(bits(jf, o), methods(jf).toString());
        // rank 3
        Axis z = new Axis("z", 2);
        G h = new G("rank3");
        Node b = h.input("b", t(DType.BOOL, z, r, c));
        Node cnt = count(h, b, Attr.Boundary.WRAP, rc, dr, dc);
        Node q = h.binary(Attr.BinaryFn.EQ, cnt, k(h, 3));
        h.out(q);
        JvmExecutable jh = Graphs.same(h.build(), 3, ALWAYS, false);
        assertFalse(bits(jh, q), methods(jh).toString());
        // and the option that switches the mode off
        JvmExecutable off = Graphs.same(g.build(), 1, JvmOptions.defaults().withBits(JvmOptions.BitSliced.NEVER), false);
        assertFalse(methods(off).stream().anyMatch(s2 -> s2.contains("_bits")), methods(off).toString());
    }

    /**
     * The default choice: bit-sliced where the byte lanes would not run rows of two vectors or more (or are absent),
     * the byte lanes otherwise; never for a group of another shape.
     */
    @Test void byDefaultNarrowRowsRunBitSliced() {
        int lanes = AotSupport.vectorLanes();
        for (int cols : new int[] {40, 64, 100, 128, 512}) {
            Axis r = new Axis("r", 4), c = new Axis("c", cols), dr = new Axis("dr", 3), dc = new Axis("dc", 3);
            G g = new G("auto" + cols);
            Node x = g.input("x", t(DType.BOOL, r, c));
            Node n = count(g, x, Attr.Boundary.WRAP, new String[] {"r", "c"}, dr, dc);
            Node o = g.binary(Attr.BinaryFn.EQ, n, k(g, 3));
            g.out(o);
            JvmExecutable jvm = Graphs.same(g.build(), 2, JvmOptions.defaults().withBits(JvmOptions.BitSliced.AUTO), false);
            assertEquals(lanes == 0 || cols < 2 * lanes, bits(jvm, o), cols + " lanes " + lanes + ": " + methods(jvm));
        }
    }
}
