package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.frontend.Program;
import ncd.runtime.Backends;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Equations and events (docs/language.md, "Equations and events"): the integrator the compiler chooses, checked
 * against hand-written steps (examples/lif_fi.ncd, examples/cuba.ncd), closed-form solutions and a fine-step
 * double-precision reference.
 */
class EquationsTest {
    private static final double DT = 1e-4;

    /** examples/lif_eq.ncd's Sweep asks for Euler: the same spikes as examples/lif_fi.ncd's hand-written step, step for step. */
    @Test void lifEqEulerGivesLifFiSpikes() throws Exception {
        Compiled eq = Ncd.compile(Repo.root().resolve("examples/lif_eq.ncd"));
        Compiled hand = Ncd.compile(Repo.root().resolve("examples/lif_fi.ncd"));
        for (var b : Backends.available()) {
            Circuit a = eq.circuit("Sweep", Map.of(), 0, b.name()), h = hand.circuit("Sweep", Map.of(), 0, b.name());
            int spikes = 0;
            for (int s = 0; s < 10_000; s++) {
                boolean[] x = a.step(Map.of()).get("out").bools(), y = h.step(Map.of()).get("out").bools();
                assertArrayEquals(y, x, b.name() + ": spikes differ at step " + s);
                for (boolean z : x) if (z) spikes++;
            }
            assertTrue(spikes > 300, b.name() + ": the sweep spikes (" + spikes + ")");
        }
    }

    /** SweepExact leaves the method to the compiler: exact, and the rates follow the analytic f-I curve within 1%. */
    @Test void lifEqExactFollowsTheAnalyticCurve() throws Exception {
        Compiled c = Ncd.compile(Repo.root().resolve("examples/lif_eq.ncd"));
        assertEquals("exact", method(c.program(), "LIFExact", "v"));
        assertEquals("euler", method(c.program(), "LIFEuler", "v"));
        double tau = 20e-3, r = 10e6, gap = 15e-3, tRef = 2e-3;
        for (var b : Backends.available()) {
            Circuit sweep = c.circuit("SweepExact", Map.of(), 0, b.name());
            List<List<Integer>> spikes = new ArrayList<>();
            for (int i = 0; i < 12; i++) spikes.add(new ArrayList<>());
            for (int s = 0; s < 10_000; s++) {
                boolean[] out = sweep.step(Map.of()).get("out").bools();
                for (int i = 0; i < 12; i++) if (out[i]) spikes.get(i).add(s);
            }
            assertTrue(spikes.get(0).isEmpty(), b.name() + ": 1.4 nA is below the rheobase");
            // neuron 1 sits exactly at the rheobase (1.5 nA), where v tends to v_th itself: float rounding decides
            for (int i = 2; i < 12; i++) {
                double drive = r * (1.4e-9 + 0.1e-9 * i);
                double want = 1 / (tRef + tau * Math.log(drive / (drive - gap)));
                List<Integer> k = spikes.get(i);
                double got = (k.size() - 1) / ((k.get(k.size() - 1) - k.get(0)) * DT);
                assertEquals(want, got, 0.01 * want, b.name() + ": rate of neuron " + i);
            }
        }
    }

