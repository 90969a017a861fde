package ncd.jvm;

/**
 * Knobs of the JVM backend. {@link #defaults()} reads them from system properties, so a command line can set them
 * without an API: {@code -Dncd.jvm.gemmMinMacs=N}, {@code -Dncd.jvm.threads=N}. ({@code -Dncd.jvm.vector=false} switches the
 * Vector API kernel off for the whole JVM; see {@link Gemm}.)
 *
 * @param gemmMinMacs a contraction of f32 tensors goes to the sgemm kernel when it is shaped like a matrix product and
 *                    does at least this many multiply-adds; smaller ones (and all others) run as plain loops that
 *                    accumulate in double, exactly as the interpreter does
 * @param threads     the most threads one matrix product may use (1 or 2); two are used only for products of at
 *                    least {@link Gemm#PARALLEL_MIN_MACS} multiply-adds
 * @param fuse        fuse elementwise chains and window reductions into single loops ({@link Fusion};
 *                    {@code -Dncd.jvm.fuse=false} switches it off)
 * @param exactMath   compute exp, log, tanh, sin, cos and sigmoid of f32 values as the interpreter does (scalar, in
 *                    double, rounded once) instead of on float vector lanes, which are within about 1 ulp and ~25x
 *                    faster ({@link VecF}; {@code -Dncd.jvm.exactMath=true} switches the vector math off)
 * @param profile     time every node of the step ({@code -Dncd.jvm.profile=true}; read with
 *                    {@link JvmExecutable#nodeNanos()}): two clock reads per node call
 */
public record JvmOptions(long gemmMinMacs, int threads, boolean fuse, boolean exactMath, boolean profile) {
    public static final long DEFAULT_GEMM_MIN_MACS = 4096;

    public JvmOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
    }

    public JvmOptions(long gemmMinMacs, int threads) { this(gemmMinMacs, threads, true, false, false); }

    public JvmOptions(long gemmMinMacs, int threads, boolean fuse) { this(gemmMinMacs, threads, fuse, false, false); }

    public static JvmOptions defaults() {
        return new JvmOptions(Long.getLong("ncd.jvm.gemmMinMacs", DEFAULT_GEMM_MIN_MACS),
                Math.max(1, Integer.getInteger("ncd.jvm.threads", Math.min(2, Runtime.getRuntime().availableProcessors()))),
                !"false".equals(System.getProperty("ncd.jvm.fuse")),
                Boolean.getBoolean("ncd.jvm.exactMath"), Boolean.getBoolean("ncd.jvm.profile"));
    }

    public JvmOptions withGemmMinMacs(long n) { return new JvmOptions(n, threads, fuse, exactMath, profile); }
    public JvmOptions withThreads(int n) { return new JvmOptions(gemmMinMacs, n, fuse, exactMath, profile); }
    public JvmOptions withFusion(boolean on) { return new JvmOptions(gemmMinMacs, threads, on, exactMath, profile); }
    public JvmOptions withExactMath(boolean on) { return new JvmOptions(gemmMinMacs, threads, fuse, on, profile); }
    public JvmOptions withProfile(boolean on) { return new JvmOptions(gemmMinMacs, threads, fuse, exactMath, on); }
}
