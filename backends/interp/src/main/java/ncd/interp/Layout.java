package ncd.interp;

import ncd.ir.Axis;
import ncd.ir.TensorType;

import java.util.List;

/**
 * Index arithmetic by axis name. Tensors are row-major in their type's axis order; an output element is visited
 * by its coordinates, and an input is read at the coordinates of the axes it shares with the output by name.
 */
final class Layout {
    private Layout() {}

    /** Row-major strides of a type. */
    static int[] strides(TensorType t) {
        List<Axis> a = t.axes();
        int[] s = new int[a.size()];
        int acc = 1;
        for (int i = a.size() - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= a.get(i).size();
        }
        return s;
    }

    static int[] sizes(TensorType t) {
        return t.axes().stream().mapToInt(Axis::size).toArray();
    }

    /**
     * For each axis of {@code out}, the stride of the same-named axis in {@code in}, or 0 when {@code in} lacks it
     * (it is broadcast along that axis).
     */
    static int[] broadcastStrides(TensorType in, TensorType out) {
        int[] inStrides = strides(in);
        int[] r = new int[out.rank()];
        for (int i = 0; i < out.rank(); i++) {
            int j = in.indexOf(out.axes().get(i).name());
            r[i] = j < 0 ? 0 : inStrides[j];
        }
        return r;
    }

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