    /**
     * examples/cuba_eq.ncd's propagator (v, ge and gi together) against examples/cuba.ncd's hand-written step, which
     * holds ge + gi over each step, a difference of |ge + gi| dt^2 / (2 taue taum) a step (2.5e-7 V at 5 mV). Over 50
     * steps, 99% of the membranes stay within 0.1 mV and half within 0.01 mV; every spike of one has a spike of the
     * same neuron within a step in the other (that difference moves a few threshold crossings by one step, and
     * those move their targets' input). The propagator itself is checked exactly against the closed form below.
     */
    @Test void cubaEqMatchesTheHandWrittenStep() throws Exception {
        Compiled eq = Ncd.compile(Repo.root().resolve("examples/cuba_eq.ncd"));
        Compiled hand = Ncd.compile(Repo.root().resolve("examples/cuba.ncd"));
        for (String s : List.of("v", "ge", "gi")) assertEquals("exact", method(eq.program(), "CUBA", s));
        Circuit a = eq.circuit("CUBA", Map.of(), 0), h = hand.circuit("CUBA", Map.of(), 0);
        int steps = 50, n = 4000;
        boolean[][] sa = new boolean[steps][], sh = new boolean[steps][];
        double worstMedian = 0;
        for (int s = 0; s < steps; s++) {
            sa[s] = a.step(Map.of()).get("out").bools();
            sh[s] = h.step(Map.of()).get("out").bools();
            float[] va = a.state().get("v").floats(), vh = h.state().get("v").floats();
            double[] d = new double[n];
            for (int i = 0; i < n; i++) d[i] = Math.abs(va[i] - vh[i]);
            java.util.Arrays.sort(d);
            worstMedian = Math.max(worstMedian, d[n / 2]);
            assertTrue(d[n - n / 100] < 1e-4, "step " + s + ": 1% of the membranes are more than " + d[n - n / 100] + " V apart");
        }
        // a neuron the two steps bring to threshold within 2.5e-7 V of each other may cross it one step apart
        int spikes = 0, shifted = 0;
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < n; i++) {
                if (!sa[s][i]) continue;
                spikes++;
                if (sh[s][i]) continue;
                shifted++;
                boolean near = s > 0 && sh[s - 1][i] || s + 1 < steps && sh[s + 1][i] || s + 1 == steps;
                assertTrue(near, "neuron " + i + " spikes at step " + s + " in cuba_eq but not within a step of it in cuba");
            }
        }
        assertTrue(spikes > 100, "the network spikes in 50 steps (" + spikes + ")");
        assertTrue(shifted < spikes / 5, shifted + " of " + spikes + " spikes a step apart");
        assertTrue(worstMedian < 1e-5, "half the membranes are more than " + worstMedian + " V apart");
    }

    private static final String COUPLED = """
            axis n = 1

            circuit Syn() -> f32[n] in mV {
              const taum = 20 ms, taue = 5 ms, taui = 10 ms, dt = 0.1 ms, El = -49 mV
              state v: f32[n] in mV = -55 mV
              state ge: f32[n] in mV = 5 mV
              state gi: f32[n] in mV = -3 mV
              dv/dt = (ge + gi - (v - El)) / taum
              dge/dt = -ge / taue
              dgi/dt = -gi / taui
              return v
            }
            """;

    /** The coupled propagator against the closed-form solution of CUBA's three equations, within float rounding. */
    @Test void coupledPropagatorIsTheClosedForm() throws Exception {
        Compiled c = Ncd.compile(Path.of("coupled.ncd"), COUPLED);
        double taum = 20e-3, taue = 5e-3, taui = 10e-3, el = -49e-3, v0 = -55e-3, ge0 = 5e-3, gi0 = -3e-3;
        double ae = ge0 * taue / (taue - taum), ai = gi0 * taui / (taui - taum);
        for (var b : Backends.available()) {
            Circuit syn = c.circuit("Syn", Map.of(), 0, b.name());
            for (int s = 1; s <= 500; s++) {
                syn.step(Map.of());
                double t = s * DT;
                double v = el + ae * Math.exp(-t / taue) + ai * Math.exp(-t / taui) + (v0 - el - ae - ai) * Math.exp(-t / taum);
                assertEquals(v, syn.state().get("v").get(0), 2e-7, b.name() + ": v at step " + s);
                assertEquals(ge0 * Math.exp(-t / taue), syn.state().get("ge").get(0), 1e-8, b.name() + ": ge at step " + s);
            }
        }
    }

    private static final String IZHIKEVICH = """
            axis n = 1

            circuit Izh() -> bool[n] {
              const k = 0.04 / 1 mV, tau = 1 ms, a = 0.02 / 1 ms, b = 0.2, dt = 0.1 ms, I = 10 mV
              state v: f32[n] in mV = -65 mV
              state u: f32[n] in mV = -13 mV
              dv/dt = (k * v * v + 5 * v + 140 mV - u + I) / tau METHOD
              du/dt = a * (b * v - u)
              on spike = v > 30 mV: v = -65 mV, u = u + 8 mV
              return spike
            }
            """;

    /**
     * Izhikevich's neuron is not linear: the compiler picks RK4 (for u too, coupled to v). Against a double-precision
     * RK4 reference at dt/100 over the 2.5 ms before the first spike (at 3 ms), its error is float rounding, and a thousand
     * times smaller than that of `: euler` on the same equations, which is first order.
     */
    @Test void nonlinearEquationsTakeRk4() throws Exception {
        Compiled rk = Ncd.compile(Path.of("izh.ncd"), IZHIKEVICH.replace("METHOD", ""));
        Compiled eu = Ncd.compile(Path.of("izh_euler.ncd"), IZHIKEVICH.replace("METHOD", ": euler").replace("du/dt = a * (b * v - u)", "du/dt = a * (b * v - u) : euler"));
        assertEquals("rk4", method(rk.program(), "Izh", "v"));
        assertEquals("rk4", method(rk.program(), "Izh", "u"));
        double input = 10e-3;
        int steps = 25;
        double[] ref = izhikevich(-65e-3, -13e-3, input, steps);
        Map<String, ncd.runtime.Tensor> in = Map.of();
        double errRk, errEu;
        Circuit r = rk.circuit("Izh"), e = eu.circuit("Izh");
        for (int s = 0; s < steps; s++) {
            assertTrue(!r.step(in).get("out").bools()[0], "no spike before step " + steps);
            e.step(in);
        }
        errRk = Math.abs(r.state().get("v").get(0) - ref[0]);
        errEu = Math.abs(e.state().get("v").get(0) - ref[0]);
        assertTrue(ref[0] > -45e-3, "the membrane moved (" + ref[0] + " V)");
        assertTrue(errRk < 2e-6, "RK4 is " + errRk + " V off the reference");
        assertTrue(errEu > 1000 * errRk, "Euler (" + errEu + " V off) is first order, RK4 (" + errRk + " V off) fourth");
    }

    /** v and u after {@code steps} steps of 0.1 ms, by RK4 in double with 100 sub-steps a step (SI units). */
    private static double[] izhikevich(double v, double u, double input, int steps) {
        double h = DT / 100;
        for (int s = 0; s < steps * 100; s++) {
            double[] k1 = izh(v, u, input), k2 = izh(v + h / 2 * k1[0], u + h / 2 * k1[1], input);
            double[] k3 = izh(v + h / 2 * k2[0], u + h / 2 * k2[1], input), k4 = izh(v + h * k3[0], u + h * k3[1], input);
            v += h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
            u += h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
        }
        return new double[] {v, u};
    }

    private static double[] izh(double v, double u, double input) {
        double dv = (40 * v * v + 5 * v + 0.140 - u + input) / 1e-3;   // 0.04 / mV = 40 / V
        double du = 20 * (0.2 * v - u);                                 // a = 0.02 / ms = 20 / s
        return new double[] {dv, du};
    }

    private static final String CONDUCTANCE = """
            axis n = 1

            circuit Cond() -> f32[n] in mV {
              const C = 200 pF, E = 0 mV, tau_g = 5 ms, dt = 0.1 ms
              state v: f32[n] in mV = -60 mV
              state g: f32[n] in nS = 20 nS
              dv/dt = g * (E - v) / C
              dg/dt = -g / tau_g
              return v
            }
            """;

    /**
     * A conductance-based synapse: dv/dt = g (E - v) / C is linear in v with a coefficient that varies with the state
     * g, so the compiler picks exponential Euler (g decays exactly). Closed form: v = E + (v0 - E) exp(-G(t) / C), with
     * G(t) = g0 tau_g (1 - exp(-t / tau_g)); exponential Euler holds g over each step, a first-order error.
     */
    @Test void conditionallyLinearTakesExponentialEuler() throws Exception {
        Compiled c = Ncd.compile(Path.of("cond.ncd"), CONDUCTANCE);
        assertEquals("exponential_euler", method(c.program(), "Cond", "v"));
        assertEquals("exact", method(c.program(), "Cond", "g"));
        double cap = 200e-12, g0 = 20e-9, tauG = 5e-3, v0 = -60e-3;
        for (var b : Backends.available()) {
            Circuit k = c.circuit("Cond", Map.of(), 0, b.name());
            double worst = 0;
            for (int s = 1; s <= 300; s++) {
                k.step(Map.of());
                double t = s * DT, integral = g0 * tauG * (1 - Math.exp(-t / tauG));
                double v = v0 * Math.exp(-integral / cap);
                worst = Math.max(worst, Math.abs(k.state().get("v").get(0) - v));
            }
            // first order: the error is about dt/2 times dg/dt's effect, 1% of the 50 mV the membrane moves
            assertTrue(worst < 0.5e-3, b.name() + ": exponential Euler is " + worst + " V off the closed form");
        }
    }

    private static String method(Program p, String circuit, String state) {
        for (Program.Integrator i : p.integrators()) {
            if (i.state().equals(state) && p.declarationAt(i.span()).orElse("").equals(circuit)) return i.method();
        }
        throw new AssertionError("no integrator reported for " + circuit + "." + state + " in " + p.integrators());
    }
}
