package ncd.jvm;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Byte-lane vector operations that fused loops call (see {@link FusedBytes}): bool values are 0/1 lanes, small i32
 * values (whose range {@link ByteRanges} has proved fits a byte) are byte lanes. Every helper is tiny so that C2
 * inlines it and the vectors stay in registers. Loaded only when jdk.incubator.vector is present.
 */
public final class Vec {
    private Vec() {}

    static final VectorSpecies<Byte> S = ByteVector.SPECIES_PREFERRED;
    /** Lanes per vector (64 with AVX-512). */
    static final int LANES = S.length();

    public static ByteVector ld(boolean[] a, int at) { return ByteVector.fromBooleanArray(S, a, at); }
    public static void st(ByteVector v, boolean[] a, int at) { v.intoBooleanArray(a, at); }
    public static ByteVector ldb(byte[] a, int at) { return ByteVector.fromArray(S, a, at); }
    public static void stb(ByteVector v, byte[] a, int at) { v.intoArray(a, at); }
    public static ByteVector k(int c) { return ByteVector.broadcast(S, (byte) c); }
    public static ByteVector zero() { return ByteVector.zero(S); }

    public static ByteVector add(ByteVector a, ByteVector b) { return a.add(b); }
    public static ByteVector sub(ByteVector a, ByteVector b) { return a.sub(b); }
    public static ByteVector mul(ByteVector a, ByteVector b) { return a.mul(b); }
    public static ByteVector and(ByteVector a, ByteVector b) { return a.and(b); }
    public static ByteVector or(ByteVector a, ByteVector b) { return a.or(b); }
    public static ByteVector xor(ByteVector a, ByteVector b) { return a.lanewise(VectorOperators.XOR, b); }
    public static ByteVector neg(ByteVector a) { return a.neg(); }
    public static ByteVector not(ByteVector a) { return a.lanewise(VectorOperators.XOR, (byte) 1); }

    // Comparisons and selection without masks (C2 did not always keep VectorMask values unboxed here), and without
    // byte shifts (x86 has none: C2 widens to shorts and packs back, some ten instructions): min and max bring a
    // lane to 0/-1, and negation to 0/1.
    /** 1 where {@code x} (0 or negative) is negative, else 0. */
    private static ByteVector negative01(ByteVector x) { return x.max((byte) -1).neg(); }
    /** 1 where a lane is not 0: {@code a | -a} is negative then (also for -128, whose negation is itself), else 0. */
    public static ByteVector nz(ByteVector a) { return negative01(a.or(a.neg())); }
    public static ByteVector ne(ByteVector a, ByteVector b) { return nz(xor(a, b)); }
    /** {@link #nz} for lanes other than -128 (ByteRanges proves it): {@code min(|a|, 1)}. */
    public static ByteVector nzs(ByteVector a) { return a.abs().min((byte) 1); }
    /** {@link #ne} and {@link #eq} for lanes whose difference fits a byte and is not -128 (ByteRanges proves it). */
    public static ByteVector nes(ByteVector a, ByteVector b) { return nzs(a.sub(b)); }
    public static ByteVector eqs(ByteVector a, ByteVector b) { return nzs(a.sub(b)).lanewise(VectorOperators.XOR, (byte) 1); }
    public static ByteVector eq(ByteVector a, ByteVector b) {
        ByteVector d = xor(a, b);
        return d.or(d.neg()).max((byte) -1).add((byte) 1);
    }
    /** 1 where {@code a < b}, for lanes whose difference fits a byte (ByteRanges proves it): the sign of {@code a - b}. */
    public static ByteVector lt(ByteVector a, ByteVector b) { return negative01(a.sub(b).min((byte) 0)); }
    public static ByteVector gt(ByteVector a, ByteVector b) { return lt(b, a); }
    public static ByteVector le(ByteVector a, ByteVector b) { return not(lt(b, a)); }
    public static ByteVector ge(ByteVector a, ByteVector b) { return not(lt(a, b)); }
    /** {@code c ? a : b} lane by lane, c being 0/1: {@code b ^ ((a ^ b) & -c)}. */
    public static ByteVector where(ByteVector c, ByteVector a, ByteVector b) { return xor(b, xor(a, b).and(c.neg())); }
}
