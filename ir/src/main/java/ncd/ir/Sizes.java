package ncd.ir;

import java.util.Locale;

/**
 * Element and byte counts of tensors, computed without overflow: axis sizes are ints, so a product of a few of them
 * passes any fixed-width range, and a wrapped count (negative, or small) would mean a wrong array size or a wrong
 * fold. A count past {@code Long.MAX_VALUE} saturates there: more than any machine holds, never a wrapped number.
 */
public final class Sizes {
    private Sizes() {}

    /** The most elements one Java array holds: the JVM refuses the last few lengths below 2^31-1. */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * {@code count} as the length of one array. Backends call this where they allocate: the driver refuses larger
     * tensors before anything runs (E0807), so this throws only when that check was bypassed.
     *
     * @throws IllegalArgumentException when {@code count} is negative or more than one array holds
     */
    public static int arrayLength(long count) {
        if (count < 0 || count > MAX_ARRAY) throw new IllegalArgumentException(count + " elements do not fit in one array (at most " + MAX_ARRAY + ")");
        return (int) count;
    }

    /** {@code a * b} for counts (non-negative), {@code Long.MAX_VALUE} when it overflows. */
    public static long times(long a, long b) {
        long hi = Math.multiplyHigh(a, b), lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    /** {@code a + b} for counts (non-negative), {@code Long.MAX_VALUE} when it overflows. */
    public static long plus(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    /** Bytes as people read them: "512 B", "4.0 KiB", "64 GiB" (a saturated count reads "8.0 EiB"). */
    public static String humanBytes(double b) {
        if (b < 1024) return (long) b + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
        double x = b;
        int u = -1;
        while (x >= 1024 && u < units.length - 1) {
            x /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, x >= 100 ? "%.0f %s" : "%.1f %s", x, units[u]);
    }
}
