package ncd.runtime;

import ncd.ir.Axis;
import ncd.ir.TensorType;

import java.util.List;

/**
 * Row-major index arithmetic by axis name, the layout every backend shares: a tensor is row-major in its type's
 * axis order, and an operand is read at the coordinates of the axes it shares with the result, by name.
 */
public final class Strides {
    private Strides() {}

    /** The sizes of a type's axes, in order. */
    public static int[] sizes(TensorType t) { return t.axes().stream().mapToInt(Axis::size).toArray(); }

    /** Row-major strides of a type. */
    public static int[] of(TensorType t) {
        List<Axis> a = t.axes();
        int[] s = new int[a.size()];
        int acc = 1;
        for (int i = a.size() - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= a.get(i).size();
        }
        return s;
    }

    /** For each axis of {@code out}, the stride of the same-named axis in {@code in}, or 0 when {@code in} lacks it. */
    public static int[] broadcast(TensorType in, TensorType out) {
        int[] inStrides = of(in);
        int[] r = new int[out.rank()];
        for (int i = 0; i < out.rank(); i++) {
            int j = in.indexOf(out.axes().get(i).name());
            r[i] = j < 0 ? 0 : inStrides[j];
        }
        return r;
    }
}
