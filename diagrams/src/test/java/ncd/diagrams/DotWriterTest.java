package ncd.diagrams;

import ncd.diag.SourceSpan;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.State;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DotWriterTest {
    static final Axis B = new Axis("batch", 2), I = new Axis("i", 3), O = new Axis("o", 4);

    static TensorType f32(Axis... axes) { return new TensorType(DType.F32, List.of(axes), Unit.NONE); }

    /** y = relu(W @[i] x + b) inside scope "layer", with a state s summing y over time (scope ""). */
    static Graph layer() {
        Graph.Builder g = Graph.builder("Layer", Graph.Kind.CIRCUIT, SourceSpan.NONE);
        Node x = g.addChecked(Op.INPUT, new Attr.Named("x"), List.of(), f32(B, I), SourceSpan.NONE, "");
        Node w = g.addChecked(Op.PARAM, new Attr.Param("layer.W", new Attr.Init(Attr.InitKind.GLOROT, List.of()), null),
                List.of(), f32(O, I), SourceSpan.NONE, "layer");
        Node c = g.addChecked(Op.CONTRACT, new Attr.Contract(List.of("i")), List.of(w, x), null, SourceSpan.NONE, "layer");
        Node b = g.addChecked(Op.PARAM, new Attr.Param("layer.b", new Attr.Init(Attr.InitKind.ZEROS, List.of()), null),
                List.of(), f32(O), SourceSpan.NONE, "layer");
        Node add = g.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), List.of(c, b), null, SourceSpan.NONE, "layer");
        Node y = g.addChecked(Op.UNARY, new Attr.Unary(Attr.UnaryFn.RELU), List.of(add), null, SourceSpan.NONE, "layer.act");
        Node s = g.addChecked(Op.STATE_READ, new Attr.Named("s"), List.of(), f32(O, B), SourceSpan.NONE, "");
        Node sum = g.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), List.of(s, y), null, SourceSpan.NONE, "");
        Node zero = g.addChecked(Op.CONST, new Attr.Scalar(0), List.of(), f32(O, B), SourceSpan.NONE, "");
        g.state(new State("s", f32(O, B), zero, sum));
        g.output("y", y);
        g.output("total", s);
        return g.build();
    }

    @Test void drawsEveryNodeWireAndAxis() {
        String dot = DotWriter.write(layer());
        DotRoundTrip.Result r = DotRoundTrip.check(layer(), dot);
        assertTrue(r.ok(), r::toString);
        assertEquals(9, r.nodes());
        assertTrue(dot.contains("subgraph \"cluster_layer\""), dot);
        assertTrue(dot.contains("subgraph \"cluster_layer.act\""), dot);
        assertTrue(dot.contains("label=\"z⁻¹\\ns\""), "a delay marker for the state");
        assertTrue(dot.contains("ncd_role=\"read\""), "the feedback wire");
        assertTrue(dot.contains("<B>⊗ W</B>"), "the learned contraction is bold and names its weight");
        assertTrue(dot.contains("Σ i:3"), "the contraction shows the summed axis");
        assertTrue(dot.contains("⇉ batch"), "the bias is broadcast over batch");
    }

    @Test void sameGraphSameBytes() {
        assertEquals(DotWriter.write(layer()), DotWriter.write(layer()));
        DotWriter.Options o = DotWriter.Options.defaults().withDepth(0);
        assertEquals(DotWriter.write(layer(), o), DotWriter.write(layer(), o));
    }

    @Test void collapsedScopesAreBoxesThatListWhatTheyHide() {
        for (int depth = 0; depth <= 2; depth++) {
            String dot = DotWriter.write(layer(), DotWriter.Options.defaults().withDepth(depth));
            DotRoundTrip.Result r = DotRoundTrip.check(layer(), dot);
            assertTrue(r.ok(), "depth " + depth + ": " + r);
        }
        String top = DotWriter.write(layer(), DotWriter.Options.defaults().withDepth(0));
        assertTrue(top.contains("ncd_hides=\"n1 n2 n3 n4 n5\""), top);
        assertFalse(top.contains("cluster_layer"), top);
        assertTrue(DotRoundTrip.check(layer(), top).hiddenWires() > 0);
    }

    @Test void theCheckNoticesAMissingWire() {
        String dot = DotWriter.write(layer());
        String cut = dot.lines().filter(l -> !l.contains("id=\"e0_n2\"")).reduce("", (a, l) -> a + l + "\n");
        DotRoundTrip.Result r = DotRoundTrip.check(layer(), cut);
        assertFalse(r.ok());
        assertTrue(r.problems().toString().contains("wire %0 -> %2 (input 1) is not drawn"), r::toString);
    }

    @Test void theCheckNoticesAMissingAxisLabelAndAMissingNode() {
        String dot = DotWriter.write(layer());
        DotRoundTrip.Result r = DotRoundTrip.check(layer(), dot.replaceFirst("batch:2\\\\ni:3", "i:3"));
        assertTrue(r.problems().toString().contains("does not show axis batch:2"), r::toString);
        String noRelu = dot.lines().filter(l -> !l.trim().startsWith("n5 [")).reduce("", (a, l) -> a + l + "\n");
        assertTrue(DotRoundTrip.check(layer(), noRelu).problems().toString().contains("%5 (relu) is not drawn"));
        String extra = dot.replace("}\n", "  n0 -> n7;\n}\n");
        assertTrue(DotRoundTrip.check(layer(), extra).problems().toString().contains("no ncd_role"));
    }

    @Test void highlightsAreRed() {
        DotWriter.Options o = new DotWriter.Options(Integer.MAX_VALUE, Set.of(4), Set.of("4.1"), "error here");
        String dot = DotWriter.write(layer(), o);
        assertTrue(dot.contains("#d62728"));
        assertTrue(DotRoundTrip.check(layer(), dot).ok());
    }

    @Test void parserReadsGeneralDot() {
        DotParser.DotGraph g = DotParser.parse("/* c */ digraph G { a -> b -> c [label=\"x\\\"y\"]; subgraph cluster_1 { d [id=<<B>t</B>>] } "
                + "{ rank=same; e; } # comment\n }");
        assertEquals(2, g.edges().size());
        assertEquals("x\"y", g.edges().get(1).attrs().get("label"));
        assertEquals("<B>t</B>", g.nodes().get("d").attrs().get("id"));
        assertEquals("cluster_1", g.nodes().get("d").cluster().name());
        assertEquals("t", DotParser.labelText("<B>t</B>"));
    }

    /**
     * A state whose initial value is a 3-op constant subgraph (iota, compare, cast: a one-hot start) in scope "",
     * a plain contraction of two inputs, and a scalar-broadcast-free broadcast of a vector into a matrix.
     */
    static Graph folded() {
        Graph.Builder g = Graph.builder("Folded", Graph.Kind.CIRCUIT, SourceSpan.NONE);
        Node x = g.addChecked(Op.INPUT, new Attr.Named("x"), List.of(), f32(B, I), SourceSpan.NONE, "");
        Node y = g.addChecked(Op.INPUT, new Attr.Named("y"), List.of(), f32(I, O), SourceSpan.NONE, "");
        Node c = g.addChecked(Op.CONTRACT, new Attr.Contract(List.of("i")), List.of(x, y), null, SourceSpan.NONE, "");
        Node iota = g.addChecked(Op.IOTA, new Attr.AxisRef("o"), List.of(), new TensorType(DType.I32, List.of(O), Unit.NONE), SourceSpan.NONE, "");
        Node zero = g.addChecked(Op.CONST, new Attr.Scalar(0), List.of(), new TensorType(DType.I32, List.of(), Unit.NONE), SourceSpan.NONE, "");
        Node eq = g.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.EQ), List.of(iota, zero), null, SourceSpan.NONE, "");
        Node start = g.addChecked(Op.CAST, new Attr.Cast(DType.F32), List.of(eq), null, SourceSpan.NONE, "");
        Node s = g.addChecked(Op.STATE_READ, new Attr.Named("s"), List.of(), f32(O), SourceSpan.NONE, "");
        Node sum = g.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), List.of(c, s), null, SourceSpan.NONE, "");
        Node next = g.addChecked(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("batch")), List.of(sum), null, SourceSpan.NONE, "");
        g.state(new State("s", f32(O), start, next));
        g.output("y", sum);
        return g.build();
    }

    @Test void initializersFoldIntoOneBoxThatStillAccountsForItsNodes() {
        String dot = DotWriter.write(folded());
        assertTrue(DotRoundTrip.check(folded(), dot).ok(), () -> DotRoundTrip.check(folded(), dot) + "\n" + dot);
        assertTrue(dot.contains("ncd_fold=\"initial\""), dot);
        assertTrue(dot.contains("<B>s (initial)</B>"), dot);
        assertTrue(dot.contains("ncd_hides=\"n3 n4 n5 n6\""), dot);
        assertTrue(dot.contains("constraint=\"true\""), "the initial value is laid out by its delay");
        String unfolded = DotWriter.write(folded(), DotWriter.Options.defaults().withFoldConstants(false));
        assertFalse(unfolded.contains("ncd_fold"), unfolded);
        assertTrue(DotRoundTrip.check(folded(), unfolded).ok());
    }

    @Test void contractionsAreJunctionsAndBroadcastsAreTubes() {
        String dot = DotWriter.write(folded());
        assertTrue(dot.contains("n2 [id=\"n2\", label=\"\", shape=\"point\""), dot);
        assertTrue(dot.contains("xlabel=\"Σ i:3\""), dot);
        assertTrue(dot.contains("n0 -> n2 [label=\"batch:2\\ni:3\", color=\"#4d4d4d:#4d4d4d\", arrowhead=\"none\""), dot);
        // the state (o) is broadcast along batch into the sum: a tube, still labelled with its axes
        assertTrue(dot.contains("label=\"o:4\\n⇉ batch\", color=\"#6baed6a0:#4d4d4d:#6baed6a0\""), dot);
        String layer = DotWriter.write(layer());
        assertTrue(layer.contains("<B>⊗ W</B>"), "a learned contraction stays a bold box");
    }

    @Test void aViewOpensOneScopeAndBoxesLinkToTheirViews() {
        DotWriter.Options o = DotWriter.Options.defaults().withDepth(0).withOpen("layer").withLink(s -> "#view-" + s);
        String dot = DotWriter.write(layer(), o);
        assertTrue(DotRoundTrip.check(layer(), dot).ok(), dot);
        assertTrue(dot.contains("cluster_layer\""), "layer is open");
        assertTrue(dot.contains("id=\"box_layer.act\""), "layer.act, one level deeper, is a box");
        assertTrue(dot.contains("URL=\"#view-layer.act\""), dot);
        assertTrue(DotWriter.write(layer(), o.withTopDown(true)).contains("rankdir=\"TB\""));
    }

    /** A cumulative sum over 4 runs as the frontend unrolls it: run i of the scan in scope "scan t in time (s).t = i". */
    static Graph cumsum() {
        Graph.Builder g = Graph.builder("Cumsum", Graph.Kind.CIRCUIT, SourceSpan.NONE);
        Node x = g.addChecked(Op.INPUT, new Attr.Named("x"), List.of(), f32(O), SourceSpan.NONE, "");
        Node acc = x;
        for (int i = 0; i < 4; i++) {
            String run = "scan t in time (s)." + ncd.ir.ScanRuns.segment("t", i);
            Node t = g.addChecked(Op.UNARY, new Attr.Unary(Attr.UnaryFn.TANH), List.of(acc), null, SourceSpan.NONE, run);
            acc = g.addChecked(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), List.of(t, x), null, SourceSpan.NONE, run);
        }
        g.output("y", acc);
        return g.build();
    }

    @Test void aScanDrawsItsFirstRunAndBoxesTheLaterOnesTogether() {
        DotWriter.Options o = DotWriter.Options.defaults().withLink(s -> "#view-" + s);
        String dot = DotWriter.write(cumsum(), o);
        DotRoundTrip.Result r = DotRoundTrip.check(cumsum(), dot);
        assertTrue(r.ok(), r::toString);
        assertTrue(dot.contains("cluster_scan t in time (s).t = 0\""), "the first run is open: " + dot);
        assertFalse(dot.contains("cluster_scan t in time (s).t = 1"), dot);
        assertTrue(dot.contains("id=\"runs_scan t in time (s).later runs\""), dot);
        assertTrue(dot.contains("t = 1 … 3"), "one box names the runs it hides: " + dot);
        assertTrue(dot.contains("ncd_hides=\"n3 n4 n5 n6 n7 n8\""), dot);
        assertFalse(dot.contains("#view-scan"), "the later runs are the body again: no view of their own");
        assertTrue(Readable.boxedScopes(dot).isEmpty(), "nothing for --split to open");
        // a --split view may still open one run explicitly
        String opened = DotWriter.write(cumsum(), o.withOpen("scan t in time (s).t = 2"));
        assertTrue(DotRoundTrip.check(cumsum(), opened).ok(), opened);
        assertTrue(opened.contains("cluster_scan t in time (s).t = 2\""), opened);
        assertTrue(opened.contains("t = 1, 3"), opened);
    }
}
