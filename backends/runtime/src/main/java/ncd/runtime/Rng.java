package ncd.runtime;

import java.nio.charset.StandardCharsets;

/**
 * A counter-based random number generator: every draw is a pure function of {@code (seed, stream, index)}, so
 * the interpreter, the JVM backend and a CUDA kernel draw identical numbers without sharing or advancing any
 * state, in any order, on any number of threads.
 *
 * <h2>The algorithm (all arithmetic on unsigned 64-bit integers, wrapping mod 2<sup>64</sup>)</h2>
 *
 * <pre>{@code
 * mix64(z):                                  // SplitMix64's finalizer (Stafford's Mix13)
 *     z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
 *     z = (z ^ (z >> 27)) * 0x94D049BB133111EB
 *     return z ^ (z >> 31)                   // >> is a logical (unsigned) shift
 *
 * bits(seed, stream, index):
 *     key = mix64(seed * 0x9E3779B97F4A7C15 ^ stream * 0xC2B2AE3D27D4EB4F)   // round 1: the stream's key
 *     return mix64(key + (index + 1) * 0x9E3779B97F4A7C15)                  // round 2: the index-th output
 *
 * uniform(seed, stream, index) = (bits(seed, stream, index) >> 11) * 2^-53                  // in [0, 1)
 *
 * normal(seed, stream, index):                                             // Box–Muller, cosine branch
 *     u1 = uniform(seed, stream, 2 * index)
 *     u2 = uniform(seed, stream, 2 * index + 1)
 *     return sqrt(-2 * log(1 - u1)) * cos(2 * PI * u2)   // 1 - u1 is in (0, 1]: log(0) cannot happen
 *
 * seedOf(path, base):
 *     h = 0xCBF29CE484222325                 // FNV-1a 64 over the UTF-8 bytes of path
 *     for each byte b: h = (h ^ b) * 0x00000100000001B3
 *     return mix64(h + base * 0x9E3779B97F4A7C15)
 * }</pre>
 *
 * <p>Round 2 is exactly SplitMix64 seeded with {@code key}: {@code bits(seed, stream, i)} is the {@code i}-th
 * (0-based) {@code nextLong()} of {@code new java.util.SplittableRandom(key)}. Within a stream the outputs are a
 * bijection of the index (no repeats); two streams overlap only if their keys differ by a small multiple of the
 * odd gamma, a chance of about {@code n / 2^64}.
 *
 * <p>In C/CUDA use {@code uint64_t} (signed Java {@code long} arithmetic wraps identically; {@code >>>} is C's
 * {@code >>} on unsigned), and {@code (double)(x >> 11) * 0x1.0p-53} for the uniform. {@link #bits} and
 * {@link #uniform} then match bit for bit. {@link #normal} uses {@link StrictMath} ({@code fdlibm}) for log, sqrt
 * and cos in double precision with {@code PI = 3.141592653589793} and the products evaluated left to right as
 * written ({@code 2 * PI} first, then {@code * u2}); a libm with different rounding (CUDA's {@code log}/{@code cos}
 * are within 1–2 ulp) can differ in the last bits of a double but rounds to the same {@code float} except in rare
 * ties, so compare f64 normals across backends with a relative tolerance of ~1e-15.
 *
 * <p>Golden values (checked by {@code RngTest}, computed by an independent implementation):
 * {@code seedOf("net.noise", 42) = 0x40936103023F37A5}; with that seed and stream 3, indices 0, 1, 2 give bits
 * {@code 0x41934A4F719D613C, 0x8C83B6485FD7F8ED, 0x25E915B46415A4A5}, uniforms {@code 0.25615372123285374,
 * 0.5488847662635122, 0.14808784154964494} and normals {@code -0.7333075441035893, 0.16259509883170734,
 * 0.04704875485876863}; {@code mix64(1) = 0x5692161D100B05E5}; {@code bits(-1, -1, -1) = 0xA597F7BD13A7E460}.
 *
 * <p>How callers choose the three numbers is their convention; the intended one is {@code seed = seedOf(instance
 * path of the random source, user seed)}, {@code stream} = the step number, {@code index} = the element's row-major
 * index in the source's declared type.
 */
public final class Rng {
    private Rng() {}

    /** Multiplier for the seed in round 1, and SplitMix64's gamma in round 2 (the golden ratio times 2^64, odd). */
    public static final long GAMMA = 0x9E3779B97F4A7C15L;
    /** Multiplier for the stream in round 1 (xxHash64's PRIME64_2). */
    public static final long STREAM_K = 0xC2B2AE3D27D4EB4FL;
    static final long FNV_OFFSET = 0xCBF29CE484222325L;
    static final long FNV_PRIME = 0x00000100000001B3L;

    /** SplitMix64's finalizer (Stafford Mix13); a bijection on 64-bit values. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** 64 random bits for {@code (seed, stream, index)}; see the class comment for the exact algorithm. */
    public static long bits(long seed, long stream, long index) {
        long key = mix64(seed * GAMMA ^ stream * STREAM_K);
        return mix64(key + (index + 1) * GAMMA);
    }

    /** A double in [0, 1) from the top 53 bits of {@link #bits}: a multiple of 2^-53. */
    public static double uniform(long seed, long stream, long index) {
        return (bits(seed, stream, index) >>> 11) * 0x1.0p-53;
    }

    /**
     * A standard normal draw by Box–Muller (cosine branch) from the uniforms at {@code 2*index} and
     * {@code 2*index + 1}: {@code sqrt(-2 ln(1 - u1)) * cos(2 pi u2)}; finite always (at most about 8.57).
     */
    public static double normal(long seed, long stream, long index) {
        double u1 = uniform(seed, stream, 2 * index);
        double u2 = uniform(seed, stream, 2 * index + 1);
        double r = StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - u1));
        return r * StrictMath.cos(2.0 * Math.PI * u2);
    }

    /** FNV-1a 64 of the UTF-8 bytes of {@code s}. */
    public static long fnv1a64(String s) {
        long h = FNV_OFFSET;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }

    /** A seed for the random source at instance {@code path}: {@code mix64(fnv1a64(path) + base * GAMMA)}. */
    public static long seedOf(String path, long base) {
        return mix64(fnv1a64(path) + base * GAMMA);
    }
}
