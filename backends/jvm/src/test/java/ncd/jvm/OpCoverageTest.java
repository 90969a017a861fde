package ncd.jvm;

import ncd.interp.Interpreter;
import ncd.interp.InterpreterException;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.OpSpecs;
import ncd.ir.TensorType;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static ncd.jvm.Graphs.G;
import static ncd.jvm.Graphs.K;
import static ncd.jvm.Graphs.M;
import static ncd.jvm.Graphs.N;
import static ncd.jvm.Graphs.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every op, function and dtype on hand-built graphs, against the interpreter, bit for bit, on inputs salted with NaN,
 * infinities, -0, huge floats and the extreme ints; every generated class also passes ASM's CheckClassAdapter.
 * The f32 transcendental functions are bit for bit on the exact scalar path and within 2 ulp on the vector math.
 * Matrix products forced onto the sgemm kernel are compared within a tolerance instead (float accumulation).
 */
class OpCoverageTest {
    private static final List<DType> FLOATS = List.of(DType.F32, DType.F64);
    private static final Set<Op> COVERED = java.util.Collections.synchronizedSet(EnumSet.noneOf(Op.class));
    /** The f32 functions that run on the JVM's vector math when a loop runs on float lanes ({@link VecF}). */
    private static final Set<Attr.UnaryFn> VECTOR_MATH = EnumSet.of(Attr.UnaryFn.EXP, Attr.UnaryFn.LOG, Attr.UnaryFn.TANH,
            Attr.UnaryFn.SIN, Attr.UnaryFn.COS, Attr.UnaryFn.SIGMOID);

    private void run(Graph g) {
        for (Node n : g.nodes()) COVERED.add(n.op());
        Graphs.same(g, 2);
    }

