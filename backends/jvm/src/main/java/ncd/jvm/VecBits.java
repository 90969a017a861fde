package ncd.jvm;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Long-lane vector operations on bit-packed bool grids ({@link Bits}, {@link FusedBits}): the word loop of a bit-sliced
 * stencil runs {@link #LANES} words (64 cells each) per vector; and packing/unpacking through byte masks. Every helper
 * is tiny so that C2 inlines it and the vectors stay in registers. Loaded only when jdk.incubator.vector is present.
 */
public final class VecBits {
    private VecBits() {}

    static final VectorSpecies<Long> S = LongVector.SPECIES_PREFERRED;
    /** Words per vector (8 with AVX-512, 4 with AVX2). */
    static final int LANES = S.length();
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED;
    private static final int BL = B.length();

    public static LongVector ld(long[] a, int at) { return LongVector.fromArray(S, a, at); }
    public static void st(LongVector v, long[] a, int at) { v.intoArray(a, at); }
    public static LongVector k(long c) { return LongVector.broadcast(S, c); }
    public static LongVector and(LongVector a, LongVector b) { return a.and(b); }
    public static LongVector or(LongVector a, LongVector b) { return a.or(b); }
    public static LongVector xor(LongVector a, LongVector b) { return a.lanewise(VectorOperators.XOR, b); }
    public static LongVector not(LongVector a) { return a.lanewise(VectorOperators.XOR, -1L); }

    /** {@link Bits#shiftWords} on long vectors ({@code 0 < s < 64}): two loads one word apart, two shifts, an or. */
    static void shiftWords(long[] src, long[] dst, int from, int to, int dw, int s) {
        int i = from;
        for (; i <= to - LANES; i += LANES) {
            LongVector a = LongVector.fromArray(S, src, i + dw), b = LongVector.fromArray(S, src, i + dw + 1);
            a.lanewise(VectorOperators.LSHR, s).or(b.lanewise(VectorOperators.LSHL, 64 - s)).intoArray(dst, i);
        }
        for (; i < to; i++) dst[i] = src[i + dw] >>> s | src[i + dw + 1] << (64 - s);
    }

    /** {@link Bits#packRow} on byte masks: {@code BL} cells per mask, {@code toLong} gives their bits. */
    static void packRow(boolean[] src, int from, int n, long[] dst, int at) {
        if (BL > 64 || 64 % BL != 0) {
            Bits.packRow(src, from, n, dst, at);
            return;
        }
        int full = n & ~63;
        for (int c0 = 0; c0 < full; c0 += 64) {
            long v = 0;
            for (int k = 0; k < 64; k += BL) v |= VectorMask.fromArray(B, src, from + c0 + k).toLong() << k;
            dst[at + (c0 >>> 6)] = v;
        }
        if (full < n) {
            int cnt = n - full;
            long v = 0;
            for (int k = 0; k < cnt; k++) if (src[from + full + k]) v |= 1L << k;
            dst[at + (full >>> 6)] = v;
        }
    }

    /** {@link Bits#unpackRow} on byte masks. */
    static void unpackRow(long[] src, int at, int n, boolean[] dst, int from) {
        if (BL > 64 || 64 % BL != 0) {
            Bits.unpackRow(src, at, n, dst, from);
            return;
        }
        int full = n & ~63;
        for (int c0 = 0; c0 < full; c0 += 64) {
            long v = src[at + (c0 >>> 6)];
            for (int k = 0; k < 64; k += BL) VectorMask.fromLong(B, v >>> k).intoArray(dst, from + c0 + k);
        }
        if (full < n) {
            long v = src[at + (full >>> 6)];
            for (int k = 0; k < n - full; k++) dst[from + full + k] = (v >>> k & 1) != 0;
        }
    }
}
