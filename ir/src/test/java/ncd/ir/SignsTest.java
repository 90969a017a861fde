package ncd.ir;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostic;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static ncd.ir.Signs.ANY;
import static ncd.ir.Signs.NEG;
import static ncd.ir.Signs.NONNEG;
import static ncd.ir.Signs.NONPOS;
import static ncd.ir.Signs.POS;
import static ncd.ir.Signs.ZERO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sign analysis ({@link Signs}) op by op, its fixed point over states, and Dale's law on it ({@link DaleCheck}). */
class SignsTest {
    static final Axis POST = new Axis("post", 3), EXC = new Axis("exc", 4), INH = new Axis("inh", 2);

    static TensorType f32(Axis... axes) { return new TensorType(DType.F32, List.of(axes), Unit.NONE); }
    static TensorType bool(Axis... axes) { return new TensorType(DType.BOOL, List.of(axes), Unit.NONE); }

    private final Graph.Builder g = Graph.builder("S", Graph.Kind.CIRCUIT, SourceSpan.NONE);

    Node add(Op op, Attr a, List<Node> ins, TensorType declared) { return g.addChecked(op, a, ins, declared, SourceSpan.NONE, ""); }
    Node input(String name, TensorType t) { return add(Op.INPUT, new Attr.Named(name), List.of(), t); }
    Node param(String name, Attr.Bound b, TensorType t) {
        return add(Op.PARAM, new Attr.Param(name, new Attr.Init(Attr.InitKind.ZEROS, List.of()), b), List.of(), t);
    }
    Node constant(double v) { return add(Op.CONST, new Attr.Scalar(v), List.of(), f32()); }
    Node unary(Attr.UnaryFn fn, Node x) { return add(Op.UNARY, new Attr.Unary(fn), List.of(x), null); }
    Node binary(Attr.BinaryFn fn, Node a, Node b) { return add(Op.BINARY, new Attr.Binary(fn), List.of(a, b), null); }
    Node cast(DType to, Node x) { return add(Op.CAST, new Attr.Cast(to), List.of(x), null); }

    int sign(Node n) { return Signs.of(g.build()).get(n); }

    @Test void productsFollowTheRuleOfSigns() {
        Node pos = constant(2), neg = constant(-3), any = input("x", f32(EXC));
        assertEquals(POS, sign(binary(Attr.BinaryFn.MUL, pos, pos)));
        assertEquals(NEG, sign(binary(Attr.BinaryFn.MUL, pos, neg)));
        assertEquals(POS, sign(binary(Attr.BinaryFn.MUL, neg, neg)));
        assertEquals(ANY, sign(binary(Attr.BinaryFn.MUL, pos, any)));
        assertEquals(ZERO, sign(binary(Attr.BinaryFn.MUL, constant(0), any)));
        assertEquals(NEG, sign(binary(Attr.BinaryFn.DIV, neg, pos)));
    }

