package ncd.runtime;

import java.util.Arrays;

/**
 * An array as read from a .npy file, before it meets a circuit's types: the dtype descriptor as written in the
 * header ({@code <f4 <f8 <i4 <i8 |b1}), the shape in C order ({@code []} for a 0-d array), and the elements in
 * row-major order as {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]} or {@code boolean[]}.
 * {@code source} names where it came from ({@code I.npy}, {@code data.npz[I]}) for error messages.
 */
public record NpyArray(String descr, int[] shape, Object data, String source) {
    public NpyArray {
        shape = shape.clone();
        if (source == null) source = "array";
    }

    /** An array with no file behind it (messages call it "array"). */
    public NpyArray(String descr, int[] shape, Object data) { this(descr, shape, data, "array"); }

    @Override public int[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    /** Number of elements. */
    public int size() { return java.lang.reflect.Array.getLength(data); }

    /** numpy's name for the dtype: {@code float32}, {@code float64}, {@code int32}, {@code int64}, {@code bool}. */
    public String numpyName() { return Npy.numpyName(descr); }

    /** The shape as Python writes it: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    public String shapeText() { return Npy.shapeText(shape); }

    @Override public String toString() { return source + ": " + descr + " " + shapeText(); }

    @Override public boolean equals(Object o) {
        if (!(o instanceof NpyArray a)) return false;
        return descr.equals(a.descr) && Arrays.equals(shape, a.shape) && source.equals(a.source)
                && Arrays.deepEquals(new Object[] {data}, new Object[] {a.data});
    }

    @Override public int hashCode() { return descr.hashCode() * 31 + Arrays.hashCode(shape); }
}
