package ncd.jvm;

import java.util.ArrayList;
import java.util.List;

/**
 * One affine part of a data-movement op: over a box of "virtual" dimensions, output element
 * {@code outBase + sum(c * outStride)} is input {@code input}'s element {@code inBase + sum(c * inStride)}, or the
 * constant {@code fill} when {@code input < 0}. Roll, shift, window and concat are a few such boxes each; slice,
 * select, transpose, expand, merge and repeat are one.
 */
final class Piece {
    final List<int[]> dims = new ArrayList<>(); // {size, outStride, inStride}
    int outBase, inBase, input;
    double fill;

    Piece(int input) { this.input = input; }

    Piece copy() {
        Piece p = new Piece(input);
        for (int[] d : dims) p.dims.add(d.clone());
        p.outBase = outBase;
        p.inBase = inBase;
        p.fill = fill;
        return p;
    }

    void dim(int size, int outStride, int inStride) { dims.add(new int[] {size, outStride, inStride}); }

    /** Keeps indices {@code lo..hi-1} of dimension {@code d}; the input reads index {@code i + delta} for output {@code i}. */
    Piece restrict(int d, int lo, int hi, int delta) {
        Piece p = copy();
        int[] dim = p.dims.get(d);
        p.outBase += lo * dim[1];
        p.inBase += (lo + delta) * dim[2];
        dim[0] = hi - lo;
        return p;
    }

    /** As a fill of {@code value}. */
    Piece filled(double value) {
        Piece p = copy();
        p.input = -1;
        p.fill = value;
        return p;
    }

    boolean empty() {
        for (int[] d : dims) if (d[0] <= 0) return true;
        return false;
    }

    MethodGen.Nest nest() {
        int n = dims.size();
        int[] sizes = new int[n];
        int[][] strides = new int[input < 0 ? 1 : 2][n];
        for (int i = 0; i < n; i++) {
            sizes[i] = dims.get(i)[0];
            strides[0][i] = dims.get(i)[1];
            if (input >= 0) strides[1][i] = dims.get(i)[2];
        }
        return MethodGen.Nest.of(sizes, strides);
    }
}