    @Test void sumsKeepASharedSignAndLoseAMixedOne() {
        Node pos = constant(2), neg = constant(-3), w = param("W", new Attr.Bound(true, 0), f32(POST, EXC));
        assertEquals(POS, sign(binary(Attr.BinaryFn.ADD, w, pos)), "W >= 0 plus 2 is > 0");
        assertEquals(ANY, sign(binary(Attr.BinaryFn.ADD, pos, neg)));
        assertEquals(NEG, sign(binary(Attr.BinaryFn.SUB, neg, pos)));
        assertEquals(ANY, sign(binary(Attr.BinaryFn.SUB, pos, pos)), "a difference of positives depends on their sizes");
        assertEquals(NONNEG, sign(add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("exc")), List.of(w), null)));
    }

    @Test void negationAndTheElementwiseFunctions() {
        Node w = param("W", new Attr.Bound(true, 0), f32(POST, EXC)), any = input("x", f32(EXC));
        assertEquals(NONPOS, sign(unary(Attr.UnaryFn.NEG, w)));
        assertEquals(POS, sign(unary(Attr.UnaryFn.EXP, any)));
        assertEquals(POS, sign(unary(Attr.UnaryFn.SIGMOID, any)));
        assertEquals(ANY, sign(unary(Attr.UnaryFn.TANH, any)));
        assertEquals(NONNEG, sign(unary(Attr.UnaryFn.TANH, w)), "tanh keeps a sign");
        assertEquals(NONNEG, sign(unary(Attr.UnaryFn.RELU, any)));
        assertEquals(NONNEG, sign(unary(Attr.UnaryFn.ABS, any)));
        assertEquals(NONNEG, sign(add(Op.UNARY, new Attr.Unary(Attr.UnaryFn.POW_CONST, 2), List.of(any), null)));
        assertEquals(ANY, sign(add(Op.UNARY, new Attr.Unary(Attr.UnaryFn.POW_CONST, 3), List.of(any), null)));
    }

    @Test void maxAndMinClipToASign() {
        Node any = input("x", f32(EXC)), zero = constant(0);
        assertEquals(NONNEG, sign(binary(Attr.BinaryFn.MAX, any, zero)));
        assertEquals(NONPOS, sign(binary(Attr.BinaryFn.MIN, any, zero)));
        assertEquals(POS, sign(binary(Attr.BinaryFn.MAX, any, constant(1))));
        assertEquals(ANY, sign(binary(Attr.BinaryFn.MIN, any, constant(1))));
    }

    @Test void whereJoinsItsBranches() {
        Node c = input("c", bool(EXC)), any = input("x", f32(EXC));
        Node clipped = add(Op.WHERE, new Attr.None(), List.of(c, binary(Attr.BinaryFn.MAX, any, constant(0)), constant(0.5)), null);
        assertEquals(NONNEG, sign(clipped));
        assertEquals(ANY, sign(add(Op.WHERE, new Attr.None(), List.of(c, any, constant(0.5)), null)));
    }

    @Test void boolValuesAreZeroOrOneAndTheirContractionsKeepTheWeightsSign() {
        Node s = input("s", bool(EXC)), w = param("W", new Attr.Bound(true, 0), f32(POST, EXC));
        Node f = cast(DType.F32, s);
        assertEquals(NONNEG, sign(s));
        assertEquals(NONNEG, sign(f));
        assertEquals(NONNEG, sign(add(Op.CONTRACT, new Attr.Contract(List.of("exc")), List.of(w, f), null)));
        Node negW = unary(Attr.UnaryFn.NEG, w);
        assertEquals(NONPOS, sign(add(Op.CONTRACT, new Attr.Contract(List.of("exc")), List.of(negW, f), null)));
        Node x = input("x", f32(EXC));
        assertEquals(ANY, sign(add(Op.CONTRACT, new Attr.Contract(List.of("exc")), List.of(w, x), null)), "rates of any sign");
    }

    @Test void aStateIsItsInitialValueJoinedWithEveryNextOneAtTheFixedPoint() {
        Node s = input("s", bool(EXC));
        Node x = add(Op.STATE_READ, new Attr.Named("x"), List.of(), f32(EXC));
        Node next = binary(Attr.BinaryFn.ADD, binary(Attr.BinaryFn.MUL, x, constant(0.9)), cast(DType.F32, s));
        g.state(new State("x", f32(EXC), add(Op.CONST, new Attr.Scalar(0), List.of(), f32(EXC)), next));
        assertEquals(NONNEG, sign(x), "a trace that decays and jumps by spikes stays >= 0");
        assertEquals(NONNEG, sign(next));
    }

    @Test void anAssumedStateSignIsTheInductionStep() {
        Node x = add(Op.STATE_READ, new Attr.Named("w"), List.of(), f32(EXC));
        Node next = binary(Attr.BinaryFn.SUB, x, constant(0.1));
        g.state(new State("w", f32(EXC), add(Op.CONST, new Attr.Scalar(1), List.of(), f32(EXC)), next));
        Graph graph = g.build();
        assertEquals(ANY, Signs.of(graph).get(next));
        assertEquals(ANY, Signs.of(graph, Map.of("w", NONNEG)).get(next), "w - 0.1 is not >= 0 when w >= 0");
        assertEquals(NEG, Signs.of(graph, Map.of("w", NONPOS)).get(next));
    }

    // ---- Dale's law on graphs

    private List<Diagnostic> dale(Map<String, DaleCheck.Population> pops) {
        Diagnostics d = new Diagnostics();
        DaleCheck.check(g.build(), pops, d);
        return d.all();
    }

    private static final Map<String, DaleCheck.Population> E = Map.of("exc", DaleCheck.Population.EXCITATORY);

    @Test void aBoundedParameterIsProvedAndAnUnboundedOneIsNot() {
        Node s = cast(DType.F32, input("s", bool(EXC)));
        Node w = param("W", new Attr.Bound(true, 0), f32(POST, EXC));
        add(Op.CONTRACT, new Attr.Contract(List.of("exc")), List.of(w, s), null);
        assertTrue(dale(E).isEmpty());
        Node v = param("V", null, f32(POST, EXC));
        add(Op.CONTRACT, new Attr.Contract(List.of("exc")), List.of(s, v), null);
        List<Diagnostic> ds = dale(E);
        assertEquals(1, ds.size(), ds.toString());
        assertEquals(DiagCode.E0732, ds.get(0).code());
        assertTrue(ds.get(0).hint().contains("param V: ... >= 0"), ds.get(0).hint());
    }

    @Test void aPopulationRateIsNoProjection() {
        Node s = cast(DType.F32, input("s", bool(INH)));
        add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.MEAN, List.of("inh")), List.of(binary(Attr.BinaryFn.MUL, s, constant(10))), null);
        Map<String, DaleCheck.Population> inh = Map.of("inh", DaleCheck.Population.INHIBITORY);
        assertTrue(dale(inh).isEmpty(), "mean[inh](f32(s) * 10) has no postsynaptic axis");
        Node w = param("W", null, f32(POST, INH));
        add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("inh")), List.of(binary(Attr.BinaryFn.MUL, s, w)), null);
        List<Diagnostic> ds = dale(inh);
        assertEquals(1, ds.size(), "sum[inh](s * W) projects onto post through W: " + ds);
        assertTrue(ds.get(0).message().contains("`W`") && ds.get(0).message().contains("<= 0"), ds.get(0).message());
    }

    @Test void aNegativeFactorOfAnExcitatorySynapsesOpIsBroken() {
        Node s = input("s", bool(EXC));
        Node syn = add(Op.SYNAPSES, new Attr.Synapses("exc", POST, Attr.SynRule.PROBABILITY, 0.5, 0, 1, Attr.SynStorage.AUTO),
                List.of(s), null);
        binary(Attr.BinaryFn.MUL, constant(-1), cast(DType.F32, syn));
        List<Diagnostic> ds = dale(E);
        assertEquals(1, ds.size(), ds.toString());
        assertEquals(DiagCode.E0733, ds.get(0).code());
        assertTrue(dale(Map.of("exc", DaleCheck.Population.INHIBITORY)).isEmpty());
    }

    @Test void aMaskScaledByANegativeFactorIsAnInhibitoryProjection() {
        Map<String, DaleCheck.Population> inh = Map.of("inh", DaleCheck.Population.INHIBITORY);
        Node s = cast(DType.F32, input("s", bool(INH)));
        Node mask = cast(DType.F32, add(Op.RANDOM, new Attr.Random(Attr.Dist.BERNOULLI, 3), List.of(constant(0.5)), bool(POST, INH)));
        Node counts = add(Op.CONTRACT, new Attr.Contract(List.of("inh")), List.of(mask, s), null);
        Node scaled = binary(Attr.BinaryFn.MUL, constant(-1), counts);
        assertTrue(dale(inh).isEmpty(), "wi * (C @[inh] s) with C in {0, 1} and wi < 0: " + dale(inh));
        binary(Attr.BinaryFn.ADD, counts, scaled);  // the same counts used unscaled: weight C >= 0
        List<Diagnostic> ds = dale(inh);
        assertEquals(1, ds.size(), ds.toString());
        assertEquals(DiagCode.E0732, ds.get(0).code());
    }

    @Test void populationsJoinedAlongTheContractedAxisAreCheckedPartByPart() {
        Map<String, DaleCheck.Population> ei = Map.of("exc", DaleCheck.Population.EXCITATORY, "inh", DaleCheck.Population.INHIBITORY);
        Axis pre = new Axis("pre", 6), post = new Axis("post", 6);
        Node we = param("W_E", new Attr.Bound(true, 0), f32(post, EXC));
        Node wi = param("W_I", null, f32(post, INH));
        Node w = add(Op.CONCAT, new Attr.Concat(List.of("exc", "inh"), pre), List.of(we, wi), null);
        Node scaled = binary(Attr.BinaryFn.DIV, binary(Attr.BinaryFn.MUL, w, constant(0.9)),
                add(Op.LINALG, new Attr.Linalg(Attr.LinalgFn.SPECTRAL_RADIUS, "post", "pre", null), List.of(w), null));
        Node x = input("x", f32(pre));
        add(Op.CONTRACT, new Attr.Contract(List.of("pre")), List.of(scaled, x), null);
        List<Diagnostic> ds = dale(ei);
        assertEquals(1, ds.size(), ds.toString());
        assertEquals(DiagCode.E0732, ds.get(0).code());
        assertTrue(ds.get(0).message().contains("`W_I`") && ds.get(0).message().contains("`inh`"), ds.get(0).message());
    }

    @Test void aPlasticWeightNeedsItsUpdateClipped() {
        Node s = cast(DType.F32, input("s", bool(EXC)));
        Node dw = input("dw", f32(POST, EXC));
        Node w = add(Op.STATE_READ, new Attr.Named("w"), List.of(), f32(POST, EXC));
        Node init = add(Op.CONST, new Attr.Scalar(0.5), List.of(), f32(POST, EXC));
        Node clipped = binary(Attr.BinaryFn.MAX, binary(Attr.BinaryFn.ADD, w, dw), constant(0));
        add(Op.CONTRACT, new Attr.Contract(List.of("exc")), List.of(w, s), null);
        g.state(new State("w", f32(POST, EXC), init, clipped));
        assertTrue(dale(E).isEmpty(), "max(w + dw, 0) is >= 0 whatever dw");
    }

    @Test void anUnclippedPlasticWeightIsReportedAtItsNextValue() {
        Node s = cast(DType.F32, input("s", bool(EXC)));
        Node dw = input("dw", f32(POST, EXC));
        Node w = add(Op.STATE_READ, new Attr.Named("w"), List.of(), f32(POST, EXC));
        Node init = add(Op.CONST, new Attr.Scalar(0.5), List.of(), f32(POST, EXC));
        Node next = g.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), List.of(w, dw), null, SourceSpan.NONE, "");
        add(Op.CONTRACT, new Attr.Contract(List.of("exc")), List.of(w, s), null);
        g.state(new State("w", f32(POST, EXC), init, next));
        List<Diagnostic> ds = dale(E);
        assertEquals(1, ds.size(), ds.toString());
        assertEquals(DiagCode.E0732, ds.get(0).code());
        assertTrue(ds.get(0).message().contains("`next w`"), ds.get(0).message());
    }
}
