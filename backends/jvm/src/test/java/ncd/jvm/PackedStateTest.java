package ncd.jvm;

import ncd.interp.Interpreter;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.runtime.Executable;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static ncd.jvm.Graphs.G;
import static ncd.jvm.Graphs.assertBitEqual;
import static ncd.jvm.Graphs.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bool states kept bit-packed from step to step ({@link FusedBits#keepsState}): the board lives in packed words for
 * the whole run and is unpacked only when something outside the generated code reads it. Checked against the
 * interpreter over hundreds of steps run in the generated loop ({@link JvmExecutable#run}), with the state read in the
 * middle of runs (through {@code state()}, the step's outputs and {@code outputBuffer}), after {@code reset()}, and
 * after {@code setState}, on widths that are and are not multiples of 64, on a torus and with zero borders; and the
 * shapes that must not be kept packed (the state or the next value read by something else).
 */
class PackedStateTest {
    private static final int[] WIDTHS = {1, 63, 64, 65, 100, 130, 512};
    private static final JvmOptions ALWAYS = JvmOptions.defaults().withBits(JvmOptions.BitSliced.ALWAYS);
    private static final JvmOptions AUTO = JvmOptions.defaults().withBits(JvmOptions.BitSliced.AUTO);

    private static Node k(G g, int v) { return g.constant(t(DType.I32), v); }

    private static Node i32(G g, Node x) { return g.add(Op.CAST, new Attr.Cast(DType.I32), x); }

    /** Life's rule as std.life writes it: {@code n == 3 or (x and n == 2)}, {@code n} the live neighbours of {@code x}. */
    private static Node lifeStep(G g, Node x, Attr.Boundary bd, Axis dr, Axis dc) {
        Node win = g.add(Op.WINDOW, new Attr.Window(List.of(new Attr.WindowDim("r", dr), new Attr.WindowDim("c", dc)), bd), x);
        Node sum = g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of(dr.name(), dc.name())), i32(g, win));
        Node n = g.binary(Attr.BinaryFn.SUB, sum, i32(g, x));
        return g.binary(Attr.BinaryFn.OR, g.binary(Attr.BinaryFn.EQ, n, k(g, 3)),
                g.binary(Attr.BinaryFn.AND, x, g.binary(Attr.BinaryFn.EQ, n, k(g, 2))));
    }

    /** What else a test graph reads: nothing, the state's population, or the next board. */
    private enum Extra { NONE, POPULATION, NEXT }

    /**
     * Life on a {@code rows x cols} board whose state is read by the output {@code o0}; its initial board is random
     * soup, or {@code p > 0.5} for a parameter {@code p} ({@code fromParam}: a test can then put the interpreter's
     * board anywhere through {@code setParam} and {@code reset}).
     */
    private static Graph life(int rows, int cols, Attr.Boundary bd, boolean fromParam, Extra extra) {
        Axis r = new Axis("r", rows), c = new Axis("c", cols), dr = new Axis("dr", Math.min(3, rows)), dc = new Axis("dc", Math.min(3, cols));
        G g = new G("life_" + bd + "_" + rows + "x" + cols + (fromParam ? "_p" : "") + "_" + extra);
        TensorType bt = t(DType.BOOL, r, c);
        Node x = g.stateRead("board", bt);
        Node next = lifeStep(g, x, bd, dr, dc);
        Node init = fromParam
                ? g.binary(Attr.BinaryFn.GT, g.param("p", t(DType.F32, r, c), Attr.InitKind.UNIFORM, 0.0, 1.0), g.constant(t(DType.F32), 0.5))
                : g.add(Op.RANDOM, new Attr.Random(Attr.Dist.BERNOULLI, 7), bt, g.constant(t(DType.F32), 0.3));
        g.state("board", bt, init, next);
        g.out(x);
        if (extra == Extra.POPULATION) g.out(g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("r", "c")), i32(g, x)));
        if (extra == Extra.NEXT) g.out(next);
        return g.build();
    }

    private static JvmExecutable compile(Graph g, JvmOptions options) {
        JvmExecutable jvm = JvmBackend.compile(Graphs.planned(g, true), 3, options);
        Graphs.verify(jvm);
        return jvm;
    }

    /** Whether the generated class keeps a state packed (it then overrides {@link Kernel#unpack}). */
    private static boolean kept(JvmExecutable jvm) { return FusedBitsTest.methods(jvm).contains("unpack"); }

    private static void sameState(String what, Executable interp, JvmExecutable jvm) {
        assertEquals(interp.steps(), jvm.steps(), what + ": steps");
        assertBitEqual(what, interp.state("board"), jvm.state("board"));
    }

    /** {@code n} interpreter steps (no inputs). */
    private static Map<String, Tensor> steps(Executable interp, int n) {
        Map<String, Tensor> out = null;
        for (int i = 0; i < n; i++) out = interp.step(Map.of());
        return out;
    }

    /**
     * Hundreds of steps in the generated loop, in runs of several lengths, the state read between runs; single steps
     * whose outputs are the state; {@code outputBuffer} after a run; a reset in the middle and more steps after it.
     */
    @Test void longRunsInTheGeneratedLoopMatchTheInterpreter() {
        for (Attr.Boundary bd : Attr.Boundary.values()) {
            for (int cols : WIDTHS) {
                Graph g = life(7, cols, bd, false, Extra.NONE);
                Interpreter interp = new Interpreter(g, 3);
                JvmExecutable jvm = compile(g, ALWAYS);
                assertTrue(kept(jvm), g.name() + " should keep its board packed: " + FusedBitsTest.methods(jvm));
                sameState(g.name() + " initial", interp, jvm);
                int done = 0;
                for (int run : new int[] {1, 2, 61, 150, 86}) {
                    jvm.run(run);
                    steps(interp, run);
                    done += run;
                    sameState(g.name() + " after " + done + " steps", interp, jvm);
                }
                // single steps through the API: the output is the state before the step
                for (int s = 0; s < 3; s++) {
                    Map<String, Tensor> a = interp.step(Map.of()), b = jvm.step(Map.of());
                    assertBitEqual(g.name() + " step output", a.get("o0"), b.get("o0"));
                }
                // the output buffer after a run in the loop (no step() in between): the current board
                jvm.run(5);
                steps(interp, 5);
                boolean[] buf = (boolean[]) jvm.outputBuffer("o0");
                Tensor want = interp.state("board");
                for (int i = 0; i < buf.length; i++) assertEquals(want.get(i) != 0, buf[i], g.name() + " outputBuffer [" + i + "]");
                interp.reset();
                jvm.reset();
                sameState(g.name() + " reset", interp, jvm);
                jvm.run(120);
                steps(interp, 120);
                sameState(g.name() + " 120 steps after the reset", interp, jvm);
            }
        }
    }

    /**
     * {@code setState} in the middle of a run that kept the board packed: the next step starts from the value set, not
     * from the packed words of the last step (which hold another board). The interpreter reaches the same board
     * through the parameter its initial value is made of.
     */
    @Test void setStateReplacesThePackedBoard() {
        for (Attr.Boundary bd : Attr.Boundary.values()) {
            for (int cols : new int[] {63, 64, 100, 512}) {
                Graph g = life(9, cols, bd, true, Extra.NONE);
                Interpreter interp = new Interpreter(g, 3);
                JvmExecutable jvm = compile(g, ALWAYS);
                assertTrue(kept(jvm), g.name());
                jvm.run(150);
                // a board the run did not produce: a glider and a blinker on a checkered stripe
                Tensor p = Tensor.zeros(t(DType.F32, new Axis("r", 9), new Axis("c", cols)));
                for (int c = 0; c < cols; c++) p.set(4 * cols + c, c % 2);
                int[][] live = {{0, 1}, {1, 2}, {2, 0}, {2, 1}, {2, 2}, {6, 3}, {6, 4}, {6, 5}};
                for (int[] rc : live) if (rc[1] < cols) p.set(rc[0] * cols + rc[1], 1);
                interp.setParam("p", p);
                interp.reset();
                Tensor board = interp.state("board");
                assertFalse(java.util.Arrays.equals((boolean[]) jvm.state("board").data(), (boolean[]) board.data()), g.name());
                jvm.setState("board", board);
                assertBitEqual(g.name() + " state as set", board, jvm.state("board"));
                assertEquals(150, jvm.steps());
                jvm.run(200);
                steps(interp, 200);
                assertBitEqual(g.name() + " 200 steps after setState", interp.state("board"), jvm.state("board"));
                // again right after a run, without reading the state first (its bool buffer stale when set)
                jvm.setState("board", board);
                interp.reset();
                jvm.run(37);
                steps(interp, 37);
                assertBitEqual(g.name() + " 37 steps after a second setState", interp.state("board"), jvm.state("board"));
            }
        }
        JvmExecutable jvm = compile(life(4, 70, Attr.Boundary.WRAP, false, Extra.NONE), ALWAYS);
        assertThrows(JvmRunException.class, () -> jvm.setState("boards", jvm.state("board")));
        assertThrows(JvmRunException.class, () -> jvm.setState("board", Tensor.zeros(t(DType.BOOL, new Axis("r", 4), new Axis("c", 71)))));
    }

    /**
     * {@code bit-sliced=auto} keeps a state packed at any width; where the state or its next value is read by
     * something else the loop unpacks every step, and auto leaves wide rows to the byte lanes; all agree with the
     * interpreter.
     */
    @Test void autoKeepsABoardPackedOnlyWhereNothingElseReadsIt() {
        int lanes = AotSupport.vectorLanes();
        for (int cols : new int[] {64, 512}) {
            Graph life = life(6, cols, Attr.Boundary.WRAP, false, Extra.NONE);
            JvmExecutable a = Graphs.same(life, 40, AUTO, false);
            assertTrue(kept(a), life.name() + ": " + FusedBitsTest.methods(a));
            for (Extra extra : new Extra[] {Extra.POPULATION, Extra.NEXT}) {
                Graph g = life(6, cols, Attr.Boundary.WRAP, false, extra);
                JvmExecutable auto = Graphs.same(g, 40, AUTO, false);
                assertFalse(kept(auto), g.name() + ": " + FusedBitsTest.methods(auto));
                boolean bits = FusedBitsTest.methods(auto).stream().anyMatch(m -> m.contains("_bits"));
                assertEquals(lanes == 0 || cols < 2 * lanes, bits, g.name() + " lanes " + lanes + ": " + FusedBitsTest.methods(auto));
                JvmExecutable always = Graphs.same(g, 40, ALWAYS, false);
                assertFalse(kept(always), g.name());
            }
        }
        JvmExecutable off = Graphs.same(life(6, 512, Attr.Boundary.WRAP, false, Extra.NONE), 10,
                JvmOptions.defaults().withBits(JvmOptions.BitSliced.NEVER), false);
        assertFalse(kept(off));
        assertTrue(FusedBitsTest.methods(off).stream().noneMatch(m -> m.contains("_bits")), FusedBitsTest.methods(off).toString());
    }

    /**
     * An ahead-of-time jar's {@code Circuit} (loaded from the jar in a class loader of its own, as an embedding program
     * would) over a kept board: its state reads unpack, {@code setState} and {@code reset} put the board back.
     */
    @Test void aJarsCircuitReadsAndSetsAKeptBoard() throws Exception {
        Graph g = Graphs.planned(AotJarTest.wideLife(), true);
        JvmOptions options = JvmOptions.defaults();
        JvmExecutable jit = JvmBackend.compile(g, 3, options);
        assertTrue(kept(jit), FusedBitsTest.methods(jit).toString());
        jit.run(50);
        boolean[] at50 = (boolean[]) jit.state("board").data();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("packed-state", ".jar");
        try {
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
                AotJar.build(g, 3, options).write(out);
            }
            try (java.net.URLClassLoader l = new java.net.URLClassLoader(new java.net.URL[] {file.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
                Class<?> cc = l.loadClass("ncd.aot.Circuit"), tc = l.loadClass("ncd.runtime.Tensor");
                java.lang.reflect.Method run = cc.getMethod("run", long.class), state = cc.getMethod("state", String.class),
                        setState = cc.getMethod("setState", String.class, tc), reset = cc.getMethod("reset"), data = tc.getMethod("data");
                Object c = cc.getMethod("load").invoke(null);
                Object start = state.invoke(c, "board");
                run.invoke(c, 50L);
                assertArrayEquals(at50, (boolean[]) data.invoke(state.invoke(c, "board")), "the jar after 50 steps");
                run.invoke(c, 100L);
                boolean[] at150 = (boolean[]) data.invoke(state.invoke(c, "board"));
                assertFalse(java.util.Arrays.equals(at50, at150) && java.util.Arrays.equals((boolean[]) data.invoke(start), at150),
                        "the board should have moved");
                setState.invoke(c, "board", start);
                run.invoke(c, 50L);
                assertArrayEquals(at50, (boolean[]) data.invoke(state.invoke(c, "board")), "50 steps after setState to the start");
                reset.invoke(c);
                run.invoke(c, 50L);
                assertArrayEquals(at50, (boolean[]) data.invoke(state.invoke(c, "board")), "50 steps after reset");
            }
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    /** Reading the state mid-run leaves the packed words as they are: the same run with and without reads agrees. */
    @Test void readingMidRunDoesNotDisturbTheRun() {
        Graph g = life(33, 200, Attr.Boundary.ZERO, false, Extra.NONE);
        JvmExecutable quiet = compile(g, ALWAYS), read = compile(g, ALWAYS);
        assertTrue(kept(quiet));
        quiet.run(400);
        for (int i = 0; i < 400; i++) {
            if (i % 7 == 0) read.step(Map.of());
            else read.run(1);
            if (i % 3 == 0) read.state();
        }
        assertArrayEquals((boolean[]) quiet.state("board").data(), (boolean[]) read.state("board").data());
    }
}
