package ncd.jvm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float-lane vector operations that fused f32 loops call (see {@link FusedLanes}), and whole-row f32 reductions (see
 * {@link ClassGen}). Every helper is tiny so that C2 inlines it and the vectors stay in registers. Loaded only when
 * jdk.incubator.vector is present.
 *
 * <p>What is exact and what is not (docs/semantics.md, docs/jvm.md): {@code + - * /}, sqrt, negation, abs, max, min
 * and relu give the f32 result the interpreter rounds to, bit for bit (they are correctly rounded in float, and max/min
 * follow {@link Math#max(float, float)}). exp, log, tanh, sin, cos and sigmoid use the JVM's vector math (Intel SVML
 * on x86), within 1 ulp of the interpreter's {@code (float) Math.exp((double) x)} where measured, about 25x faster than
 * the scalar double path; {@link JvmOptions#exactMath()} keeps the scalar path instead. Row sums accumulate in double
 * (eight partial sums), so they differ from the interpreter's sequential double sum only by double rounding.
 */
public final class VecF {
    private VecF() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector (16 with AVX-512). */
    static final int LANES = S.length();

    public static FloatVector ld(float[] a, int at) { return FloatVector.fromArray(S, a, at); }
    public static void st(FloatVector v, float[] a, int at) { v.intoArray(a, at); }
    public static FloatVector k(float c) { return FloatVector.broadcast(S, c); }

    public static FloatVector add(FloatVector a, FloatVector b) { return a.add(b); }
    public static FloatVector sub(FloatVector a, FloatVector b) { return a.sub(b); }
    public static FloatVector mul(FloatVector a, FloatVector b) { return a.mul(b); }
    public static FloatVector div(FloatVector a, FloatVector b) { return a.div(b); }
    public static FloatVector max(FloatVector a, FloatVector b) { return a.max(b); }
    public static FloatVector min(FloatVector a, FloatVector b) { return a.min(b); }
    public static FloatVector neg(FloatVector a) { return a.neg(); }
    public static FloatVector abs(FloatVector a) { return a.abs(); }
    /** {@code v > 0 || v is NaN ? v : +0}, as {@link Rt#relu(float)}: Math.max semantics give exactly that. */
    public static FloatVector relu(FloatVector a) { return a.max(FloatVector.zero(S)); }
    public static FloatVector square(FloatVector a) { return a.mul(a); }
    /**
     * {@code a^3} within an ulp of the interpreter's {@code (float) Math.pow(a, 3)} (GELU's cube): {@code a*a*a} rounds
     * twice (up to ~2.5 ulp off), so the rounding error of the square, {@code e = fma(a, a, -p)} (exact), is carried into
     * the last product, {@code fma(p, a, e * a)}. Where {@code p * a} is infinite or NaN (overflow, inf or NaN input) the
     * error term would be NaN, and the plain product is already what pow gives.
     */
    public static FloatVector cube(FloatVector a) {
        FloatVector p = a.mul(a);
        FloatVector c = p.mul(a);
        FloatVector r = p.fma(a, a.fma(a, p.neg()).mul(a));
        return c.blend(r, c.abs().compare(VectorOperators.LT, Float.POSITIVE_INFINITY));
    }
    /**
     * {@code where(a OP b, t, e)} with the comparison of f32 lanes: lanes are picked, not computed, so the result is the
     * interpreter's bit for bit; a NaN compares as Java's {@code <, <=, >, >=, ==} do (false) and {@code !=} (true).
     */
    public static FloatVector where_gt(FloatVector a, FloatVector b, FloatVector t, FloatVector e) { return e.blend(t, a.compare(VectorOperators.GT, b)); }
    public static FloatVector where_ge(FloatVector a, FloatVector b, FloatVector t, FloatVector e) { return e.blend(t, a.compare(VectorOperators.GE, b)); }
    public static FloatVector where_lt(FloatVector a, FloatVector b, FloatVector t, FloatVector e) { return e.blend(t, a.compare(VectorOperators.LT, b)); }
    public static FloatVector where_le(FloatVector a, FloatVector b, FloatVector t, FloatVector e) { return e.blend(t, a.compare(VectorOperators.LE, b)); }
    public static FloatVector where_eq(FloatVector a, FloatVector b, FloatVector t, FloatVector e) { return e.blend(t, a.compare(VectorOperators.EQ, b)); }
    public static FloatVector where_ne(FloatVector a, FloatVector b, FloatVector t, FloatVector e) { return t.blend(e, a.compare(VectorOperators.EQ, b)); }
    public static FloatVector sqrt(FloatVector a) { return a.lanewise(VectorOperators.SQRT); }
    public static FloatVector exp(FloatVector a) { return a.lanewise(VectorOperators.EXP); }
    public static FloatVector log(FloatVector a) { return a.lanewise(VectorOperators.LOG); }
    public static FloatVector tanh(FloatVector a) { return a.lanewise(VectorOperators.TANH); }
    public static FloatVector sin(FloatVector a) { return a.lanewise(VectorOperators.SIN); }
    public static FloatVector cos(FloatVector a) { return a.lanewise(VectorOperators.COS); }
    public static FloatVector sigmoid(FloatVector a) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        return one.div(one.add(a.neg().lanewise(VectorOperators.EXP)));
    }

    /**
     * {@code a[off] + ... + a[off + n - 1]}, accumulated in double by eight independent scalar sums. Not on vector
     * lanes: widening floats to doubles (convertShape F2D) is not intrinsified in JDK 17, and its fallback runs
     * FloatVector code on another species, which makes the shared Vector API methods' type profiles bimorphic, after
     * which C2 stops intrinsifying them everywhere (the matrix product kernel then allocated a vector per operation).
     */
    public static double sum(float[] a, int off, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            s0 += a[off + i];
            s1 += a[off + i + 1];
            s2 += a[off + i + 2];
            s3 += a[off + i + 3];
            s4 += a[off + i + 4];
            s5 += a[off + i + 5];
            s6 += a[off + i + 6];
            s7 += a[off + i + 7];
        }
        double s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        for (; i < n; i++) s += a[off + i];
        return s;
    }

    /** The largest of {@code a[off..off+n)}, NaN when one is NaN ({@link Rt#maxAcc}'s rule). */
    public static float max(float[] a, int off, int n) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + LANES <= n; i += LANES) m = m.max(FloatVector.fromArray(S, a, off + i));
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            float v = a[off + i];
            if (v > r || v != v) r = v;
        }
        return r;
    }

    /** The smallest of {@code a[off..off+n)}, NaN when one is NaN. */
    public static float min(float[] a, int off, int n) {
        FloatVector m = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        int i = 0;
        for (; i + LANES <= n; i += LANES) m = m.min(FloatVector.fromArray(S, a, off + i));
        float r = m.reduceLanes(VectorOperators.MIN);
        for (; i < n; i++) {
            float v = a[off + i];
            if (v < r || v != v) r = v;
        }
        return r;
    }
}
