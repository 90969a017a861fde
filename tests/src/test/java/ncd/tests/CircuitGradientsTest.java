package ncd.tests;

import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.diag.SourceSpan;
import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.interp.Interpreter;
import ncd.passes.autodiff.Autodiff;
import ncd.passes.autodiff.Unroll;
import ncd.runtime.RandomInputs;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Whole circuits from the stdlib and the examples, lowered by the frontend: the gradient of a sum-of-squares loss in
 * every parameter and in the input, against finite differences (on an f64 copy of the graph, so that the difference
 * quotient is accurate), and the gradient graph run on the JVM backend against the interpreter, in the circuit's
 * own f32 and in f64. A recurrent cell, unrolled ({@link Unroll}), is differentiated through time.
 */
class CircuitGradientsTest {
    private static final long SEED = 3;

    static final String MLP = """
            import std.nn.{MLP, LayerNorm, Linear}
            import std.act.{softmax, gelu}

            axis batch = 4, feature = 5, hidden = 7, label = 3

            circuit Net(x: f32[batch, feature]) -> f32[batch, label] {
              return MLP<feature, hidden, label>(x)
            }

            circuit NormedNet(x: f32[batch, feature]) -> f32[batch, label] {
              let h = LayerNorm<feature>(x)
              let z = Linear<feature, hidden>(h)
              return softmax<label>(Linear<hidden, label>(gelu(z)))
            }
            """;

    /**
     * Top-2 mixture-of-experts routing: topk's values (through argsort and a gather), a gather with a batch axis, a
     * scatter_add back onto the experts and a sort, each carrying gradient to the parameters and the input.
     */
    static final String ROUTING = """
            axis tok = 4, d = 5, h = 3, expert = 6, choice = 2

            circuit Moe(x: f32[tok, d]) -> f32[tok, h] {
              param Wg: f32[expert, d] ~ glorot
              param We: f32[expert, h, d] ~ glorot
              param v: f32[d] ~ glorot
              let (top, ids) = topk[expert -> choice, k = 2](Wg @[d] x)
              let e = exp(top - max[choice](top))
              let w = e / sum[choice](e)
              let y = We @[d] x
              let dense = scatter_add[choice -> expert](w, ids)
              return sum[choice](w * gather[expert](y, ids)) + dense @[expert] y + expand[h](sort[d, descending](x) @[d] v)
            }
            """;

    /** The circuits: (file, {@code null} for {@link #MLP} or "routing" for {@link #ROUTING}; circuit). */
    private static final String[][] CIRCUITS = {{null, "Net"}, {null, "NormedNet"}, {"examples/attention.ncd", "Head"}, {"routing", "Moe"}};

    static Graph lowered(String file, String circuit) throws Exception {
        Compiled prog = file == null ? Ncd.compile(Repo.root().resolve("tests/inline/grad_mlp.ncd"), MLP)
                : file.equals("routing") ? Ncd.compile(Repo.root().resolve("tests/inline/grad_routing.ncd"), ROUTING) : Ncd.compile(Repo.root().resolve(file));
        return prog.graph(circuit, Map.of());
    }

    @TestFactory
    Stream<DynamicTest> theGradientOfASquaredErrorMatchesFiniteDifferences() {
        return Stream.of(CIRCUITS).map(c -> DynamicTest.dynamicTest(c[1], () -> {
            Graph g = toF64(withSquaredError(lowered(c[0], c[1])));
            Autodiff.Request r = Autodiff.Request.allParams(g, "loss").andInputs("x");
            GradientCheck.check(c[1], g, r, inputs(g), SEED, 1e-5, 1e-6);
        }));
    }

