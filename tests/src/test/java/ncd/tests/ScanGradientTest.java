package ncd.tests;

import ncd.api.Ncd;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.passes.autodiff.Autodiff;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training through a scan: a scan is unrolled into ordinary ops, so the autodiff differentiates it with no rule of
 * its own. A leaky RNN over 20 time steps written with `scan`, its summed squared outputs differentiated in every
 * parameter and in the input sequence, against central finite differences (f64), then the same gradient on the JVM.
 */
class ScanGradientTest {
    private static final long SEED = 3;

    static final String LEAKY = """
            axis time = 20, inp = 3, hid = 4, hid2 = 4

            circuit Leaky(xs: f32[time, inp]) -> f32 {
              const alpha = 0.3
              param W: f32[hid, inp] ~ normal(0, 0.5)
              param U: f32[hid, hid2] ~ normal(0, 0.3)
              param b: f32[hid] ~ normal(0, 0.1)
              let (hs, h) = scan t in time (h: f32[hid] = 0) {
                let h1 = h + alpha * (tanh(W @[inp] xs[t] + U @[hid2] h{hid -> hid2} + b) - h)
                next h = h1
                yield h1
              }
              return sum[time, hid](hs * hs) + sum[hid](h)
            }
            """;

    @Test void gradientThroughAScanMatchesFiniteDifferences() throws Exception {
        Graph g = Ncd.compile(Repo.root().resolve("tests/inline/scan_leaky.ncd"), LEAKY).graph("Leaky", Map.of());
        assertTrue(g.nodes().stream().filter(n -> n.op() == Op.SELECT).count() >= 20, "one select of xs per time step");
        Autodiff.Request r = Autodiff.Request.allParams(g, "out").andInputs("xs");
        assertEquals(Set.of("W", "U", "b"), Set.copyOf(r.params()));
        Graph f64 = CircuitGradientsTest.toF64(g);
        GradientCheck.check("Leaky scan over 20 steps", f64, Autodiff.Request.allParams(f64, "out").andInputs("xs"),
                CircuitGradientsTest.inputs(f64), SEED, 1e-5, 1e-6);
        GradientCheck.jvmAgrees("Leaky scan over 20 steps", Autodiff.gradient(g, r), CircuitGradientsTest.inputs(g), SEED);
        List<Node> scanned = g.nodes().stream().filter(n -> n.scope().startsWith("scan t in time (h)")).toList();
        assertTrue(scanned.size() > 20, "the scan's nodes are drawn in its own scope: " + scanned.size());
    }
}
