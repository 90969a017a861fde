package ncd.interp;

import ncd.ir.TensorType;
import ncd.runtime.Strides;


/**
 * Index arithmetic by axis name. Tensors are row-major in their type's axis order; an output element is visited
 * by its coordinates, and an input is read at the coordinates of the axes it shares with the output by name.
 */
final class Layout {
    private Layout() {}

    /** Row-major strides of a type. */
    static int[] strides(TensorType t) { return Strides.of(t); }

    static int[] sizes(TensorType t) { return Strides.sizes(t); }

    /**
     * For each axis of {@code out}, the stride of the same-named axis in {@code in}, or 0 when {@code in} lacks it
     * (it is broadcast along that axis).
     */
    static int[] broadcastStrides(TensorType in, TensorType out) { return Strides.broadcast(in, out); }

    /** Coordinates of flat index {@code flat} in a tensor of the given sizes (row-major). */
    static void coords(int flat, int[] sizes, int[] into) {
        for (int i = sizes.length - 1; i >= 0; i--) {
            into[i] = flat % sizes[i];
            flat /= sizes[i];
        }
    }

    static int dot(int[] coords, int[] strides) {
        int s = 0;
        for (int i = 0; i < coords.length; i++) s += coords[i] * strides[i];
        return s;
    }

    /** Floor modulo that is never negative for positive n. */
    static int wrap(int i, int n) {
        int m = i % n;
        return m < 0 ? m + n : m;
    }
}
