package ncd.jvm;

import ncd.ir.TensorType;
import ncd.runtime.Strides;


/** Row-major index arithmetic by axis name ({@link Strides}, shared with the interpreter) and what codegen adds to it. */
final class Shapes {
    private Shapes() {}

    static int[] sizes(TensorType t) { return Strides.sizes(t); }

    static int[] strides(TensorType t) { return Strides.of(t); }

    /** For each axis of {@code out}, the stride of the same-named axis in {@code in}, or 0 when {@code in} lacks it. */
    static int[] broadcastStrides(TensorType in, TensorType out) { return Strides.broadcast(in, out); }

    /** The stride of axis {@code name} in {@code t}, or 0 when {@code t} lacks it. */
    static int stride(TensorType t, String name) {
        int j = t.indexOf(name);
        return j < 0 ? 0 : strides(t)[j];
    }
}
