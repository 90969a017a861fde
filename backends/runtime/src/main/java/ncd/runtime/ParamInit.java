package ncd.runtime;

import ncd.ir.Attr;
import ncd.ir.TensorType;

import java.util.List;

/**
 * How a parameter gets its first value, for every backend alike (docs/semantics.md, "Randomness"): element i of
 * parameter {@code path} draws from {@link Rng} with seed {@code seedOf(path, seed)}, stream 0, index i. Fans for
 * glorot and he: the first axis is the output, the product of the others the input (PyTorch's [out, in]). A
 * bound clamps the drawn values.
 */
public final class ParamInit {
    private ParamInit() {}

    /** Takes element {@code i}'s value. */
    @FunctionalInterface
    public interface Sink {
        void set(int i, double v);
    }

    /** The values in row-major order of {@code t}, before rounding to its dtype. */
    public static double[] values(Attr.Param p, TensorType t, long seed) {
        double[] v = new double[t.arrayLength()];
        draw(p, t, seed, (i, x) -> v[i] = x);
        return v;
    }

    /**
     * The values of {@link #values} handed to {@code out} one by one (from several threads at once, each element once,
     * for a parameter of {@value #PARALLEL_FROM} elements or more), without an array of doubles between:
     * a backend stores them in its own array (a 4000 x 3200 f32 parameter is 51 MB as floats, 102 MB more as doubles).
     */
    public static void draw(Attr.Param p, TensorType t, long seed, Sink out) {
        int n = t.arrayLength();
        long s = Rng.seedOf(p.name(), seed);
        List<Double> a = p.init().args();
        double a0 = a.isEmpty() ? 0 : a.get(0), a1 = a.size() < 2 ? 0 : a.get(1);
        int fanOut = t.rank() == 0 ? 1 : t.axes().get(0).size();
        int fanIn = t.rank() <= 1 ? Math.max(1, n / Math.max(1, fanOut)) : n / fanOut;
        var kind = p.init().kind();
        double lim = Math.sqrt(6.0 / (fanIn + fanOut)), heScale = Math.sqrt(2.0 / fanIn);
        var bound = p.bound();
        // element i depends on i alone: a large parameter is drawn in chunks on the common pool's threads
        int chunk = 1 << 16;
        java.util.stream.IntStream chunks = java.util.stream.IntStream.range(0, (n + chunk - 1) / chunk);
        (n >= PARALLEL_FROM ? chunks.parallel() : chunks).forEach(c -> {
            for (int i = c * chunk, end = Math.min(n, i + chunk); i < end; i++) {
                double v = switch (kind) {
                    case ZEROS -> 0;
                    case ONES -> 1;
                    case CONST -> a0;
                    case NORMAL -> a0 + a1 * Rng.normal(s, 0, i);
                    case UNIFORM -> a0 + (a1 - a0) * Rng.uniform(s, 0, i);
                    case GLOROT -> -lim + 2 * lim * Rng.uniform(s, 0, i);
                    case HE -> heScale * Rng.normal(s, 0, i);
                };
                out.set(i, bound == null ? v : bound.clamp(v));
            }
        });
    }

    /** Parameters of this many elements or more are drawn on several threads (CUBA's are 12.8 M and 3.2 M). */
    static final int PARALLEL_FROM = 1 << 20;
}
