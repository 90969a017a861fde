package ncd.runtime;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.SynapseChoice;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connectivity rules, the three storages and the order analysis of {@link Synapses} and {@link SynapseChoice}. */
class SynapsesTest {
    private static Attr.Synapses attr(Attr.SynRule rule, double p, int k, int nPost, Attr.SynStorage st) {
        return new Attr.Synapses("pre", new Axis("post", nPost), rule, p, k, 7, st);
    }

    private static Synapses.Plan plan(Attr.SynRule rule, double p, int k, int nPre, int nPost, Attr.SynStorage st, DType in) {
        return Synapses.plan(attr(rule, p, k, nPost, st), "net", in, nPre);
    }

    /** Random nonzero floats on about a fifth of the presynaptic elements: sums whose order shows in the bits. */
    private static float[] sparseFloats(int n, long seed) {
        float[] x = new float[n];
        for (int j = 0; j < n; j++) if (Rng.uniform(seed, 0, j) < 0.2) x[j] = (float) (Rng.uniform(seed, 1, j) * 3 - 1) * 1.37e-3f;
        return x;
    }

    @Test void everyStorageDrawsTheSameConnectionsAndSumsTheSameBits() {
        for (Attr.SynRule rule : new Attr.SynRule[] {Attr.SynRule.PROBABILITY, Attr.SynRule.OUT_DEGREE, Attr.SynRule.ONE_TO_ONE}) {
            int nPre = 300, nPost = rule == Attr.SynRule.ONE_TO_ONE ? 300 : 250;
            float[] x = sparseFloats(nPre, 5);
            float[] ref = null;
            long count = -1;
            for (Attr.SynStorage st : new Attr.SynStorage[] {Attr.SynStorage.DENSE, Attr.SynStorage.CSR, Attr.SynStorage.PROCEDURAL}) {
                Synapses.Plan p = plan(rule, 0.1, 12, nPre, nPost, st, DType.F32);
                float[] out = new float[nPost];
                Synapses.propagate(p, x, out, false);
                if (ref == null) {
                    ref = out;
                    count = Synapses.count(p);
                } else {
                    assertArrayEquals(ref, out, rule + " " + st);
                    assertEquals(count, Synapses.count(p), rule + " " + st);
                }
                for (int j = 0; j < nPre; j += 37) {
                    int[] t = Synapses.targets(p, j);
                    for (int i = 1; i < t.length; i++) assertTrue(t[i - 1] < t[i], "targets ascending and distinct");
                }
            }
        }
    }

    @Test void theRulesDrawWhatTheySay() {
        Synapses.Plan p = plan(Attr.SynRule.PROBABILITY, 0.02, 0, 3200, 4000, Attr.SynStorage.CSR, DType.BOOL);
        double mean = 0.02 * 3200 * 4000, sd = Math.sqrt(mean * 0.98);
        long n = Synapses.count(p);
        assertTrue(Math.abs(n - mean) < 5 * sd, n + " synapses, expected " + mean + " +- " + sd);
        Synapses.Plan out = plan(Attr.SynRule.OUT_DEGREE, 0, 80, 500, 400, Attr.SynStorage.CSR, DType.BOOL);
        for (int j = 0; j < 500; j++) assertEquals(80, Synapses.targets(out, j).length);
        Synapses.Plan in = plan(Attr.SynRule.IN_DEGREE, 0, 30, 500, 400, Attr.SynStorage.CSR, DType.BOOL);
        int[] indeg = new int[400];
        for (int j = 0; j < 500; j++) for (int i : Synapses.targets(in, j)) indeg[i]++;
        for (int d : indeg) assertEquals(30, d);
        Synapses.Plan one = plan(Attr.SynRule.ONE_TO_ONE, 0, 0, 50, 50, Attr.SynStorage.CSR, DType.BOOL);
        for (int j = 0; j < 50; j++) assertArrayEquals(new int[] {j}, Synapses.targets(one, j));
        // another seed, or another instance path, draws other connections
        Synapses.Plan other = Synapses.plan(new Attr.Synapses("pre", new Axis("post", 4000), Attr.SynRule.PROBABILITY, 0.02, 0, 8,
                Attr.SynStorage.CSR), "net", DType.BOOL, 3200);
        Synapses.Plan elsewhere = Synapses.plan(attr(Attr.SynRule.PROBABILITY, 0.02, 0, 4000, Attr.SynStorage.CSR), "net.b", DType.BOOL, 3200);
        assertNotEquals(Arrays.toString(Synapses.targets(p, 0)), Arrays.toString(Synapses.targets(other, 0)));
        assertNotEquals(Arrays.toString(Synapses.targets(p, 0)), Arrays.toString(Synapses.targets(elsewhere, 0)));
    }