    @TestFactory
    Stream<DynamicTest> theJvmBackendRunsTheGradientAsTheInterpreterDoes() {
        return Stream.of(CIRCUITS).flatMap(c -> Stream.of(false, true).map(f64 -> DynamicTest.dynamicTest(c[1] + (f64 ? " in f64" : " in f32"), () -> {
            Graph g = withSquaredError(lowered(c[0], c[1]));
            if (f64) g = toF64(g);
            Graph grad = Autodiff.gradient(g, Autodiff.Request.allParams(g, "loss").andInputs("x"));
            GradientCheck.jvmAgrees(c[1], grad, inputs(g), SEED);
        })));
    }

    /**
     * A linear layer under each loss of std.loss, averaged over a batch. label has 10 classes because random i32
     * inputs are 0..9: every drawn label is a class.
     */
    static final String LOSSES = """
            import std.nn.{Linear}
            import std.loss

            axis batch = 4, feature = 5, label = 10

            circuit MseNet(x: f32[batch, feature], target: f32[batch, label]) -> f32 {
              return mean[batch](mse<label>(Linear<feature, label>(x), target))
            }

            circuit CrossEntropyNet(x: f32[batch, feature], y: i32[batch]) -> f32 {
              return mean[batch](cross_entropy_logits<label>(Linear<feature, label>(x), y))
            }

            circuit BceNet(x: f32[batch, feature], target: f32[batch, label]) -> f32 {
              return mean[batch](binary_cross_entropy_logits<label>(Linear<feature, label>(x), target))
            }
            """;

    /**
     * The stdlib losses as a trainer will differentiate them: their own scalar output is the loss (no squared error
     * added), in the layer's parameters and its input, against finite differences; the label of cross-entropy, an
     * i32, picks its entry through a one-hot whose gradient stops, as it should. Then the same gradients on the JVM.
     */
    @TestFactory
    Stream<DynamicTest> theGradientsOfTheStdlibLossesMatchFiniteDifferences() {
        return Stream.of("MseNet", "CrossEntropyNet", "BceNet").map(c -> DynamicTest.dynamicTest(c, () -> {
            Graph g = Ncd.compile(Repo.root().resolve("tests/inline/grad_losses.ncd"), LOSSES).graph(c, Map.of());
            Autodiff.Request r = Autodiff.Request.allParams(g, "out").andInputs("x");
            assertEquals(List.of("Linear_0.W", "Linear_0.b"), r.params());
            Graph f64 = toF64(g);
            GradientCheck.check(c, f64, Autodiff.Request.allParams(f64, "out").andInputs("x"), inputs(f64), SEED, 1e-5, 1e-6);
            GradientCheck.jvmAgrees(c, Autodiff.gradient(g, r), inputs(g), SEED);
        }));
    }

    /** Each estimator of std.ste under a weighted sum {@code sum(w * f(x))}, w an input: the loss's gradient in x is known. */
    static final String STE = """
            import std.ste

            axis n = 6, A = 5, K = 4, D = 3

            circuit RoundSt(x: f32[n], w: f32[n]) -> f32 { return sum[n](w * round_st(3 * x)) }
            circuit SignSt(x: f32[n], w: f32[n]) -> f32 { return sum[n](w * sign_st(x)) }
            circuit OnehotSt(x: f32[A], w: f32[A]) -> f32 { return sum[A](w * onehot_argmax_st<A>(x)) }
            circuit QuantizeSt(x: f32[D], codebook: f32[K, D], w: f32[D]) -> f32 {
              return sum[D](w * quantize_st<K, D>(x, codebook))
            }
            """;

