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
        // the words whose 64 cells all read inside the row, wd in [lo, hi): one or two source words each, at a fixed
        // word distance and bit offset (a loop C2 can vectorise); the others, at the row ends, cell run by cell run
        int lo = delta >= 0 ? 0 : (-delta + 63) >>> 6, hi = Math.max(lo, Math.min(n >> 6, (n - delta) >> 6));
        int dw = Math.floorDiv(delta, 64), s = delta & 63;
        // first over the whole grid at once, as if it were one row (words across row ends come out wrong and are
        // redone below): one long loop instead of a short one per row
        int from = Math.max(0, -dw), to = Math.max(from, Math.min(rows * w, src.length - dw - 1));
        if (s == 0) {
            for (int i = from; i < to; i++) dst[i] = src[i + dw];
        } else {
            for (int i = from; i < to; i++) dst[i] = src[i + dw] >>> s | src[i + dw + 1] << (64 - s);
        }
        boolean whole = wrap && (n & 63) == 0;   // a torus of whole words: the row ends are word rotations
        for (int r = 0; r < rows; r++) {
            int off = r * w;
            if (off + lo < from || off + hi > to) {
                for (int wd = lo; wd < hi; wd++) dst[off + wd] = s == 0 ? src[off + wd + dw] : src[off + wd + dw] >>> s | src[off + wd + dw + 1] << (64 - s);
            }
            for (int wd = 0; wd < w; wd++) {
                if (wd == lo && lo < hi) wd = hi;
                if (wd >= w) break;
                if (whole) {
                    int a = Math.floorMod(wd + dw, w), b = a + 1 == w ? 0 : a + 1;
                    dst[off + wd] = s == 0 ? src[off + a] : src[off + a] >>> s | src[off + b] << (64 - s);
                    continue;
                }
                int c0 = wd << 6, cnt = Math.min(64, n - c0), q0 = c0 + delta;
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
