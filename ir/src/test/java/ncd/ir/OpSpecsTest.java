package ncd.ir;

import ncd.diag.DiagCode;
import ncd.diag.SourceSpan;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The type rules of the op table: broadcasting by name, contraction, units, axis algebra. */
class OpSpecsTest {
    static final Axis B = new Axis("batch", 2), N = new Axis("neuron", 3), K = new Axis("key", 4);
    static final Unit VOLT = Unit.base("kg").times(Unit.base("m").pow(2)).over(Unit.base("s").pow(3)).over(Unit.base("A"));
    static final Unit SECOND = Unit.base("s");

    static TensorType f32(Axis... axes) { return new TensorType(DType.F32, List.of(axes), Unit.NONE); }

    static TensorType infer(Op op, Attr a, TensorType... ins) throws TypeRuleException {
        return OpSpecs.infer(op, a, List.of(ins), null);
    }

    static DiagCode refused(Op op, Attr a, TensorType... ins) {
        return assertThrows(TypeRuleException.class, () -> infer(op, a, ins)).code();
    }

    @Test void elementwiseBroadcastsTheSmallerOperandByName() throws Exception {
        Attr add = new Attr.Binary(Attr.BinaryFn.ADD);
        assertEquals(f32(B, N), infer(Op.BINARY, add, f32(B, N), f32(N)));
        assertEquals(f32(N, B), infer(Op.BINARY, add, f32(N), f32(N, B)));
        assertEquals(f32(B, N), infer(Op.BINARY, add, f32(B, N), f32()));
    }

