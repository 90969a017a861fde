package ncd.jvm;

/**
 * Bit-packed bool grids for {@link FusedBits}: each row of {@code n} cells is {@code W = ceil(n / 64)} longs, cell
 * {@code c} at bit {@code c & 63} of word {@code c >>> 6}; the bits past {@code n} in a row's last word are 0. A packed
 * grid of {@code rows} rows carries {@code halo} extra rows above and below (row {@code r} at word
 * {@code (r + halo) * W}): copies of the rows a torus wraps to, or zero rows, so that a neighbour row is a constant
 * offset away. Generated code calls these once per step (C2 inlines them or not; they are loops either way); the
 * vector forms are in {@link VecBits}, used when jdk.incubator.vector is present.
 */
public final class Bits {
    private Bits() {}

    static final boolean VECTOR = Gemm.VectorProbe.PRESENT;

    /** Words per packed row of {@code n} cells. */
    static int words(int n) { return (n + 63) >>> 6; }

    /**
     * Packs {@code src} ({@code rows} rows of {@code n} cells, row-major) into {@code dst}, with {@code halo} rows above
     * and below that repeat the rows the torus wraps to ({@code wrap}) or stay 0.
     */
    public static void pack(boolean[] src, long[] dst, int rows, int n, int halo, boolean wrap) {
        int w = words(n);
        for (int r = 0; r < rows; r++) {
            int at = (r + halo) * w;
            if (VECTOR) VecBits.packRow(src, r * n, n, dst, at);
            else packRow(src, r * n, n, dst, at);
        }
        if (wrap) {
            for (int r = -halo; r < 0; r++) System.arraycopy(dst, (Math.floorMod(r, rows) + halo) * w, dst, (r + halo) * w, w);
            for (int r = rows; r < rows + halo; r++) System.arraycopy(dst, (Math.floorMod(r, rows) + halo) * w, dst, (r + halo) * w, w);
        }
    }

    static void packRow(boolean[] src, int from, int n, long[] dst, int at) {
        for (int c0 = 0; c0 < n; c0 += 64) {
            int cnt = Math.min(64, n - c0);
            long v = 0;
            for (int k = 0; k < cnt; k++) v |= (src[from + c0 + k] ? 1L : 0L) << k;
            dst[at + (c0 >>> 6)] = v;
        }
    }

    /** Unpacks the first {@code rows} rows of {@code src} (no halo) into {@code dst}. */
    public static void unpack(long[] src, boolean[] dst, int rows, int n) {
        int w = words(n);
        for (int r = 0; r < rows; r++) {
            if (VECTOR) VecBits.unpackRow(src, r * w, n, dst, r * n);
            else unpackRow(src, r * w, n, dst, r * n);
        }
    }

    static void unpackRow(long[] src, int at, int n, boolean[] dst, int from) {
        for (int c0 = 0; c0 < n; c0 += 64) {
            int cnt = Math.min(64, n - c0);
            long v = src[at + (c0 >>> 6)];
            for (int k = 0; k < cnt; k++) dst[from + c0 + k] = (v >>> k & 1) != 0;
        }
    }

    /**
     * Each of the {@code rows} rows of {@code src} moved along its {@code n} cells: cell {@code c} of {@code dst} is cell
     * {@code c + delta} of {@code src}, taken modulo {@code n} ({@code wrap}) or 0 outside the row.
     */
    public static void shift(long[] src, long[] dst, int rows, int n, int delta, boolean wrap) {
        int w = words(n);
        if (wrap) {
            delta = Math.floorMod(delta, n);
            if (delta > n / 2) delta -= n;                   // the nearer way round: most words then read inside the row
        }
        for (int r = 0; r < rows; r++) {
            int off = r * w;
            for (int wd = 0; wd < w; wd++) {
                int c0 = wd << 6, cnt = Math.min(64, n - c0), q0 = c0 + delta;
                if (cnt == 64 && q0 >= 0 && q0 + 64 <= n) {
                    // a whole word from inside the row: one or two source words
                    int at = off + (q0 >>> 6), s = q0 & 63;
                    dst[off + wd] = s == 0 ? src[at] : src[at] >>> s | src[at + 1] << (64 - s);
                    continue;
                }
                long v = 0;
                int k = 0;
                while (k < cnt) {
                    int q = q0 + k;
                    if (wrap) {
                        if (q < 0) q += n; else if (q >= n) q -= n;   // |delta| <= n / 2 and c0 + k < n
                    } else if (q < 0) {
                        k += Math.min(cnt - k, -q);          // cells left of the row read 0
                        continue;
                    } else if (q >= n) {
                        break;                               // and so do those right of it
                    }
                    int len = Math.min(cnt - k, n - q);
                    v |= bits(src, off, q, len) << k;
                    k += len;
                }
                dst[off + wd] = v;
            }
        }
    }

    /** The {@code len} (1 to 64) cells from cell {@code q} of the row at word {@code off}, {@code q + len} within the row. */
    private static long bits(long[] a, int off, int q, int len) {
        int w = q >>> 6, s = q & 63;
        long v = a[off + w] >>> s;
        if (s + len > 64) v |= a[off + w + 1] << (64 - s);
        return len == 64 ? v : v & ((1L << len) - 1);
    }
}
