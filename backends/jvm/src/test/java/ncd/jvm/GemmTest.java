package ncd.jvm;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The sgemm kernel against a double-precision reference, on shapes that exercise every path: matrix-vector, edge
 * tiles, several blocks of each blocking dimension, transposed operands, batches, two threads, concurrent callers,
 * and the scalar fallback. The error bound is the classical one for float summation, {@code k * 2^-23 * sum|a b|}.
 */
class GemmTest {
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 37, 19}, {37, 1, 19}, {5, 7, 3}, {6, 32, 256}, {7, 33, 257}, {97, 130, 300}, {200, 600, 520}, {13, 2, 700}, {2, 13, 9},
    };

    @Test void productsAgreeWithADoubleReference() {
        SplittableRandom r = new SplittableRandom(1);
        for (int[] s : SHAPES) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    check(r, 1, s[0], s[1], s[2], ta, tb, 1);
                    if (s[0] * s[1] * s[2] > 100_000) check(r, 1, s[0], s[1], s[2], ta, tb, 2);
                }
            }
        }
    }

    /**
     * Sizes around every blocking edge of both register tiles (8 x 2 and 6 x 2 vectors, of 4, 8 or 16 lanes) and of
     * the cache blocks (KC = 256, MC = 12 MR, NC = 16 NR): 1, 7, 17, 255, 257 and non-multiples of the tile, every
     * layout; two threads where the product is split.
     */
    @Test void blockingEdgesAgree() {
        SplittableRandom r = new SplittableRandom(7);
        int[][] shapes = {
            {1, 7, 17}, {7, 1, 17}, {7, 17, 1}, {17, 7, 255}, {255, 17, 7}, {17, 257, 7}, {6, 16, 257}, {13, 50, 255},
            {49, 97, 100}, {255, 257, 17}, {257, 255, 31}, {97, 65, 513}, {100, 130, 300},
        };
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    check(r, 1, s[0], s[1], s[2], ta, tb, 1);
                    if ((long) s[0] * s[1] * s[2] >= Gemm.PARALLEL_MIN_MACS / 4) check(r, 1, s[0], s[1], s[2], ta, tb, 2);
                }
            }
        }
        check(r, 1, 257, 257, 257, false, false, 2);
        check(r, 1, 255, 1030, 520, true, true, 2);
    }

    /**
     * Chunks that share packed blocks ({@link SharedPack}): the first chunk packs each block, later ones read it, and
     * a block left "being packed" (by a thread the scheduler stopped) is packed privately; the product is the same,
     * bit for bit, as on one thread.
     */
    @Test void sharedPackedBlocksGiveTheSameProduct() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Gemm.vectorized(), "the Vector API kernel is not in use");
        SplittableRandom r = new SplittableRandom(8);
        int m = 300, n = 290, k = 600;
        for (boolean byCols : new boolean[] {true, false}) {
            for (boolean tb : new boolean[] {false, true}) {
                float[] a = rand(r, m * k), b = rand(r, k * n), want = new float[m * n], got = new float[m * n];
                Gemm.sgemm(1, m, n, k, a, 0, false, b, 0, tb, want, 0, 1);
                SharedPack sp = new SharedPack();
                assertTrue(VectorGemm.prepareShared(sp, byCols, m, n, k));
                assertEquals(SharedPack.MINE, sp.claim(1));   // block 1 is "being packed" by another thread
                int tile = byCols ? VectorGemm.NR : VectorGemm.MR, end = byCols ? n : m;
                for (int lo = 0; lo < end; lo += 3 * tile) {
                    int hi = Math.min(end, lo + 3 * tile);
                    if (byCols) VectorGemm.sgemm(m, n, k, a, 0, false, b, 0, tb, got, 0, 0, m, lo, hi, sp);
                    else VectorGemm.sgemm(m, n, k, a, 0, false, b, 0, tb, got, 0, lo, hi, 0, n, sp);
                }
                assertEquals(SharedPack.PACKED, sp.claim(0), "the chunks packed block 0 once, into the shared buffer");
                assertEquals(SharedPack.BUSY, sp.claim(1));
                for (int i = 0; i < m * n; i++) {
                    if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                        fail((byCols ? "by columns" : "by rows") + " tb=" + tb + ": C[" + i + "] = " + got[i] + ", one thread " + want[i]);
                    }
                }
            }
        }
    }

    @Test void batchesAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(2);
        check(r, 3, 17, 40, 33, false, true, 1);
        check(r, 2, 256, 256, 256, false, false, 2);   // above PARALLEL_MIN_MACS: split by columns
        check(r, 1, 1000, 70, 100, true, false, 2);   // split by rows
    }

    /** A batch of products each below PARALLEL_MIN_MACS, together above it: split by whole products, every layout. */
    @Test void aBatchOfSmallProductsIsSplitByProducts() {
        SplittableRandom r = new SplittableRandom(3);
        assertTrue(41L * 37 * 45 * 33 >= Gemm.PARALLEL_MIN_MACS && 37L * 45 * 33 < Gemm.PARALLEL_MIN_MACS);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                check(r, 41, 37, 45, 33, ta, tb, 2);
                check(r, 1, 256, 256, 256, ta, tb, 2);   // a split product right after: the worker drops the batch mode
                check(r, 128, 64, 64, 32, ta, tb, 2);
            }
        }
    }

    /**
     * Back-to-back two-thread products, each just big enough to be split: the worker may still be in one product's
     * loop when the next begins, and a hang fails the test by its timeout. (A reset done in the wrong order once lost
     * a finished chunk and the caller waited forever; that race needs the caller to be descheduled between two
     * statements, which a loaded machine did in `compare.py` but this test does not reliably reproduce.)
     */
    @Test @org.junit.jupiter.api.Timeout(120) void manyTwoThreadProductsInARowAllFinish() {
        int n = 128;   // 128^3 = 2^21 multiply-adds: the smallest product that is split
        assertTrue((long) n * n * n >= Gemm.PARALLEL_MIN_MACS);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < a.length; i++) { a[i] = (float) r.nextDouble(-1, 1); b[i] = (float) r.nextDouble(-1, 1); }
        for (int i = 0; i < 5000; i++) Gemm.sgemm(1, n, n, n, a, 0, false, b, 0, i % 2 == 0, c, 0, 2);
        check(r, 1, n, n, n, false, false, 2);
    }

    @Test void concurrentCallersEachGetTheirProduct() throws Exception {
        AtomicReference<Throwable> err = new AtomicReference<>();
        Thread[] ts = new Thread[3];
        for (int i = 0; i < ts.length; i++) {
            long seed = 10 + i;
            ts[i] = new Thread(() -> {
                try {
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int j = 0; j < 4; j++) check(r, 1, 160, 160, 200, j % 2 == 0, false, 2);
                } catch (Throwable t) {
                    err.set(t);
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) t.join();
        if (err.get() != null) throw new AssertionError(err.get());
    }

    @Test void theScalarKernelAgreesToo() {
        SplittableRandom r = new SplittableRandom(3);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = rand(r, m * k), b = rand(r, k * n), c = new float[m * n];
            Gemm.scalar(m, n, k, a, 0, false, b, 0, true, c, 0, 0, m, 0, n);
            compare(a, b, c, 1, m, n, k, false, true, "scalar " + m + "x" + n + "x" + k);
        }
    }

    @Test void theKernelInUseIsNamed() {
        assertTrue(Gemm.describe().contains(Gemm.vectorized() ? "Vector API" : "scalar"), Gemm.describe());
    }

    private static void check(SplittableRandom r, int batch, int m, int n, int k, boolean ta, boolean tb, int threads) {
        float[] a = rand(r, batch * m * k), b = rand(r, batch * k * n), c = new float[batch * m * n + 3];
        java.util.Arrays.fill(c, Float.NaN);   // the product must overwrite C, not add to it
        Gemm.sgemm(batch, m, n, k, a, 0, ta, b, 0, tb, c, 0, threads);
        if (!Float.isNaN(c[batch * m * n])) fail("wrote past C");
        compare(a, b, c, batch, m, n, k, ta, tb, batch + "x" + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " threads=" + threads);
    }

    private static void compare(float[] a, float[] b, float[] c, int batch, int m, int n, int k, boolean ta, boolean tb, String what) {
        for (int q = 0; q < batch; q++) {
            int ao = q * m * k, bo = q * k * n, co = q * m * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = 0, abs = 0;
                    for (int p = 0; p < k; p++) {
                        double x = ta ? a[ao + p * m + i] : a[ao + i * k + p];
                        double y = tb ? b[bo + j * k + p] : b[bo + p * n + j];
                        ref += x * y;
                        abs += Math.abs(x * y);
                    }
                    double got = c[co + i * n + j];
                    if (!(Math.abs(got - ref) <= k * 0x1p-23 * abs + 1e-30)) {
                        fail(what + ": C[" + q + ", " + i + ", " + j + "] = " + got + ", reference " + ref);
                    }
                }
            }
        }
    }

    private static float[] rand(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * r.nextDouble() - 1);
        return x;
    }
}
