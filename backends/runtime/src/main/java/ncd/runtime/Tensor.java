package ncd.runtime;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A value on a wire at run time: a {@link TensorType} (dtype, named axes with sizes, unit) over one primitive array
 * holding the elements in row-major order of {@code type.axes()} — the last axis varies fastest. The array is
 * {@code float[]} for {@code f32}, {@code double[]} for {@code f64}, {@code int[]} for {@code i32} and
 * {@code boolean[]} for {@code bool}; a scalar (no axes) holds one element.
 *
 * <p>Tensors are mutable through {@link #set} and through the raw array; the factories {@code of(...)} take the
 * array given to them without copying, and {@link #withType} shares it. {@link #copy()} makes an independent copy.
 * Every axis must be sized, and the element count must fit in an {@code int}.
 */
public final class Tensor {
    private final TensorType type;
    private final Object data;
    private final int size;

    private Tensor(TensorType type, Object data) {
        this.type = type;
        this.data = data;
        this.size = java.lang.reflect.Array.getLength(data);
    }

    /** Summary statistics over the elements read as doubles (bool as 0/1). See {@link #stats()}. */
    public record Stats(double min, double mean, double max, int nanCount) {
        @Override public String toString() {
            String s = "min=" + fmt(min) + " mean=" + fmt(mean) + " max=" + fmt(max);
            return nanCount == 0 ? s : s + " nan=" + nanCount;
        }

        private static String fmt(double v) {
            if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
            return String.format("%.6g", v);
        }
    }

    // ---------------------------------------------------------------------------------------------- factories

    /** A tensor of the given type filled with zeros (false for bool). */
    public static Tensor zeros(TensorType t) {
        int n = count(t);
        Object d = switch (t.dtype()) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I32 -> new int[n];
            case BOOL -> new boolean[n];
        };
        return new Tensor(t, d);
    }

    /** Wraps {@code d} (not copied) as an {@code f32} tensor of type {@code t}. */
    public static Tensor of(TensorType t, float[] d) { return checked(t, DType.F32, d, d.length); }

    /** Wraps {@code d} (not copied) as an {@code f64} tensor of type {@code t}. */
    public static Tensor of(TensorType t, double[] d) { return checked(t, DType.F64, d, d.length); }

    /** Wraps {@code d} (not copied) as an {@code i32} tensor of type {@code t}. */
    public static Tensor of(TensorType t, int[] d) { return checked(t, DType.I32, d, d.length); }

    /** Wraps {@code d} (not copied) as a {@code bool} tensor of type {@code t}. */
    public static Tensor of(TensorType t, boolean[] d) { return checked(t, DType.BOOL, d, d.length); }

    /** An {@code f32[]} scalar holding {@code (float) v}. */
    public static Tensor scalar(double v) {
        return new Tensor(TensorType.scalar(DType.F32), new float[] {(float) v});
    }

    private static Tensor checked(TensorType t, DType arrayType, Object d, int length) {
        if (t.dtype() != arrayType) {
            throw new IllegalArgumentException("a " + arrayType.word() + " array cannot hold a tensor of type " + t);
        }
        int n = count(t);
        if (length != n) {
            throw new IllegalArgumentException("type " + t + " has " + n + " element" + (n == 1 ? "" : "s")
                    + " but the array has " + length);
        }
        return new Tensor(t, d);
    }

    private static int count(TensorType t) { return t.arrayLength(); }

    // ---------------------------------------------------------------------------------------------- access

    public TensorType type() { return type; }

    public DType dtype() { return type.dtype(); }

    /** Number of elements. */
    public int size() { return size; }

    /** Element {@code flat} (row-major index) as a double; bool reads as 0 or 1. */
    public double get(int flat) {
        return switch (type.dtype()) {
            case F32 -> ((float[]) data)[flat];
            case F64 -> ((double[]) data)[flat];
            case I32 -> ((int[]) data)[flat];
            case BOOL -> ((boolean[]) data)[flat] ? 1.0 : 0.0;
        };
    }

    /**
     * Stores {@code v} at row-major index {@code flat}, converted to the dtype as Java's casts do: {@code f32}
     * rounds to the nearest float; {@code i32} truncates toward zero ({@code (int) v}: 2.9 → 2, -2.9 → -2, NaN → 0,
     * out-of-range values saturate at {@code Integer.MIN_VALUE}/{@code MAX_VALUE}); {@code bool} stores
     * {@code v != 0} (so NaN is true).
     */
    public void set(int flat, double v) {
        switch (type.dtype()) {
            case F32 -> ((float[]) data)[flat] = (float) v;
            case F64 -> ((double[]) data)[flat] = v;
            case I32 -> ((int[]) data)[flat] = (int) v;
            case BOOL -> ((boolean[]) data)[flat] = v != 0;
        }
    }

    /** The raw array: {@code float[]}, {@code double[]}, {@code int[]} or {@code boolean[]}. */
    public Object data() { return data; }

    public float[] floats() { return (float[]) expect(DType.F32); }

    public double[] doubles() { return (double[]) expect(DType.F64); }

    public int[] ints() { return (int[]) expect(DType.I32); }

    public boolean[] bools() { return (boolean[]) expect(DType.BOOL); }

    private Object expect(DType d) {
        if (type.dtype() != d) {
            throw new IllegalStateException("tensor " + type + " is " + type.dtype().word() + ", not " + d.word());
        }
        return data;
    }

    // ---------------------------------------------------------------------------------------------- reshaping

    /**
     * The same tensor with its axes in {@code axisOrder} (a permutation of this tensor's axis names); the data is
     * moved so that the result is row-major in the new order. Returns a copy even when the order is unchanged.
     */
    public Tensor transposeTo(List<String> axisOrder) {
        List<Axis> axes = type.axes();
        if (axisOrder.size() != axes.size() || !new HashSet<>(axisOrder).equals(type.axisNameSet())
                || new HashSet<>(axisOrder).size() != axisOrder.size()) {
            throw new IllegalArgumentException("cannot transpose " + type + " to " + axisOrder
                    + ": the order must name each of " + type.axesText() + " once");
        }
        int rank = axes.size();
        Axis[] newAxes = new Axis[rank];
        int[] srcStrideOf = new int[rank]; // for new position k: stride in the source of that axis
        int[] srcStrides = strides(axes);
        for (int k = 0; k < rank; k++) {
            int i = type.indexOf(axisOrder.get(k));
            newAxes[k] = axes.get(i);
            srcStrideOf[k] = srcStrides[i];
        }
        TensorType nt = type.withAxes(List.of(newAxes));
        Tensor out = zeros(nt);
        int[] idx = new int[rank];
        int src = 0;
        for (int dst = 0; dst < size; dst++) {
            copyElement(data, src, out.data, dst);
            // advance the odometer over the new order, tracking the source offset
            for (int k = rank - 1; k >= 0; k--) {
                idx[k]++;
                src += srcStrideOf[k];
                if (idx[k] < newAxes[k].size()) break;
                src -= srcStrideOf[k] * newAxes[k].size();
                idx[k] = 0;
            }
        }
        return out;
    }

    private static int[] strides(List<Axis> axes) {
        int[] s = new int[axes.size()];
        int st = 1;
        for (int i = axes.size() - 1; i >= 0; i--) {
            s[i] = st;
            st *= axes.get(i).size();
        }
        return s;
    }

    private static void copyElement(Object from, int i, Object to, int j) {
        if (from instanceof float[] f) ((float[]) to)[j] = f[i];
        else if (from instanceof double[] d) ((double[]) to)[j] = d[i];
        else if (from instanceof int[] n) ((int[]) to)[j] = n[i];
        else ((boolean[]) to)[j] = ((boolean[]) from)[i];
    }

    /**
     * This tensor's data (shared, not copied) under another type of the same dtype and element count — renamed
     * axes, a new unit, or a different split of the same row-major data.
     */
    public Tensor withType(TensorType t) {
        if (t.dtype() != type.dtype()) {
            throw new IllegalArgumentException("cannot view " + type + " as " + t + ": dtypes differ");
        }
        int n = count(t);
        if (n != size) {
            throw new IllegalArgumentException("cannot view " + type + " (" + size + " elements) as " + t + " ("
                    + n + " elements)");
        }
        return new Tensor(t, data);
    }

    /**
     * This tensor laid out as {@code want} for a circuit's input or parameter {@code what} ("input x", "parameter
     * l1.w"): axes matched by name (transposed when their order differs; shared when it is the same), sizes and dtype
     * checked, the unit and axis order taken from {@code want}. Every backend conforms through here, so the same
     * mistake gives the same message everywhere; {@code error} makes the backend's exception from it.
     */
    public Tensor conform(TensorType want, String what, Function<String, ? extends RuntimeException> error) {
        if (!type.axisNameSet().equals(want.axisNameSet())) {
            throw error.apply(what + " has axes " + type.axesText() + " but the circuit expects " + want.axesText());
        }
        for (Axis a : want.axes()) {
            Axis h = type.axis(a.name());
            if (h.size() != a.size()) {
                throw error.apply(what + ": axis " + a.name() + " has size " + h.size() + ", but the circuit expects " + a.size());
            }
        }
        if (type.dtype() != want.dtype()) {
            throw error.apply(what + " is " + type.dtype().word() + " but the circuit expects " + want.dtype().word());
        }
        Tensor laid = type.axes().equals(want.axes()) ? this : transposeTo(want.axisNames());
        return laid.withType(want);
    }

    /** An independent copy (new array). */
    public Tensor copy() {
        Object d;
        if (data instanceof float[] f) d = f.clone();
        else if (data instanceof double[] x) d = x.clone();
        else if (data instanceof int[] n) d = n.clone();
        else d = ((boolean[]) data).clone();
        return new Tensor(type, d);
    }

    // ---------------------------------------------------------------------------------------------- inspection

    /**
     * Min, mean and max over the elements that are not NaN (all three NaN when every element is NaN), and the
     * number of NaN elements. Infinities take part. Bool elements count as 0/1.
     */
    public Stats stats() {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        int nan = 0;
        for (int i = 0; i < size; i++) {
            double v = get(i);
            if (Double.isNaN(v)) {
                nan++;
                continue;
            }
            if (v < min) min = v;
            if (v > max) max = v;
            sum += v;
        }
        int n = size - nan;
        if (n == 0) return new Stats(Double.NaN, Double.NaN, Double.NaN, nan);
        return new Stats(min, sum / n, max, nan);
    }

    /**
     * A 2-D bool tensor drawn as text: one line per index of the first axis, one character per index of the
     * second, {@code '#'} for true and {@code '.'} for false, lines joined by {@code '\n'} (no trailing newline).
     * Returns null for any other tensor, or when the second axis is wider than {@code maxWidth} or the first axis
     * is longer than 64.
     */
    public String render(int maxWidth) {
        if (type.dtype() != DType.BOOL || type.rank() != 2) return null;
        int rows = type.axes().get(0).size(), cols = type.axes().get(1).size();
        if (cols > maxWidth || rows > 64) return null;
        boolean[] b = (boolean[]) data;
        StringBuilder sb = new StringBuilder(rows * (cols + 1));
        for (int r = 0; r < rows; r++) {
            if (r > 0) sb.append('\n');
            for (int c = 0; c < cols; c++) sb.append(b[r * cols + c] ? '#' : '.');
        }
        return sb.toString();
    }

    /** {@code f32[neuron:3] {min=0 mean=0.5 max=1}}; a scalar shows its value. */
    @Override public String toString() {
        if (size == 1 && type.rank() == 0) return type + " " + get(0);
        return type + " {" + stats() + "}";
    }

    // ---------------------------------------------------------------------------------------------- comparison

    /**
     * Whether every element satisfies {@code |a - b| <= atol + rtol * |b|} (numpy's {@code allclose}, with
     * {@code b} from {@code other}). Axes are matched by name: {@code other} is transposed to this tensor's order
     * when its order differs. NaN matches NaN at the same element (and nothing else); an infinity matches only
     * the same infinity. Dtypes may differ: values are compared as doubles.
     *
     * @throws IllegalArgumentException when the axis sets or sizes differ
     */
    public boolean allClose(Tensor other, double atol, double rtol) {
        Tensor o = aligned(other);
        for (int i = 0; i < size; i++) {
            double a = get(i), b = o.get(i);
            if (a == b) continue;
            if (Double.isNaN(a) || Double.isNaN(b)) {
                if (Double.isNaN(a) && Double.isNaN(b)) continue;
                return false;
            }
            if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) return false;
        }
        return true;
    }

    /**
     * The largest {@code |a - b|} over the elements, axes matched by name as in {@link #allClose}. NaN against NaN
     * and equal infinities count as 0; NaN against a number gives NaN.
     *
     * @throws IllegalArgumentException when the axis sets or sizes differ
     */
    public double maxAbsDiff(Tensor other) {
        Tensor o = aligned(other);
        double m = 0;
        for (int i = 0; i < size; i++) {
            double a = get(i), b = o.get(i);
            if (a == b || (Double.isNaN(a) && Double.isNaN(b))) continue;
            double d = Math.abs(a - b);
            if (Double.isNaN(d)) return Double.NaN;
            if (d > m) m = d;
        }
        return m;
    }

    private Tensor aligned(Tensor other) {
        TensorType ot = other.type;
        Set<String> mine = type.axisNameSet(), theirs = ot.axisNameSet();
        if (!mine.equals(theirs) || type.rank() != ot.rank()) {
            throw new IllegalArgumentException("cannot compare " + type + " with " + ot + ": axes differ ("
                    + type.axesText() + " vs " + ot.axesText() + ")");
        }
        for (Axis a : type.axes()) {
            if (ot.axis(a.name()).size() != a.size()) {
                throw new IllegalArgumentException("cannot compare " + type + " with " + ot + ": axis " + a.name()
                        + " has size " + a.size() + " vs " + ot.axis(a.name()).size());
            }
        }
        return ot.axisNames().equals(type.axisNames()) ? other : other.transposeTo(type.axisNames());
    }
}
