package ncd.runtime;

import ncd.ir.SynapseData;

/**
 * The rows of the distance rule {@code synapses[pre -> post, p = p0, sigma = s, grid = (...)]} (docs/semantics.md,
 * "Synapses"): pair (j, i) is connected with probability {@code p0 * g(j, i)}, {@code g = prod_k exp(-delta_k^2 /
 * (2 s^2))} ({@link SynapseData.Grid#factor}), drawn by thinning from stream j of the key, so that a row can be drawn
 * alone (procedural storage works) and costs about {@code p0 * |post|} uniforms, not |post|:
 * <ul>
 *   <li>candidates: as the {@code p = p0} rule, with the even uniforms: {@code i = -1}; for t = 0, 1, ...: {@code i +=
 *       1 + floor(log1p(-u_(2t)) / log1p(-p0))} until {@code i >= |post|} (p0 = 1: every i, candidate t = i; p0 = 0:
 *       none);</li>
 *   <li>candidate t (target i) is kept when {@code u_(2t+1) < g(j, i)}.</li>
 * </ul>
 * Each pair is then in the row with probability p0 g(j, i), independently. Targets come out ascending.
 */
final class SynapseDistance {
    private SynapseDistance() {}

    /** The targets of presynaptic row {@code j}, ascending, into {@code buf}; returns how many. */
    static int row(Synapses.Plan p, SynapseData.Grid g, long key, int j, int[] buf) {
        double p0 = p.p();
        int nPost = p.nPost();
        if (p0 <= 0) return 0;
        int m = g.rank();
        int[] a = new int[m], b = new int[m];
        for (int k = m - 1, rest = j; k >= 0; k--) {
            a[k] = rest % g.preSize(k);
            rest /= g.preSize(k);
        }
        int c = 0;
        if (p0 >= 1) {
            for (int i = 0; i < nPost; i++) if (Rng.uniform(key, j, 2L * i + 1) < weight(g, a, b, i)) buf[c++] = i;
            return c;
        }
        double logq = StrictMath.log1p(-p0);
        long i = -1;
        for (long t = 0; ; t++) {
            double skip = Math.floor(StrictMath.log1p(-Rng.uniform(key, j, 2 * t)) / logq);
            if (skip >= nPost) break;
            i += 1 + (long) skip;
            if (i >= nPost) break;
            if (Rng.uniform(key, j, 2 * t + 1) < weight(g, a, b, (int) i)) buf[c++] = (int) i;
        }
        return c;
    }

    /** g(j, i): the factors of each dimension, multiplied in dimension order; {@code b} is scratch. */
    private static double weight(SynapseData.Grid g, int[] a, int[] b, int i) {
        int m = a.length;
        for (int k = m - 1, rest = i; k >= 0; k--) {
            b[k] = rest % g.postSize(k);
            rest /= g.postSize(k);
        }
        double w = 1;
        for (int k = 0; k < m; k++) w *= g.factor(k, a[k], b[k]);
        return w;
    }
}
