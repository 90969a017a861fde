package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.runtime.Backends;
import ncd.runtime.NpyArray;
import ncd.runtime.Npz;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/esn.ncd's linear memory capacity equals numpy's for the same reservoir within 2%: the weights and input
 * come from tests/fixtures/esn/esn.npz (benchmarks/peers/esn_memory.py), ncd runs the reservoir (f32) on every
 * backend, and this test fits the readouts and sums the r^2 exactly as the script does (ridge regression on
 * [x(t), 1], held-out squared correlation per delay), so that only the reservoir's run differs.
 */
class EsnMemoryTest {
    private static final int WASHOUT = 500, TRAIN = 3000, K = 150;
    private static final double RIDGE = 1e-6;

    @Test void memoryCapacityMatchesNumpys() throws Exception {
        Map<String, NpyArray> f = Npz.read(Repo.root().resolve("tests/fixtures/esn/esn.npz"));
        float[] u = (float[]) f.get("u").data();
        double want = ((double[]) f.get("mc").data())[0];
        Compiled c = Ncd.compile(Repo.root().resolve("examples/esn.ncd"));
        for (var b : Backends.available()) {
            Circuit res = c.circuit("Reservoir", Map.of(), 0, b.name());
            for (String p : new String[] {"W", "w_in"}) res.setParam(p, Tensor.of(res.params().get(p).type(), (float[]) f.get(p).data()));
            Tensor in = Tensor.of(res.graph().inputs().get(0).type(), new float[1]);
            double[][] x = new double[u.length][];
            for (int t = 0; t < u.length; t++) {
                in.set(0, u[t]);
                Tensor s = res.step(Map.of("u", in)).get("out");
                x[t] = new double[s.size() + 1];
                for (int i = 0; i < s.size(); i++) x[t][i] = s.get(i);
                x[t][s.size()] = 1;
            }
            double got = memoryCapacity(x, u);
            assertTrue(want > 5, "the fixture's capacity is a reservoir's, not noise: " + want);
            assertEquals(want, got, 0.02 * want, b.name() + ": memory capacity, numpy " + want);
        }
    }

    /** Sum over delays 1..K of the held-out r^2 of ridge readouts [x(t), 1] -> u(t - k). */
    static double memoryCapacity(double[][] x, float[] u) {
        int n = x[0].length;
        double[][] a = new double[n][n];
        for (int t = WASHOUT; t < WASHOUT + TRAIN; t++) for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) a[i][j] += x[t][i] * x[t][j];
        for (int i = 0; i < n; i++) a[i][i] += RIDGE * TRAIN;
        double[][] l = cholesky(a);
        double mc = 0;
        for (int k = 1; k <= K; k++) {
            double[] rhs = new double[n];
            for (int t = WASHOUT; t < WASHOUT + TRAIN; t++) for (int i = 0; i < n; i++) rhs[i] += x[t][i] * u[t - k];
            double[] w = solve(l, rhs);
            int m = u.length - WASHOUT - TRAIN;
            double[] p = new double[m], y = new double[m];
            for (int t = WASHOUT + TRAIN, q = 0; t < u.length; t++, q++) {
                for (int i = 0; i < n; i++) p[q] += x[t][i] * w[i];
                y[q] = u[t - k];
            }
            double r = correlation(p, y);
            mc += r * r;
        }
        return mc;
    }

    private static double[][] cholesky(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
                l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
            }
        }
        return l;
    }

    private static double[] solve(double[][] l, double[] b) {
        int n = b.length;
        double[] y = new double[n], x = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i][k] * y[k];
            y[i] = s / l[i][i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) s -= l[k][i] * x[k];
            x[i] = s / l[i][i];
        }
        return x;
    }

    private static double correlation(double[] a, double[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
