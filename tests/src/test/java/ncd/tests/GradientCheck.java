package ncd.tests;

import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.interp.Interpreter;
import ncd.ir.Graph;
import ncd.passes.PassContext;
import ncd.passes.PassManager;
import ncd.passes.autodiff.Autodiff;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Executable;
import ncd.runtime.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Gradients against central finite differences on the reference interpreter: the gradient graph
 * ({@link Autodiff#gradient}, then the standard pass pipeline, verifying after every pass) gives {@code grad.NAME};
 * the forward graph, run with one element of NAME moved by {@code ±h}, gives {@code (loss(+h) - loss(-h)) / 2h}. In
 * f64 with {@code h = 1e-5} the difference is within about 1e-9 of the derivative for smooth functions of values of
 * order 1, so a wrong rule (a lost term, a transposed axis, a wrong sign) shows far above the tolerance.
 */
final class GradientCheck {
    /** The most elements of one gradient compared with finite differences (two runs of the circuit each). */
    static final int SAMPLE = 96;

    private GradientCheck() {}

    /**
     * Checks every gradient of {@code r} at these inputs and the parameters {@code seed} draws, at every element (at
     * most {@value #SAMPLE} of them, spread over the tensor, where it has more).
     *
     * @param tol the largest allowed {@code |analytic - numeric| / (1 + |analytic|)}
     * @return the gradient graph, optimised
     */
    static Graph check(String label, Graph forward, Autodiff.Request r, Map<String, Tensor> inputs, long seed, double h, double tol) {
        Graph grad = PassManager.standard().run(Autodiff.gradient(forward, r), PassContext.verifying());
        Interpreter gi = new Interpreter(grad, seed);
        Map<String, Tensor> analytic = gi.step(inputs);
        Interpreter fi = new Interpreter(forward, seed);
        double loss = fi.step(inputs).get(r.loss()).get(0);
        assertEquals(loss, analytic.get(r.loss()).get(0), Math.abs(loss) * 1e-12, label + ": the gradient graph computes the loss as before");
        for (String p : r.params()) {
            Tensor base = fi.params().get(p).copy();
            compare(label, p, analytic.get(Autodiff.gradName(p)), base, h, tol, moved -> {
                fi.setParam(p, moved);
                double v = fi.step(inputs).get(r.loss()).get(0);
                fi.setParam(p, base);
                return v;
            });
        }
        for (String x : r.inputs()) {
            Tensor base = inputs.get(x);
            compare(label, x, analytic.get(Autodiff.gradName(x)), base, h, tol, moved -> {
                Map<String, Tensor> in = new LinkedHashMap<>(inputs);
                in.put(x, moved);
                return fi.step(in).get(r.loss()).get(0);
            });
        }
        return grad;
    }

    private interface Loss {
        double at(Tensor moved);
    }

    private static void compare(String label, String name, Tensor got, Tensor base, double h, double tol, Loss loss) {
        assertTrue(got != null, label + ": no output " + Autodiff.gradName(name));
        assertEquals(base.type().dtype(), got.type().dtype(), label + ": dtype of the gradient in " + name);
        assertEquals(base.type().axes(), got.type().axes(), label + ": axes of the gradient in " + name);
        int bad = 0;
        StringBuilder first = new StringBuilder();
        int stride = Math.max(1, base.size() / SAMPLE);
        for (int i = (base.size() - 1) % stride; i < base.size(); i += stride) {
            Tensor up = base.copy(), down = base.copy();
            up.set(i, base.get(i) + h);
            down.set(i, base.get(i) - h);
            double numeric = (loss.at(up) - loss.at(down)) / (2 * h);
            double analytic = got.get(i);
            if (!(Math.abs(analytic - numeric) <= tol * (1 + Math.abs(analytic))) && bad++ < 5) {
                first.append(String.format("%n  [%d] analytic %.12g, numeric %.12g", i, analytic, numeric));
            }
        }
        if (bad > 0) fail(label + ": the gradient in " + name + " differs from finite differences at " + bad + " of " + base.size() + first);
    }

    /**
     * The JVM backend runs {@code graph} (through the driver: footprint check, pass pipeline, compile) and agrees with
     * the interpreter on these inputs within the bounds {@link Agreement} derives from the op table.
     */
    static void jvmAgrees(String label, Graph graph, Map<String, Tensor> inputs, long seed) {
        Backend jvm = Backends.named("jvm").orElseThrow();
        Diagnostics diags = new Diagnostics();
        Compilation c = new Compilation(diags, Compilation.Settings.standard().verifyingEachPass(true));
        Executable exe = c.instantiate(graph, jvm, BackendOptions.defaults().withSeed(seed))
                .orElseThrow(() -> new AssertionError(label + ": the JVM backend refused the gradient graph: " + diags.sorted()));
        Interpreter oracle = new Interpreter(graph, seed);
        Map<String, Tensor> want = oracle.step(inputs), got = exe.step(inputs);
        Agreement bounds = new Agreement(graph);
        bounds.step();
        assertEquals(want.keySet(), got.keySet(), label + ": outputs");
        for (String o : want.keySet()) Agreement.within(label + " on jvm, output " + o, want.get(o), got.get(o), bounds.output(o));
    }
}
