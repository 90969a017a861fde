package ncd.aot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The initial contents of a circuit's buffers: the resource {@code META-INF/ncd/NAME.buffers} that {@code ncdc build}
 * writes. It holds parameters as drawn from the build's seed, constants, iotas and index maps; buffers that start
 * as zeros (inputs, states, intermediate values, scratch) are stored as a length only. Big-endian binary:
 *
 * <pre>
 * int 0x4E434442 ("NCDB"), int version (1)
 * int entries; per entry: byte kind (F f32, D f64, I i32, Z bool, B byte), int length, byte 0 (zeros) or 1 (data
 *     follows: 4, 8, 4, 1, 1 bytes per element)
 * int variants; per variant (one per generated class, in descriptor order): int slots, then per slot its entry
 * </pre>
 *
 * Equal buffers share one entry; {@link #slots} gives every slot a fresh array.
 */
public final class BufferFile {
    private static final int MAGIC = 0x4E434442;
    private static final int VERSION = 1;

    private BufferFile() {}

    /** The file for one buffer list per variant (arrays: {@code float[]}, {@code double[]}, {@code int[]}, {@code boolean[]}, {@code byte[]}, {@code long[]}). */
    public static byte[] write(List<List<Object>> variants) {
        List<Object> entries = new ArrayList<>();
        Map<Key, Integer> index = new HashMap<>();
        List<int[]> refs = new ArrayList<>();
        for (List<Object> buffers : variants) {
            int[] r = new int[buffers.size()];
            for (int i = 0; i < r.length; i++) {
                Object b = buffers.get(i);
                r[i] = index.computeIfAbsent(new Key(b), k -> {
                    entries.add(b);
                    return entries.size() - 1;
                });
            }
            refs.add(r);
        }
        long size = 16;
        for (Object e : entries) size += 6 + (zero(e) ? 0 : (long) elementBytes(e) * java.lang.reflect.Array.getLength(e));
        for (int[] r : refs) size += 4 + 4L * r.length;
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("the buffers take more than 2 GB");
        ByteBuffer bb = ByteBuffer.allocate((int) size);
        bb.putInt(MAGIC).putInt(VERSION).putInt(entries.size());
        for (Object e : entries) {
            int n = java.lang.reflect.Array.getLength(e);
            bb.put((byte) kind(e)).putInt(n);
            boolean z = zero(e);
            bb.put((byte) (z ? 0 : 1));
            if (z) continue;
            if (e instanceof float[] f) bb.asFloatBuffer().put(f);
            else if (e instanceof double[] d) bb.asDoubleBuffer().put(d);
            else if (e instanceof int[] k) bb.asIntBuffer().put(k);
            else if (e instanceof byte[] y) bb.put(y);
            else if (e instanceof long[] j) bb.asLongBuffer().put(j);
            else for (boolean v : (boolean[]) e) bb.put((byte) (v ? 1 : 0));
            if (!(e instanceof byte[] || e instanceof boolean[])) bb.position(bb.position() + n * elementBytes(e));
        }
        bb.putInt(refs.size());
        for (int[] r : refs) {
            bb.putInt(r.length);
            for (int x : r) bb.putInt(x);
        }
        return bb.array();
    }

    /** Fresh arrays for the slots of variant {@code v}; {@code source} names the file in error messages. */
    public static Object[] slots(byte[] file, int v, String source) throws IOException {
        try {
            ByteBuffer bb = ByteBuffer.wrap(file);
            if (bb.getInt() != MAGIC) throw new IOException(source + ": not an ncd buffer file");
            int version = bb.getInt();
            if (version != VERSION) throw new IOException(source + ": format version " + version + ", but this runtime reads version " + VERSION);
            int n = bb.getInt();
            char[] kinds = new char[n];
            int[] lengths = new int[n], offsets = new int[n];
            for (int i = 0; i < n; i++) {
                kinds[i] = (char) bb.get();
                lengths[i] = bb.getInt();
                boolean data = bb.get() != 0;
                offsets[i] = data ? bb.position() : -1;
                if (data) bb.position(bb.position() + lengths[i] * elementBytes(kinds[i]));
            }
            int variants = bb.getInt();
            if (v < 0 || v >= variants) throw new IOException(source + ": no buffer list " + v + " (it has " + variants + ")");
            for (int k = 0; k < v; k++) bb.position(bb.position() + 4 + 4 * bb.getInt(bb.position()));
            Object[] out = new Object[bb.getInt()];
            for (int s = 0; s < out.length; s++) {
                int e = bb.getInt();
                out[s] = array(file, kinds[e], lengths[e], offsets[e]);
            }
            return out;
        } catch (RuntimeException e) {
            throw new IOException(source + ": malformed buffer file (" + e + ")", e);
        }
    }

    private static Object array(byte[] file, char kind, int n, int offset) throws IOException {
        ByteBuffer at = offset < 0 ? null : ByteBuffer.wrap(file, offset, file.length - offset).slice();
        switch (kind) {
            case 'F' -> { float[] a = new float[n]; if (at != null) at.asFloatBuffer().get(a); return a; }
            case 'D' -> { double[] a = new double[n]; if (at != null) at.asDoubleBuffer().get(a); return a; }
            case 'I' -> { int[] a = new int[n]; if (at != null) at.asIntBuffer().get(a); return a; }
            case 'B' -> { byte[] a = new byte[n]; if (at != null) at.get(a); return a; }
            case 'J' -> { long[] a = new long[n]; if (at != null) at.asLongBuffer().get(a); return a; }
            case 'Z' -> {
                boolean[] a = new boolean[n];
                if (at != null) for (int i = 0; i < n; i++) a[i] = at.get(i) != 0;
                return a;
            }
            default -> throw new IOException("unknown buffer kind " + kind);
        }
    }

    private static char kind(Object a) {
        if (a instanceof float[]) return 'F';
        if (a instanceof double[]) return 'D';
        if (a instanceof int[]) return 'I';
        if (a instanceof boolean[]) return 'Z';
        if (a instanceof byte[]) return 'B';
        if (a instanceof long[]) return 'J';
        throw new IllegalArgumentException("not a buffer: " + a);
    }

    private static int elementBytes(Object a) { return elementBytes(kind(a)); }

    private static int elementBytes(char kind) {
        return switch (kind) {
            case 'F', 'I' -> 4;
            case 'D', 'J' -> 8;
            case 'Z', 'B' -> 1;
            default -> throw new IllegalArgumentException("unknown buffer kind " + kind);
        };
    }

    /** Whether every element is zero (bitwise: -0.0 and NaN are data). */
    private static boolean zero(Object a) {
        if (a instanceof float[] f) { for (float v : f) if (Float.floatToRawIntBits(v) != 0) return false; return true; }
        if (a instanceof double[] d) { for (double v : d) if (Double.doubleToRawLongBits(v) != 0) return false; return true; }
        if (a instanceof int[] k) { for (int v : k) if (v != 0) return false; return true; }
        if (a instanceof byte[] y) { for (byte v : y) if (v != 0) return false; return true; }
        if (a instanceof long[] j) { for (long v : j) if (v != 0) return false; return true; }
        for (boolean v : (boolean[]) a) if (v) return false;
        return true;
    }

    /** A buffer's kind and bits, for sharing entries between equal buffers. */
    private record Key(Object a) {
        @Override public boolean equals(Object o) {
            return o instanceof Key k && k.a.getClass() == a.getClass() && Arrays.deepEquals(new Object[] {a}, new Object[] {k.a});
        }

        @Override public int hashCode() { return a.getClass().hashCode() * 31 + Arrays.deepHashCode(new Object[] {a}); }
    }
}
