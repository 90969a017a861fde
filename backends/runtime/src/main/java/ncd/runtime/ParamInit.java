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

    /** The values in row-major order of {@code t}, before rounding to its dtype. */
    public static double[] values(Attr.Param p, TensorType t, long seed) {
        int n = t.arrayLength();
        long s = Rng.seedOf(p.name(), seed);
        List<Double> a = p.init().args();
        int fanOut = t.rank() == 0 ? 1 : t.axes().get(0).size();
        int fanIn = t.rank() <= 1 ? Math.max(1, n / Math.max(1, fanOut)) : n / fanOut;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (p.init().kind()) {
                case ZEROS -> 0;
                case ONES -> 1;
                case CONST -> a.get(0);
                case NORMAL -> a.get(0) + a.get(1) * Rng.normal(s, 0, i);
                case UNIFORM -> a.get(0) + (a.get(1) - a.get(0)) * Rng.uniform(s, 0, i);
                case GLOROT -> {
                    double lim = Math.sqrt(6.0 / (fanIn + fanOut));
                    yield -lim + 2 * lim * Rng.uniform(s, 0, i);
                }
                case HE -> Math.sqrt(2.0 / fanIn) * Rng.normal(s, 0, i);
            };
            if (p.bound() != null) v[i] = p.bound().clamp(v[i]);
        }
        return v;
    }
}
