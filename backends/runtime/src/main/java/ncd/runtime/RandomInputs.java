package ncd.runtime;

import ncd.ir.TensorType;

/**
 * The reproducible random value of an input nobody gave, as every runner draws it (`ncdc run`, `ncdc bench`,
 * `ncdc test`, a jar from `ncdc build`, and the tests): floats uniform in [-1, 1), i32 in 0..9, bools true with
 * probability 1/2, from the counter-based stream {@code Rng.seedOf("input:NAME", seed)}. One definition, so that the
 * same name and seed give the same tensor everywhere.
 */
public final class RandomInputs {
    private RandomInputs() {}

    public static Tensor draw(String name, TensorType t, long seed) {
        Tensor x = Tensor.zeros(t);
        long s = Rng.seedOf("input:" + name, seed);
        for (int i = 0; i < x.size(); i++) {
            double u = Rng.uniform(s, 0, i);
            x.set(i, switch (t.dtype()) {
                case F32, F64 -> 2 * u - 1;
                case I32 -> Math.floor(10 * u);
                case BOOL -> u < 0.5 ? 1 : 0;
            });
        }
        return x;
    }

    /** What {@link #draw} draws for {@code t}, for a note to the user. */
    public static String describe(TensorType t) {
        return switch (t.dtype()) {
            case F32, F64 -> "uniform numbers in [-1, 1)";
            case I32 -> "integers in 0..9";
            case BOOL -> "coin flips";
        };
    }
}
