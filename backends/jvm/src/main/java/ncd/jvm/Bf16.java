package ncd.jvm;

/**
 * Matrix-vector products whose matrix is stored in bfloat16 ({@code --backend-option weights=bf16}): a bfloat16 is
 * the top half of an f32 (sign, 8 exponent bits, 7 stored significand bits), so a weight keeps f32's range and 8
 * significant bits (a relative error of at most 2^-8 when rounded to nearest). The products sum in f32 (fused
 * multiply-add), as {@link Gemm#sgemm} does; only the weights are rounded. Reading half the bytes matters where the
 * product is bound by memory bandwidth: a recurrent step's 1000 x 1000 f32 matrix (4 MB) does not fit a 2 MB L2
 * cache, its bf16 copy (2 MB) nearly does.
 *
 * <p>Layout, independent of the vector width (an AOT jar built on one machine runs on another): each row of k
 * weights is padded with zeros to a multiple of 32 and stored in k' / 2 ints; the 32 weights of a block,
 * {@code e[0..32)}, are the ints {@code q = 0..15} holding {@code e[q]} in their low half and {@code e[16 + q]}
 * in their high half. A vector of ints then decodes to two vectors of floats with a shift and a mask ({@code v << 16}
 * and {@code v & 0xffff0000}), which multiply x at offsets {@code 32 b + q} and {@code 32 b + 16 + q}: any vector
 * of 2 to 16 lanes reads whole blocks.
 *
 * <p>The copy is made (by {@link #pack}) in the generated {@code init()}, which runs when the instance is made, at
 * every reset and before the first step after a parameter is set ({@link ncd.runtime.Executable#setParam}).
 */
public final class Bf16 {
    private Bf16() {}

    /** Weights per block: 16 ints of two halves each. */
    static final int BLOCK = 32;

    /** {@code k} rounded up to whole blocks. */
    public static int padded(int k) { return (k + BLOCK - 1) / BLOCK * BLOCK; }

    /** Ints per packed row of {@code k} weights. */
    public static int rowInts(int k) { return padded(k) / 2; }

    /** The bfloat16 nearest to {@code f} (ties to even), as its 16 bits; NaN stays NaN, overflow rounds to infinity. */
    static int bits(float f) {
        int b = Float.floatToRawIntBits(f);
        if ((b & 0x7fffffff) > 0x7f800000) return (b >>> 16) | 0x40;   // a quiet NaN, sign kept
        return (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
    }

    /** The f32 value of a bfloat16's bits. */
    static float value(int bits) { return Float.intBitsToFloat(bits << 16); }

    /**
     * Packs a {@code rows x k} matrix, entry (i, p) at {@code w[off + i * rs + p * cs]}, into {@code out}
     * ({@code rows * rowInts(k)} ints). Called by generated code ({@code init()}).
     */
    public static void pack(float[] w, int off, int rs, int cs, int rows, int k, int[] out) {
        int row = rowInts(k);
        for (int i = 0; i < rows; i++) {
            int src = off + i * rs, dst = i * row;
            for (int b = 0; b < row; b += BLOCK / 2) {
                int p0 = 2 * b;
                for (int q = 0; q < BLOCK / 2; q++) {
                    int lo = p0 + q, hi = p0 + BLOCK / 2 + q;
                    int l = lo < k ? bits(w[src + lo * cs]) : 0, h = hi < k ? bits(w[src + hi * cs]) : 0;
                    out[dst + b + q] = l | h << 16;
                }
            }
        }
    }

    /**
     * {@code y[yOff + i] = sum_p W[i, p] x[xOff + p]} for the {@code rows x k} matrix {@code w} packed by
     * {@link #pack}. Called by generated code (the step).
     */
    public static void gemv(int rows, int k, int[] w, float[] x, int xOff, float[] y, int yOff) {
        if (Gemm.vectorized() && VectorGemm.BF16_OK) VectorGemm.gemvBf16(rows, k, w, x, xOff, y, yOff);
        else scalar(rows, k, w, x, xOff, y, yOff);
    }

    /** The plain kernel: one f32 sum per row, in the packed order. */
    static void scalar(int rows, int k, int[] w, float[] x, int xOff, float[] y, int yOff) {
        int row = rowInts(k);
        for (int i = 0; i < rows; i++) {
            float s = 0;
            int base = i * row;
            for (int b = 0; b < row; b += BLOCK / 2) {
                int p0 = 2 * b;
                for (int q = 0; q < BLOCK / 2; q++) {
                    int v = w[base + b + q];
                    int lo = p0 + q, hi = p0 + BLOCK / 2 + q;
                    if (lo < k) s = Math.fma(Float.intBitsToFloat(v << 16), x[xOff + lo], s);
                    if (hi < k) s = Math.fma(Float.intBitsToFloat(v & 0xffff0000), x[xOff + hi], s);
                }
            }
            y[yOff + i] = s;
        }
    }
}
