package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.runtime.Backends;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/cuba.ncd against Brian2's CUBA example: over 1 s of simulated time, the firing rate and the ISI
 * coefficient of variation of the network, over six connectivity seeds, have the mean Brian2 gives for the same
 * network over ten seeds (tests/fixtures/cuba/brian2.csv, from benchmarks/peers/cuba_brian2.py): a two-sample
 * (Welch) z of the means within 3. A network this size is chaotic: a different seed, or another summation order on
 * another CPU, gives other spikes with the same statistics, so the check is on statistics. The connections are the
 * file's sparse synapses, whose seeds are written in it: the example as written (seeds 1 and 2) and five copies with
 * other seeds (3 and 4, ..., 11 and 12). One seed's rate lies anywhere in about 5.3..5.95 Hz (Brian2's: 5.50..6.15),
 * so a comparison of one seed, or of a mean with Brian2's min..max band, passes or fails by the seeds' luck; the z
 * of the means does not. Measured with 16 seed pairs (2026-12-03): rate 5.587 Hz (sd 0.207) against Brian2's 5.720
 * (sd 0.212), z = -1.6; ISI CV 0.521 (sd 0.007) against 0.526 (sd 0.012), z = -1.2. With the excitatory weight
 * 10% weaker, the six seeds' mean rate is 5.27 Hz, z = -4.4: this test fails. Runs on every available backend, the interpreter
 * included (the synapses are event-driven: a step visits the rows of the 2-3 neurons that spiked, about 1 ms a step
 * on the interpreter).
 */
class CubaTest {
    private static final int N = 4000, STEPS = 10_000, SEEDS = 6;

    @Test void rateAndIrregularityAreBrian2s() throws Exception {
        List<String> lines = Files.readAllLines(Repo.root().resolve("tests/fixtures/cuba/brian2.csv"));
        assertTrue(lines.size() >= 11, "ten seeds of Brian2");
        double[] bRate = new double[lines.size() - 1], bCv = new double[lines.size() - 1];
        for (int k = 1; k < lines.size(); k++) {
            String[] f = lines.get(k).split(",");
            bRate[k - 1] = Double.parseDouble(f[1]);
            bCv[k - 1] = Double.parseDouble(f[2]);
        }
        java.nio.file.Path file = Repo.root().resolve("examples/cuba.ncd");
        String source = Files.readString(file);
        assertTrue(source.contains("p = 0.02, seed = 1]") && source.contains("p = 0.02, seed = 2]"), "the example's synapse seeds");
        List<Compiled> nets = new ArrayList<>();
        for (int k = 0; k < SEEDS; k++) {
            nets.add(Ncd.compile(file, source.replace("p = 0.02, seed = 1]", "p = 0.02, seed = " + (1 + 2 * k) + "]")
                    .replace("p = 0.02, seed = 2]", "p = 0.02, seed = " + (2 + 2 * k) + "]")));
        }
        List<String> ran = new ArrayList<>();
        for (var b : Backends.available()) {
            double[] rate = new double[SEEDS], cv = new double[SEEDS];
            for (int k = 0; k < SEEDS; k++) {
                double[] rc = rateAndCv(nets.get(k).circuit("CUBA", Map.of(), 0, b.name()));
                rate[k] = rc[0];
                cv[k] = rc[1];
            }
            double zRate = welchZ(rate, bRate), zCv = welchZ(cv, bCv);
            System.out.printf("CubaTest %s: rate %.3f Hz (z %.2f), ISI CV %.4f (z %.2f) over %d connectivity seeds%n", b.name(),
                    mean(rate), zRate, mean(cv), zCv, SEEDS);
            assertTrue(Math.abs(zRate) < 3, b.name() + ": mean rate " + mean(rate) + " Hz against Brian2's " + mean(bRate) + ", z = " + zRate);
            assertTrue(Math.abs(zCv) < 3, b.name() + ": mean ISI CV " + mean(cv) + " against Brian2's " + mean(bCv) + ", z = " + zCv);
            ran.add(b.name());
        }
        assertTrue(ran.contains(Backends.REFERENCE) && ran.contains("jvm"), "ran on " + ran);
    }

    static double mean(double[] x) { return java.util.Arrays.stream(x).average().orElseThrow(); }

    /** The difference of the means of two samples in units of its standard error (sample variances, n - 1). */
    static double welchZ(double[] a, double[] b) {
        return (mean(a) - mean(b)) / Math.sqrt(variance(a) / a.length + variance(b) / b.length);
    }

    static double variance(double[] x) {
        double m = mean(x), s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return s / (x.length - 1);
    }

    /** The rate (Hz, dt = 0.1 ms) and the ISI CV averaged over neurons with at least 3 spikes, as the script computes them. */
    static double[] rateAndCv(Circuit net) {
        List<List<Integer>> spikes = new ArrayList<>();
        for (int i = 0; i < N; i++) spikes.add(new ArrayList<>());
        long count = 0;
        for (int s = 0; s < STEPS; s++) {
            boolean[] out = net.step(Map.of()).get("out").bools();
            for (int i = 0; i < N; i++) {
                if (out[i]) {
                    spikes.get(i).add(s);
                    count++;
                }
            }
        }
        double cvSum = 0;
        int cvN = 0;
        for (List<Integer> k : spikes) {
            if (k.size() < 3) continue;
            double mean = 0, sq = 0;
            for (int j = 1; j < k.size(); j++) mean += k.get(j) - k.get(j - 1);
            mean /= k.size() - 1;
            for (int j = 1; j < k.size(); j++) sq += Math.pow(k.get(j) - k.get(j - 1) - mean, 2);
            cvSum += Math.sqrt(sq / (k.size() - 1)) / mean;
            cvN++;
        }
        return new double[] {count / (N * STEPS * 1e-4), cvSum / cvN};
    }
}
