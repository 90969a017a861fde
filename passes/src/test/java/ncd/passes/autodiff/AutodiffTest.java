package ncd.passes.autodiff;

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
import ncd.passes.PassContext;
import ncd.passes.PassManager;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link Autodiff} and {@link Unroll} promise besides the values (the tests module checks those against finite
 * differences): the outputs and their types and units, zero gradients, what is refused and why, and that nothing is
 * built off the paths to what is differentiated.
 */
class AutodiffTest {
    private static final Axis N = new Axis("n", 3), M = new Axis("m", 2);
    private static final Unit VOLT = Unit.base("V"), SECOND = Unit.base("s");

    private final Graph.Builder b = Graph.builder("T", Graph.Kind.CIRCUIT, SourceSpan.NONE);

    private static TensorType f32(Unit u, Axis... axes) { return new TensorType(DType.F32, List.of(axes), u); }

    private Node in(String name, TensorType t) { return b.addChecked(Op.INPUT, new Attr.Named(name), List.of(), t, null, ""); }
    private Node param(String path, TensorType t, String scope) {
        return b.addChecked(Op.PARAM, new Attr.Param(path, new Attr.Init(Attr.InitKind.ZEROS, List.of()), null), List.of(), t, null, scope);
    }
    private Node op(Op op, Attr a, String scope, Node... ins) { return b.addChecked(op, a, List.of(ins), null, null, scope); }
    private Node mul(Node x, Node y, String scope) { return op(Op.BINARY, new Attr.Binary(Attr.BinaryFn.MUL), scope, x, y); }
    private Node sum(Node x, String scope) {
        return op(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, x.type().axisNames()), scope, x);
    }

    private static Node output(Graph g, String name) {
        return g.outputs().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow().node();
    }

    @Test void eachGradientHasItsParametersAxesAndTheUnitLossOverParameter() {
        Node w = param("lin.W", f32(VOLT, M, N), "lin");
        Node x = in("x", f32(SECOND, N));
        Node y = op(Op.CONTRACT, new Attr.Contract(List.of("n")), "lin", w, x);
        b.output("y", y).output("loss", sum(mul(y, y, ""), ""));
        Graph g = Autodiff.gradient(b.build(), Autodiff.Request.allParams(b.build(), "loss").andInputs("x"));
        assertEquals(List.of("y", "loss", "grad.lin.W", "grad.x"), g.outputs().stream().map(Graph.Output::name).toList());
        Unit loss = VOLT.pow(2).times(SECOND.pow(2));
        assertEquals(f32(loss.over(VOLT), M, N), output(g, "grad.lin.W").type());
        assertEquals(f32(loss.over(SECOND), N), output(g, "grad.x").type());
        PassManager.standard().run(g, PassContext.verifying());
    }

    /** d x^2 = 2 x: the gradient reads x itself, with no pow node left for a backend to run (x^1). */
    @Test void theGradientOfASquareHasNoPower() {
        Node p = param("p", f32(Unit.NONE, N), "");
        b.output("loss", sum(op(Op.UNARY, new Attr.Unary(Attr.UnaryFn.POW_CONST, 2.0), "", p), ""));
        Graph g = Autodiff.gradient(b.build(), "loss");
        long powers = g.nodes().stream().filter(n -> n.op() == Op.UNARY && ((Attr.Unary) n.attr()).fn() == Attr.UnaryFn.POW_CONST).count();
        assertEquals(1, powers, "only the forward x^2");
    }

    @Test void aParameterTheLossDoesNotReadHasAZeroGradient() {
        Node p = param("p", f32(Unit.NONE, N), "");
        Node unused = param("q", f32(Unit.NONE, M), "");
        b.output("loss", sum(mul(p, p, ""), ""));
        Graph g = Autodiff.gradient(b.build(), "loss");
        Node zero = output(g, "grad.q");
        assertEquals(Op.CONST, zero.op());
        assertEquals(0.0, ((Attr.Scalar) zero.attr()).value());
        assertEquals(unused.type(), zero.type());
    }

    /** Gradient nodes take the scope of the node they differentiate; none is built for a branch off the paths. */
    @Test void nothingIsBuiltOffThePathsFromParametersToTheLoss() {
        Node p = param("p", f32(Unit.NONE, N), "on");
        Node c = in("c", f32(Unit.NONE, N));
        Node off = op(Op.UNARY, new Attr.Unary(Attr.UnaryFn.EXP), "off", op(Op.UNARY, new Attr.Unary(Attr.UnaryFn.TANH), "off", c));
        Node loss = op(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), "", sum(mul(p, c, "on"), "on"), sum(off, "off"));
        b.output("loss", loss);
        Graph before = b.build(), after = Autodiff.gradient(before, "loss");
        List<Node> added = after.nodes().subList(before.nodes().size(), after.nodes().size());
        assertTrue(added.stream().anyMatch(n -> n.scope().equals("on")), "the product's adjoint is built");
        assertTrue(added.stream().noneMatch(n -> n.scope().equals("off")), "nothing for exp(tanh(c)): " + added);
    }

    @Test void theLossMustBeAScalarFloatOutput() {
        Node p = param("p", f32(Unit.NONE, N), "");
        b.output("y", mul(p, p, ""));
        Graph g = b.build();
        assertTrue(assertThrows(GradientException.class, () -> Autodiff.gradient(g, "loss")).getMessage().contains("no output loss"));
        assertTrue(assertThrows(GradientException.class, () -> Autodiff.gradient(g, "y")).getMessage().contains("must be a scalar"));
    }

    @Test void unknownIntegerAndDuplicateTargetsAreRefused() {
        Node p = param("p", f32(Unit.NONE, N), "");
        Node k = b.addChecked(Op.PARAM, new Attr.Param("k", new Attr.Init(Attr.InitKind.ZEROS, List.of()), null), List.of(),
                new TensorType(DType.I32, List.of(N), Unit.NONE), null, "");
        b.output("loss", sum(mul(p, op(Op.CAST, new Attr.Cast(DType.F32), "", k), ""), ""));
        Graph g = b.build();
        assertEquals(List.of("p"), Autodiff.floatParams(g));
        assertThrows(GradientException.class, () -> Autodiff.gradient(g, new Autodiff.Request("loss", List.of("nope"), List.of())));
        assertTrue(assertThrows(GradientException.class, () -> Autodiff.gradient(g, new Autodiff.Request("loss", List.of("k"), List.of())))
                .getMessage().contains("only f32 and f64"));
        assertThrows(GradientException.class, () -> Autodiff.gradient(g, new Autodiff.Request("loss", List.of("p", "p"), List.of())));
    }

    @Test void aPathThroughARandomSourcesParametersIsRefusedAndOneBesideItIsNot() {
        Node p = param("noise.std", f32(Unit.NONE), "noise");
        Node zero = b.addChecked(Op.CONST, new Attr.Scalar(0), List.of(), f32(Unit.NONE), null, "");
        Node r = b.addChecked(Op.RANDOM, new Attr.Random(Attr.Dist.NORMAL, 1), List.of(zero, p), f32(Unit.NONE, N), null, "noise");
        Node q = param("q", f32(Unit.NONE, N), "");
        b.output("loss", sum(mul(r, q, ""), ""));
        Graph g = b.build();
        GradientException e = assertThrows(GradientException.class, () -> Autodiff.gradient(g, "loss"));
        assertTrue(e.getMessage().contains("random normal") && e.getMessage().contains("not taken"), e.getMessage());
        Graph onlyQ = Autodiff.gradient(g, new Autodiff.Request("loss", List.of("q"), List.of()));
        assertEquals(r.type(), output(onlyQ, "grad.q").type());
    }

    @Test void aStatefulCircuitIsUnrolledFirst() {
        Node read = b.addChecked(Op.STATE_READ, new Attr.Named("h"), List.of(), f32(Unit.NONE, N), null, "");
        Node p = param("p", f32(Unit.NONE, N), "");
        Node x = in("x", f32(Unit.NONE, N));
        Node next = op(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), "", mul(read, p, ""), x);
        b.state(new State("h", read.type(), p, next)).output("loss", sum(next, ""));
        Graph g = b.build();
        assertTrue(assertThrows(GradientException.class, () -> Autodiff.gradient(g, "loss")).getMessage().contains("Unroll"));

        Graph u = Unroll.unroll(g, 3, "loss");
        assertEquals(List.of("x@0", "x@1", "x@2"), u.inputs().stream().map(n -> ((Attr.Named) n.attr()).name()).toList());
        assertEquals(List.of("loss@0", "loss@1", "loss@2", "h@3", "loss"), u.outputs().stream().map(Graph.Output::name).toList());
        assertEquals(1, u.params().size(), "one parameter, shared by the steps");
        assertTrue(u.states().isEmpty());
        Graph grad = Autodiff.gradient(u, "loss");
        assertEquals(p.type(), output(grad, "grad.p").type());
        assertThrows(GradientException.class, () -> Unroll.unroll(g, 0));
    }

    @Test void unrollingRefusesRandomSources() {
        Node zero = b.addChecked(Op.CONST, new Attr.Scalar(0), List.of(), f32(Unit.NONE), null, "");
        Node r = b.addChecked(Op.RANDOM, new Attr.Random(Attr.Dist.UNIFORM, 1), List.of(zero, zero), f32(Unit.NONE, N), null, "");
        b.output("y", r);
        GradientException e = assertThrows(GradientException.class, () -> Unroll.unroll(b.build(), 2));
        assertTrue(e.getMessage().contains("random"), e.getMessage());
    }
}
