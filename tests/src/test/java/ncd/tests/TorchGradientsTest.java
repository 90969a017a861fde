package ncd.tests;

import ncd.api.Ncd;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.passes.autodiff.Autodiff;
import ncd.passes.autodiff.Unroll;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Executable;
import ncd.runtime.NpyArray;
import ncd.runtime.Npz;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * ncd's gradients against PyTorch's autograd. benchmarks/peers/torch_grads.py built the circuits of
 * tests/fixtures/torch_grads/{nets,head}.ncd in PyTorch (float64), each with a mean squared error, and saved the
 * inputs, the parameters (by ncd instance path), the loss and every parameter's gradient in CASE.npz. Here the ncd
 * circuit is lowered, its gradient built (through the driver, which unrolls the recurrent ones; and by
 * {@link Unroll} and {@link Autodiff} on an f64 copy), the parameters are set from the fixture, and the loss and
 * every gradient are compared with PyTorch's on the interpreter and on the JVM backend, by the per-tensor relative
 * error max|ncd - torch| / max|torch|.
 */
class TorchGradientsTest {
    /** The circuits compute in f32: against float64 PyTorch, 1e-4 of the largest value. */
    private static final double F32_TOLERANCE = 1e-4;
    /** The same gradient graph in f64 differs from PyTorch only by rounding in another order. */
    private static final double F64_TOLERANCE = 1e-9;

    /** A fixture: CASE.npz, the ncd file and circuit it was made for, and the steps it is unrolled over (0: none). */
    record Case(String name, String file, String circuit, int steps) {
        Path fixture() { return Repo.root().resolve("tests/fixtures/torch_grads/" + name + ".npz"); }

        Graph lowered() throws Exception {
            return Ncd.compile(Repo.root().resolve("tests/fixtures/torch_grads/" + file)).graph(circuit, Map.of());
        }
    }

    static final List<Case> CASES = List.of(
            new Case("mlp", "nets.ncd", "MlpLoss", 0),
            new Case("head", "head.ncd", "HeadLoss", 0),
            new Case("block", "nets.ncd", "BlockLoss", 0),
            new Case("lstm", "nets.ncd", "LstmLoss", 5),
            new Case("gru", "nets.ncd", "GruLoss", 5),
            new Case("leaky", "nets.ncd", "LeakyLoss", 20));

    private static final List<String> BACKENDS = List.of("interp", "jvm");

    /** The circuit as written (f32), its gradient built by the driver as {@code ncdc run --grad out --unroll T} does. */
    @TestFactory
    Stream<DynamicTest> f32GradientsMatchPyTorch() {
        return CASES.stream().flatMap(c -> BACKENDS.stream().map(b -> DynamicTest.dynamicTest(c.name() + " on " + b, () -> {
            Diagnostics diags = new Diagnostics();
            Graph grad = new Compilation(diags).gradient(c.lowered(), "out", c.steps())
                    .orElseThrow(() -> new AssertionError(c.name() + ": no gradient: " + diags.sorted()));
            check(c, b, grad, F32_TOLERANCE);
        })));
    }

    /** An f64 copy of the (unrolled) circuit, differentiated by {@link Autodiff} directly. */
    @TestFactory
    Stream<DynamicTest> f64GradientsMatchPyTorch() {
        return CASES.stream().flatMap(c -> BACKENDS.stream().map(b -> DynamicTest.dynamicTest(c.name() + " in f64 on " + b, () -> {
            Graph g = c.lowered();
            if (c.steps() > 0) g = Unroll.unroll(g, c.steps(), "out");
            g = CircuitGradientsTest.toF64(g);
            check(c, b, Autodiff.gradient(g, "out"), F64_TOLERANCE);
        })));
    }

    /** The comparison can fail: a gradient off by 0.1% in one element of one parameter is caught. */
    @Test void aPerturbedGradientIsCaught() throws Exception {
        Map<String, NpyArray> fx = Npz.read(CASES.get(0).fixture());
        NpyArray g = fx.get("grad.mlp.up.W");
        double[] wrong = ((double[]) g.data()).clone();
        int largest = 0;
        for (int i = 0; i < wrong.length; i++) if (Math.abs(wrong[i]) > Math.abs(wrong[largest])) largest = i;
        wrong[largest] *= 1.001;
        TensorType t = new TensorType(DType.F64, List.of(new Axis("hidden", 7), new Axis("feature", 5)), Unit.NONE);
        Tensor right = tensor(g, t, "grad"), off = tensor(new NpyArray(g.descr(), g.shape(), wrong), t, "grad");
        assertTrue(relativeError(off, right, 0) > F32_TOLERANCE, "an error of 0.1% in the largest element must exceed the tolerance");
        assertEquals(0, relativeError(right, right, 0));
    }

