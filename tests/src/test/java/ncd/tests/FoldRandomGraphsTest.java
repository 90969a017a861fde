package ncd.tests;

import ncd.diag.SourceSpan;
import ncd.interp.Interpreter;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.IrPrinter;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.ir.TypeRuleException;
import ncd.ir.Unit;
import ncd.passes.PassContext;
import ncd.passes.PassManager;
import ncd.runtime.RandomInputs;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Constant folding against the interpreter on graphs built directly, whose leaves are constants (with awkward
 * values: -0, NaN, infinities, f32-inexact decimals, i32 extremes), iotas and one input: random chains of unary,
 * binary, cast, where, reduce, argmax/argmin, expand and rename. The frontend folds literal arithmetic before the
 * IR exists, so programs rarely show the IR these make; here every rule of {@code fold} meets every dtype.
 * The full pipeline must leave every output bit-identical.
 */
class FoldRandomGraphsTest {
    private static final int GRAPHS = Integer.getInteger("ncd.passes.randomGraphs", 400);
    private static final Axis N = new Axis("n", 4), ONE = new Axis("u", 1);
    private static final double[] VALUES = {0, -0.0, 1, -1, 0.1, 1e-9, 2.5, -3.5, 3, 7, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Integer.MAX_VALUE, Integer.MIN_VALUE, 1e10, 0.5};

    @TestFactory
    Stream<DynamicTest> foldedGraphsComputeTheSame() {
        return IntStream.range(0, GRAPHS).mapToObj(i -> DynamicTest.dynamicTest("graph " + i, () -> check(i)));
    }

    private static void check(long seed) {
        Graph g = build(new SplittableRandom(seed * 31 + 5));
        Graph opt = PassManager.standard().run(g, PassContext.verifying());
        Map<String, Tensor> in = Map.of("x", RandomInputs.draw("x", g.inputs().get(0).type(), seed));
        Map<String, Tensor> a = new Interpreter(g, 1).step(in), b = new Interpreter(opt, 1).step(in);
        assertEquals(a.keySet(), b.keySet());
        for (String o : a.keySet()) {
            Tensor x = a.get(o), y = b.get(o);
            assertEquals(x.type(), y.type());
            for (int i = 0; i < x.size(); i++) {
                if (Double.compare(x.get(i), y.get(i)) != 0) {
                    fail("output " + o + "[" + i + "]: " + x.get(i) + " before, " + y.get(i) + " after\nbefore:\n"
                            + IrPrinter.print(g) + "after:\n" + IrPrinter.print(opt));
                }
            }
        }
    }

    private static TensorType type(DType d, Axis... axes) { return new TensorType(d, List.of(axes), Unit.NONE); }

    private static Graph build(SplittableRandom r) {
        Graph.Builder b = Graph.builder("R", Graph.Kind.CIRCUIT, SourceSpan.NONE);
        List<Node> pool = new ArrayList<>();
        pool.add(b.addChecked(Op.INPUT, new Attr.Named("x"), List.of(), type(DType.F32, N), null, ""));
        pool.add(b.addChecked(Op.IOTA, new Attr.AxisRef("n"), List.of(), type(DType.I32, N), null, ""));
        pool.add(b.addChecked(Op.IOTA, new Attr.AxisRef("u"), List.of(), type(DType.I32, ONE), null, ""));
        DType[] dtypes = {DType.F32, DType.F64, DType.I32, DType.BOOL};
        for (int i = 0; i < 8; i++) {
            DType d = dtypes[r.nextInt(dtypes.length)];
            double v = VALUES[r.nextInt(VALUES.length)];
            TensorType t = r.nextInt(4) == 0 ? type(d, N) : type(d);
            pool.add(b.addChecked(Op.CONST, new Attr.Scalar(v), List.of(), t, null, ""));
        }
        int start = pool.size();
        for (int tries = 0; pool.size() < start + 14 && tries < 2000; tries++) {
            Node x = pick(r, pool), y = pick(r, pool), z = pick(r, pool);
            try {
                Node n = switch (r.nextInt(9)) {
                    case 0, 1 -> b.add(Op.UNARY, new Attr.Unary(Attr.UnaryFn.values()[r.nextInt(Attr.UnaryFn.values().length)],
                            r.nextInt(3) - 0.5), List.of(x), null, null, "");
                    case 2, 3 -> b.add(Op.BINARY, new Attr.Binary(Attr.BinaryFn.values()[r.nextInt(Attr.BinaryFn.values().length)]),
                            List.of(x, y), null, null, "");
                    case 4 -> b.add(Op.CAST, new Attr.Cast(dtypes[r.nextInt(dtypes.length)]), List.of(x), null, null, "");
                    case 5 -> b.add(Op.WHERE, new Attr.None(), List.of(x, y, z), null, null, "");
                    case 6 -> {
                        if (!x.type().hasAxis("n")) yield null;
                        Attr.ReduceFn[] fns = {Attr.ReduceFn.SUM, Attr.ReduceFn.MEAN, Attr.ReduceFn.MAX, Attr.ReduceFn.MIN,
                            Attr.ReduceFn.PROD, Attr.ReduceFn.ANY, Attr.ReduceFn.ALL};
                        if (r.nextInt(4) == 0) {
                            yield b.add(Op.ARG_REDUCE, new Attr.ArgReduce(r.nextBoolean() ? Attr.ReduceFn.ARGMAX : Attr.ReduceFn.ARGMIN, "n"),
                                    List.of(x), null, null, "");
                        }
                        yield b.add(Op.REDUCE, new Attr.Reduce(fns[r.nextInt(fns.length)], List.of("n")), List.of(x), null, null, "");
                    }
                    case 7 -> x.type().hasAxis("n") ? null
                            : b.add(Op.EXPAND, new Attr.None(), List.of(x), x.type().withLeadingAxes(List.of(N)), null, "");
                    default -> x.type().hasAxis("n")
                            ? b.add(Op.RENAME, new Attr.Rename(Map.of("n", new Axis("m", 4))), List.of(x), null, null, "")
                            : null;
                };
                if (n != null) pool.add(n);
            } catch (TypeRuleException | IllegalArgumentException e) {
                // not well typed: try another op
            }
        }
        for (int i = start; i < pool.size(); i++) b.output("o" + i, pool.get(i));
        return b.build();
    }

    /** A recent node more often than an old one, so that chains grow deep. */
    private static Node pick(SplittableRandom r, List<Node> pool) {
        return r.nextInt(3) > 0 ? pool.get(pool.size() - 1 - r.nextInt(Math.min(5, pool.size()))) : pool.get(r.nextInt(pool.size()));
    }
}
