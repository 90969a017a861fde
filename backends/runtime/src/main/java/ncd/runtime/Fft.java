package ncd.runtime;

import ncd.ir.Attr;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Fast discrete Fourier transforms for {@link ncd.ir.Op#FFT} on the backends (the interpreter computes the definition,
 * {@code ncd.interp.Kernels}): mixed-radix Cooley–Tukey (decimation in time, radices 4, 2, 3, 5 and any other prime up
 * to {@link #MAX_RADIX}) for lengths whose prime factors are small, and Bluestein's chirp-z transform (three
 * power-of-two transforms) for lengths with a larger prime factor; all in double, rounded once to f32 at the end.
 * Normalisation is numpy's "backward": none forward, 1/n inverse.
 */
public final class Fft {
    private Fft() {}

    /** Prime factors up to this are radices of the Cooley–Tukey recursion; a length with a larger one goes to Bluestein. */
    static final int MAX_RADIX = 64;

    /**
     * Where the lines of one FFT node lie: {@code outer} blocks, each {@code len} operand elements (along the axis)
     * times {@code inner} (the elements of the axes after it, the pair axis not counted), and {@code outLen} result
     * elements along the result's axis. Complex elements are two floats ({@link ncd.ir.Complex}). {@link FftBlocks}
     * makes one from a node (at compile time: this class runs in ahead-of-time jars, which hold no IR nodes).
     */
    public record Block(Attr.FftKind kind, int outer, int len, int outLen, int inner) {
        /** Whether the operand (the result) is complex. */
        public boolean complexIn() { return kind != Attr.FftKind.RFFT; }
        public boolean complexOut() { return kind != Attr.FftKind.IRFFT; }
    }

    /** The transform of every line of {@code in} into {@code out} (which may be the same array). */
    public static void run(Block b, float[] in, float[] out) {
        float[] x = in == out ? in.clone() : in;
        int n = b.kind() == Attr.FftKind.IRFFT ? b.outLen() : b.len();
        double[] re = new double[n], im = new double[n], wr = new double[n], wi = new double[n];
        int ci = b.complexIn() ? 2 : 1, co = b.complexOut() ? 2 : 1;
        for (int o = 0; o < b.outer(); o++) {
            for (int q = 0; q < b.inner(); q++) {
                java.util.Arrays.fill(re, 0);
                java.util.Arrays.fill(im, 0);
                switch (b.kind()) {
                    case FFT, IFFT, RFFT -> {
                        for (int j = 0; j < n; j++) {
                            int at = ((o * b.len() + j) * b.inner() + q) * ci;
                            re[j] = x[at];
                            if (ci == 2) im[j] = x[at + 1];
                        }
                    }
                    case IRFFT -> {
                        // the Hermitian extension of the first n/2 + 1 frequencies (missing ones zero); the imaginary
                        // parts of k = 0 and, for even n, k = n/2 are dropped, as numpy does
                        int m = Math.min(b.len(), n / 2 + 1);
                        for (int k = 0; k < m; k++) {
                            int at = ((o * b.len() + k) * b.inner() + q) * 2;
                            re[k] = x[at];
                            im[k] = k == 0 || 2 * k == n ? 0 : x[at + 1];
                            if (k > 0 && 2 * k != n) {
                                re[n - k] = re[k];
                                im[n - k] = -im[k];
                            }
                        }
                    }
                }
                boolean inverse = b.kind() == Attr.FftKind.IFFT || b.kind() == Attr.FftKind.IRFFT;
                transform(re, im, wr, wi, inverse);
                double scale = inverse ? 1.0 / n : 1.0;
                for (int k = 0; k < b.outLen(); k++) {
                    int at = ((o * b.outLen() + k) * b.inner() + q) * co;
                    out[at] = (float) (wr[k] * scale);
                    if (co == 2) out[at + 1] = (float) (wi[k] * scale);
                }
            }
        }
    }

    /** {@code (outR, outI) = sum_j (re, im)[j] e^(∓2πi jk/n)}, minus sign forward, plus inverse; unnormalised. */
    public static void transform(double[] re, double[] im, double[] outR, double[] outI, boolean inverse) {
        int n = re.length;
        if (n == 0) return;
        Plan p = plan(n);
        if (p.bluestein != null) {
            bluestein(p, re, im, outR, outI, inverse);
            return;
        }
        dit(p, re, im, 0, 1, n, outR, outI, 0, 0, inverse);
    }

    /** The twiddles e^(-2πi t/n) and the radices of a length, or its Bluestein chirp when a prime factor is large. */
    private static final class Plan {
        final int n;
        final double[] cos, sin;
        final int[] radices;
        final Bluestein bluestein;

        Plan(int n) {
            this.n = n;
            cos = new double[n];
            sin = new double[n];
            for (int t = 0; t < n; t++) {
                cos[t] = cos(t, n);
                sin[t] = -sin(t, n);
            }
            java.util.List<Integer> rs = new java.util.ArrayList<>();
            int m = n;
            while (m % 4 == 0) { rs.add(4); m /= 4; }
            while (m % 2 == 0) { rs.add(2); m /= 2; }
            for (int f = 3; f <= m && f <= MAX_RADIX; f += 2) while (m % f == 0) { rs.add(f); m /= f; }
            if (m == 1) {
                radices = rs.stream().mapToInt(Integer::intValue).toArray();
                bluestein = null;
            } else {
                radices = null;
                bluestein = new Bluestein(n);
            }
        }
    }

    /**
     * {@code cos(2π t/n)} for {@code 0 <= t < n}, exact (0 or ±1) at the quarter turns, so that the transform of a
     * real line has exactly zero imaginary parts where numpy's has (the angle of -1 + 0i is π, of -1 - tiny i is -π).
     */
    public static double cos(long t, int n) {
        if (4 * t % n == 0) return switch ((int) (4 * t / n)) { case 0 -> 1; case 2 -> -1; default -> 0; };
        return Math.cos(2 * Math.PI * t / n);
    }

    /** {@code sin(2π t/n)} for {@code 0 <= t < n}, exact at the quarter turns as {@link #cos}. */
    public static double sin(long t, int n) {
        if (4 * t % n == 0) return switch ((int) (4 * t / n)) { case 1 -> 1; case 3 -> -1; default -> 0; };
        return Math.sin(2 * Math.PI * t / n);
    }

    private static final ConcurrentHashMap<Integer, Plan> PLANS = new ConcurrentHashMap<>();

    private static Plan plan(int n) { return PLANS.computeIfAbsent(n, Plan::new); }

    /**
     * Decimation in time: the transform of the {@code n} elements {@code x[off + j stride]} into {@code out[outOff ..
     * outOff + n)}, splitting by the radix at {@code level}: each of the p interleaved subsequences is transformed
     * (recursively) into its own block of n/p, then block r's k-th value is combined with twiddle W_n^(r(k + s n/p)).
     */
    private static void dit(Plan p, double[] xr, double[] xi, int off, int stride, int n, double[] or, double[] oi, int outOff,
                            int level, boolean inverse) {
        if (n == 1) {
            or[outOff] = xr[off];
            oi[outOff] = xi[off];
            return;
        }
        int r = p.radices[level], m = n / r, step = p.n / n;
        for (int s = 0; s < r; s++) dit(p, xr, xi, off + s * stride, stride * r, m, or, oi, outOff + s * m, level + 1, inverse);
        double sg = inverse ? -1 : 1;
        if (r == 2) {
            for (int k = 0; k < m; k++) {
                int a = outOff + k, c = a + m;
                double wr = p.cos[k * step], wi = sg * p.sin[k * step];
                double tr = or[c] * wr - oi[c] * wi, ti = or[c] * wi + oi[c] * wr;
                or[c] = or[a] - tr;
                oi[c] = oi[a] - ti;
                or[a] += tr;
                oi[a] += ti;
            }
            return;
        }
        if (r == 4) {
            for (int k = 0; k < m; k++) {
                int a0 = outOff + k, a1 = a0 + m, a2 = a1 + m, a3 = a2 + m;
                double w1r = p.cos[k * step], w1i = sg * p.sin[k * step];
                double w2r = p.cos[2 * k * step], w2i = sg * p.sin[2 * k * step];
                double w3r = p.cos[3 * k * step], w3i = sg * p.sin[3 * k * step];
                double x0r = or[a0], x0i = oi[a0];
                double x1r = or[a1] * w1r - oi[a1] * w1i, x1i = or[a1] * w1i + oi[a1] * w1r;
                double x2r = or[a2] * w2r - oi[a2] * w2i, x2i = or[a2] * w2i + oi[a2] * w2r;
                double x3r = or[a3] * w3r - oi[a3] * w3i, x3i = or[a3] * w3i + oi[a3] * w3r;
                double s0r = x0r + x2r, s0i = x0i + x2i, d0r = x0r - x2r, d0i = x0i - x2i;
                double s1r = x1r + x3r, s1i = x1i + x3i, d1r = x1r - x3r, d1i = x1i - x3i;
                // (x1 - x3) times -i forward, +i inverse
                double jr = sg * d1i, ji = -sg * d1r;
                or[a0] = s0r + s1r; oi[a0] = s0i + s1i;
                or[a2] = s0r - s1r; oi[a2] = s0i - s1i;
                or[a1] = d0r + jr; oi[a1] = d0i + ji;
                or[a3] = d0r - jr; oi[a3] = d0i - ji;
            }
            return;
        }
        // a general radix: a direct DFT of the r twiddled values for each k
        double[] tr = new double[r], ti = new double[r];
        for (int k = 0; k < m; k++) {
            for (int s = 0; s < r; s++) {
                int at = outOff + s * m + k, t = (int) ((long) s * k % n) * step;
                double wr = p.cos[t], wi = sg * p.sin[t];
                tr[s] = or[at] * wr - oi[at] * wi;
                ti[s] = or[at] * wi + oi[at] * wr;
            }
            for (int u = 0; u < r; u++) {
                double sr = 0, si = 0;
                for (int s = 0; s < r; s++) {
                    int t = (int) ((long) s * u % r) * (p.n / r);
                    double wr = p.cos[t], wi = sg * p.sin[t];
                    sr += tr[s] * wr - ti[s] * wi;
                    si += tr[s] * wi + ti[s] * wr;
                }
                or[outOff + u * m + k] = sr;
                oi[outOff + u * m + k] = si;
            }
        }
    }

    /**
     * Bluestein: with jk = (j² + k² - (k - j)²)/2, X[k] = conj(c[k]) sum_j (x[j] conj(c[j])) c[k - j] for the chirp
     * c[t] = e^(iπ t²/n): a convolution, done with power-of-two transforms of length M >= 2n - 1.
     */
    private static final class Bluestein {
        final int m;
        final double[] cr, ci;          // the chirp e^(iπ t²/n), t < n
        final double[] br, bi;          // the transform of the chirp, wrapped to length M

        Bluestein(int n) {
            int mm = 1;
            while (mm < 2 * n - 1) mm <<= 1;
            m = mm;
            cr = new double[n];
            ci = new double[n];
            for (int t = 0; t < n; t++) {
                long t2 = (long) t * t % (2L * n);  // e^(iπ t²/n) has period 2n in t²
                double a = Math.PI * t2 / n;
                cr[t] = Math.cos(a);
                ci[t] = Math.sin(a);
            }
            double[] ar = new double[m], ai = new double[m];
            for (int t = 0; t < n; t++) {
                ar[t] = cr[t];
                ai[t] = ci[t];
                if (t > 0) {
                    ar[m - t] = cr[t];
                    ai[m - t] = ci[t];
                }
            }
            br = new double[m];
            bi = new double[m];
            transform(ar, ai, br, bi, false);
        }
    }

    private static void bluestein(Plan p, double[] re, double[] im, double[] outR, double[] outI, boolean inverse) {
        Bluestein b = p.bluestein;
        int n = p.n;
        // the inverse transform is the forward one of the conjugate, conjugated
        double sg = inverse ? -1 : 1;
        double[] ar = new double[b.m], ai = new double[b.m];
        for (int j = 0; j < n; j++) {
            double xr = re[j], xi = sg * im[j];
            ar[j] = xr * b.cr[j] + xi * b.ci[j];      // x conj(c)
            ai[j] = xi * b.cr[j] - xr * b.ci[j];
        }
        double[] fr = new double[b.m], fi = new double[b.m];
        transform(ar, ai, fr, fi, false);
        for (int t = 0; t < b.m; t++) {
            double r = fr[t] * b.br[t] - fi[t] * b.bi[t], i = fr[t] * b.bi[t] + fi[t] * b.br[t];
            fr[t] = r;
            fi[t] = i;
        }
        double[] gr = new double[b.m], gi = new double[b.m];
        transform(fr, fi, gr, gi, true);
        for (int k = 0; k < n; k++) {
            double cr = gr[k] / b.m, ci = gi[k] / b.m;
            double yr = cr * b.cr[k] + ci * b.ci[k], yi = ci * b.cr[k] - cr * b.ci[k];   // times conj(c)
            outR[k] = yr;
            outI[k] = sg * yi;
        }
    }
}