    /**
     * The order analysis, both ways: compressed rows are cut by target range (each target keeps the presynaptic
     * order), so the product runs on threads and gives the serial bits; procedural rows of float values cannot be
     * cut, and their sums depend on the order, so they stay serial; procedural rows of bool spikes are counts, exact
     * in any order, so they run on threads too.
     */
    @Test void parallelOnlyWhereTheOrderCannotShow() {
        Attr.Synapses csr = attr(Attr.SynRule.PROBABILITY, 0.3, 0, 6000, Attr.SynStorage.CSR);
        Attr.Synapses proc = attr(Attr.SynRule.PROBABILITY, 0.3, 0, 6000, Attr.SynStorage.PROCEDURAL);
        assertEquals(SynapseChoice.Order.BY_POST, SynapseChoice.order(csr, DType.F32, 4000, 6000));
        assertEquals(SynapseChoice.Order.SERIAL, SynapseChoice.order(proc, DType.F32, 4000, 6000));
        assertEquals(SynapseChoice.Order.EXACT_COUNTS, SynapseChoice.order(proc, DType.BOOL, 4000, 6000));

        // enough events that the work passes Synapses.PARALLEL_WORK: the threaded path really runs
        float[] x = sparseFloats(4000, 11);
        Synapses.Plan pc = Synapses.plan(csr, "net", DType.F32, 4000);
        float[] serial = new float[6000], threaded = new float[6000];
        Synapses.propagate(pc, x, serial, false);
        Synapses.propagate(pc, x, threaded, true);
        assertArrayEquals(serial, threaded, "by-post threads keep each target's order");

        boolean[] spikes = new boolean[4000];
        for (int j = 0; j < 4000; j += 3) spikes[j] = true;
        Synapses.Plan pb = Synapses.plan(proc, "net", DType.BOOL, 4000);
        float[] counts = new float[6000], csrCounts = new float[6000];
        Synapses.propagate(pb, spikes, counts);
        Synapses.propagate(Synapses.plan(csr, "net", DType.BOOL, 4000), spikes, csrCounts);
        assertArrayEquals(csrCounts, counts, "exact counts in any order");

        // the reason the float procedural case stays serial: the same contributions added in another order differ
        Synapses.Plan pf = Synapses.plan(proc, "net", DType.F32, 4000);
        float[] forward = new float[6000];
        Synapses.propagate(pf, x, forward, true);
        assertArrayEquals(serial, forward, "procedural f32 runs serially, in presynaptic order: the csr bits");
        float[] reversed = new float[6000];
        int[] buf = new int[6000];
        boolean[] mark = new boolean[6000];
        for (int j = 3999; j >= 0; j--) {
            if (x[j] == 0) continue;
            int c = Synapses.row(pf, pf.key(), j, buf, mark);
            for (int e = 0; e < c; e++) reversed[buf[e]] += x[j];
        }
        int differ = 0;
        for (int i = 0; i < 6000; i++) if (reversed[i] != forward[i]) differ++;
        assertTrue(differ > 0, "summing in reverse presynaptic order changes some bits (else the test shows nothing)");
    }

    @Test void theCompilerChoosesStorageBySize() {
        assertEquals(Attr.SynStorage.DENSE, SynapseChoice.storage(attr(Attr.SynRule.PROBABILITY, 0.5, 0, 100, Attr.SynStorage.AUTO), 100, 100));
        assertEquals(Attr.SynStorage.CSR, SynapseChoice.storage(attr(Attr.SynRule.PROBABILITY, 0.02, 0, 4000, Attr.SynStorage.AUTO), 3200, 4000));
        assertEquals(Attr.SynStorage.CSR, SynapseChoice.storage(attr(Attr.SynRule.PROBABILITY, 0.02, 0, 40000, Attr.SynStorage.AUTO), 32000, 40000));
        assertEquals(Attr.SynStorage.PROCEDURAL, SynapseChoice.storage(attr(Attr.SynRule.PROBABILITY, 0.1, 0, 200000, Attr.SynStorage.AUTO), 200000, 200000));
        assertEquals(Attr.SynStorage.PROCEDURAL, SynapseChoice.storage(attr(Attr.SynRule.PROBABILITY, 0.5, 0, 100, Attr.SynStorage.PROCEDURAL), 100, 100));
    }

    @Test void aPlanSurvivesItsEncoding() {
        Synapses.Plan p = plan(Attr.SynRule.OUT_DEGREE, 0, 9, 30, 20, Attr.SynStorage.AUTO, DType.BOOL);
        assertEquals(p, Synapses.Plan.decode(p.encode()));
    }
}
