package ncd.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * How a complex value is stored, in one place: a {@code c64} tensor is an f32 tensor with one more, last, axis
 * {@link #AXIS} of size 2 holding the real part (index 0) and the imaginary part (index 1), interleaved in memory. The
 * axis name is the dtype's keyword, which no source can name as an axis, so the pair axis only ever comes from here.
 * Every op that moves data (rename, slice, expand, concat, ...) moves the pairs with it; the frontend gives complex
 * meaning to arithmetic, contraction and the builtins, and {@link Op#FFT} reads and writes pairs. Backends see f32.
 */
public final class Complex {
    private Complex() {}

    /** The name of the pair axis, also the dtype's surface word. */
    public static final String AXIS = "c64";
    /** The pair axis. */
    public static final Axis PAIR = new Axis(AXIS, 2);
    /** Index of the real part, and of the imaginary part, on the pair axis. */
    public static final int RE = 0, IM = 1;

    /** Whether {@code t} is a complex tensor: f32 with the pair axis last. */
    public static boolean is(TensorType t) {
        return t.dtype() == DType.F32 && t.rank() > 0 && t.axes().get(t.rank() - 1).name().equals(AXIS);
    }

    /** The complex type with {@code real}'s axes and unit (real is f32 and has no pair axis). */
    public static TensorType of(TensorType real) {
        List<Axis> axes = new ArrayList<>(real.axes());
        axes.add(PAIR);
        return new TensorType(DType.F32, axes, real.unit());
    }

    /** The type of the real (or imaginary) part of the complex type {@code c}. */
    public static TensorType part(TensorType c) {
        if (!is(c)) throw new IllegalArgumentException("not complex: " + c);
        return c.withAxes(c.axes().subList(0, c.rank() - 1));
    }
}