    /**
     * Instantiates {@code grad} on backend {@code b}, sets every parameter and input from the fixture, runs one step
     * and compares the loss {@code out} and every {@code grad.PATH} with PyTorch's.
     */
    private static void check(Case c, String b, Graph grad, double tolerance) throws Exception {
        Map<String, NpyArray> fx = Npz.read(c.fixture());
        String label = c.name() + " (" + grad.outputs().get(0).node().type().dtype() + ", " + b + ")";

        Backend backend = Backends.named(b).orElseThrow();
        Diagnostics diags = new Diagnostics();
        Compilation comp = new Compilation(diags, Compilation.Settings.standard().verifyingEachPass(true));
        Executable exe = comp.instantiate(grad, backend, BackendOptions.defaults())
                .orElseThrow(() -> new AssertionError(label + ": refused: " + diags.sorted()));

        Map<String, TensorType> params = new LinkedHashMap<>();
        for (Node p : grad.params()) params.put(((Attr.Param) p.attr()).name(), p.type());
        assertEquals(keys(fx, "param."), new TreeSet<>(params.keySet()),
                label + ": the fixture must hold exactly the circuit's parameters, so that none keeps its initial value");
        for (Map.Entry<String, TensorType> p : params.entrySet()) {
            exe.setParam(p.getKey(), tensor(fx.get("param." + p.getKey()), p.getValue(), "parameter " + p.getKey()));
        }

        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (Node n : grad.inputs()) {
            String name = ((Attr.Named) n.attr()).name();
            NpyArray a = fx.get("input." + name);
            assertTrue(a != null, label + ": the fixture has no input " + name);
            inputs.put(name, tensor(a, n.type(), "input " + name));
        }
        assertEquals(keys(fx, "input."), new TreeSet<>(inputs.keySet()), label + ": inputs");

        // A gradient that is zero in exact arithmetic is rounding noise in both, relative to nothing: the key bias
        // of attention (softmax over the keys ignores a shift common to all of them, which is what bk adds to every
        // score of a query) has gradient 0, about 1e-17 in PyTorch. So every gradient's scale is at least 1e-3 of
        // the largest gradient of the case.
        double floor = 0;
        for (Map.Entry<String, NpyArray> e : fx.entrySet()) {
            if (e.getKey().startsWith("grad.")) for (double v : (double[]) e.getValue().data()) floor = Math.max(floor, 1e-3 * Math.abs(v));
        }
        Map<String, Tensor> out = exe.step(inputs);
        List<String> report = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        compare("loss", out.get("out"), fx.get("loss"), TensorType.scalar(DType.F64), 0, tolerance, report, bad);
        for (Map.Entry<String, TensorType> p : params.entrySet()) {
            compare(p.getKey(), out.get(Autodiff.gradName(p.getKey())), fx.get("grad." + p.getKey()), p.getValue(), floor, tolerance, report, bad);
        }
        System.out.printf("TorchGradientsTest %s: relative errors %s%n", label, String.join(", ", report));
        if (!bad.isEmpty()) fail(label + ": differs from PyTorch by more than " + tolerance + " (relative) in " + String.join(", ", bad));
    }

    /** Compares {@code got} with PyTorch's {@code want}, laid out in the parameter's declared axis order. */
    private static void compare(String name, Tensor got, NpyArray want, TensorType declared, double floor, double tolerance, List<String> report, List<String> bad) {
        assertTrue(got != null, "no output for " + name);
        if (!got.type().axisNames().equals(declared.axisNames())) got = got.transposeTo(declared.axisNames());
        Tensor expected = tensor(want, declared.withDType(DType.F64), "torch " + name);
        double err = relativeError(got, expected, floor);
        report.add(String.format("%s %.2g", name, err));
        if (!(err <= tolerance)) bad.add(String.format("%s (%.3g)", name, err));
    }

    /** max|got - want| / max(max|want|, floor, 1e-30) over the tensor. */
    static double relativeError(Tensor got, Tensor want, double floor) {
        assertEquals(want.size(), got.size());
        double diff = 0, scale = Math.max(floor, 1e-30);
        for (int i = 0; i < want.size(); i++) {
            double d = Math.abs(got.get(i) - want.get(i));
            diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
            scale = Math.max(scale, Math.abs(want.get(i)));
        }
        return diff / scale;
    }

    /** A float64 array of the fixture as a tensor of type {@code t} (f32 or f64), its shape that of t's axes in order. */
    static Tensor tensor(NpyArray a, TensorType t, String what) {
        assertTrue(a != null, "the fixture has no " + what);
        int[] shape = t.axes().stream().mapToInt(Axis::size).toArray();
        if (shape.length > 0) assertArrayEquals(shape, a.shape(), what + ": shape of " + t);
        else assertEquals(1, a.size(), what + ": a scalar");   // Npz reads a 0-d array as one element
        double[] d = (double[]) a.data();
        Tensor out = Tensor.zeros(t);
        for (int i = 0; i < d.length; i++) out.set(i, d[i]);
        return out;
    }

    private static TreeSet<String> keys(Map<String, NpyArray> fx, String prefix) {
        TreeSet<String> out = new TreeSet<>();
        for (String k : fx.keySet()) if (k.startsWith(prefix)) out.add(k.substring(prefix.length()));
        return out;
    }
}
