package ncd.jvm;

import ncd.ir.Axis;
import ncd.ir.TensorType;

import java.util.List;

/** Row-major index arithmetic by axis name (the same layout rules as the interpreter's). */
final class Shapes {
    private Shapes() {}

    static int[] sizes(TensorType t) { return t.axes().stream().mapToInt(Axis::size).toArray(); }

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

    /** For each axis of {@code out}, the stride of the same-named axis in {@code in}, or 0 when {@code in} lacks it. */
    static int[] broadcastStrides(TensorType in, TensorType out) {
        int[] inStrides = strides(in);
        int[] r = new int[out.rank()];
        for (int i = 0; i < out.rank(); i++) {
            int j = in.indexOf(out.axes().get(i).name());
            r[i] = j < 0 ? 0 : inStrides[j];
        }
        return r;
    }

    /** The stride of axis {@code name} in {@code t}, or 0 when {@code t} lacks it. */
    static int stride(TensorType t, String name) {
        int j = t.indexOf(name);
        return j < 0 ? 0 : strides(t)[j];
    }
}