    @Test void elementwiseRefusesAxesThatNeitherSideContains() {
        assertEquals(DiagCode.E0301, refused(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), f32(B), f32(N)));
    }

    @Test void sameNameWithDifferentSizesIsRefused() {
        assertEquals(DiagCode.E0304, refused(Op.BINARY, new Attr.Binary(Attr.BinaryFn.MUL), f32(N), f32(new Axis("neuron", 5))));
    }

    @Test void contractionSumsNamedAxesAndKeepsSharedOnesAsBatch() throws Exception {
        Axis d = new Axis("d", 8);
        // q[batch, seq, d] @[d] k[batch, key, d] -> [batch, seq, key]
        Axis seq = new Axis("seq", 5);
        TensorType r = infer(Op.CONTRACT, new Attr.Contract(List.of("d")), f32(B, seq, d), f32(B, K, d));
        assertEquals(f32(B, seq, K), r);
        assertEquals(f32(N, K), infer(Op.CONTRACT, new Attr.Contract(List.of()), f32(N), f32(K)));
        assertEquals(DiagCode.E0302, refused(Op.CONTRACT, new Attr.Contract(List.of("d")), f32(B, d), f32(B)));
    }

    @Test void unitsAddOnlyWhenEqualAndMultiply() throws Exception {
        TensorType v = f32(N).withUnit(VOLT), t = f32(N).withUnit(SECOND);
        assertEquals(DiagCode.E0501, refused(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), v, t));
        assertEquals(VOLT.over(SECOND), infer(Op.BINARY, new Attr.Binary(Attr.BinaryFn.DIV), v, t).unit());
        assertEquals(DiagCode.E0502, refused(Op.UNARY, new Attr.Unary(Attr.UnaryFn.EXP), v));
        assertEquals(DiagCode.E0503, refused(Op.UNARY, new Attr.Unary(Attr.UnaryFn.SQRT), v));
        assertEquals(SECOND, infer(Op.UNARY, new Attr.Unary(Attr.UnaryFn.SQRT), f32().withUnit(SECOND.pow(2))).unit());
        assertEquals(Unit.NONE, infer(Op.BINARY, new Attr.Binary(Attr.BinaryFn.GT), v, v).unit());
    }

    @Test void dtypesNeverMix() {
        TensorType i = new TensorType(DType.I32, List.of(N), Unit.NONE);
        assertEquals(DiagCode.E0401, refused(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), f32(N), i));
        TensorType b = new TensorType(DType.BOOL, List.of(N), Unit.NONE);
        assertEquals(DiagCode.E0402, refused(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), b, b));
        assertEquals(DiagCode.E0403, refused(Op.WHERE, new Attr.None(), f32(N), f32(N), f32(N)));
    }

    @Test void axisAlgebra() throws Exception {
        Axis pix = new Axis("pix", 12), h = new Axis("h", 3), w = new Axis("w", 4);
        assertEquals(f32(B, h, w), infer(Op.SPLIT, new Attr.Split("pix", List.of(h, w)), f32(B, pix)));
        assertEquals(DiagCode.E0304, refused(Op.SPLIT, new Attr.Split("pix", List.of(h, h.equals(w) ? w : new Axis("w", 5))), f32(pix)));
        assertEquals(f32(B, pix), infer(Op.MERGE, new Attr.Merge(List.of("h", "w"), pix), f32(B, h, w)));
        Axis win = new Axis("win", 2);
        assertEquals(f32(win, B), infer(Op.SLICE, new Attr.Slice("neuron", 1, 3, win), f32(N, B)));
        assertEquals(DiagCode.E0309, refused(Op.SLICE, new Attr.Slice("neuron", 2, 5, new Axis("x", 3)), f32(N)));
        Axis dr = new Axis("dr", 3);
        assertEquals(f32(N, B, dr), infer(Op.WINDOW, new Attr.Window(List.of(new Attr.WindowDim("neuron", dr)), Attr.Boundary.WRAP), f32(N, B)));
        assertEquals(f32(K, B), infer(Op.RENAME, new Attr.Rename(Map.of("neuron", new Axis("key", 3))), f32(N, B)).withAxes(List.of(K, B)));
        assertEquals(DiagCode.E0303, refused(Op.RENAME, new Attr.Rename(Map.of("neuron", new Axis("batch", 3))), f32(N, new Axis("batch", 3))));
        Axis c = new Axis("c", 7);
        assertEquals(f32(c, B), infer(Op.CONCAT, new Attr.Concat(List.of("neuron", "key"), c), f32(N, B), f32(K, B)));
    }

    @Test void reductionsDropTheirAxes() throws Exception {
        assertEquals(f32(N), infer(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("batch")), f32(B, N)));
        assertEquals(new TensorType(DType.I32, List.of(B), Unit.NONE), infer(Op.ARG_REDUCE, new Attr.ArgReduce(Attr.ReduceFn.ARGMAX, "neuron"), f32(B, N)));
        assertEquals(DiagCode.E0302, refused(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("key")), f32(B, N)));
    }

    @Test void unitExponentsThatLeaveTheIntRangeAreRefusedNotWrapped() {
        // s^-2147483648 squared would wrap to s^0: dimensionless
        TensorType q = f32().withUnit(Unit.base("s").pow(-Integer.MAX_VALUE).over(SECOND));
        assertEquals("1/s^2147483648", q.unit().toString());
        assertEquals(DiagCode.E0505, refused(Op.BINARY, new Attr.Binary(Attr.BinaryFn.MUL), q, q));
        assertEquals(DiagCode.E0505, refused(Op.BINARY, new Attr.Binary(Attr.BinaryFn.DIV), f32().withUnit(SECOND), q));
        assertEquals(DiagCode.E0505, refused(Op.CONTRACT, new Attr.Contract(List.of("neuron")), f32(N).withUnit(q.unit()), f32(N).withUnit(q.unit())));
        assertEquals(DiagCode.E0505, refused(Op.UNARY, new Attr.Unary(Attr.UnaryFn.POW_CONST, 2), q));
        assertEquals(DiagCode.E0505, refused(Op.UNARY, new Attr.Unary(Attr.UnaryFn.POW_CONST, 3e9), f32().withUnit(SECOND)));
        assertThrows(ArithmeticException.class, () -> SECOND.pow(Integer.MAX_VALUE).times(SECOND));
    }

    @Test void everyOpHasASpec() {
        for (Op op : Op.values()) {
            OpSpec s = OpSpecs.of(op);
            if (s == null || s.minInputs() > s.maxInputs()) throw new AssertionError(op);
        }
    }

    @Test void builderChecksEveryNodeAndPrinterIsDeterministic() throws Exception {
        Graph.Builder g = Graph.builder("t", Graph.Kind.CIRCUIT, SourceSpan.NONE);
        Node x = g.add(Op.INPUT, new Attr.Named("x"), List.of(), f32(B, N), SourceSpan.NONE, "");
        Node m = g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.MAX, List.of("neuron")), List.of(x), null, SourceSpan.NONE, "");
        Node d = g.add(Op.BINARY, new Attr.Binary(Attr.BinaryFn.SUB), List.of(x, m), null, SourceSpan.NONE, "sm");
        g.output("out", d);
        Graph graph = g.build();
        Verifier.verify(graph);
        String text = IrPrinter.print(graph);
        assertEquals("""
                circuit t {
                  %0 = input "x" : f32[batch:2, neuron:3]
                  %1 = reduce.max [neuron] %0 : f32[batch:2]
                  %2 = sub %0, %1 : f32[batch:2, neuron:3]  # sm
                  output out = %2
                }
                """, text);
        assertThrows(TypeRuleException.class, () -> g.add(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), List.of(m, g.addChecked(Op.INPUT,
                new Attr.Named("k"), List.of(), f32(K), SourceSpan.NONE, "")), null, SourceSpan.NONE, ""));
    }

    @Test void verifierRejectsAStateWhoseNextHasAnotherType() throws Exception {
        Graph.Builder g = Graph.builder("s", Graph.Kind.CIRCUIT, SourceSpan.NONE);
        Node init = g.add(Op.CONST, new Attr.Scalar(0), List.of(), f32(N), SourceSpan.NONE, "");
        Node read = g.add(Op.STATE_READ, new Attr.Named("v"), List.of(), f32(N), SourceSpan.NONE, "");
        Node other = g.add(Op.INPUT, new Attr.Named("x"), List.of(), f32(B, N), SourceSpan.NONE, "");
        g.state(new State("v", f32(N), init, other));
        g.output("out", read);
        List<String> problems = Verifier.check(g.build());
        assertEquals(1, problems.size(), problems.toString());
    }
}
