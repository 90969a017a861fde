package ncd.jvm;

/**
 * Bit-packed bool grids for {@link FusedBits}: each row of {@code n} cells is {@code W = ceil(n / 64)} longs, cell
 * {@code c} at bit {@code c & 63} of word {@code c >>> 6}; the bits past {@code n} in a row's last word are 0. A packed
 * grid of {@code rows} rows carries {@code halo} extra rows above and below (row {@code r} at word
 * {@code (r + halo) * W}): copies of the rows a torus wraps to, or zero rows, so that a neighbour row is a constant
 * offset away. Generated code calls these once per step (C2 inlines them or not; they are loops either way); the
 * vector forms are in {@link VecBits}, used when jdk.incubator.vector is present. A bool state that a bit-sliced
 * loop both reads and writes may stay packed from one step to the next ({@link #packState}, {@link #unpackState}):
 * the bits past {@code n} in a row's last word and the words past the halo are then whatever the last step left
 * there, which only ever flows into those same bits and words (nothing reads them as cells).
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
        halo(dst, rows, n, halo, wrap);
    }

    /**
     * Fills the halo rows of packed grid {@code a}: copies of the rows a torus wraps to ({@code wrap}), else zeros (a
     * buffer that a step wrote may hold other words there).
     */
    public static void halo(long[] a, int rows, int n, int halo, boolean wrap) {
        int w = words(n);
        if (wrap) {
            for (int r = -halo; r < 0; r++) System.arraycopy(a, (Math.floorMod(r, rows) + halo) * w, a, (r + halo) * w, w);
            for (int r = rows; r < rows + halo; r++) System.arraycopy(a, (Math.floorMod(r, rows) + halo) * w, a, (r + halo) * w, w);
        } else {
            java.util.Arrays.fill(a, 0, halo * w, 0L);
            java.util.Arrays.fill(a, (rows + halo) * w, (rows + 2 * halo) * w, 0L);
        }
    }

    // ---- a state kept packed from step to step ---------------------------------------------------------------------
    // flags[PACKED]: the packed words hold the state's value; flags[BOOLS]: its bool buffer does (one of them always)

    static final int PACKED = 0, BOOLS = 1;

    /** Before a step: packs the state's bool buffer into its packed words unless they already hold its value. */
    public static void packState(boolean[] state, long[] packed, boolean[] flags, int rows, int n, int halo, boolean wrap) {
        if (flags[PACKED]) return;
        pack(state, packed, rows, n, halo, wrap);
        flags[PACKED] = true;
    }

    /** Before a read from outside: unpacks the state's packed words into its bool buffer unless it is current. */
    public static void unpackState(long[] packed, boolean[] state, boolean[] flags, int rows, int n, int halo) {
        if (flags[BOOLS]) return;
        unpack(packed, halo * words(n), state, rows, n);
        flags[BOOLS] = true;
    }

    /** After a write from outside into the state's bool buffer: the packed words are stale. */
    public static void written(boolean[] flags) {
        flags[PACKED] = false;
        flags[BOOLS] = true;
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
    public static void unpack(long[] src, boolean[] dst, int rows, int n) { unpack(src, 0, dst, rows, n); }

    /** Unpacks {@code rows} rows of {@code src} from word {@code at} into {@code dst}. */
    static void unpack(long[] src, int at, boolean[] dst, int rows, int n) {
        int w = words(n);
        for (int r = 0; r < rows; r++) {
            if (VECTOR) VecBits.unpackRow(src, at + r * w, n, dst, r * n);
            else unpackRow(src, at + r * w, n, dst, r * n);
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
        // word distance and bit offset; the others are at the row ends
        int lo = delta >= 0 ? 0 : (-delta + 63) >>> 6, hi = Math.max(lo, Math.min(n >> 6, (n - delta) >> 6));
        int dw = Math.floorDiv(delta, 64), s = delta & 63;
        // first over the whole grid at once, as if it were one row (words across row ends come out wrong and are
        // redone below): one long loop instead of a short one per row, on long vectors where there are
        int from = Math.max(0, -dw), to = Math.max(from, Math.min(rows * w, src.length - dw - 1));
        if (s == 0) System.arraycopy(src, from + dw, dst, from, to - from);
        else if (VECTOR) VecBits.shiftWords(src, dst, from, to, dw, s);
        else shiftWords(src, dst, from, to, dw, s);
        // rows of whole words: a row-end word is two of the row's words (or a wrapped or zero word) at the same word
        // distance and bit offset; else cell run by cell run (the bits past the row end are not cells)
        if ((n & 63) == 0 && s != 0 && (dw == 0 || dw == -1) && from == -dw && to == rows * w) {
            // a move by less than a word: one word per row, the last (delta > 0) or the first, takes bits from the
            // row's other end (a torus) or zeros; a strided loop without branches
            long keep = wrap ? -1L : 0L;
            if (dw == 0) {
                for (int off = w - 1, end = rows * w; off < end; off += w) dst[off] = src[off] >>> s | (src[off - w + 1] & keep) << (64 - s);
            } else {
                for (int off = 0, end = rows * w; off < end; off += w) dst[off] = (src[off + w - 1] & keep) >>> s | src[off] << (64 - s);
            }
            return;
        }
        if ((n & 63) == 0) {
            for (int r = 0; r < rows; r++) {
                int off = r * w;
                if (off + lo < from || off + hi > to) shiftWords(src, dst, off + lo, off + hi, dw, s);
                for (int wd = 0; wd < Math.min(lo, w); wd++) dst[off + wd] = rowEnd(src, off, wd + dw, w, s, wrap);
                for (int wd = Math.max(lo, hi); wd < w; wd++) dst[off + wd] = rowEnd(src, off, wd + dw, w, s, wrap);
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            int off = r * w;
            if (off + lo < from || off + hi > to) shiftWords(src, dst, off + lo, off + hi, dw, s);
            for (int wd = 0; wd < w; wd++) {
                if (wd == lo && lo < hi) wd = hi;
                if (wd >= w) break;
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

    /** {@code dst[i] = } the 64 cells from bit {@code s} of word {@code i + dw} of {@code src} on, for i in [from, to). */
    static void shiftWords(long[] src, long[] dst, int from, int to, int dw, int s) {
        for (int i = from; i < to; i++) dst[i] = s == 0 ? src[i + dw] : src[i + dw] >>> s | src[i + dw + 1] << (64 - s);
    }

    /** The 64 cells from bit {@code s} of word {@code a} on, in the row of {@code w} whole words at word {@code off}. */
    private static long rowEnd(long[] src, int off, int a, int w, int s, boolean wrap) {
        long x = rowWord(src, off, a, w, wrap);
        return s == 0 ? x : x >>> s | rowWord(src, off, a + 1, w, wrap) << (64 - s);
    }

    /** Word {@code a} of the row at word {@code off} of {@code w} words, {@code a} taken modulo {@code w} ({@code wrap}) or 0 outside. */
    private static long rowWord(long[] src, int off, int a, int w, boolean wrap) {
        if (a < 0 || a >= w) {
            if (!wrap) return 0;
            while (a < 0) a += w;   // no division: once per row end, and |a| < 2w
            while (a >= w) a -= w;
        }
        return src[off + a];
    }

    /** The {@code len} (1 to 64) cells from cell {@code q} of the row at word {@code off}, {@code q + len} within the row. */
    private static long bits(long[] a, int off, int q, int len) {
        int w = q >>> 6, s = q & 63;
        long v = a[off + w] >>> s;
        if (s + len > 64) v |= a[off + w + 1] << (64 - s);
        return len == 64 ? v : v & ((1L << len) - 1);
    }
}
