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

    /** Rows {@code r0..r1-1}, columns {@code c0..c1-1} of one product. */
    static void range(int m, int n, int k, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                      float[] c, int cOff, int r0, int r1, int c0, int c1) {
        if (VectorProbe.PRESENT) {
            VectorGemm.sgemm(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff, r0, r1, c0, c1);
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
