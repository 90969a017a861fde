package ncd.runtime;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.SynapseChoice;
import ncd.ir.SynapseData;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The distance rule on grids and the list of pairs ({@link SynapseDistance}, {@link SynapseData}, {@link Synapses}). */
class SynapseRulesTest {
    private static Attr.Synapses distance(double p0, double sigma, List<Integer> pre, List<Integer> post, boolean wrap, Attr.SynStorage st) {
        int nPost = post.stream().reduce(1, (a, b) -> a * b);
        return new Attr.Synapses("pre", new Axis("post", nPost), Attr.SynRule.DISTANCE, p0, 0, 3, st, new SynapseData.Grid(pre, post, sigma, wrap));
    }

    private static Attr.Synapses pairs(int nPost, int[] pre, int[] post, Attr.SynStorage st) {
        return new Attr.Synapses("pre", new Axis("post", nPost), Attr.SynRule.PAIRS, 0, 0, 0, st, SynapseData.Pairs.of("conn.npy", pre, post));
    }

    /** The test's own statement of the rule (docs/semantics.md): squared distance of pre j and post i in presynaptic spacings. */
    private static double d2(int[] r, int[] rp, boolean wrap, int j, int i) {
        double d2 = 0;
        for (int k = r.length - 1; k >= 0; k--) {
            int a = j % r[k], b = i % rp[k];
            j /= r[k];
            i /= rp[k];
            double pos = (b + 0.5) * r[k] / rp[k] - 0.5, delta = Math.abs(pos - a);
            if (wrap) delta = Math.min(delta % r[k], r[k] - delta % r[k]);
            d2 += delta * delta;
        }
        return d2;
    }

    /**
     * A binned chi-square of the drawn connections against p0 exp(-d^2 / (2 sigma^2)): the pairs binned by distance,
     * each bin's count of connections against the sum of its pairs' probabilities (variance: the sum of p(1 - p)).
     * Returns chi^2 per bin (about 1 when the rule holds).
     */
    private static double chiSquarePerBin(Synapses.Plan plan, int[] r, int[] rp, boolean wrap, double p0, double sigma) {
        int nPre = plan.nPre(), nPost = plan.nPost(), bins = 24;
        double binWidth = 0.5;
        double[] expected = new double[bins], variance = new double[bins];
        long[] seen = new long[bins];
        for (int j = 0; j < nPre; j++) {
            boolean[] hit = new boolean[nPost];
            for (int i : Synapses.targets(plan, j)) hit[i] = true;
            for (int i = 0; i < nPost; i++) {
                double d = Math.sqrt(d2(r, rp, wrap, j, i));
                int b = (int) (d / binWidth);
                if (b >= bins) continue;
                double p = p0 * Math.exp(-d * d / (2 * sigma * sigma));
                expected[b] += p;
                variance[b] += p * (1 - p);
                if (hit[i]) seen[b]++;
            }
        }
        double chi2 = 0;
        int used = 0;
        for (int b = 0; b < bins; b++) {
            if (expected[b] < 20 || variance[b] < 1) continue;   // too few pairs, or (p0 = 1, d = 0) nothing random
            chi2 += (seen[b] - expected[b]) * (seen[b] - expected[b]) / variance[b];
            used++;
        }
        assertTrue(used >= 5, "too few bins with enough pairs: " + used);
        return chi2 / used;
    }

    @Test void theDistanceRuleConnectsWithAGaussianOfTheDistance() {
        int[] r = {48, 48};
        double p0 = 0.7, sigma = 2.5;
        Synapses.Plan plan = Synapses.plan(distance(p0, sigma, List.of(48, 48), List.of(48, 48), false, Attr.SynStorage.CSR), "net", DType.BOOL, 48 * 48);
        double right = chiSquarePerBin(plan, r, r, false, p0, sigma);
        assertTrue(right < 3, "chi^2 per bin " + right + " against the rule's own sigma");
        System.out.printf("SynapseRulesTest: 48 x 48, p0 = 0.7, sigma = 2.5: chi^2 per bin %.2f; against sigma * 1.1: %.1f; against p0 * 0.9: %.1f%n",
                right, chiSquarePerBin(plan, r, r, false, p0, sigma * 1.1), chiSquarePerBin(plan, r, r, false, p0 * 0.9, sigma));
        // the same test rejects a sigma 10% off, and a p0 10% off: it can fail
        double wrongSigma = chiSquarePerBin(plan, r, r, false, p0, sigma * 1.1);
        double wrongP = chiSquarePerBin(plan, r, r, false, p0 * 0.9, sigma);
        assertTrue(wrongSigma > 10, "chi^2 per bin " + wrongSigma + " against a sigma 10% too large");
        assertTrue(wrongP > 10, "chi^2 per bin " + wrongP + " against a p0 10% too small");
        // the expected count the storage choice uses is the exact sum over pairs here (sizes at most 1024 per side)
        double sum = 0;
        for (int j = 0; j < 48 * 48; j++) for (int i = 0; i < 48 * 48; i++) sum += p0 * Math.exp(-d2(r, r, false, j, i) / (2 * sigma * sigma));
        assertEquals(sum, plan.expected(), 1e-6 * sum);
        long n = Synapses.count(plan);
        assertTrue(Math.abs(n - sum) < 5 * Math.sqrt(sum), n + " synapses, expected " + sum);
    }

