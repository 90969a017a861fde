package ncd.jvm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sgemm kernel over the Vector API (loaded only when jdk.incubator.vector is present). GotoBLAS blocking:
 *
 * <ol>
 *   <li>for each block of {@link #NC} columns and {@link #KC} of the summed index, B's block is packed into panels of
 *       NR = {@link #NV} vectors' width (row p of a panel contiguous, zero-padded at the right edge);
 *   <li>for each block of {@link #MC} rows, A's block is packed into panels of {@link #MR} rows (column p of a
 *       panel contiguous, zero-padded at the bottom edge);
 *   <li>an MR x NR register tile of C is accumulated with fused multiply-adds (a broadcast of A times B vectors)
 *       over the block, then stored (first block) or added to C; edge tiles go through a small scratch tile.
 * </ol>
 *
 * Products with one row or one column (matrix-vector) skip packing: vectorised dot products or row updates.
 * Packing buffers are per thread and allocated once; the two threads of a split product share the packed blocks of
 * the operand that every chunk reads ({@link SharedPack}).
 *
 * <p>Why an 8 x 2-vector tile (16 accumulators) and not the 12 x 2 or 8 x 3 tiles that measured a little faster
 * (120-140 against ~100 GFLOP/s at 1024^3 on this Zen 5 VM): with 24 accumulators, C1's tier-3 compilation of
 * {@code micro} fails ("out of virtual registers in LIR generator"); when the tiered policy had first compiled it at
 * tier 2 (it does when the C2 queue is long, e.g. with two threads busy) the method then stays in C1 code, where the
 * Vector API is not intrinsified: every operation allocates and products ran ~50x slower. 16 accumulators compile at
 * every tier. With vectors narrower than 512 bits the tile is 6 x 2 (BLIS's 6 x 16 for Haswell): AVX2 has 16 vector
 * registers, and 8 x 2 needs 16 accumulators + 2 of B + 1 broadcast. On the Zen 4 VM of docs/performance.md, 8 x 2
 * measured ~86 GFLOP/s at 512^3 (best of 7 runs, loaded machine), 6 x 2 ~78 and 4 x 4 (since dropped) ~79. (The tiles are generated:
 * {@link GemmTiles}.)
 */
final class VectorGemm {
    private VectorGemm() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /**
     * The register tile, MR rows x NV vectors, by the vector width: 8 x 2 with 512-bit vectors (16 accumulators of the
     * 32 registers), 6 x 2 with narrower ones (12 accumulators + 2 of B + 1 broadcast: within the 16 registers of
     * AVX2, where 8 x 2 needs 19 and spills). {@code -Dncd.jvm.gemmTile=MRxNV} picks another of {@link GemmTiles}'s.
     */
    static final String TILE = System.getProperty("ncd.jvm.gemmTile", L >= 16 ? "8x2" : "6x2");
    private static final boolean WIDE = switch (TILE) { case "8x2" -> true; case "6x2" -> false;
        default -> throw new IllegalArgumentException("ncd.jvm.gemmTile must be 8x2 or 6x2, got " + TILE); };
    static final int MR = WIDE ? 8 : 6, NV = 2, NR = NV * L;
    static final int KC = 256, MC = MR * (12), NC = NR * (16);

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(
            () -> new float[][] {new float[MC * KC], new float[NC * KC], new float[MR * NR]});

    /** The int lanes of S's shape, for bfloat16 weights ({@link Bf16}); usable when a vector divides a 16-int block. */
    static final VectorSpecies<Integer> IS = S.withLanes(int.class);
    static final boolean BF16_OK = (Bf16.BLOCK / 2) % L == 0;

    private static final ThreadLocal<float[][]> X_PADDED = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    static String describe() {
        return "Vector API " + S + ", register tile " + MR + " x " + NR + ", blocks KC=" + KC + " MC=" + MC + " NC=" + NC;
    }

    /**
     * Sizes {@code shared} for an m x n x k product cut into column chunks ({@code byCols}: A's blocks shared) or row
     * chunks (B's); false when they would not fit (then nothing is shared).
     */
    static boolean prepareShared(SharedPack shared, boolean byCols, int m, int n, int k) {
        int blocks = (k + KC - 1) / KC, step = (k + blocks - 1) / blocks;
        return byCols ? shared.reset(true, blocks * ((m + MC - 1) / MC), MC * step)
                : shared.reset(false, blocks * ((n + NC - 1) / NC), NC * step);
    }

    /** Rows r0..r1-1 and columns c0..c1-1 of C = A B (see {@link Gemm#sgemm} for the layouts). */
    static void sgemm(int m, int n, int k, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                      float[] c, int cOff, int r0, int r1, int c0, int c1) {
        sgemm(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff, r0, r1, c0, c1, null);
    }

    /**
     * The same, with {@code shared} (may be null) holding the packed blocks of the operand that every chunk of a
     * two-thread product reads: A when the chunks are columns (each then spans rows 0..m), B when they are rows.
     */
    static void sgemm(int m, int n, int k, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                      float[] c, int cOff, int r0, int r1, int c0, int c1, SharedPack shared) {
        if (c1 - c0 == 1 && n == 1) {
            gemv(m, k, a, aOff, transA, b, bOff, c, cOff, r0, r1);
            return;
        }
        if (m == 1 && r0 == 0 && r1 == 1) {
            // c[j] = sum_p a[p] B[p, j]: B^T a
            gemv(n, k, b, bOff, !transB, a, aOff, c, cOff, c0, c1);
            return;
        }
        float[][] scratch = SCRATCH.get();
        float[] ap = scratch[0], bp = scratch[1], tile = scratch[2];
        for (int jc = c0; jc < c1; jc += NC) {
            int nc = Math.min(NC, c1 - jc);
            // the summed index in ceil(k / KC) blocks of near-equal size: 784 = 4 x 196, not 3 x 256 + 16 (a last block
            // of 16 would cost a whole pass over C for a few multiply-adds per element)
            int blocks = (k + KC - 1) / KC, step = (k + blocks - 1) / blocks;
            for (int pc = 0; pc < k; pc += step) {
                int kc = Math.min(step, k - pc);
                float[] bArr = bp;
                int bo = 0;
                int bSlot = shared != null && !shared.ofA ? ((jc - c0) / NC) * blocks + pc / step : -1;
                int bState = bSlot < 0 ? -1 : shared.claim(bSlot);
                if (bState == SharedPack.PACKED) {
                    bArr = shared.buf;
                    bo = bSlot * shared.blockLen;
                } else if (bState == SharedPack.MINE) {
                    packB(b, bOff, transB, n, k, pc, kc, jc, nc, shared.buf, bSlot * shared.blockLen);
                    shared.packed(bSlot);
                    bArr = shared.buf;
                    bo = bSlot * shared.blockLen;
                } else {
                    packB(b, bOff, transB, n, k, pc, kc, jc, nc, bp, 0);
                }
                for (int ic = r0; ic < r1; ic += MC) {
                    int mc = Math.min(MC, r1 - ic);
                    float[] aArr = ap;
                    int ao = 0;
                    int aSlot = shared != null && shared.ofA ? (pc / step) * ((r1 - r0 + MC - 1) / MC) + (ic - r0) / MC : -1;
                    int aState = aSlot < 0 ? -1 : shared.claim(aSlot);
                    if (aState == SharedPack.PACKED) {
                        aArr = shared.buf;
                        ao = aSlot * shared.blockLen;
                    } else if (aState == SharedPack.MINE) {
                        packA(a, aOff, transA, m, k, ic, mc, pc, kc, shared.buf, aSlot * shared.blockLen);
                        shared.packed(aSlot);
                        aArr = shared.buf;
                        ao = aSlot * shared.blockLen;
                    } else {
                        packA(a, aOff, transA, m, k, ic, mc, pc, kc, ap, 0);
                    }
                    // one packed A micro-panel (MR x kc: 8 KB) stays in L1 while the B panels (kc x NR: 32 KB each, as big
                    // as a whole 32 KB L1 on Intel cores) stream from L2, as BLIS blocks for such cores; the other order
                    // kept a B panel "in L1" that A's stream evicted (measured: best runs ~74 against ~68 GFLOP/s at
                    // 1024^3 on the Xeon of docs/performance.md). Each tile of C sees the same blocks in the same order.
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            micro(kc, aArr, ao + ir * kc, bArr, bo + jr * kc, c, cOff + (ic + ir) * n + jc + jr, n, pc == 0, mr, nr, tile);
                        }
                    }
                }
            }
        }
    }

    /** Packs B[pc..pc+kc, jc..jc+nc] into panels of NR columns: panel q, row p at bpOff + (q * kc + p) * NR. */
    private static void packB(float[] b, int bOff, boolean transB, int n, int k, int pc, int kc, int jc, int nc, float[] bp, int bpOff) {
        for (int jr = 0; jr < nc; jr += NR) {
            int w = Math.min(NR, nc - jr);
            int base = bpOff + jr * kc;
            if (!transB) {
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * NR, src = bOff + (pc + p) * n + jc + jr;
                    if (w == NR) {
                        for (int v = 0; v < NR; v += L) FloatVector.fromArray(S, b, src + v).intoArray(bp, dst + v);
                    } else {
                        System.arraycopy(b, src, bp, dst, w);
                        java.util.Arrays.fill(bp, dst + w, dst + NR, 0f);
                    }
                }
                continue;
            }
            // B is [n, k]: read each of the panel's columns along k (contiguous) and write it down the panel (stride
            // NR, within a panel that stays in L1); row by row, B was read with a stride of k (measured: the
            // transformer layer's projections spent a fifth of their time packing)
            for (int j = 0; j < w; j++) {
                int src = bOff + (jc + jr + j) * k + pc;
                for (int p = 0, dst = base + j; p < kc; p++, dst += NR) bp[dst] = b[src + p];
            }
            if (w < NR) {
                for (int p = 0; p < kc; p++) java.util.Arrays.fill(bp, base + p * NR + w, base + p * NR + NR, 0f);
            }
        }
    }

    /** Packs A[ic..ic+mc, pc..pc+kc] into panels of MR rows: panel q, column p at apOff + (q * kc + p) * MR. */
    private static void packA(float[] a, int aOff, boolean transA, int m, int k, int ic, int mc, int pc, int kc, float[] ap, int apOff) {
        for (int ir = 0; ir < mc; ir += MR) {
            int h = Math.min(MR, mc - ir);
            int base = apOff + ir * kc;
            if (!transA && h == 8 && MR == 8) {
                // eight rows at once: reads eight contiguous streams, writes the panel contiguously
                int s0 = aOff + (ic + ir) * k + pc, s1 = s0 + k, s2 = s1 + k, s3 = s2 + k, s4 = s3 + k, s5 = s4 + k, s6 = s5 + k, s7 = s6 + k;
                for (int p = 0, d = base; p < kc; p++, d += MR) {
                    ap[d] = a[s0 + p]; ap[d + 1] = a[s1 + p]; ap[d + 2] = a[s2 + p]; ap[d + 3] = a[s3 + p];
                    ap[d + 4] = a[s4 + p]; ap[d + 5] = a[s5 + p]; ap[d + 6] = a[s6 + p]; ap[d + 7] = a[s7 + p];
                }
            } else if (!transA && h == MR) {
                // MR rows at once (the loop over the rows is unrolled: MR is a constant)
                int s0 = aOff + (ic + ir) * k + pc;
                for (int p = 0, d = base; p < kc; p++, d += MR) {
                    for (int i = 0; i < MR; i++) ap[d + i] = a[s0 + i * k + p];
                }
            } else if (!transA) {
                for (int i = 0; i < h; i++) {
                    int src = aOff + (ic + ir + i) * k + pc;
                    for (int p = 0; p < kc; p++) ap[base + p * MR + i] = a[src + p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * m + ic + ir;
                    System.arraycopy(a, src, ap, base + p * MR, h);
                }
            }
            if (h < MR) {
                for (int p = 0; p < kc; p++) java.util.Arrays.fill(ap, base + p * MR + h, base + p * MR + MR, 0f);
            }
        }
    }

    /**
     * y[i] = sum_p A[i, p] x[p] for i in r0..r1-1, A given as [m, k] or (trans) [k, m]; x contiguous. Dot products
     * along contiguous rows, or (trans) row updates of y.
     */
    static void gemv(int m, int k, float[] a, int aOff, boolean trans, float[] x, int xOff, float[] y, int yOff, int r0, int r1) {
        if (!trans) {
            int i = r0;
            // eight rows at once: W is read row-major in place (no packing), one vector of x feeds eight
            // independent accumulators. The product is bound by the bandwidth of the cache holding A (a 1000 x 1000
            // f32 W is 4 MB: L3 here); eight row streams measured ~7-10% faster than four, 10-16 no better. Each row
            // is summed exactly as by the one-row loop below (one vector accumulator, reduceLanes, then the scalar
            // tail), so the result does not depend on which loop takes a row. 8 accumulators + x compile at
            // every tier (see the class comment on C1 and virtual registers).
            for (; i + 8 <= r1; i += 8) {
                int a0 = aOff + i * k;
                FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
                FloatVector s4 = FloatVector.zero(S), s5 = FloatVector.zero(S), s6 = FloatVector.zero(S), s7 = FloatVector.zero(S);
                int p = 0;
                for (; p + L <= k; p += L) {
                    FloatVector xv = FloatVector.fromArray(S, x, xOff + p);
                    s0 = FloatVector.fromArray(S, a, a0 + 0 * k + p).fma(xv, s0);
                    s1 = FloatVector.fromArray(S, a, a0 + 1 * k + p).fma(xv, s1);
                    s2 = FloatVector.fromArray(S, a, a0 + 2 * k + p).fma(xv, s2);
                    s3 = FloatVector.fromArray(S, a, a0 + 3 * k + p).fma(xv, s3);
                    s4 = FloatVector.fromArray(S, a, a0 + 4 * k + p).fma(xv, s4);
                    s5 = FloatVector.fromArray(S, a, a0 + 5 * k + p).fma(xv, s5);
                    s6 = FloatVector.fromArray(S, a, a0 + 6 * k + p).fma(xv, s6);
                    s7 = FloatVector.fromArray(S, a, a0 + 7 * k + p).fma(xv, s7);
                }
                float t0 = s0.reduceLanes(VectorOperators.ADD), t1 = s1.reduceLanes(VectorOperators.ADD);
                float t2 = s2.reduceLanes(VectorOperators.ADD), t3 = s3.reduceLanes(VectorOperators.ADD);
                float t4 = s4.reduceLanes(VectorOperators.ADD), t5 = s5.reduceLanes(VectorOperators.ADD);
                float t6 = s6.reduceLanes(VectorOperators.ADD), t7 = s7.reduceLanes(VectorOperators.ADD);
                for (; p < k; p++) {
                    float xv = x[xOff + p];
                    t0 = Math.fma(a[a0 + 0 * k + p], xv, t0);
                    t1 = Math.fma(a[a0 + 1 * k + p], xv, t1);
                    t2 = Math.fma(a[a0 + 2 * k + p], xv, t2);
                    t3 = Math.fma(a[a0 + 3 * k + p], xv, t3);
                    t4 = Math.fma(a[a0 + 4 * k + p], xv, t4);
                    t5 = Math.fma(a[a0 + 5 * k + p], xv, t5);
                    t6 = Math.fma(a[a0 + 6 * k + p], xv, t6);
                    t7 = Math.fma(a[a0 + 7 * k + p], xv, t7);
                }
                y[yOff + i + 0] = t0;
                y[yOff + i + 1] = t1;
                y[yOff + i + 2] = t2;
                y[yOff + i + 3] = t3;
                y[yOff + i + 4] = t4;
                y[yOff + i + 5] = t5;
                y[yOff + i + 6] = t6;
                y[yOff + i + 7] = t7;
            }
            for (; i + 4 <= r1; i += 4) {
                int a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
                FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
                int p = 0;
                for (; p + L <= k; p += L) {
                    FloatVector xv = FloatVector.fromArray(S, x, xOff + p);
                    s0 = FloatVector.fromArray(S, a, a0 + p).fma(xv, s0);
                    s1 = FloatVector.fromArray(S, a, a1 + p).fma(xv, s1);
                    s2 = FloatVector.fromArray(S, a, a2 + p).fma(xv, s2);
                    s3 = FloatVector.fromArray(S, a, a3 + p).fma(xv, s3);
                }
                float t0 = s0.reduceLanes(VectorOperators.ADD), t1 = s1.reduceLanes(VectorOperators.ADD);
                float t2 = s2.reduceLanes(VectorOperators.ADD), t3 = s3.reduceLanes(VectorOperators.ADD);
                for (; p < k; p++) {
                    float xv = x[xOff + p];
                    t0 = Math.fma(a[a0 + p], xv, t0);
                    t1 = Math.fma(a[a1 + p], xv, t1);
                    t2 = Math.fma(a[a2 + p], xv, t2);
                    t3 = Math.fma(a[a3 + p], xv, t3);
                }
                y[yOff + i] = t0;
                y[yOff + i + 1] = t1;
                y[yOff + i + 2] = t2;
                y[yOff + i + 3] = t3;
            }
            for (; i < r1; i++) {
                int a0 = aOff + i * k;
                FloatVector s0 = FloatVector.zero(S);
                int p = 0;
                for (; p + L <= k; p += L) s0 = FloatVector.fromArray(S, a, a0 + p).fma(FloatVector.fromArray(S, x, xOff + p), s0);
                float t0 = s0.reduceLanes(VectorOperators.ADD);
                for (; p < k; p++) t0 = Math.fma(a[a0 + p], x[xOff + p], t0);
                y[yOff + i] = t0;
            }
            return;
        }
        java.util.Arrays.fill(y, yOff + r0, yOff + r1, 0f);
        for (int p = 0; p < k; p++) {
            FloatVector xv = FloatVector.broadcast(S, x[xOff + p]);
            float xs = x[xOff + p];
            int row = aOff + p * m;
            int i = r0;
            for (; i + L <= r1; i += L) {
                FloatVector.fromArray(S, a, row + i).fma(xv, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
            }
            for (; i < r1; i++) y[yOff + i] = Math.fma(a[row + i], xs, y[yOff + i]);
        }
    }

    /**
     * {@link Bf16#gemv} on vectors: four rows at a time, each vector of packed ints decoded to the two float vectors
     * of its low and high halves (a shift, a mask) that multiply x at the block's two halves; eight accumulators.
     * x is first copied into a zero-padded scratch row, so every block is whole (the padding weights are 0).
     */
    static void gemvBf16(int rows, int k, int[] w, float[] x, int xOff, float[] y, int yOff) {
        int row = Bf16.rowInts(k), kp = 2 * row;
        float[][] holder = X_PADDED.get();
        float[] xs = holder[0];
        if (xs.length < kp) holder[0] = xs = new float[kp];
        System.arraycopy(x, xOff, xs, 0, k);
        java.util.Arrays.fill(xs, k, kp, 0f);
        final int half = Bf16.BLOCK / 2;
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            int w0 = i * row, w1 = w0 + row, w2 = w1 + row, w3 = w2 + row;
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
            FloatVector t0 = FloatVector.zero(S), t1 = FloatVector.zero(S), t2 = FloatVector.zero(S), t3 = FloatVector.zero(S);
            for (int b = 0; b < row; b += half) {
                for (int q = 0; q < half; q += L) {
                    FloatVector xl = FloatVector.fromArray(S, xs, 2 * b + q), xh = FloatVector.fromArray(S, xs, 2 * b + half + q);
                    IntVector v0 = IntVector.fromArray(IS, w, w0 + b + q), v1 = IntVector.fromArray(IS, w, w1 + b + q);
                    IntVector v2 = IntVector.fromArray(IS, w, w2 + b + q), v3 = IntVector.fromArray(IS, w, w3 + b + q);
                    s0 = v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xl, s0);
                    t0 = v0.and(0xffff0000).reinterpretAsFloats().fma(xh, t0);
                    s1 = v1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xl, s1);
                    t1 = v1.and(0xffff0000).reinterpretAsFloats().fma(xh, t1);
                    s2 = v2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xl, s2);
                    t2 = v2.and(0xffff0000).reinterpretAsFloats().fma(xh, t2);
                    s3 = v3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xl, s3);
                    t3 = v3.and(0xffff0000).reinterpretAsFloats().fma(xh, t3);
                }
            }
            y[yOff + i] = s0.add(t0).reduceLanes(VectorOperators.ADD);
            y[yOff + i + 1] = s1.add(t1).reduceLanes(VectorOperators.ADD);
            y[yOff + i + 2] = s2.add(t2).reduceLanes(VectorOperators.ADD);
            y[yOff + i + 3] = s3.add(t3).reduceLanes(VectorOperators.ADD);
        }
        for (; i < rows; i++) {
            int w0 = i * row;
            FloatVector s0 = FloatVector.zero(S), t0 = FloatVector.zero(S);
            for (int b = 0; b < row; b += half) {
                for (int q = 0; q < half; q += L) {
                    IntVector v0 = IntVector.fromArray(IS, w, w0 + b + q);
                    s0 = v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(S, xs, 2 * b + q), s0);
                    t0 = v0.and(0xffff0000).reinterpretAsFloats().fma(FloatVector.fromArray(S, xs, 2 * b + half + q), t0);
                }
            }
            y[yOff + i] = s0.add(t0).reduceLanes(VectorOperators.ADD);
        }
    }

    /**
     * The MR x NR register tile ({@link GemmTiles}): C[0..MR, 0..NR) (+)= Ap panel * Bp panel over kc, in three copies
     * that differ only in how the tile is written (stored, added, or through the scratch tile at an edge). Why not one method with a
     * branch: a branch that C2 compiled as never taken (the profile of the first products may not have seen it) is an
     * "unstable if"; taking it later deoptimises the method back to C1 code, where the Vector API is not intrinsified
     * and every operation allocates, until C2 compiles it again (measured: seconds on a busy 2-core machine, during
     * which the transformer layer ran at a third of its speed). The stores are written out here, not in a helper: a
     * vector passed to a method C2 does not inline is boxed. (The tile's width is a constant: C2 folds the choice.)
     */
    private static void micro(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean first, int mr, int nr, float[] tile) {
        if (mr == MR && nr == NR) {
            if (first) {
                if (WIDE) GemmTiles.store8x2(kc, ap, ao, bp, bo, c, co, ldc);
                else GemmTiles.store6x2(kc, ap, ao, bp, bo, c, co, ldc);
            } else {
                if (WIDE) GemmTiles.add8x2(kc, ap, ao, bp, bo, c, co, ldc);
                else GemmTiles.add6x2(kc, ap, ao, bp, bo, c, co, ldc);
            }
        } else {
            if (WIDE) GemmTiles.edge8x2(kc, ap, ao, bp, bo, tile);
            else GemmTiles.edge6x2(kc, ap, ao, bp, bo, tile);
            for (int i = 0; i < mr; i++) {
                for (int j = 0; j < nr; j++) {
                    float x = tile[i * NR + j];
                    int at = co + i * ldc + j;
                    c[at] = first ? x : c[at] + x;
                }
            }
        }
    }
}
