package ncd.jvm;

/**
 * Single-precision matrix products for generated code: {@code C = A B} per batch, row-major, with A given as
 * [m, k] or (transA) [k, m] and B as [k, n] or (transB) [n, k]. Accumulates in float (with fused multiply-add in the
 * vector kernel), so results differ from the interpreter's double accumulation by rounding only.
 *
 * <p>Uses {@link VectorGemm} (jdk.incubator.vector) when the module is present at run time ({@code --add-modules
 * jdk.incubator.vector}), else a scalar kernel; the fallback is announced once on stderr. Products of at least
 * {@link #PARALLEL_MIN_MACS} multiply-adds are split between the calling thread and one persistent worker
 * (allocation-free hand-off) when {@code threads >= 2}: each product of a batch by rows or columns, or, when each is
 * below that size, the batch by whole products.
 */
public final class Gemm {
    private Gemm() {}

    /** Below this many multiply-adds a second thread costs more than it saves (measured: docs/jvm.md). */
    public static final long PARALLEL_MIN_MACS = Long.getLong("ncd.jvm.parallelMinMacs", 1L << 21);

    private static volatile boolean warned;

    /** Whether the Vector API kernel is in use. */
    public static boolean vectorized() { return VectorProbe.PRESENT; }

    /** A short description of the kernel in use (for reports). */
    public static String describe() {
        return VectorProbe.PRESENT ? VectorGemm.describe() : "scalar (jdk.incubator.vector not present)";
    }

    public static void sgemm(int batch, int m, int n, int k, float[] a, int aOff, boolean transA, float[] b, int bOff,
                             boolean transB, float[] c, int cOff, int threads) {
        long macs = (long) batch * m * n * k;
        boolean two = threads >= 2 && macs >= PARALLEL_MIN_MACS;
        if (two && batch >= 2 && macs / batch < PARALLEL_MIN_MACS) {
            Parallel.sgemmBatch(batch, m, n, k, a, aOff, transA, b, bOff, transB, c, cOff);
            return;
        }
        for (int i = 0; i < batch; i++) {
            int ao = aOff + i * m * k, bo = bOff + i * k * n, co = cOff + i * m * n;
            if (two) Parallel.sgemm(m, n, k, a, ao, transA, b, bo, transB, c, co);
            else range(m, n, k, a, ao, transA, b, bo, transB, c, co, 0, m, 0, n);
        }
    }

    /** At most one in this many entries of a spike vector may be 1 for {@link #eventsOrSgemm} to go by events. */
    static final int EVENT_SPARSITY = 16;

    /**
     * A matrix-vector product whose vector holds spikes (0 or 1: a bool cast to f32): when few are 1, only the
     * matrix entries of those are read, as event-driven simulators propagate spikes (a 4000-neuron network at 6 Hz
     * spikes 2 or 3 neurons in a step of 0.1 ms, so a step reads 0.1% of its synapse matrix); otherwise
     * {@link #sgemm}. {@code eventsInB} says which operand is the vector: b (then n is 1) or a (then m is 1). The
     * sums take the spikes in order, rounding in f32 like the dense kernel; entries of the matrix beside a 0 spike
     * are not read, so an inf or NaN there does not reach the result (0 x inf is NaN in the dense product).
     */
    public static void eventsOrSgemm(int m, int n, int k, float[] a, int aOff, boolean transA, float[] b, int bOff,
                                     boolean transB, float[] c, int cOff, int threads, boolean eventsInB) {
        float[] x = eventsInB ? b : a;
        int xOff = eventsInB ? bOff : aOff;
        int ones = 0;
        for (int j = 0; j < k; j++) if (x[xOff + j] != 0) ones++;
        if (ones * EVENT_SPARSITY > k) {
            sgemm(1, m, n, k, a, aOff, transA, b, bOff, transB, c, cOff, threads);
            return;
        }
        // the matrix and its layout: entry (l, j) of the output row l and summed index j
        int len = eventsInB ? m : n;
        float[] w = eventsInB ? a : b;
        int wOff = eventsInB ? aOff : bOff;
        boolean rowsAreOutputs = eventsInB ? !transA : transB;     // [len, k] (else [k, len])
        java.util.Arrays.fill(c, cOff, cOff + len, 0f);
        for (int j = 0; j < k; j++) {
            float v = x[xOff + j];
            if (v == 0) continue;
            if (rowsAreOutputs) {
                for (int l = 0; l < len; l++) c[cOff + l] += w[wOff + l * k + j] * v;
            } else {
                int row = wOff + j * len;
                for (int l = 0; l < len; l++) c[cOff + l] += w[row + l] * v;
            }
        }
    }

    /** Rows {@code r0..r1-1}, columns {@code c0..c1-1} of one product. */
    static void range(int m, int n, int k, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                      float[] c, int cOff, int r0, int r1, int c0, int c1) {
        range(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff, r0, r1, c0, c1, null);
    }

    /** The same, reading and filling the packed blocks of {@code shared} (may be null; see {@link SharedPack}). */
    static void range(int m, int n, int k, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                      float[] c, int cOff, int r0, int r1, int c0, int c1, SharedPack shared) {
        if (VectorProbe.PRESENT) {
            VectorGemm.sgemm(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff, r0, r1, c0, c1, shared);
        } else {
            if (!warned) {
                warned = true;
                System.err.println("ncd jvm backend: jdk.incubator.vector is not available (run java with --add-modules "
                        + "jdk.incubator.vector); matrix products use scalar loops");
            }
            scalar(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff, r0, r1, c0, c1);
        }
    }

    /** The plain kernel: i-k-j order with a float accumulator row. */
    static void scalar(int m, int n, int k, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                       float[] c, int cOff, int r0, int r1, int c0, int c1) {
        for (int i = r0; i < r1; i++) {
            int ci = cOff + i * n;
            java.util.Arrays.fill(c, ci + c0, ci + c1, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                if (transB) {
                    for (int j = c0; j < c1; j++) c[ci + j] += av * b[bOff + j * k + p];
                } else {
                    int bp = bOff + p * n;
                    for (int j = c0; j < c1; j++) c[ci + j] += av * b[bp + j];
                }
            }
        }
    }

    /** Whether jdk.incubator.vector is in the boot layer (and not switched off with -Dncd.jvm.vector=false). */
    static final class VectorProbe {
        static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && Boolean.parseBoolean(System.getProperty("ncd.jvm.vector", "true"));
    }
}