    @Test void onATorusAndBetweenGridsOfDifferentSizes() {
        // a torus: neighbours across the edge are as near as inside
        int[] r = {30, 30};
        Synapses.Plan torus = Synapses.plan(distance(1, 2.5, List.of(30, 30), List.of(30, 30), true, Attr.SynStorage.CSR), "net", DType.BOOL, 900);
        double chi = chiSquarePerBin(torus, r, r, true, 1, 2.5);
        assertTrue(chi < 3, "chi^2 per bin " + chi);
        double onTorus = 0, onSheet = 0;
        for (int j = 0; j < 900; j++) {
            for (int i = 0; i < 900; i++) {
                onTorus += Math.exp(-d2(r, r, true, j, i) / (2 * 2.5 * 2.5));
                onSheet += Math.exp(-d2(r, r, false, j, i) / (2 * 2.5 * 2.5));
            }
        }
        long n = Synapses.count(torus);
        assertTrue(Math.abs(n - onTorus) < 5 * Math.sqrt(onTorus), n + " synapses, expected " + onTorus + " on a torus");
        assertTrue(Math.abs(n - onSheet) > 10 * Math.sqrt(onSheet), n + " synapses, as many as without the wrap (" + onSheet + ")");
        // 40 x 40 onto 20 x 20 (each post cell centred on a 2 x 2 block of pre), and a line of 300 onto one of 120
        int[] big = {40, 40}, small = {20, 20};
        Synapses.Plan fan = Synapses.plan(distance(0.9, 3, List.of(40, 40), List.of(20, 20), false, Attr.SynStorage.CSR), "net", DType.BOOL, 1600);
        chi = chiSquarePerBin(fan, big, small, false, 0.9, 3);
        assertTrue(chi < 3, "40 x 40 onto 20 x 20: chi^2 per bin " + chi);
        Synapses.Plan line = Synapses.plan(distance(0.5, 4, List.of(300), List.of(120), true, Attr.SynStorage.CSR), "net", DType.BOOL, 300);
        chi = chiSquarePerBin(line, new int[] {300}, new int[] {120}, true, 0.5, 4);
        assertTrue(chi < 3, "a ring of 300 onto one of 120: chi^2 per bin " + chi);
    }

    @Test void theDistanceRuleDrawsTheSameRowsInEveryStorage() {
        float[] x = new float[400];
        for (int j = 0; j < 400; j++) if (Rng.uniform(9, 0, j) < 0.3) x[j] = (float) Rng.uniform(9, 1, j) - 0.4f;
        float[] ref = null;
        for (Attr.SynStorage st : new Attr.SynStorage[] {Attr.SynStorage.DENSE, Attr.SynStorage.CSR, Attr.SynStorage.PROCEDURAL}) {
            Synapses.Plan p = Synapses.plan(distance(0.6, 2, List.of(20, 20), List.of(10, 15), false, st), "net", DType.F32, 400);
            float[] out = new float[150];
            Synapses.propagate(p, x, out, false);
            if (ref == null) ref = out;
            else assertArrayEquals(ref, out, st.word());
            assertEquals(p, Synapses.Plan.decode(p.encode()), "the grid survives the plan string");
        }
        // the connections depend on the seed and the instance path, as every rule's
        Synapses.Plan a = Synapses.plan(distance(0.6, 2, List.of(20, 20), List.of(20, 20), false, Attr.SynStorage.CSR), "net", DType.BOOL, 400);
        Synapses.Plan b = Synapses.plan(distance(0.6, 2, List.of(20, 20), List.of(20, 20), false, Attr.SynStorage.CSR), "net.b", DType.BOOL, 400);
        assertTrue(!Arrays.equals(Synapses.targets(a, 0), Synapses.targets(b, 0)) || !Arrays.equals(Synapses.targets(a, 1), Synapses.targets(b, 1)));
    }

