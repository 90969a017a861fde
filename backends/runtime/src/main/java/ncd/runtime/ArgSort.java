package ncd.runtime;

/**
 * The permutation that sorts each line of a row-major tensor along one axis, shared by the interpreter (the oracle)
 * and the JVM backend so both order exactly alike. The order (docs/semantics.md, {@code argsort}): ascending or
 * descending by value; NaN after every number in either direction; equal values (and NaNs) keep their index order,
 * lower index first (a stable sort). -0.0 and 0.0 are equal.
 */
public final class ArgSort {
    private ArgSort() {}

    /** Whether {@code a} goes strictly before {@code b} in the order. */
    public static boolean before(double a, double b, boolean descending) {
        if (Double.isNaN(a)) return false;
        if (Double.isNaN(b)) return true;
        return descending ? a > b : a < b;
    }

    /**
     * Writes into {@code out} the sorting permutation of every line of {@code x}, a row-major block of
     * {@code outer * len * inner} values whose sorted axis has {@code len} elements and stride {@code inner}:
     * {@code out[(o * len + p) * inner + i]} is the index along the axis of the line's {@code p}-th element in order.
     */
    public static void lines(double[] x, int[] out, int outer, int len, int inner, boolean descending) {
        int[] perm = new int[len], tmp = new int[len];
        double[] line = new double[len];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                for (int k = 0; k < len; k++) {
                    line[k] = x[base + k * inner];
                    perm[k] = k;
                }
                mergeSort(line, perm, tmp, 0, len, descending);
                for (int k = 0; k < len; k++) out[base + k * inner] = perm[k];
            }
        }
    }

    /** Stable merge sort of {@code perm[lo, hi)} by {@code line[perm[k]]}. */
    private static void mergeSort(double[] line, int[] perm, int[] tmp, int lo, int hi, boolean descending) {
        if (hi - lo < 2) return;
        int mid = (lo + hi) >>> 1;
        mergeSort(line, perm, tmp, lo, mid, descending);
        mergeSort(line, perm, tmp, mid, hi, descending);
        int a = lo, b = mid, k = lo;
        // take from the right half only when it goes strictly before: ties keep the left (lower index) first
        while (a < mid && b < hi) tmp[k++] = before(line[perm[b]], line[perm[a]], descending) ? perm[b++] : perm[a++];
        while (a < mid) tmp[k++] = perm[a++];
        while (b < hi) tmp[k++] = perm[b++];
        System.arraycopy(tmp, lo, perm, lo, hi - lo);
    }

    /** The block shape around {@code axis} of {@code sizes}: {outer, len, inner}. */
    public static int[] block(int[] sizes, int axis) {
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= sizes[d];
        for (int d = axis + 1; d < sizes.length; d++) inner *= sizes[d];
        return new int[] {outer, sizes[axis], inner};
    }
}