    /**
     * The straight-through estimators of std.ste, differentiated: round_st and sign_st pass the output's gradient
     * through as the identity would (3w for round_st(3x)); onehot_argmax_st passes softmax's, {@code s (w - sum(w s))}
     * computed here; quantize_st passes the output's gradient to z unchanged and none to the codebook. The forward
     * value is the hard one exactly (std.ste's laws); interpreter and JVM agree on the gradient graphs.
     */
    @TestFactory
    Stream<DynamicTest> theStraightThroughEstimatorsPassTheirStandInsGradient() {
        return Stream.of("RoundSt", "SignSt", "OnehotSt", "QuantizeSt").map(c -> DynamicTest.dynamicTest(c, () -> {
            Graph g = toF64(Ncd.compile(Repo.root().resolve("tests/inline/grad_ste.ncd"), STE).graph(c, Map.of()));
            boolean vq = c.equals("QuantizeSt");
            Autodiff.Request r = vq ? new Autodiff.Request("out", List.of(), List.of("x", "codebook")) : new Autodiff.Request("out", List.of(), List.of("x"));
            Graph grad = ncd.passes.PassManager.standard().run(Autodiff.gradient(g, r), ncd.passes.PassContext.verifying());
            Map<String, Tensor> in = inputs(g);
            Map<String, Tensor> out = new Interpreter(grad, SEED).step(in);
            Tensor x = in.get("x"), w = in.get("w"), gx = out.get(Autodiff.gradName("x"));
            double[] want = new double[x.size()];
            if (c.equals("OnehotSt")) {
                double max = Double.NEGATIVE_INFINITY, z = 0, ws = 0;
                for (int i = 0; i < x.size(); i++) max = Math.max(max, x.get(i));
                double[] sm = new double[x.size()];
                for (int i = 0; i < x.size(); i++) z += sm[i] = Math.exp(x.get(i) - max);
                for (int i = 0; i < x.size(); i++) ws += w.get(i) * (sm[i] /= z);
                for (int i = 0; i < x.size(); i++) want[i] = sm[i] * (w.get(i) - ws);
            } else {
                for (int i = 0; i < x.size(); i++) want[i] = (c.equals("RoundSt") ? 3 : 1) * w.get(i);
            }
            boolean anyNonzero = false;
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], gx.get(i), 1e-12 * (1 + Math.abs(want[i])), c + ": the gradient in x at " + i);
                anyNonzero |= gx.get(i) != 0;
            }
            org.junit.jupiter.api.Assertions.assertTrue(anyNonzero, c + ": a gradient flows");
            if (vq) {
                Tensor gc = out.get(Autodiff.gradName("codebook"));
                for (int i = 0; i < gc.size(); i++) assertEquals(0.0, gc.get(i), c + ": no gradient to the codebook through the lookup");
            }
            GradientCheck.jvmAgrees(c, Autodiff.gradient(g, r), in, SEED);
        }));
    }

    static final String RNN = """
            axis n = 3, k = 3, m = 2

            // a small recurrent cell: the state feeds back through W, the input comes in through U
            circuit Rnn(x: f32[m]) -> f32 {
              param W: f32[k, n] ~ normal(0, 0.6)
              param U: f32[n, m] ~ normal(0, 0.6)
              param h0: f32[n] ~ normal(0, 1)
              state h: f32[n] = h0
              let z = tanh((W @[n] h){k -> n} + U @[m] x)
              next h = z
              return sum[n](z * z)
            }
            """;

    /**
     * Backpropagation through time: the recurrent cell unrolled over 4 steps, the sum of its outputs differentiated
     * in its parameters (the initial state's too) and in every step's input, against finite differences; and the
     * same gradient graph on the JVM backend.
     */
    @Test void backpropagationThroughTimeMatchesFiniteDifferences() throws Exception {
        Graph rnn = Ncd.compile(Repo.root().resolve("tests/inline/grad_rnn.ncd"), RNN).graph("Rnn", Map.of());
        Graph unrolled = toF64(Unroll.unroll(rnn, 4, "out"));
        Autodiff.Request r = Autodiff.Request.allParams(unrolled, "out").andInputs("x@0", "x@1", "x@2", "x@3");
        assertEquals(java.util.Set.of("W", "U", "h0"), java.util.Set.copyOf(r.params()));
        GradientCheck.check("Rnn over 4 steps", unrolled, r, inputs(unrolled), SEED, 1e-5, 1e-6);
        Graph f32 = Unroll.unroll(rnn, 4, "out");
        GradientCheck.jvmAgrees("Rnn over 4 steps", Autodiff.gradient(f32, r), inputs(f32), SEED);
    }

    /** The unrolled circuit computes what stepping the stateful one computes, output by output and state after. */
    @Test void anUnrolledCircuitComputesItsSteps() throws Exception {
        Graph rnn = Ncd.compile(Repo.root().resolve("tests/inline/grad_rnn.ncd"), RNN).graph("Rnn", Map.of());
        Graph unrolled = Unroll.unroll(rnn, 3);
        Map<String, Tensor> in = inputs(unrolled);
        Map<String, Tensor> all = new Interpreter(unrolled, SEED).step(in);
        Interpreter stepped = new Interpreter(rnn, SEED);
        for (int t = 0; t < 3; t++) {
            Tensor out = stepped.step(Map.of("x", in.get(Unroll.atStep("x", t)))).get("out");
            Agreement.exact("out at step " + t, out, all.get(Unroll.atStep("out", t)));
        }
        Agreement.exact("h after 3 steps", stepped.state().get("h"), all.get(Unroll.atStep("h", 3)));
    }

    /**
     * Truncated BPTT: two chunks of 3 steps ({@link Unroll#chunk}), the first from the initial state given as
     * {@code h@0}, the second from the first's {@code h@3}, compute exactly what 6 steps of the interpreter do,
     * output by output and the state after.
     */
    @Test void twoChunksComputeWhatSteppingComputes() throws Exception {
        Graph rnn = Ncd.compile(Repo.root().resolve("tests/inline/grad_rnn.ncd"), RNN).graph("Rnn", Map.of());
        Graph chunk = Unroll.chunk(rnn, 3, null);
        assertEquals(List.of("h@0", "x@0", "x@1", "x@2"), chunk.inputs().stream().map(n -> ((Attr.Named) n.attr()).name()).toList());
        Interpreter stepped = new Interpreter(rnn, SEED);
        Tensor carried = stepped.state().get("h").copy();
        Interpreter chunks = new Interpreter(chunk, SEED);
        for (int c = 0; c < 2; c++) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("h@0", carried);
            for (int t = 0; t < 3; t++) in.put(Unroll.atStep("x", t), RandomInputs.draw("x", rnn.inputs().get(0).type(), 10L * c + t));
            Map<String, Tensor> out = chunks.step(in);
            for (int t = 0; t < 3; t++) {
                Tensor want = stepped.step(Map.of("x", in.get(Unroll.atStep("x", t)))).get("out");
                Agreement.exact("out at step " + (3 * c + t), want, out.get(Unroll.atStep("out", t)));
            }
            carried = out.get(Unroll.atStep("h", 3));
            Agreement.exact("h after " + (3 * c + 3) + " steps", stepped.state().get("h"), carried);
        }
    }

    /**
     * A chunk's gradient, in the parameters, the inputs and the state it starts from, against finite differences (the
     * initial value's parameter h0 has none: the chunk does not read it); and the same gradient graph on the JVM.
     */
    @Test void aChunksGradientMatchesFiniteDifferences() throws Exception {
        Graph rnn = Ncd.compile(Repo.root().resolve("tests/inline/grad_rnn.ncd"), RNN).graph("Rnn", Map.of());
        Graph chunk = toF64(Unroll.chunk(rnn, 3, "out"));
        Autodiff.Request r = Autodiff.Request.allParams(chunk, "out").andInputs("h@0", "x@0", "x@1", "x@2");
        GradientCheck.check("Rnn, a chunk of 3 steps", chunk, r, inputs(chunk), SEED, 1e-5, 1e-6);
        Map<String, Tensor> grads = new Interpreter(Autodiff.gradient(chunk, r), SEED).step(inputs(chunk));
        Tensor gh = grads.get(Autodiff.gradName("h@0")), gh0 = grads.get(Autodiff.gradName("h0"));
        boolean flows = false;
        for (int i = 0; i < gh.size(); i++) {
            flows |= gh.get(i) != 0;
            assertEquals(0.0, gh0.get(i), "the initial value is not read by a chunk");
        }
        org.junit.jupiter.api.Assertions.assertTrue(flows, "the gradient reaches the state the chunk starts from");
        Graph f32 = Unroll.chunk(rnn, 3, "out");
        GradientCheck.jvmAgrees("Rnn, a chunk of 3 steps", Autodiff.gradient(f32, r), inputs(f32), SEED);
    }

    /** The outputs are the circuit's, then one gradient per parameter, each of exactly its parameter's type. */
    @Test void gradientsHaveTheirParametersTypes() throws Exception {
        Graph g = withSquaredError(lowered("examples/attention.ncd", "Head"));
        Graph grad = Autodiff.gradient(g, "loss");
        List<String> names = new ArrayList<>();
        for (Graph.Output o : grad.outputs()) names.add(o.name());
        assertEquals(List.of("out", "loss", "grad.Wq", "grad.Wk", "grad.Wv"), names);
        for (Node p : g.params()) {
            Node out = grad.outputs().stream().filter(o -> o.name().equals("grad." + ((Attr.Param) p.attr()).name())).findFirst().orElseThrow().node();
            assertEquals(p.type(), out.type(), "the gradient in " + p.attr());
        }
    }

    /** Random inputs for every input of {@code g} (the targets too), as every runner draws them. */
    static Map<String, Tensor> inputs(Graph g) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Node n : g.inputs()) {
            String name = ((Attr.Named) n.attr()).name();
            in.put(name, RandomInputs.draw(name, n.type(), SEED));
        }
        return in;
    }

    /** {@code g} with an input {@code target} like its one output and an output {@code loss = sum((out - target)^2)}. */
    static Graph withSquaredError(Graph g) {
        assertEquals(1, g.outputs().size(), "one output");
        Graph.Builder b = Graph.builder(g.name(), g.kind(), g.span());
        Map<Node, Node> copy = copyInto(g, b, false);
        Node y = copy.get(g.outputs().get(0).node());
        Node t = b.addChecked(Op.INPUT, new Attr.Named("target"), List.of(), y.type(), null, "");
        Node d = b.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.SUB), List.of(y, t), null, null, "");
        Node sq = b.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.MUL), List.of(d, d), null, null, "");
        Node loss = b.addChecked(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, y.type().axisNames()), List.of(sq), null, null, "");
        b.output(g.outputs().get(0).name(), y).output("loss", loss);
        return b.build();
    }

    /** {@code g} computed in f64 wherever it computes in f32 (one-hot values, always f32, cast right away). */
    static Graph toF64(Graph g) {
        Graph.Builder b = Graph.builder(g.name(), g.kind(), SourceSpan.NONE);
        Map<Node, Node> copy = copyInto(g, b, true);
        for (Graph.Output o : g.outputs()) b.output(o.name(), copy.get(o.node()));
        return b.build();
    }

    private static Map<Node, Node> copyInto(Graph g, Graph.Builder b, boolean f64) {
        assertEquals(List.of(), g.states(), "a stateless circuit");
        Map<Node, Node> copy = new HashMap<>();
        for (Node n : g.nodes()) {
            List<Node> ins = n.inputs().stream().map(copy::get).toList();
            Attr a = n.attr();
            TensorType t = n.type();
            if (f64 && a instanceof Attr.Cast c && c.to() == DType.F32) a = new Attr.Cast(DType.F64);
            if (f64 && t.dtype() == DType.F32) t = t.withDType(DType.F64);
            Node m = b.addChecked(n.op(), a, ins, t, n.span(), n.scope());
            if (f64 && n.op() == Op.ONEHOT) m = b.addChecked(Op.CAST, new Attr.Cast(DType.F64), List.of(m), null, n.span(), n.scope());
            copy.put(n, m);
        }
        return copy;
    }
}
