package ncd.runtime;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RngTest {
    static final int N = 100_000;

    @Test void isAPureFunctionOfItsArguments() {
        for (long i = 0; i < 1000; i++) {
            assertEquals(Rng.bits(42, 7, i), Rng.bits(42, 7, i));
            assertEquals(Rng.normal(42, 7, i), Rng.normal(42, 7, i));
        }
        assertNotEquals(Rng.bits(42, 7, 0), Rng.bits(43, 7, 0));
        assertNotEquals(Rng.bits(42, 7, 0), Rng.bits(42, 8, 0));
        assertNotEquals(Rng.bits(42, 7, 0), Rng.bits(42, 7, 1));
    }

    /**
     * Golden values, computed by an independent Python implementation of the algorithm in Rng's Javadoc: a CUDA
     * or any other port must reproduce the bits and uniforms exactly, and the normals to the last few ulps.
     */
    @Test void goldenValues() {
        assertEquals(0x5692161D100B05E5L, Rng.mix64(1));
        assertEquals(0xAF63DC4C8601EC8CL, Rng.fnv1a64("a"), "FNV-1a 64 of \"a\" (published test vector)");
        assertEquals(0xCBF29CE484222325L, Rng.fnv1a64(""));
        long seed = Rng.seedOf("net.noise", 42);
        assertEquals(0x40936103023F37A5L, seed);
        assertEquals(0x0B784398D21A54D2L, Rng.seedOf("x", -1));
        assertEquals(0xA597F7BD13A7E460L, Rng.bits(-1, -1, -1));
        long[] bits = {0x41934A4F719D613CL, 0x8C83B6485FD7F8EDL, 0x25E915B46415A4A5L};
        double[] uniforms = {0.25615372123285374, 0.5488847662635122, 0.14808784154964494};
        double[] normals = {-0.7333075441035893, 0.16259509883170734, 0.04704875485876863};
        for (int i = 0; i < 3; i++) {
            assertEquals(bits[i], Rng.bits(seed, 3, i));
            assertEquals(uniforms[i], Rng.uniform(seed, 3, i));
            assertEquals(normals[i], Rng.normal(seed, 3, i), 1e-15);
        }
        long key = Rng.mix64(123 * Rng.GAMMA ^ 4 * Rng.STREAM_K);
        assertEquals(Rng.mix64(key + 6 * Rng.GAMMA), Rng.bits(123, 4, 5));
        assertEquals(Rng.mix64(Rng.fnv1a64("layer.noise") + 7 * Rng.GAMMA), Rng.seedOf("layer.noise", 7));
    }

    @Test void roundTwoIsSplitMix64SeededWithTheKey() {
        long seed = Rng.seedOf("net.l1.noise", 2024), stream = 17;
        long key = Rng.mix64(seed * Rng.GAMMA ^ stream * Rng.STREAM_K);
        SplittableRandom r = new SplittableRandom(key);
        for (long i = 0; i < 1000; i++) assertEquals(r.nextLong(), Rng.bits(seed, stream, i));
    }

    @Test void uniformIsTheTop53Bits() {
        for (long i = 0; i < 100; i++) {
            double u = Rng.uniform(9, 1, i);
            assertEquals((Rng.bits(9, 1, i) >>> 11) * 0x1.0p-53, u);
            assertEquals(u, Math.scalb(Math.floor(Math.scalb(u, 53)), -53), "a multiple of 2^-53");
        }
    }

    @Test void uniformsHaveTheRightMomentsAndRange() {
        double sum = 0, sq = 0;
        int[] bins = new int[10];
        for (int i = 0; i < N; i++) {
            double u = Rng.uniform(1234, 5, i);
            assertTrue(u >= 0 && u < 1);
            sum += u;
            sq += u * u;
            bins[(int) (u * 10)]++;
        }
        double mean = sum / N, var = sq / N - mean * mean;
        assertEquals(0.5, mean, 0.005);
        assertEquals(1.0 / 12, var, 0.002);
        for (int b : bins) assertEquals(N / 10.0, b, 500, "each decile holds about a tenth");
    }

    @Test void normalsHaveTheRightMoments() {
        double sum = 0, sq = 0, four = 0;
        int within1 = 0;
        for (int i = 0; i < N; i++) {
            double z = Rng.normal(99, 0, i);
            assertTrue(Double.isFinite(z));
            sum += z;
            sq += z * z;
            four += z * z * z * z;
            if (Math.abs(z) < 1) within1++;
        }
        double mean = sum / N, var = sq / N - mean * mean;
        assertEquals(0, mean, 0.015);
        assertEquals(1, var, 0.02);
        assertEquals(3, four / N, 0.1, "kurtosis of a normal");
        assertEquals(0.6827, within1 / (double) N, 0.006);
    }

    @Test void normalUsesTheUniformsAt2iAnd2iPlus1() {
        long i = 31;
        double u1 = Rng.uniform(5, 6, 2 * i), u2 = Rng.uniform(5, 6, 2 * i + 1);
        assertEquals(StrictMath.sqrt(-2 * StrictMath.log(1 - u1)) * StrictMath.cos(2 * Math.PI * u2), Rng.normal(5, 6, i));
    }

    @Test void streamsAndSeedsDoNotRepeatEachOther() {
        Set<Long> seen = new HashSet<>();
        for (long seed = 0; seed < 10; seed++)
            for (long stream = 0; stream < 10; stream++)
                for (long i = 0; i < 1000; i++) assertTrue(seen.add(Rng.bits(seed, stream, i)));
        // Neighbouring streams are uncorrelated.
        double c = 0;
        for (int i = 0; i < N; i++) c += (Rng.uniform(3, 0, i) - 0.5) * (Rng.uniform(3, 1, i) - 0.5);
        assertEquals(0, c / N * 12, 0.02);
    }

    @Test void seedOfDependsOnPathAndBase() {
        assertEquals(Rng.seedOf("a.b", 1), Rng.seedOf("a.b", 1));
        assertNotEquals(Rng.seedOf("a.b", 1), Rng.seedOf("a.b", 2));
        assertNotEquals(Rng.seedOf("a.b", 1), Rng.seedOf("a.c", 1));
        assertNotEquals(Rng.seedOf("µ", 0), Rng.seedOf("?", 0), "UTF-8, not a lossy charset");
    }
}