    @TestFactory Stream<DynamicTest> unaryFunctions() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Attr.UnaryFn fn : Attr.UnaryFn.values()) {
            List<DType> dts = fn == Attr.UnaryFn.NOT ? List.of(DType.BOOL)
                    : OpSpecs.acceptsInt(fn) ? List.of(DType.F32, DType.F64, DType.I32) : FLOATS;
            for (DType d : dts) {
                tests.add(DynamicTest.dynamicTest(fn.word() + " " + d.word(), () -> {
                    G g = new G("unary");
                    Node x = g.input("x", t(d, N, M));
                    if (fn == Attr.UnaryFn.POW_CONST) {
                        for (double e : new double[] {2, 3, 0.5, -1, 0}) g.out(g.add(Op.UNARY, new Attr.Unary(fn, e), x));
                    } else {
                        g.out(g.unary(fn, x));
                    }
                    Graph graph = g.build();
                    if (d == DType.F32 && VECTOR_MATH.contains(fn)) {
                        // On float lanes these use the JVM's vector math (docs/jvm.md): within 2 ulp, and only where a
                        // row holds a whole vector, which depends on the CPU's lane count (8 with AVX2, 16 with
                        // AVX-512). Bit for bit on the exact scalar path, on every CPU.
                        for (Node n : graph.nodes()) COVERED.add(n.op());
                        Graphs.same(graph, 2, ncd.jvm.JvmOptions.defaults().withExactMath(true));
                        Graphs.close(graph, 2, ncd.jvm.JvmOptions.defaults(), 2);
                    } else {
                        run(graph);
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory Stream<DynamicTest> binaryFunctions() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Attr.BinaryFn fn : Attr.BinaryFn.values()) {
            List<DType> dts = fn.isLogical() ? List.of(DType.BOOL)
                    : fn == Attr.BinaryFn.EQ || fn == Attr.BinaryFn.NE ? List.of(DType.F32, DType.F64, DType.I32, DType.BOOL)
                    : fn == Attr.BinaryFn.ATAN2 ? List.of(DType.F32, DType.F64)
                    : List.of(DType.F32, DType.F64, DType.I32);
            for (DType d : dts) {
                tests.add(DynamicTest.dynamicTest(fn.word() + " " + d.word(), () -> {
                    G g = new G("binary");
                    Node x = g.input("x", t(d, N, M)), y = g.input("y", t(d, M)), z = g.input("z", t(d, M, N));
                    g.out(g.binary(fn, x, y)).out(g.binary(fn, y, x)).out(g.binary(fn, x, z)).out(g.binary(fn, x, x));
                    run(g.build());
                }));
            }
        }
        return tests.stream();
    }

    @Test void whereBroadcastsAllThree() {
        for (DType d : List.of(DType.F32, DType.I32, DType.BOOL, DType.F64)) {
            G g = new G("where");
            Node c = g.input("c", t(DType.BOOL, N)), a = g.input("a", t(d, N, M)), b = g.input("b", t(d, M));
            g.out(g.add(Op.WHERE, new Attr.None(), c, a, b)).out(g.add(Op.WHERE, new Attr.None(), g.input("c2", t(DType.BOOL, M, N)), b, a));
            run(g.build());
        }
    }

    @Test void castsBetweenAllDtypes() {
        for (DType from : DType.values()) {
            G g = new G("cast");
            Node x = g.input("x", t(from, N, M));
            for (DType to : DType.values()) g.out(g.add(Op.CAST, new Attr.Cast(to), x));
            run(g.build());
        }
    }

    @Test void expandAndTranspose() {
        G g = new G("expand");
        Node x = g.input("x", t(DType.F32, N, K)), y = g.input("y", t(DType.BOOL, M));
        g.out(g.add(Op.EXPAND, new Attr.None(), t(DType.F32, M, N, K), x));
        g.out(g.add(Op.EXPAND, new Attr.None(), t(DType.F32, K, M, N), x));
        g.out(g.add(Op.EXPAND, new Attr.None(), t(DType.BOOL, N, M), y));
        Node z = g.input("z", t(DType.I32, N, M, K));
        g.out(g.add(Op.TRANSPOSE, new Attr.None(), t(DType.I32, K, N, M), z));
        g.out(g.add(Op.TRANSPOSE, new Attr.None(), t(DType.I32, N, K, M), z));
        run(g.build());
    }

    @Test void reductions() {
        for (DType d : DType.values()) {
            G g = new G("reduce");
            Node x = g.input("x", t(d, N, M, K));
            List<Attr.ReduceFn> fns = d == DType.BOOL ? List.of(Attr.ReduceFn.ANY, Attr.ReduceFn.ALL)
                    : d == DType.I32 ? List.of(Attr.ReduceFn.SUM, Attr.ReduceFn.MAX, Attr.ReduceFn.MIN, Attr.ReduceFn.PROD)
                    : List.of(Attr.ReduceFn.SUM, Attr.ReduceFn.MEAN, Attr.ReduceFn.MAX, Attr.ReduceFn.MIN, Attr.ReduceFn.PROD);
            for (Attr.ReduceFn fn : fns) {
                for (List<String> axes : List.of(List.of("m"), List.of("n", "k"), List.of("k", "n"), List.of("n", "m", "k"))) {
                    g.out(g.add(Op.REDUCE, new Attr.Reduce(fn, axes), x));
                }
            }
            if (d != DType.BOOL) {
                Axis one = new Axis("one", 1);
                Node y = g.input("y", t(d, N, one));
                for (Attr.ReduceFn fn : List.of(Attr.ReduceFn.ARGMAX, Attr.ReduceFn.ARGMIN)) {
                    g.out(g.add(Op.ARG_REDUCE, new Attr.ArgReduce(fn, "m"), x)).out(g.add(Op.ARG_REDUCE, new Attr.ArgReduce(fn, "n"), x));
                    g.out(g.add(Op.ARG_REDUCE, new Attr.ArgReduce(fn, "one"), y));
                }
            }
            run(g.build());
        }
    }

    @Test void integerReductionsWrap() {
        G g = new G("wrap");
        Node x = g.input("x", t(DType.I32, N, M, K));
        Node big = g.binary(Attr.BinaryFn.MUL, x, g.constant(t(DType.I32), 123_456_789));
        for (Attr.ReduceFn fn : List.of(Attr.ReduceFn.SUM, Attr.ReduceFn.PROD, Attr.ReduceFn.MAX, Attr.ReduceFn.MIN)) {
            g.out(g.add(Op.REDUCE, new Attr.Reduce(fn, List.of("n", "m", "k")), big)).out(g.add(Op.REDUCE, new Attr.Reduce(fn, List.of("k")), big));
        }
        run(g.build());
    }

    @Test void contractionsAsLoops() {
        for (DType d : List.of(DType.F32, DType.F64, DType.I32)) {
            G g = new G("contract");
            Node a = g.input("a", t(d, N, K)), b = g.input("b", t(d, K, M)), c = g.input("c", t(d, M, N, K)), v = g.input("v", t(d, K));
            g.out(g.add(Op.CONTRACT, new Attr.Contract(List.of("k")), a, b));
            g.out(g.add(Op.CONTRACT, new Attr.Contract(List.of("k")), c, a));               // n is a batch axis
            g.out(g.add(Op.CONTRACT, new Attr.Contract(List.of("n", "k")), a, c));          // two summed axes
            g.out(g.add(Op.CONTRACT, new Attr.Contract(List.of("k", "n")), a, c));          // listed against a's order
            g.out(g.add(Op.CONTRACT, new Attr.Contract(List.of()), v, g.input("w", t(d, M)))); // outer product
            g.out(g.add(Op.CONTRACT, new Attr.Contract(List.of("k")), v, v));               // dot product
            run(g.build());
        }
    }

    @Test void movesOfData() {
        Axis n2 = new Axis("n2", 3), nm = new Axis("nm", 12), s = new Axis("s", 2), c = new Axis("c", 8), r = new Axis("r", 9);
        Axis w3 = new Axis("w3", 3), w4 = new Axis("w4", 4), w2 = new Axis("w2", 2);
        for (DType d : List.of(DType.F32, DType.BOOL, DType.I32, DType.F64)) {
            G g = new G("moves");
            Node x = g.input("x", t(d, N, M));
            g.out(g.add(Op.RENAME, new Attr.Rename(Map.of("n", n2)), x));
            g.out(g.add(Op.SPLIT, new Attr.Split("m", List.of(s, new Axis("h", 2))), x));
            g.out(g.add(Op.MERGE, new Attr.Merge(List.of("n", "m"), nm), x));
            g.out(g.add(Op.MERGE, new Attr.Merge(List.of("m", "n"), nm), x));
            g.out(g.add(Op.SLICE, new Attr.Slice("m", 1, 3, s), x));
            g.out(g.add(Op.SELECT, new Attr.Select("n", 2), x));
            for (int k : new int[] {-5, -1, 0, 2, 7}) g.out(g.add(Op.ROLL, new Attr.Roll("m", k), x)).out(g.add(Op.ROLL, new Attr.Roll("n", k), x));
            for (int k : new int[] {-9, -2, 0, 1, 3, 9}) g.out(g.add(Op.SHIFT, new Attr.Shift("m", k, 0.5), x)).out(g.add(Op.SHIFT, new Attr.Shift("n", k, 0), x));
            for (Attr.Boundary bd : Attr.Boundary.values()) {
                g.out(g.add(Op.WINDOW, new Attr.Window(List.of(new Attr.WindowDim("m", w3)), bd), x));
                g.out(g.add(Op.WINDOW, new Attr.Window(List.of(new Attr.WindowDim("m", w4)), bd), x));
                g.out(g.add(Op.WINDOW, new Attr.Window(List.of(new Attr.WindowDim("n", w3), new Attr.WindowDim("m", w2)), bd), x));
            }
            Node y = g.input("y", t(d, M, K)), z = g.input("z", t(d, new Axis("q", 1), M));
            g.out(g.add(Op.CONCAT, new Attr.Concat(List.of("n", "n2", "q"), new Axis("cat", 7)), x, g.input("x2", t(d, M, n2)), z));
            g.out(g.add(Op.CONCAT, new Attr.Concat(List.of("n", "kk"), c), x, g.add(Op.SLICE, new Attr.Slice("k", 0, 5, new Axis("kk", 5)), y)));
            g.out(g.add(Op.REPEAT, new Attr.Repeat("n", r), x));
            g.out(g.add(Op.REPEAT, new Attr.Repeat("m", c), x));
            run(g.build());
        }
    }

    @Test void aWindowTooIrregularForBoxesUsesAnIndexMap() {
        Axis r = new Axis("r", 12), c = new Axis("c", 12), dr = new Axis("dr", 9), dc = new Axis("dc", 8);
        for (Attr.Boundary bd : Attr.Boundary.values()) {
            G g = new G("bigwindow");
            Node x = g.input("x", t(DType.F32, r, c));
            g.out(g.add(Op.WINDOW, new Attr.Window(List.of(new Attr.WindowDim("r", dr), new Attr.WindowDim("c", dc)), bd), x));
            Graph graph = g.build();
            assertTrue(Moves.pieces(graph.nodes().get(1)) == null, "more than " + Moves.MAX_PIECES + " boxes");
            run(graph);
        }
    }

    @Test void onehotGatherIotaConst() {
        Axis v = new Axis("v", 4);
        G g = new G("lookup");
        Node idx = g.input("i", t(DType.I32, N, M));
        g.out(g.add(Op.ONEHOT, new Attr.OneHot(v), idx));
        Node table = g.input("table", t(DType.F32, K, v));
        Node safe = g.binary(Attr.BinaryFn.MOD, idx, g.constant(t(DType.I32), 4));
        g.out(g.add(Op.GATHER, new Attr.AxisRef("v"), table, safe));
        g.out(g.add(Op.GATHER, new Attr.AxisRef("v"), g.input("t2", t(DType.BOOL, v)), safe));
        g.out(g.add(Op.IOTA, new Attr.AxisRef("m"), t(DType.I32, M)));
        for (DType d : DType.values()) for (double c : new double[] {0, -2.5, 1e10, Double.NaN}) g.out(g.constant(t(d, N), c));
        run(g.build());
    }

    @Test void argsortAndGatherWithBatchAxes() {
        Axis v = new Axis("v", 4);
        for (DType d : List.of(DType.F32, DType.F64, DType.I32)) {
            for (boolean desc : new boolean[] {false, true}) {
                G g = new G("sorts");
                Node x = g.input("x", t(d, M, N));
                Node byN = g.add(Op.ARGSORT, new Attr.ArgSort("n", desc), x);
                g.out(byN).out(g.add(Op.ARGSORT, new Attr.ArgSort("m", desc), x));
                // take-along: the indices have the gathered axis itself (sort) and the batch axis m
                g.out(g.add(Op.GATHER, new Attr.AxisRef("n"), x, byN));
                run(g.build());
            }
        }
        G g = new G("batched");
        Node table = g.input("table", t(DType.F32, K, v, M));
        Node safe = g.binary(Attr.BinaryFn.MOD, g.input("i", t(DType.I32, M, N)), g.constant(t(DType.I32), 4));
        g.out(g.add(Op.GATHER, new Attr.AxisRef("v"), table, safe));
        run(g.build());
    }

    @Test void aGatherIndexOutOfRangeFailsAsInTheInterpreter() {
        Axis v = new Axis("v", 4);
        G g = new G("gather");
        Node idx = g.input("i", t(DType.I32, N));
        g.out(g.add(Op.GATHER, new Attr.AxisRef("v"), g.input("table", t(DType.F32, v, M)), idx));
        Graph graph = g.build();
        COVERED.add(Op.GATHER);
        Map<String, Tensor> in = Map.of("i", Tensor.of(t(DType.I32, N), new int[] {0, 7, 1}), "table", Tensor.zeros(t(DType.F32, new Axis("v", 4), M)));
        InterpreterException a = assertThrows(InterpreterException.class, () -> new Interpreter(graph, 0).step(in));
        JvmRunException b = assertThrows(JvmRunException.class, () -> Graphs.compile(graph, 0, JvmOptions.defaults()).step(in));
        assertEquals(a.getMessage(), b.getMessage());
    }

    /**
     * SYNAPSES: every rule and storage (the distance rule on grids of different sizes, with and without wrap; a list
     * of pairs, which reaches the generated code as int buffers), on bool spikes, f32 and f64 values (salted: NaN, infinities, -0 count as
     * events as any nonzero does): bit for bit, as both run ncd.runtime.Synapses.
     */
    @Test void synapsesAsTheInterpreter() {
        Axis pre = new Axis("pre", 40), post = new Axis("post", 40);
        for (DType d : List.of(DType.BOOL, DType.F32, DType.F64)) {
            G g = new G("synapses");
            Node x = g.input("x", t(d, pre));
            long seed = 1;
            for (Attr.SynStorage st : Attr.SynStorage.values()) {
                g.out(g.add(Op.SYNAPSES, new Attr.Synapses("pre", post, Attr.SynRule.PROBABILITY, 0.2, 0, seed++, st), x));
                g.out(g.add(Op.SYNAPSES, new Attr.Synapses("pre", post, Attr.SynRule.OUT_DEGREE, 0, 7, seed++, st), x));
                g.out(g.add(Op.SYNAPSES, new Attr.Synapses("pre", post, Attr.SynRule.ONE_TO_ONE, 0, 0, seed++, st), x));
                g.out(g.add(Op.SYNAPSES, new Attr.Synapses("pre", post, Attr.SynRule.DISTANCE, 0.7, 0, seed++, st,
                        new ncd.ir.SynapseData.Grid(List.of(8, 5), List.of(4, 10), 1.5, st == Attr.SynStorage.CSR)), x));
                if (st != Attr.SynStorage.PROCEDURAL) {
                    g.out(g.add(Op.SYNAPSES, new Attr.Synapses("pre", post, Attr.SynRule.IN_DEGREE, 0, 5, seed++, st), x));
                    // a list of pairs (the repeated pair (39, 0) only where it may be stored: not as bits)
                    boolean repeat = st != Attr.SynStorage.DENSE;
                    int[] from = repeat ? new int[] {39, 0, 7, 39, 7, 12} : new int[] {39, 0, 7, 7, 12};
                    int[] to = repeat ? new int[] {0, 39, 3, 0, 4, 12} : new int[] {0, 39, 3, 4, 12};
                    g.out(g.add(Op.SYNAPSES, new Attr.Synapses("pre", post, Attr.SynRule.PAIRS, 0, 0, 0, st,
                            ncd.ir.SynapseData.Pairs.of("conn.npy", from, to)), x));
                }
            }
            run(g.build());
        }
    }

    /**
     * DELAY: delay lines of bool, f32 and f64 values, synaptic delays (homogeneous and per synapse) over every storage on
     * bool spikes, f32 and f64 values (salted); bit for bit with the interpreter's definition over 40 steps and a reset.
     * The rings advance in place (the state's own array, nothing swapped), except one whose value is also an output,
     * which the JVM backend must copy before writing.
     */
    @Test void delaysAsTheInterpreter() throws Exception {
        Axis pre = new Axis("pre", 40), post = new Axis("post", 30);
        for (DType d : List.of(DType.BOOL, DType.F32, DType.F64)) {
            G g = new G("delays");
            Node x = g.input("x", t(d, pre));
            List<Attr.Delay> delays = new ArrayList<>();
            delays.add(new Attr.Delay(new Axis("line_lag", 4), 3, 3, 0, null));
            long seed = 1;
            for (Attr.SynStorage st : Attr.SynStorage.values()) {
                delays.add(new Attr.Delay(new Axis("lag" + seed, 8), 7, 7, seed, new Attr.Synapses("pre", post, Attr.SynRule.PROBABILITY, 0.2, 0, seed++, st)));
                delays.add(new Attr.Delay(new Axis("lag" + seed, 13), 0, 12, seed, new Attr.Synapses("pre", post, Attr.SynRule.OUT_DEGREE, 0, 7, seed++, st)));
            }
            List<String> inPlace = new ArrayList<>();
            for (int k = 0; k < delays.size(); k++) {
                Attr.Delay a = delays.get(k);
                TensorType ring = ncd.ir.DelaySpec.ringType(a, ncd.ir.DelaySpec.arrival(a, x.type())), head = t(DType.I32);
                Node r = g.stateRead("ring" + k, ring), h = g.stateRead("head" + k, head);
                Node next = g.add(Op.DELAY, a, r, h, x);
                g.state("ring" + k, ring, g.constant(ring, 0), next);
                g.state("head" + k, head, g.constant(head, 0), g.binary(Attr.BinaryFn.MOD, g.binary(Attr.BinaryFn.ADD, h, g.constant(head, 1)),
                        g.constant(head, a.lag().size())));
                g.out(g.add(Op.GATHER, new Attr.AxisRef(a.lag().name()), next, h));
                if (k == 1) g.out(r);   // read by an output too: not in place
                else inPlace.add("ring" + k);
            }
            Graph graph = g.build();
            COVERED.add(Op.DELAY);
            Graphs.same(graph, 40);
            Plan plan = new Plan(Graphs.scheduled(graph, true), 0, JvmOptions.defaults());
            List<String> shared = plan.states.stream().filter(sp -> sp.next() == sp.slot()).map(sp -> sp.state().name()).toList();
            assertEquals(inPlace, shared, d + ": the rings written in place");
        }
    }

    /**
     * FFT: each kind along a middle axis and a last one (with batch axes on both sides), at lengths that take the
     * radix-4, radix-2, general-radix and Bluestein paths of ncd.runtime.Fft; within the op table's tolerance of the
     * interpreter's definition (Graphs.same), irfft also with fewer and more frequencies than n/2 + 1.
     */
    @Test void fourierTransformsAsTheInterpreter() {
        for (int n : new int[] {1, 2, 6, 16, 24, 97}) {
            Axis x = new Axis("x", n), f = new Axis("f", n / 2 + 1), few = new Axis("w", Math.max(1, n / 2 - 1)), s = new Axis("s", n);
            G g = new G("fft");
            Node z = g.input("z", ncd.ir.Complex.of(t(DType.F32, N, x, M))), u = g.input("u", t(DType.F32, x, N));
            Node zf = g.input("zf", ncd.ir.Complex.of(t(DType.F32, N, few)));
            g.out(g.add(Op.FFT, new Attr.Fft(Attr.FftKind.FFT, "x", null), z)).out(g.add(Op.FFT, new Attr.Fft(Attr.FftKind.IFFT, "x", null), z));
            g.out(g.add(Op.FFT, new Attr.Fft(Attr.FftKind.FFT, "m", null), z));
            Node r = g.add(Op.FFT, new Attr.Fft(Attr.FftKind.RFFT, "x", f), u);
            g.out(r).out(g.add(Op.FFT, new Attr.Fft(Attr.FftKind.IRFFT, "f", s), r));
            g.out(g.add(Op.FFT, new Attr.Fft(Attr.FftKind.IRFFT, "w", s), zf)).out(g.add(Op.FFT, new Attr.Fft(Attr.FftKind.IRFFT, "x", s), z));
            Graph graph = g.build();
            COVERED.add(Op.FFT);
            // finite inputs (Graphs.inputs mixes in NaN and infinities, whose spread over a line depends on the
            // algorithm: a definition sum multiplies every term, a butterfly skips some), compared within the op's
            // tolerance: 4 ulps of the largest magnitude of each output
            Map<String, ncd.runtime.Tensor> in = new java.util.LinkedHashMap<>();
            java.util.Random rnd = new java.util.Random(n);
            for (Node i : graph.inputs()) {
                ncd.runtime.Tensor v = ncd.runtime.Tensor.zeros(i.type());
                for (int k = 0; k < v.size(); k++) v.set(k, rnd.nextGaussian());
                in.put(((Attr.Named) i.attr()).name(), v);
            }
            Map<String, ncd.runtime.Tensor> want = new Interpreter(graph, 0).step(in), got = Graphs.compile(graph, 0, JvmOptions.defaults()).step(in);
            for (String o : want.keySet()) {
                ncd.runtime.Tensor w = want.get(o), v = got.get(o);
                double max = 0;
                for (int k = 0; k < w.size(); k++) max = Math.max(max, Math.abs(w.get(k)));
                for (int k = 0; k < w.size(); k++) {
                    assertEquals(w.get(k), v.get(k), 4 * Math.ulp(1.0f) * max + 1e-30, "fft n = " + n + " " + o + " at " + k);
                }
            }
        }
    }

    /**
     * LINALG: every function, f32 and f64, a batch axis on A and another on b, the matrix's axes in either order, on
     * symmetric positive definite matrices (M M^T + 4 I, so every function is defined): bit for bit, as both run
     * ncd.runtime.Linalg. A singular matrix fails with the interpreter's message.
     */
    @Test void linearAlgebraAsTheInterpreter() {
        Axis r = new Axis("r", 4), c = new Axis("c", 4), e = new Axis("e", 4);
        java.util.Random rnd = new java.util.Random(7);
        for (DType d : FLOATS) {
            G g = new G("linalg");
            Node a = g.input("a", t(d, K, r, c)), b = g.input("b", t(d, r, N));
            for (Attr.LinalgFn fn : Attr.LinalgFn.values()) {
                boolean eigh = fn == Attr.LinalgFn.EIGH_VALUES || fn == Attr.LinalgFn.EIGH_VECTORS;
                Attr.Linalg l = new Attr.Linalg(fn, "r", "c", eigh ? e : null), lt = new Attr.Linalg(fn, "c", "r", eigh ? e : null);
                g.out(fn == Attr.LinalgFn.SOLVE ? g.add(Op.LINALG, l, a, b) : g.add(Op.LINALG, l, a));
                if (fn != Attr.LinalgFn.SOLVE) g.out(g.add(Op.LINALG, lt, a));
            }
            Graph graph = g.build();
            COVERED.add(Op.LINALG);
            double[] av = new double[K.size() * 16], bv = new double[4 * N.size()];
            for (int k = 0; k < K.size(); k++) {
                double[] m = new double[16];
                for (int i = 0; i < 16; i++) m[i] = rnd.nextGaussian();
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) {
                        double s = i == j ? 4 : 0;
                        for (int q = 0; q < 4; q++) s += m[i * 4 + q] * m[j * 4 + q];
                        av[k * 16 + i * 4 + j] = s;
                    }
                }
            }
            for (int i = 0; i < bv.length; i++) bv[i] = rnd.nextGaussian();
            Map<String, Tensor> in = Map.of("a", cast(Tensor.of(t(DType.F64, K, r, c), av), d), "b", cast(Tensor.of(t(DType.F64, r, N), bv), d));
            Map<String, Tensor> want = new Interpreter(graph, 0).step(in), got = Graphs.compile(graph, 0, JvmOptions.defaults()).step(in);
            for (String o : want.keySet()) {
                for (int i = 0; i < want.get(o).size(); i++) {
                    assertEquals(Double.doubleToLongBits(want.get(o).get(i)), Double.doubleToLongBits(got.get(o).get(i)), d.word() + " " + o + " at " + i);
                }
            }
            Map<String, Tensor> singular = Map.of("a", Tensor.zeros(t(d, K, r, c)), "b", in.get("b"));
            InterpreterException x = assertThrows(InterpreterException.class, () -> new Interpreter(graph, 0).step(singular));
            JvmRunException y = assertThrows(JvmRunException.class, () -> Graphs.compile(graph, 0, JvmOptions.defaults()).step(singular));
            assertEquals(x.getMessage(), y.getMessage());
            assertTrue(x.getMessage().contains("in circuit linalg") && x.getMessage().contains("singular"), x.getMessage());
        }
    }

    private static Tensor cast(Tensor t, DType d) {
        if (d == DType.F64) return t;
        float[] f = new float[t.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) t.get(i);
        return Tensor.of(new TensorType(DType.F32, t.type().axes(), t.type().unit()), f);
    }

    @Test void randomSourcesInitParamsAndState() {
        TensorType f = t(DType.F32, N, M);
        G g = new G("random");
        Node lo = g.input("lo", t(DType.F32, M)), hi = g.constant(t(DType.F32), 10);
        Node u = g.add(Op.RANDOM, new Attr.Random(Attr.Dist.UNIFORM, 3), f, lo, hi);
        Node nrm = g.add(Op.RANDOM, new Attr.Random(Attr.Dist.NORMAL, 4), t(DType.F64, M, N), g.constant(t(DType.F64), 1), g.constant(t(DType.F64, N), 2));
        Node bern = g.add(Op.RANDOM, new Attr.Random(Attr.Dist.BERNOULLI, 5), t(DType.BOOL, N, M), g.constant(t(DType.F32), 0.3));
        g.out(u).out(nrm).out(bern);
        // states: one swapping buffers with its next value, two feeding each other, one constant, one holding still,
        // two sharing a next value, one initialised from random numbers and parameters
        Node s1 = g.stateRead("s1", f), a = g.stateRead("a", f), b = g.stateRead("b", f), c = g.stateRead("c", f), h = g.stateRead("h", f);
        Node p = g.stateRead("p", f), q = g.stateRead("q", f);
        Node init = g.add(Op.RANDOM, new Attr.Random(Attr.Dist.NORMAL, 6), f, g.constant(t(DType.F32), 0), g.constant(t(DType.F32), 1));
        Node zero = g.constant(f, 0);
        Node w = g.param("w", f, Attr.InitKind.GLOROT);
        g.state("s1", f, init, g.binary(Attr.BinaryFn.ADD, s1, u));
        g.state("a", f, w, b);
        g.state("b", f, zero, a);
        g.state("c", f, init, zero);
        g.state("h", f, init, h);
        Node shared = g.binary(Attr.BinaryFn.MUL, p, g.constant(t(DType.F32), 0.5));
        g.state("p", f, init, shared);
        g.state("q", f, w, shared);
        g.out(g.binary(Attr.BinaryFn.ADD, g.binary(Attr.BinaryFn.ADD, s1, a), g.binary(Attr.BinaryFn.ADD, c, q)));
        for (Attr.InitKind kind : Attr.InitKind.values()) {
            List<Double> args = switch (kind) { case CONST -> List.of(2.5); case NORMAL, UNIFORM -> List.of(-1.0, 2.0); default -> List.of(); };
            TensorType pt = t(DType.F32, M, N, K);
            g.out(g.add(Op.PARAM, new Attr.Param("p_" + kind, new Attr.Init(kind, args), kind == Attr.InitKind.NORMAL ? new Attr.Bound(true, 0) : null), pt));
        }
        g.out(g.add(Op.PARAM, new Attr.Param("scalar", new Attr.Init(Attr.InitKind.HE, List.of()), new Attr.Bound(false, 0.1)), t(DType.F64)));
        Graph graph = g.build();
        for (Node n : graph.nodes()) COVERED.add(n.op());
        JvmExecutable jvm = Graphs.same(graph, 5);
        Plan plan = new Plan(Graphs.planned(graph, true), 0, JvmOptions.defaults());
        assertEquals(List.of(true, false, false, false, false, false, false), plan.states.stream().map(sp -> sp.pending() < 0).toList(),
                "s1 swaps buffers with its next value; the others copy (state reads, a constant, a shared next value)");
        jvm.run(3);
        assertEquals(3, jvm.steps());
    }

    @AfterAll static void everyOpIsCovered() {
        Set<Op> missing = EnumSet.allOf(Op.class);
        missing.removeAll(COVERED);
        assertTrue(missing.isEmpty(), "ops no test runs: " + missing);
    }
}
