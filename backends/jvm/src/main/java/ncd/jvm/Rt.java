package ncd.jvm;

import ncd.runtime.Rng;

/**
 * Small static helpers that generated code calls (C2 inlines them). Each computes exactly what the reference
 * interpreter computes for the same op, so the JVM backend agrees with it bit for bit outside contractions that use
 * the sgemm kernel.
 */
public final class Rt {
    private Rt() {}

    /** A double result converted to i32 as the interpreter rounds: integral values wrap, others truncate and saturate (NaN is 0). */
    public static int toI32(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 4.0e18) return (int) (long) x;
        return (int) x;
    }

    public static float relu(float v) { return v > 0 || v != v ? v : 0f; }

    /**
     * Column sums of an f32 {@code [rows, cols]} block (a reduction over leading axes: a bias's gradient over
     * {@code [batch, seq]}): {@code out[j] = (float) (sum_i in[i * cols + j] / div)}, each column a sequential double
     * sum in row order, as the generic loop and the interpreter add them, so bit for bit theirs. Sixteen columns at a
     * time: each pass over the rows reads a whole cache line per row where a column at a time read one float of it.
     */
    public static void colSums(float[] in, int rows, int cols, float[] out, double div) {
        int j = 0;
        for (; j + 16 <= cols; j += 16) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            double s8 = 0, s9 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0, s14 = 0, s15 = 0;
            for (int i = 0, at = j; i < rows; i++, at += cols) {
                s0 += in[at]; s1 += in[at + 1]; s2 += in[at + 2]; s3 += in[at + 3];
                s4 += in[at + 4]; s5 += in[at + 5]; s6 += in[at + 6]; s7 += in[at + 7];
                s8 += in[at + 8]; s9 += in[at + 9]; s10 += in[at + 10]; s11 += in[at + 11];
                s12 += in[at + 12]; s13 += in[at + 13]; s14 += in[at + 14]; s15 += in[at + 15];
            }
            out[j] = (float) (s0 / div); out[j + 1] = (float) (s1 / div); out[j + 2] = (float) (s2 / div); out[j + 3] = (float) (s3 / div);
            out[j + 4] = (float) (s4 / div); out[j + 5] = (float) (s5 / div); out[j + 6] = (float) (s6 / div); out[j + 7] = (float) (s7 / div);
            out[j + 8] = (float) (s8 / div); out[j + 9] = (float) (s9 / div); out[j + 10] = (float) (s10 / div); out[j + 11] = (float) (s11 / div);
            out[j + 12] = (float) (s12 / div); out[j + 13] = (float) (s13 / div); out[j + 14] = (float) (s14 / div); out[j + 15] = (float) (s15 / div);
        }
        for (; j < cols; j++) {
            double s = 0;
            for (int i = 0, at = j; i < rows; i++, at += cols) s += in[at];
            out[j] = (float) (s / div);
        }
    }
    public static double relu(double v) { return v > 0 || v != v ? v : 0.0; }
    public static int relu(int v) { return v > 0 ? v : 0; }

    public static double sigmoid(double v) { return 1.0 / (1.0 + Math.exp(-v)); }

    /** Float remainder with the sign of the divisor (numpy's): {@code x - floor(x / y) * y}. */
    public static double fmod(double x, double y) { return x - Math.floor(x / y) * y; }

    public static int idiv(int x, int y) { return y == 0 ? 0 : x / y; }
    public static int imod(int x, int y) { return y == 0 ? 0 : Math.floorMod(x, y); }
    public static int ipow(int x, int y) { return toI32(Math.pow(x, y)); }

    public static boolean eq(float x, float y) { return x == y; }
    public static boolean ne(float x, float y) { return x != y; }
    public static boolean lt(float x, float y) { return x < y; }
    public static boolean le(float x, float y) { return x <= y; }
    public static boolean gt(float x, float y) { return x > y; }
    public static boolean ge(float x, float y) { return x >= y; }
    public static boolean eq(double x, double y) { return x == y; }
    public static boolean ne(double x, double y) { return x != y; }
    public static boolean lt(double x, double y) { return x < y; }
    public static boolean le(double x, double y) { return x <= y; }
    public static boolean gt(double x, double y) { return x > y; }
    public static boolean ge(double x, double y) { return x >= y; }
    public static boolean eq(int x, int y) { return x == y; }
    public static boolean ne(int x, int y) { return x != y; }
    public static boolean lt(int x, int y) { return x < y; }
    public static boolean le(int x, int y) { return x <= y; }
    public static boolean gt(int x, int y) { return x > y; }
    public static boolean ge(int x, int y) { return x >= y; }

    public static boolean nz(float x) { return x != 0; }
    public static boolean nz(double x) { return x != 0; }
    public static boolean nz(int x) { return x != 0; }

    public static float where(boolean c, float a, float b) { return c ? a : b; }
    public static double where(boolean c, double a, double b) { return c ? a : b; }
    public static int where(boolean c, int a, int b) { return c ? a : b; }

    /** Running max with NaN propagation: once NaN, stays NaN. */
    public static double maxAcc(double acc, double v) { return v > acc || v != v ? v : acc; }
    public static double minAcc(double acc, double v) { return v < acc || v != v ? v : acc; }

    /** argmax/argmin: whether {@code v} replaces {@code best} (the first extreme wins; a NaN is the extreme). */
    public static boolean argBetter(double best, double v, boolean max) {
        return best == best && (v != v || (max ? v > best : v < best));
    }

    public static double uniform(double lo, double hi, long seed, long stream, int i) {
        return lo + (hi - lo) * Rng.uniform(seed, stream, i);
    }

    public static double normal(double mean, double std, long seed, long stream, int i) {
        return mean + std * Rng.normal(seed, stream, i);
    }

    public static boolean bernoulli(double p, long seed, long stream, int i) {
        return Rng.uniform(seed, stream, i) < p;
    }

    /** {@code k} when it indexes an axis of {@code len} elements; otherwise the run-time error the interpreter reports. */
    public static int checkIndex(int k, int len, String axis) {
        if (k < 0 || k >= len) {
            throw new JvmRunException("gather: index " + k + " is out of range for axis " + axis + " of size " + len);
        }
        return k;
    }

    /** argsort of each line of an f32 block ({@link ncd.runtime.ArgSort#lines}). */
    public static void argsort(float[] x, int[] out, int outer, int len, int inner, boolean descending) {
        int n = outer * len * inner;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = x[i];
        ncd.runtime.ArgSort.lines(d, out, outer, len, inner, descending);
    }

    /** argsort of each line of an f64 block. */
    public static void argsort(double[] x, int[] out, int outer, int len, int inner, boolean descending) {
        ncd.runtime.ArgSort.lines(x, out, outer, len, inner, descending);
    }

    /** argsort of each line of an i32 block. */
    public static void argsort(int[] x, int[] out, int outer, int len, int inner, boolean descending) {
        int n = outer * len * inner;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = x[i];
        ncd.runtime.ArgSort.lines(d, out, outer, len, inner, descending);
    }

    /** SYNAPSES on bool spikes: a count per target, f32 ({@link ncd.runtime.Synapses}, threads as its plan allows). */
    public static void synapses(boolean[] x, float[] out, String plan) {
        ncd.runtime.Synapses.propagate(ncd.runtime.Synapses.planOf(plan), x, out);
    }

    /** SYNAPSES on f32. */
    public static void synapses(float[] x, float[] out, String plan) {
        ncd.runtime.Synapses.propagate(ncd.runtime.Synapses.planOf(plan), x, out);
    }

    /** SYNAPSES on f64. */
    public static void synapses(double[] x, double[] out, String plan) {
        ncd.runtime.Synapses.propagate(ncd.runtime.Synapses.planOf(plan), x, out);
    }

    /** SYNAPSES of a list of pairs on bool spikes: the list as two int buffers (checked against the plan's digest once). */
    public static void synapses(boolean[] x, float[] out, String plan, int[] pre, int[] post) {
        ncd.runtime.Synapses.propagate(ncd.runtime.Synapses.planOf(plan, pre, post), x, out);
    }

    /** SYNAPSES of a list of pairs on f32. */
    public static void synapses(float[] x, float[] out, String plan, int[] pre, int[] post) {
        ncd.runtime.Synapses.propagate(ncd.runtime.Synapses.planOf(plan, pre, post), x, out);
    }

    /** SYNAPSES of a list of pairs on f64. */
    public static void synapses(double[] x, double[] out, String plan, int[] pre, int[] post) {
        ncd.runtime.Synapses.propagate(ncd.runtime.Synapses.planOf(plan, pre, post), x, out);
    }

    /** DELAY of a delay line, in place on the ring (any dtype; {@link ncd.runtime.Delays}). */
    public static void delayLine(Object ring, int[] head, Object x, String plan) {
        ncd.runtime.Delays.line(ncd.runtime.Delays.planOf(plan), ring, head[0], x);
    }

    /** DELAY of synapses on bool spikes, in place on the f32 ring. */
    public static void delay(float[] ring, int[] head, boolean[] x, String plan) {
        ncd.runtime.Delays.synaptic(ncd.runtime.Delays.planOf(plan), ring, head[0], x);
    }

    /** DELAY of synapses on f32. */
    public static void delay(float[] ring, int[] head, float[] x, String plan) {
        ncd.runtime.Delays.synaptic(ncd.runtime.Delays.planOf(plan), ring, head[0], x);
    }

    /** DELAY of synapses on f64. */
    public static void delay(double[] ring, int[] head, double[] x, String plan) {
        ncd.runtime.Delays.synaptic(ncd.runtime.Delays.planOf(plan), ring, head[0], x);
    }

    /** FFT of every line ({@link ncd.runtime.Fft}); {@code out} may be {@code in}. */
    public static void fft(float[] in, float[] out, int kind, int outer, int len, int outLen, int inner) {
        ncd.runtime.Fft.run(new ncd.runtime.Fft.Block(ncd.ir.Attr.FftKind.values()[kind], outer, len, outLen, inner), in, out);
    }

    /** LINALG on f32 buffers: {@link ncd.runtime.Linalg} in double (as the interpreter), rounded once to f32. */
    public static void linalg(float[] a, float[] b, float[] out, String plan) {
        double[] da = new double[a.length], db = b == null ? null : new double[b.length], dout = new double[out.length];
        for (int i = 0; i < a.length; i++) da[i] = a[i];
        if (b != null) for (int i = 0; i < b.length; i++) db[i] = b[i];
        linalg(da, db, dout, plan);
        for (int i = 0; i < out.length; i++) out[i] = (float) dout[i];
    }

    /** LINALG on f64 buffers; a singular matrix throws {@link JvmRunException} naming the op and circuit. */
    public static void linalg(double[] a, double[] b, double[] out, String plan) {
        try {
            // copies: the result may share its buffer with an operand, and each matrix reads all of its own
            ncd.runtime.Linalg.run(ncd.runtime.Linalg.Plan.decode(plan), a.clone(), b == null ? null : b.clone(), out);
        } catch (JvmRunException e) {
            throw e;
        } catch (ncd.runtime.RunException e) {
            throw new JvmRunException(e.getMessage());
        }
    }

    /** onehot: {@code out} (zeroed first) gets 1 at {@code i * v + idx[i]} where the index is inside {@code 0..v-1}. */
    public static void onehot(int[] idx, float[] out, int v) {
        java.util.Arrays.fill(out, 0f);
        for (int i = 0; i < idx.length; i++) {
            int k = idx[i];
            if (k >= 0 && k < v) out[i * v + k] = 1f;
        }
    }

    /** Whether coordinate {@code c} lies in {@code [0, n)} (a fused zero-boundary stencil). */
    public static boolean inRange(int c, int n) { return c >= 0 && c < n; }

    /** {@code c} when it lies in {@code [0, n)}, else 0 (any in-range index: the value read is then discarded). */
    public static int clampIndex(int c, int n) { return c >= 0 && c < n ? c : 0; }

    /** {@code c mod n} for {@code c} in {@code [-n, 2n)}: a fused stencil's wrapped border coordinate, without a division. */
    public static int wrapOnce(int c, int n) { return c < 0 ? c + n : c >= n ? c - n : c; }
}
