package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.runtime.Backend;
import ncd.runtime.Backends;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * std.synapses, std.plasticity and std.inputs, driven by examples/synapses.ncd, against closed forms on every
 * backend: a conductance's decay after one spike, the weight of pair-based STDP under periodic spike pairs (all-to-all
 * and nearest neighbour sum different sets of pairs, and the two must differ as the sums say), Oja's rule converging
 * to the principal eigenvector of the input covariance, a three-factor rule that does not move without its
 * modulator, Hebbian weights stopped by their bound, Poisson counts within their binomial spread, and a spike
 * generator firing at the rounded times.
 */
class SpikingStdlibTest {
    private static final double DT = 1e-4;
    private static Compiled compiled;

    @BeforeAll static void compile() throws Exception {
        compiled = Ncd.compile(Repo.root().resolve("examples/synapses.ncd"));
    }

    /** The outputs {@code name} of {@code steps} steps of {@code circuit}, one double[] per step. */
    private static List<double[]> run(String circuit, Backend b, String name, int steps) throws Exception {
        Circuit c = compiled.circuit(circuit, Map.of(), 0, b.name());
        List<double[]> out = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            Tensor t = c.step(Map.of()).get(name);
            double[] v = new double[t.size()];
            for (int i = 0; i < v.length; i++) v[i] = t.get(i);
            out.add(v);
        }
        return out;
    }

    @Test void conductanceDecaysExponentiallyAfterOneSpike() throws Exception {
        for (Backend b : Backends.available()) {
            List<double[]> I = run("OneSpike", b, "out", 300);
            for (int k = 0; k < 300; k++) {
                for (int i = 0; i < 2; i++) {
                    double want = (2 + 2 * i) * 65e-3 * Math.exp(-k * DT / 5e-3);  // nS * mV = pA ... in nA: 1e-3
                    assertEquals(want, I.get(k)[i], 1e-6 + 1e-5 * want, b.name() + ": current of synapse " + i + " at step " + k + " (nA)");
                }
            }
        }
    }

    @Test void stdpOfPeriodicPairsAllToAllAndNearest() throws Exception {
        double dp = Math.exp(-DT / 16.8e-3), dm = Math.exp(-DT / 33.7e-3), Ap = 0.01, Am = 0.0051;
        int P = 100, T = 2000;
        for (Backend b : Backends.available()) {
            double[] all = run("PairTrain", b, "all_to_all", T).get(T - 1), near = run("PairTrain", b, "nearest", T).get(T - 1);
            for (int cell = 0; cell < 2; cell++) {
                int L = cell == 0 ? 30 : 70;  // steps from a presynaptic spike to the postsynaptic one
                double wAll = 0.5, wNear = 0.5;
                for (int t = 0; t < T - 1; t++) {  // the output of step T - 1 has seen the events of steps 0 .. T - 2
                    if (t % P == L) {              // post: the presynaptic spikes at t - L, t - L - P, ...
                        for (int pre = t - L; pre >= 0; pre -= P) wAll += Ap * Math.pow(dp, t - pre);
                        wNear += Ap * Math.pow(dp, L);
                    }
                    if (t % P == 0 && t >= L) {    // pre: the postsynaptic spikes before it
                        for (int post = t - P + L; post >= 0; post -= P) wAll -= Am * Math.pow(dm, t - post);
                        wNear -= Am * Math.pow(dm, P - L);
                    }
                }
                assertEquals(wAll, all[cell], 1e-5, b.name() + ": all-to-all STDP, post " + L + " steps after pre");
                assertEquals(wNear, near[cell], 1e-5, b.name() + ": nearest-neighbour STDP, post " + L + " steps after pre");
                assertTrue(Math.abs(wAll - wNear) > 1e-3, "the two rules differ here (by far more than the tolerance): " + wAll + " vs " + wNear);
            }
        }
    }

    @Test void ojaFindsThePrincipalComponent() throws Exception {
        double[][] A = {{2, 0.3, 0}, {0, 1, 0}, {0.2, 0, 0.5}};
        double[][] C = new double[3][3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) C[i][j] += A[i][k] * A[j][k];
        double[] v = {1, 1, 1};
        for (int it = 0; it < 500; it++) {  // power iteration: C's eigenvalues are well separated
            double[] u = new double[3];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) u[i] += C[i][j] * v[j];
            double n = Math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
            for (int i = 0; i < 3; i++) v[i] = u[i] / n;
        }
        for (Backend b : Backends.available()) {
            List<double[]> w = run("OjaPca", b, "w", 5000);
            double cos0 = cosine(w.get(0), v), cos = cosine(w.get(4999), v), norm = Math.sqrt(dot(w.get(4999), w.get(4999)));
            assertTrue(cos0 < 0.8, "starts away from it: " + cos0);
            assertTrue(cos > 0.995, b.name() + ": cosine with the principal eigenvector " + cos);
            assertEquals(1, norm, 0.03, b.name() + ": |w|");
        }
    }

    @Test void threeFactorNeedsItsModulator() throws Exception {
        for (Backend b : Backends.available()) {
            List<double[]> frozen = run("Modulated", b, "frozen", 3000), learning = run("Modulated", b, "learning", 3000);
            for (double[] w : frozen) for (double x : w) assertEquals(0.5, x, 0, b.name() + ": a weight moved with m = 0");
            double moved = 0;
            for (double x : learning.get(2999)) {
                moved = Math.max(moved, Math.abs(x - 0.5));
                assertTrue(x >= 0 && x <= 1, "within [0, w_max]: " + x);
            }
            assertTrue(moved > 0.05, b.name() + ": with m = 1 the weights learn: " + moved);
        }
    }

    @Test void hebbianWeightsStopAtTheirBound() throws Exception {
        for (Backend b : Backends.available()) {
            List<double[]> hebb = run("HebbBounds", b, "hebb", 80), anti = run("HebbBounds", b, "anti", 80);
            for (int t = 0; t < 80; t++) {
                for (int i = 0; i < 4; i++) {
                    assertEquals(Math.min(0.02 * t, 1), hebb.get(t)[i], 1e-5, b.name() + ": Hebbian weight at step " + t);
                    assertEquals(-Math.min(0.02 * t, 1), anti.get(t)[i], 1e-5, b.name() + ": anti-Hebbian weight at step " + t);
                }
            }
        }
    }

    @Test void poissonCountsWithinTheirSpread() throws Exception {
        int T = 10000;
        for (Backend b : Backends.available()) {
            int[] count = new int[200];
            for (double[] s : run("Rates", b, "out", T)) for (int i = 0; i < 200; i++) if (s[i] != 0) count[i]++;
            double z2 = 0;
            for (int i = 0; i < 200; i++) {
                double p = (5 + 5 * i) * DT, mean = T * p, sd = Math.sqrt(T * p * (1 - p));
                assertTrue(Math.abs(count[i] - mean) < 5 * sd, b.name() + ": neuron " + i + " fired " + count[i] + " times, expected " + mean + " +- " + sd);
                z2 += (count[i] - mean) * (count[i] - mean) / (sd * sd);
            }
            // the sum of 200 squared z-scores is chi-square with 200 degrees of freedom: mean 200, sd 20
            assertTrue(z2 > 200 - 5 * 20 && z2 < 200 + 5 * 20, b.name() + ": chi-square " + z2);
        }
    }

    @Test void spikeGeneratorFiresAtTheRoundedTimes() throws Exception {
        for (Backend b : Backends.available()) {
            List<String> got = new ArrayList<>();
            List<double[]> s = run("Generator", b, "out", 100);
            for (int t = 0; t < 100; t++) for (int i = 0; i < 3; i++) if (s.get(t)[i] != 0) got.add(t + ":" + i);
            // cell i at (1 + 0.7 i) ms and (4.2 + 1.3 i) ms, cell 2's second slot unused
            assertEquals(List.of("10:0", "17:1", "24:2", "42:0", "55:1"), got, b.name());
        }
    }

    @Test void aDelayedSpikeArrivesExactlyDelaySteps() throws Exception {
        for (Backend b : Backends.available()) {
            List<String> sent = new ArrayList<>(), arrived = new ArrayList<>();
            List<double[]> s = run("DelayLine", b, "sent", 60), a = run("DelayLine", b, "arrived", 60);
            for (int t = 0; t < 60; t++) {
                for (int i = 0; i < 3; i++) {
                    if (s.get(t)[i] != 0) sent.add((t + 15) + ":" + i);  // 1.5 ms = 15 steps later
                    if (a.get(t)[i] != 0) arrived.add(t + ":" + i);
                }
            }
            assertEquals(List.of("20:0", "27:1", "34:2"), sent, "the sends");
            assertEquals(sent, arrived, b.name() + ": a spike at t arrives at t + 1.5 ms");
        }
    }

    @Test void perSynapseDelaysDeliverEachWeightOnTime() throws Exception {
        for (Backend b : Backends.available()) {
            List<String> got = new ArrayList<>();
            List<double[]> in = run("PerSynapse", b, "out", 40);
            for (int t = 0; t < 40; t++) for (int i = 0; i < 2; i++) if (in.get(t)[i] != 0) got.add(t + ":" + i + "=" + in.get(t)[i]);
            // pre 0 fires at step 3, pre 1 at step 10; delays (steps) 3 and 10 to post 0, 14 and 0 to post 1
            assertEquals(List.of("6:0=1.0", "10:1=8.0", "17:1=4.0", "20:0=2.0"), got, b.name());
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double cosine(double[] a, double[] b) { return Math.abs(dot(a, b)) / Math.sqrt(dot(a, a) * dot(b, b)); }

    /**
     * std.plasticity's Dale's-law check counts what breaks the law: an excitatory column's negative weights and an
     * inhibitory column's positive ones (zeros obey both), and none after the projection. The module's laws hold for a
     * count that is always 0, so this pins the count to a matrix whose violations are known.
     */
    @Test void daleViolationsCountsWeightsOfTheWrongSign() throws Exception {
        String source = """
                import std.plasticity.{dale, dale_violations}

                axis post = 3, pre = 4

                circuit Count(w: f32[post, pre], inhibitory: bool[pre]) -> (n: i32, left: i32, projected: f32[post, pre]) {
                  let p = dale<post, pre>(w, inhibitory)
                  return (dale_violations<post, pre>(w, inhibitory), dale_violations<post, pre>(p, inhibitory), p)
                }
                """;
        Compiled c = Ncd.compile(Repo.root().resolve("tests/target/dale_count.ncd"), source);
        ncd.ir.Axis post = new ncd.ir.Axis("post", 3), pre = new ncd.ir.Axis("pre", 4);
        // columns 0, 1 excitatory, 2, 3 inhibitory; wrong signs: (0,1) -0.5, (2,0) -2, (1,2) 0.25, (2,3) 3
        float[] w = {1, -0.5f, -1, 0, 0, 2, 0.25f, -4, -2, 0, -3, 3};
        Tensor wt = Tensor.of(new ncd.ir.TensorType(ncd.ir.DType.F32, List.of(post, pre), ncd.ir.Unit.NONE), w);
        Tensor inh = Tensor.of(new ncd.ir.TensorType(ncd.ir.DType.BOOL, List.of(pre), ncd.ir.Unit.NONE), new boolean[] {false, false, true, true});
        for (Backend b : Backends.available()) {
            Map<String, Tensor> out = c.circuit("Count", Map.of(), 0, b.name()).step(Map.of("w", wt, "inhibitory", inh));
            assertEquals(4, out.get("n").get(0), b.name() + ": weights of the wrong sign");
            assertEquals(0, out.get("left").get(0), b.name() + ": after the projection");
            float[] want = {1, 0, -1, 0, 0, 2, 0, -4, 0, 0, -3, 0};
            for (int k = 0; k < want.length; k++) assertEquals(want[k], out.get("projected").get(k), b.name() + ": projected weight " + k);
        }
    }
}
