package ncd.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a backend is told besides the graph: the target options every backend understands, and keys one backend
 * defines ({@link Backend#optionKeys()}). The command line sets them with {@code --seed}, {@code --threads},
 * {@code --precision}, {@code --no-fuse}, {@code --no-hoist} and {@code --backend-option KEY=VALUE}; the Java API with the {@code with}
 * methods. A backend may read documented system properties only for what an option leaves at its default.
 *
 * @param seed      parameters (and the state's random initial values) are drawn from it, exactly as the interpreter
 *                  draws them
 * @param threads   the most threads one step may use; 0 lets the backend choose
 * @param precision how elementwise functions of f32 values are computed ({@link Precision})
 * @param fuse      whether the pass pipeline fuses elementwise chains and stencils into single loops (the driver
 *                  reads it: fusion is decided by a pass, and a backend follows the schedule it is given)
 * @param hoist     whether the pass pipeline marks values that depend only on parameters and constants to be computed
 *                  once per instance instead of every step (the driver reads it, like {@code fuse})
 * @param extra     backend-specific keys and values, each one the backend lists in {@link Backend#optionKeys()}
 */
public record BackendOptions(long seed, int threads, Precision precision, boolean fuse, boolean hoist, Map<String, String> extra) {
    /** How f32 functions (exp, log, tanh, sin, cos, sigmoid) are computed. */
    public enum Precision {
        /** As fast as the target allows, within the tolerance the op table declares ({@code ncd.ir.OpSpec}). */
        FAST,
        /** As the reference interpreter does: in double, rounded once (slower on vector hardware). */
        EXACT
    }

    public BackendOptions {
        if (threads < 0) throw new IllegalArgumentException("threads must be 0 (the backend chooses) or more, got " + threads);
        if (precision == null) throw new IllegalArgumentException("precision is required");
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** Seed 0, threads chosen by the backend, fast math, fusion and hoisting on, no backend-specific keys. */
    public static BackendOptions defaults() { return new BackendOptions(0, 0, Precision.FAST, true, true, Map.of()); }

    public BackendOptions withSeed(long s) { return new BackendOptions(s, threads, precision, fuse, hoist, extra); }
    public BackendOptions withThreads(int n) { return new BackendOptions(seed, n, precision, fuse, hoist, extra); }
    public BackendOptions withPrecision(Precision p) { return new BackendOptions(seed, threads, p, fuse, hoist, extra); }
    public BackendOptions withFusion(boolean on) { return new BackendOptions(seed, threads, precision, on, hoist, extra); }
    public BackendOptions withHoisting(boolean on) { return new BackendOptions(seed, threads, precision, fuse, on, extra); }

    /** These options with {@code key} set to {@code value} (replacing an earlier value). */
    public BackendOptions with(String key, String value) {
        Map<String, String> e = new LinkedHashMap<>(extra);
        e.put(key, value);
        return new BackendOptions(seed, threads, precision, fuse, hoist, e);
    }
}