    @Test void theDistanceRuleMayBeProceduralWhenLarge() {
        Attr.Synapses s = distance(1, 40, List.of(300, 300), List.of(300, 300), false, Attr.SynStorage.AUTO);
        assertEquals(Attr.SynStorage.PROCEDURAL, SynapseChoice.storage(s, 90000, 90000), "about 7e8 synapses: neither bits nor rows fit, rows are drawn");
        Attr.Synapses narrow = distance(0.5, 1, List.of(300, 300), List.of(300, 300), false, Attr.SynStorage.AUTO);
        assertEquals(Attr.SynStorage.CSR, SynapseChoice.storage(narrow, 90000, 90000));
    }

    @Test void aListOfPairsConnectsExactlyThosePairsRepeatsCountingTwice() {
        int[] pre = {3, 0, 2, 0, 3, 3}, post = {1, 4, 2, 4, 0, 1};
        Attr.Synapses s = pairs(5, pre, post, Attr.SynStorage.AUTO);
        assertEquals(Attr.SynStorage.CSR, SynapseChoice.storage(s, 4, 5), "a repeated pair cannot be one bit");
        Synapses.Plan p = Synapses.plan(s, "net", DType.BOOL, 4);
        assertArrayEquals(new int[] {4, 4}, Synapses.targets(p, 0));
        assertArrayEquals(new int[] {}, Synapses.targets(p, 1));
        assertArrayEquals(new int[] {2}, Synapses.targets(p, 2));
        assertArrayEquals(new int[] {0, 1, 1}, Synapses.targets(p, 3));
        assertEquals(6, Synapses.count(p));
        float[] out = new float[5];
        Synapses.propagate(p, new boolean[] {true, true, false, true}, out);
        assertArrayEquals(new float[] {1, 2, 0, 0, 2}, out, "post 4 hears pre 0 twice, post 1 hears pre 3 twice");
        // without repeats the compiler may keep bits; both storages give the same sums
        Attr.Synapses once = pairs(5, new int[] {3, 0, 2, 3}, new int[] {1, 4, 2, 0}, Attr.SynStorage.DENSE);
        Attr.Synapses rows = pairs(5, new int[] {3, 0, 2, 3}, new int[] {1, 4, 2, 0}, Attr.SynStorage.CSR);
        float[] x = {0.5f, -1f, 2f, 0.25f}, a = new float[5], b = new float[5];
        Synapses.propagate(Synapses.plan(once, "net", DType.F32, 4), x, a, false);
        Synapses.propagate(Synapses.plan(rows, "net", DType.F32, 4), x, b, false);
        assertArrayEquals(new float[] {0.25f, 0.25f, 2f, 0, 0.5f}, a);
        assertArrayEquals(a, b);
        // an empty list connects nothing
        Synapses.Plan none = Synapses.plan(pairs(5, new int[0], new int[0], Attr.SynStorage.AUTO), "net", DType.BOOL, 4);
        assertEquals(0, Synapses.count(none));
    }

    @Test void thePairsReachTheGeneratedCodeAsArraysCheckedByTheirDigest() {
        SynapseData.Pairs list = SynapseData.Pairs.of("conn.npy", new int[] {1, 0, 1}, new int[] {2, 2, 0});
        Attr.Synapses s = new Attr.Synapses("pre", new Axis("post", 3), Attr.SynRule.PAIRS, 0, 0, 0, Attr.SynStorage.CSR, list);
        Synapses.Plan p = Synapses.plan(s, "net", DType.F32, 2);
        String encoded = p.encode();
        assertTrue(encoded.length() < 200 && !encoded.contains("conn.npy"), encoded);
        Synapses.Plan back = Synapses.Plan.decode(encoded, list.pre().clone(), list.post().clone());
        assertEquals(p, back);
        assertArrayEquals(new int[] {0, 2}, Synapses.targets(back, 1));
        int[] tampered = list.post().clone();
        tampered[0] = 1;
        assertThrows(IllegalStateException.class, () -> Synapses.Plan.decode(encoded, list.pre().clone(), tampered));
        assertThrows(IllegalStateException.class, () -> Synapses.Plan.decode(encoded, new int[] {0}, new int[] {0}));
    }
}
