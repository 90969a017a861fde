package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.Node;
import ncd.ir.TensorType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Data-movement ops as {@link Piece}s: boxes of the output that copy an affine box of one input (or a constant).
 * Returns null when a window would need too many boxes; {@link #indexMap} is then the fallback.
 */
final class Moves {
    private Moves() {}

    /** Windows with more boxes than this use a precomputed index map instead. */
    static final int MAX_PIECES = 128;

    static List<Piece> pieces(Node n) {
        TensorType t = n.type();
        TensorType in = n.input(0).type();
        int[] os = Shapes.strides(t);
        List<Piece> out = new ArrayList<>();
        return switch (n.op()) {
            case SLICE -> {
                Attr.Slice s = (Attr.Slice) n.attr();
                Piece p = byName(0, t, in, s.into().name(), s.axis());
                p.inBase = s.start() * Shapes.stride(in, s.axis());
                out.add(p);
                yield out;
            }
            case SELECT -> {
                Attr.Select s = (Attr.Select) n.attr();
                Piece p = byName(0, t, in, null, null);
                p.inBase = s.index() * Shapes.stride(in, s.axis());
                out.add(p);
                yield out;
            }
            case ROLL -> {
                Attr.Roll r = (Attr.Roll) n.attr();
                int d = t.indexOf(r.axis()), size = t.axes().get(d).size();
                int k = Math.floorMod(r.shift(), size);
                Piece p = byName(0, t, in, null, null);
                // y[i] = x[(i - k) mod n]: i in k..n-1 reads i - k, i in 0..k-1 reads i - k + n
                add(out, p.restrict(d, k, size, -k));
                add(out, p.restrict(d, 0, k, size - k));
                yield out;
            }
            case SHIFT -> {
                Attr.Shift s = (Attr.Shift) n.attr();
                int d = t.indexOf(s.axis()), size = t.axes().get(d).size();
                int lo = Math.max(0, Math.min(size, s.shift())), hi = Math.max(0, Math.min(size, size + s.shift()));
                Piece p = byName(0, t, in, null, null);
                if (lo < hi) add(out, p.restrict(d, lo, hi, -s.shift()));
                add(out, p.restrict(d, 0, Math.min(lo, hi), 0).filled(s.fill()));
                add(out, p.restrict(d, Math.max(lo, hi), size, 0).filled(s.fill()));
                yield out;
            }
            case REPEAT -> {
                Attr.Repeat r = (Attr.Repeat) n.attr();
                Piece p = new Piece(0);
                int[] is = Shapes.strides(in);
                for (int d = 0; d < t.rank(); d++) {
                    String name = t.axes().get(d).name();
                    if (name.equals(r.into().name())) {
                        int j = in.indexOf(r.axis()), nIn = in.axes().get(j).size(), rep = r.into().size() / nIn;
                        p.dim(nIn, os[d] * rep, is[j]);
                        p.dim(rep, os[d], 0);
                    } else {
                        p.dim(t.axes().get(d).size(), os[d], Shapes.stride(in, name));
                    }
                }
                out.add(p);
                yield out;
            }
            case MERGE -> {
                Attr.Merge m = (Attr.Merge) n.attr();
                Piece p = new Piece(0);
                for (int d = 0; d < t.rank(); d++) {
                    String name = t.axes().get(d).name();
                    if (name.equals(m.into().name())) {
                        int below = 1;
                        for (String part : m.parts()) below *= in.axis(part).size();
                        for (String part : m.parts()) {
                            int size = in.axis(part).size();
                            below /= size;
                            p.dim(size, os[d] * below, Shapes.stride(in, part));
                        }
                    } else {
                        p.dim(t.axes().get(d).size(), os[d], Shapes.stride(in, name));
                    }
                }
                out.add(p);
                yield out;
            }
            case CONCAT -> {
                Attr.Concat c = (Attr.Concat) n.attr();
                int d = t.indexOf(c.into().name()), off = 0;
                for (int i = 0; i < n.inputs().size(); i++) {
                    TensorType ti = n.input(i).type();
                    String part = c.parts().get(i);
                    int len = ti.axis(part).size();
                    Piece p = byName(i, t, ti, c.into().name(), part);
                    add(out, p.restrict(d, off, off + len, -off));
                    off += len;
                }
                yield out;
            }
            case WINDOW -> window((Attr.Window) n.attr(), t, in);
            // the input read by name, 0 stride on axes it lacks
            case TRANSPOSE, EXPAND -> {
                out.add(byName(0, t, in, null, null));
                yield out;
            }
            case INPUT, PARAM, CONST, IOTA, RANDOM, STATE_READ, UNARY, BINARY, WHERE, CAST, REDUCE, ARG_REDUCE, CONTRACT,
                 RENAME, SPLIT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> throw new IllegalArgumentException("not a data-movement op: " + n);
        };
    }

    private static void add(List<Piece> out, Piece p) {
        if (!p.empty()) out.add(p);
    }

    /** The output box reading the input by axis name ({@code renamedOut} reads input axis {@code renamedIn}). */
    private static Piece byName(int input, TensorType t, TensorType in, String renamedOut, String renamedIn) {
        Piece p = new Piece(input);
        int[] os = Shapes.strides(t);
        for (int d = 0; d < t.rank(); d++) {
            String name = t.axes().get(d).name();
            String src = name.equals(renamedOut) ? renamedIn : name;
            p.dim(t.axes().get(d).size(), os[d], Shapes.stride(in, src));
        }
        return p;
    }

    private static List<Piece> window(Attr.Window w, TensorType t, TensorType in) {
        Set<String> seen = new HashSet<>();
        for (Attr.WindowDim wd : w.dims()) if (!seen.add(wd.axis())) return null;
        int[] os = Shapes.strides(t), is = Shapes.strides(in);
        Piece base = new Piece(0);
        for (int d = 0; d < in.rank(); d++) base.dim(in.axes().get(d).size(), os[d], is[d]);
        List<Piece> pieces = new ArrayList<>(List.of(base));
        boolean wrap = w.boundary() == Attr.Boundary.WRAP;
        for (Attr.WindowDim wd : w.dims()) {
            int p = in.indexOf(wd.axis()), size = in.axes().get(p).size();
            int s = wd.offset().size(), h = s / 2, q = t.indexOf(wd.offset().name());
            List<Piece> next = new ArrayList<>();
            for (Piece P : pieces) {
                for (int j = 0; j < s; j++) {
                    int delta = j - h;
                    Piece Q = P.copy();
                    Q.outBase += j * os[q];
                    if (Q.input < 0) {
                        next.add(Q);
                        continue;
                    }
                    // reads i + delta: inside for i in max(0, -delta) .. min(n, n - delta) - 1
                    int lo = Math.max(0, -delta), hi = Math.min(size, size - delta);
                    if (lo < hi) add(next, Q.restrict(p, lo, hi, delta));
                    if (delta < 0) {
                        Piece low = Q.restrict(p, 0, Math.min(-delta, size), wrap ? delta + size : 0);
                        add(next, wrap ? low : low.filled(0));
                    } else if (delta > 0) {
                        Piece high = Q.restrict(p, Math.max(0, size - delta), size, wrap ? delta - size : 0);
                        add(next, wrap ? high : high.filled(0));
                    }
                }
            }
            pieces = next;
            if (pieces.size() > MAX_PIECES) return null;
        }
        return pieces;
    }

    /**
     * For a window too irregular for boxes: for each output element, the input element it reads, or -1 for zero.
     * Computed as the interpreter computes the window.
     */
    static int[] indexMap(Attr.Window w, TensorType t, TensorType in) {
        int[] sizes = Shapes.sizes(t), inStrides = Shapes.strides(in), c = new int[sizes.length];
        int rank = in.rank(), total = t.arrayLength();
        int[] offsetPos = new int[w.dims().size()], axisPos = new int[w.dims().size()];
        for (int k = 0; k < w.dims().size(); k++) {
            offsetPos[k] = t.indexOf(w.dims().get(k).offset().name());
            axisPos[k] = in.indexOf(w.dims().get(k).axis());
        }
        int[] map = new int[total];
        outer:
        for (int i = 0; i < total; i++) {
            int f = i;
            for (int d = sizes.length - 1; d >= 0; d--) {
                c[d] = f % sizes[d];
                f /= sizes[d];
            }
            int[] src = java.util.Arrays.copyOf(c, rank);
            for (int k = 0; k < offsetPos.length; k++) {
                int size = w.dims().get(k).offset().size();
                int nAx = in.axes().get(axisPos[k]).size();
                int p = src[axisPos[k]] + c[offsetPos[k]] - size / 2;
                if (p < 0 || p >= nAx) {
                    if (w.boundary() == Attr.Boundary.ZERO) {
                        map[i] = -1;
                        continue outer;
                    }
                    p = Math.floorMod(p, nAx);
                }
                src[axisPos[k]] = p;
            }
            int off = 0;
            for (int d = 0; d < rank; d++) off += src[d] * inStrides[d];
            map[i] = off;
        }
        return map;
    }
}
