package ncd.jvm;

import ncd.runtime.BackendOptions;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JVM backend's view of its {@link BackendOptions}. The backend-specific keys ({@link #KEYS}) come from
 * {@code --backend-option KEY=VALUE} (or {@link BackendOptions#with}); what the options leave at their default may be
 * overridden by documented system properties: {@code -Dncd.jvm.gemmMinMacs=N}, {@code -Dncd.jvm.threads=N},
 * {@code -Dncd.jvm.exactMath=true}, {@code -Dncd.jvm.profile=true}, {@code -Dncd.jvm.bits=auto|true|false}. ({@code -Dncd.jvm.vector=false} switches the Vector
 * API kernel off for the whole JVM; see {@link Gemm}.)
 *
 * @param gemmMinMacs a contraction of f32 tensors goes to the sgemm kernel when it is shaped like a matrix product and
 *                    does at least this many multiply-adds; smaller ones (and all others) run as plain loops that
 *                    accumulate in double, exactly as the interpreter does
 * @param threads     the most threads one matrix product may use (1 or 2); two are used only for products of at
 *                    least {@link Gemm#PARALLEL_MIN_MACS} multiply-adds
 * @param fuse        whether the graph's fusion decisions are followed; the driver plans a graph without the fuse pass
 *                    when fusion is off, so a schedule that fuses with this off is refused
 * @param exactMath   compute exp, log, tanh, sin, cos and sigmoid of f32 values as the interpreter does (scalar, in
 *                    double, rounded once) instead of on float vector lanes, which are within about 1 ulp and ~25x
 *                    faster ({@link VecF}); {@link BackendOptions.Precision#EXACT}
 * @param profile     time every node of the step (read with {@link JvmExecutable#nodeNanos()}): two clock reads per
 *                    node call
 * @param bf16Weights matrix-vector products whose matrix is a parameter read a bfloat16 copy of it (half the memory
 *                    traffic; f32 accumulation; each weight rounded to 8 significant bits, a relative error of at
 *                    most 2^-8 per weight): {@code --backend-option weights=bf16} ({@link Bf16})
 * @param bits        when a fused stencil loop on bool grids runs bit-sliced on bit-packed grids, if its shape allows
 *                    ({@link FusedBits}): {@code AUTO} where the loop keeps a bool state packed across steps or
 *                    the byte-lane passes would not run rows of two vectors, {@code ALWAYS}, or {@code NEVER}
 *                    (backend option {@code bit-sliced=auto|true|false},
 *                    {@code -Dncd.jvm.bits})
 */
public record JvmOptions(long gemmMinMacs, int threads, boolean fuse, boolean exactMath, boolean profile, boolean bf16Weights,
                         BitSliced bits) {
    /** When fused bool stencils run on bit-packed grids (see {@link FusedBits}). */
    public enum BitSliced { AUTO, ALWAYS, NEVER;
        static BitSliced parse(String v) {
            return switch (v) {
                case "auto" -> AUTO;
                case "true" -> ALWAYS;
                case "false" -> NEVER;
                default -> throw new IllegalArgumentException("bit-sliced must be auto, true or false, got `" + v + "`");
            };
        }

        /** The default: {@code -Dncd.jvm.bits}, else auto. */
        static BitSliced fromProperty() { return parse(System.getProperty("ncd.jvm.bits", "auto")); }
    }

    public static final long DEFAULT_GEMM_MIN_MACS = 4096;

    /** The backend-specific option keys, with their meaning ({@code ncdc run --backend list} prints them). */
    public static final Map<String, String> KEYS;
    static {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("gemm-min-macs", "contractions of at least this many multiply-adds go to the sgemm kernel (default "
                + DEFAULT_GEMM_MIN_MACS + "; -Dncd.jvm.gemmMinMacs)");
        k.put("bit-sliced", "fused bool stencils on bit-packed grids: auto (default), true (whenever their shape allows) or false (-Dncd.jvm.bits)");
        k.put("profile", "true: time every node of the step (ncdc bench --profile; -Dncd.jvm.profile)");
        k.put("weights", "bf16: matrix-vector products read a bfloat16 copy of their parameter matrix (f32 sums; "
                + "default f32)");
        KEYS = java.util.Collections.unmodifiableMap(k);
    }

    public JvmOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
    }

    public JvmOptions(long gemmMinMacs, int threads) { this(gemmMinMacs, threads, true, false, false); }

    public JvmOptions(long gemmMinMacs, int threads, boolean fuse) { this(gemmMinMacs, threads, fuse, false, false); }

    public JvmOptions(long gemmMinMacs, int threads, boolean fuse, boolean exactMath, boolean profile) {
        this(gemmMinMacs, threads, fuse, exactMath, profile, false, BitSliced.fromProperty());
    }

    /** Every option at its default, system properties applied. */
    public static JvmOptions defaults() { return from(BackendOptions.defaults()); }

    /**
     * The JVM view of {@code o}: its values where it sets them, else the system properties, else the defaults.
     *
     * @throws IllegalArgumentException naming the key when a backend-specific value is malformed or unknown
     */
    public static JvmOptions from(BackendOptions o) {
        for (String key : o.extra().keySet()) {
            if (!KEYS.containsKey(key)) throw new IllegalArgumentException("unknown jvm backend option `" + key + "`; its options are " + String.join(", ", KEYS.keySet()));
        }
        long gemm = Long.getLong("ncd.jvm.gemmMinMacs", DEFAULT_GEMM_MIN_MACS);
        String g = o.extra().get("gemm-min-macs");
        if (g != null) {
            try {
                gemm = Long.parseLong(g.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("gemm-min-macs must be a whole number, got `" + g + "`");
            }
            if (gemm < 0) throw new IllegalArgumentException("gemm-min-macs must not be negative, got " + gemm);
        }
        boolean profile = Boolean.getBoolean("ncd.jvm.profile");
        String p = o.extra().get("profile");
        if (p != null) {
            if (!p.equals("true") && !p.equals("false")) throw new IllegalArgumentException("profile must be true or false, got `" + p + "`");
            profile = p.equals("true");
        }
        int threads = o.threads() > 0 ? o.threads()
                : Math.max(1, Integer.getInteger("ncd.jvm.threads", Math.min(2, Runtime.getRuntime().availableProcessors())));
        boolean exact = o.precision() == BackendOptions.Precision.EXACT || Boolean.getBoolean("ncd.jvm.exactMath");
        String w = o.extra().get("weights");
        if (w != null && !w.strip().equals("bf16") && !w.strip().equals("f32")) {
            throw new IllegalArgumentException("weights must be f32 or bf16, got `" + w + "`");
        }
        String b = o.extra().get("bit-sliced");
        BitSliced bits = b != null ? BitSliced.parse(b.strip()) : BitSliced.fromProperty();
        return new JvmOptions(gemm, threads, o.fuse(), exact, profile, w != null && w.strip().equals("bf16"), bits);
    }

    public JvmOptions withGemmMinMacs(long n) { return new JvmOptions(n, threads, fuse, exactMath, profile, bf16Weights, bits); }
    public JvmOptions withThreads(int n) { return new JvmOptions(gemmMinMacs, n, fuse, exactMath, profile, bf16Weights, bits); }
    public JvmOptions withFusion(boolean on) { return new JvmOptions(gemmMinMacs, threads, on, exactMath, profile, bf16Weights, bits); }
    public JvmOptions withExactMath(boolean on) { return new JvmOptions(gemmMinMacs, threads, fuse, on, profile, bf16Weights, bits); }
    public JvmOptions withProfile(boolean on) { return new JvmOptions(gemmMinMacs, threads, fuse, exactMath, on, bf16Weights, bits); }
    public JvmOptions withBf16Weights(boolean on) { return new JvmOptions(gemmMinMacs, threads, fuse, exactMath, profile, on, bits); }
    public JvmOptions withBits(BitSliced when) { return new JvmOptions(gemmMinMacs, threads, fuse, exactMath, profile, bf16Weights, when); }
}
