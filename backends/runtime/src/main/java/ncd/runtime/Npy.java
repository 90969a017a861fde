package ncd.runtime;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html), as far as circuits
 * need it.
 *
 * <p>A file is the magic {@code \x93NUMPY}, a major and minor version byte, the header length (a little-endian
 * uint16 in version 1.0, uint32 in 2.0 and 3.0), the header — a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}, latin-1 in 1.0/2.0 and UTF-8 in 3.0,
 * padded with spaces and a newline — and then the raw elements in C order.
 *
 * <p>Read: versions 1.0, 2.0 and 3.0; dtypes {@code <f4 <f8 <i4 <i8 |b1}, and the narrower integers {@code |i1 |u1 <i2 <u2}
 * (read into {@code int[]}) and {@code <u4} (into {@code long[]}) (little-endian only; one-byte types in any
 * byte order); C order only; shapes of any rank including {@code ()}. Anything else is an {@link NpyException}
 * whose message names the file. Write: version 1.0 (2.0 when the header would exceed 65535 bytes), the header
 * padded so the data starts at a multiple of 64 bytes, as numpy does.
 */
public final class Npy {
    private Npy() {}

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Headers longer than this are refused as corrupt. */
    static final long MAX_HEADER = 1 << 20;
    /** The most elements one Java array holds. */
    static final long MAX_ELEMENTS = ncd.ir.Sizes.MAX_ARRAY;
    private static final int CHUNK = 1 << 16;

    // ---------------------------------------------------------------------------------------------- reading

    /** Reads a .npy file; messages name it by {@code path} as given. */
    public static NpyArray read(Path path) throws NpyException {
        String name = path.toString();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), CHUNK)) {
            return read(in, name);
        } catch (NoSuchFileException e) {
            throw new NpyException(name + ": no such file");
        } catch (IOException e) {
            throw new NpyException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads one .npy array from {@code in}, leaving any bytes after its data unread; {@code name} is how messages
     * and {@link NpyArray#source()} refer to it.
     */
    public static NpyArray read(InputStream in, String name) throws NpyException, IOException {
        byte[] pre = new byte[8];
        int got = in.readNBytes(pre, 0, 8);
        for (int i = 0; i < Math.min(got, 6); i++) {
            if (pre[i] != MAGIC[i]) {
                String hint = got >= 2 && pre[0] == 'P' && pre[1] == 'K'
                        ? " (it looks like a zip archive: a .npz holds several arrays; read it with Npz)" : "";
                throw new NpyException(name + ": not a .npy file: it does not start with \\x93NUMPY" + hint);
            }
        }
        if (got < 8) throw truncated(name, "the magic and version", 8, got);
        int major = pre[6] & 0xff, minor = pre[7] & 0xff;
        if (!((major == 1 || major == 2 || major == 3) && minor == 0)) {
            throw new NpyException(name + ": unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        int lenBytes = major == 1 ? 2 : 4;
        byte[] lb = new byte[lenBytes];
        got = in.readNBytes(lb, 0, lenBytes);
        if (got < lenBytes) throw truncated(name, "the header length", 8 + lenBytes, 8 + got);
        long headerLen = major == 1
                ? (lb[0] & 0xff) | (lb[1] & 0xff) << 8
                : Integer.toUnsignedLong(ByteBuffer.wrap(lb).order(ByteOrder.LITTLE_ENDIAN).getInt());
        if (headerLen > MAX_HEADER) {
            throw new NpyException(name + ": header length " + headerLen + " bytes is absurd (at most " + MAX_HEADER
                    + "); the file is corrupt");
        }
        int preamble = 8 + lenBytes;
        byte[] hb = new byte[(int) headerLen];
        got = in.readNBytes(hb, 0, hb.length);
        if (got < hb.length) throw truncated(name, "the header", preamble + headerLen, preamble + got);
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = parseHeader(header, name);
        long dataStart = preamble + headerLen;
        Object data = readData(in, h, name, dataStart);
        return new NpyArray(h.descr, h.shape, data, name);
    }

    private record Header(String descr, int[] shape, int count, Kind kind) {}

    /** The element kinds this reader supports. */
    private enum Kind {
        F4(4, "float32"), F8(8, "float64"), I4(4, "int32"), I8(8, "int64"), B1(1, "bool"),
        // the narrower integers read into int[] (and uint32 into long[]), losing nothing: training data is often int8/uint8
        I1(1, "int8"), I2(2, "int16"), U1(1, "uint8"), U2(2, "uint16"), U4(4, "uint32");

        final int bytes;
        final String numpy;

        Kind(int bytes, String numpy) { this.bytes = bytes; this.numpy = numpy; }
    }

    private static Kind kindOf(String descr) {
        if (descr.length() != 3) return null;
        char order = descr.charAt(0);
        Kind k = switch (descr.substring(1)) {
            case "f4" -> Kind.F4;
            case "f8" -> Kind.F8;
            case "i4" -> Kind.I4;
            case "i8" -> Kind.I8;
            case "b1" -> Kind.B1;
            case "i1" -> Kind.I1;
            case "u1" -> Kind.U1;
            case "i2" -> Kind.I2;
            case "u2" -> Kind.U2;
            case "u4" -> Kind.U4;
            default -> null;
        };
        if (k == null) return null;
        if (k.bytes == 1) return order == '|' || order == '<' || order == '>' || order == '=' ? k : null;
        return order == '<' || order == '|' ? k : null;
    }

    static String numpyName(String descr) {
        Kind k = kindOf(descr);
        return k != null ? k.numpy : descr;
    }

    private static Header parseHeader(String text, String name) throws NpyException {
        Object v;
        try {
            PyLiteral p = new PyLiteral(text);
            v = p.value();
            p.end();
        } catch (IllegalArgumentException e) {
            throw new NpyException(name + ": cannot parse the .npy header (" + e.getMessage() + "): "
                    + abbreviate(text.strip()));
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new NpyException(name + ": the .npy header is not a dict: " + abbreviate(text.strip()));
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!m.containsKey(key)) throw new NpyException(name + ": the .npy header has no '" + key + "' key");
        }
        Object descr = m.get("descr");
        if (!(descr instanceof String d)) {
            throw new NpyException(name + ": unsupported dtype " + PyLiteral.repr(descr)
                    + " (structured arrays are not supported; supported: <f4, <f8, <i4, <i8, |b1, |i1, |u1, <i2, <u2, <u4)");
        }
        Kind kind = kindOf(d);
        if (kind == null) {
            if (d.length() == 3 && d.charAt(0) == '>' && kindOf("<" + d.substring(1)) != null) {
                throw new NpyException(name + ": big-endian data (" + d + ") is not supported; save it little-endian"
                        + " with arr.astype(arr.dtype.newbyteorder('<'))");
            }
            throw new NpyException(name + ": unsupported dtype '" + d + "' (supported: <f4 float32, <f8 float64,"
                    + " <i4 int32, <i8 int64, |b1 bool, |i1 int8, |u1 uint8, <i2 int16, <u2 uint16, <u4 uint32)");
        }
        Object fo = m.get("fortran_order");
        if (!(fo instanceof Boolean)) {
            throw new NpyException(name + ": the .npy header's fortran_order is " + PyLiteral.repr(fo)
                    + ", not True or False");
        }
        if ((Boolean) fo) {
            throw new NpyException(name + ": Fortran order not supported; save with np.ascontiguousarray");
        }
        Object sh = m.get("shape");
        if (!(sh instanceof PyLiteral.Tuple t)) {
            throw new NpyException(name + ": the .npy header's shape is " + PyLiteral.repr(sh) + ", not a tuple");
        }
        int[] shape = new int[t.items().size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            Object o = t.items().get(i);
            if (!(o instanceof BigInteger b)) {
                throw new NpyException(name + ": the .npy header's shape " + PyLiteral.repr(sh)
                        + " has a non-integer dimension");
            }
            if (b.signum() < 0) {
                throw new NpyException(name + ": the .npy header's shape " + PyLiteral.repr(sh)
                        + " has a negative dimension");
            }
            if (b.compareTo(BigInteger.valueOf(MAX_ELEMENTS)) > 0) {
                throw new NpyException(name + ": the .npy header's shape " + PyLiteral.repr(sh)
                        + " has a dimension too large for one array (" + b + ")");
            }
            shape[i] = b.intValue();
            count = shape[i] == 0 || count == 0 ? 0 : count * shape[i];
            if (count > MAX_ELEMENTS) {
                // keep multiplying in BigInteger only for the message
                BigInteger total = BigInteger.ONE;
                for (Object x : t.items()) total = total.multiply(x instanceof BigInteger bx ? bx : BigInteger.ONE);
                throw new NpyException(name + ": shape " + PyLiteral.repr(sh) + " has " + total
                        + " elements; at most " + MAX_ELEMENTS + " fit in one array");
            }
        }
        return new Header(d, shape, (int) count, kind);
    }

    private static Object readData(InputStream in, Header h, String name, long dataStart)
            throws NpyException, IOException {
        int n = h.count;
        Kind k = h.kind;
        long total = (long) n * k.bytes;
        Object out = switch (k) {
            case F4 -> new float[n];
            case F8 -> new double[n];
            case I4 -> new int[n];
            case I8, U4 -> new long[n];
            case B1 -> new boolean[n];
            case I1, I2, U1, U2 -> new int[n];
        };
        byte[] buf = new byte[(int) Math.min(total, CHUNK)];
        long done = 0;
        int elem = 0;
        while (done < total) {
            int want = (int) Math.min(buf.length, total - done);
            int got = in.readNBytes(buf, 0, want);
            if (got < want) {
                throw new NpyException(name + ": truncated: shape " + shapeText(h.shape) + " of " + h.descr
                        + " needs " + total + " data bytes after the " + dataStart + "-byte header, "
                        + (dataStart + total) + " bytes in all, but only " + (dataStart + done + got)
                        + " are present");
            }
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, want).order(ByteOrder.LITTLE_ENDIAN);
            int m = want / k.bytes;
            switch (k) {
                case F4 -> bb.asFloatBuffer().get((float[]) out, elem, m);
                case F8 -> bb.asDoubleBuffer().get((double[]) out, elem, m);
                case I4 -> bb.asIntBuffer().get((int[]) out, elem, m);
                case I8 -> bb.asLongBuffer().get((long[]) out, elem, m);
                case B1 -> {
                    boolean[] b = (boolean[]) out;
                    for (int i = 0; i < m; i++) b[elem + i] = buf[i] != 0;
                }
                case I1 -> { for (int i = 0; i < m; i++) ((int[]) out)[elem + i] = buf[i]; }
                case U1 -> { for (int i = 0; i < m; i++) ((int[]) out)[elem + i] = buf[i] & 0xff; }
                case I2 -> { for (int i = 0; i < m; i++) ((int[]) out)[elem + i] = bb.getShort(2 * i); }
                case U2 -> { for (int i = 0; i < m; i++) ((int[]) out)[elem + i] = bb.getShort(2 * i) & 0xffff; }
                case U4 -> { for (int i = 0; i < m; i++) ((long[]) out)[elem + i] = Integer.toUnsignedLong(bb.getInt(4 * i)); }
            }
            elem += m;
            done += want;
        }
        return out;
    }

    private static NpyException truncated(String name, String what, long expected, long present) {
        return new NpyException(name + ": truncated: " + what + " needs " + expected + " bytes but only " + present
                + " are present");
    }

    static String abbreviate(String s) { return s.length() <= 200 ? s : s.substring(0, 200) + "..."; }

    // ---------------------------------------------------------------------------------------------- writing

    /** Writes {@code t} as a .npy file: dtype from the tensor, shape in its axis order. */
    public static void write(Path path, Tensor t) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), CHUNK)) {
            write(out, t);
        }
    }

    /** Writes {@code t} in .npy format to {@code out} (not closed). */
    public static void write(OutputStream out, Tensor t) throws IOException {
        List<Axis> axes = t.type().axes();
        int[] shape = new int[axes.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = axes.get(i).size();
        out.write(header(descrOf(t.dtype()), shape));
        writeData(out, t.data());
    }

    /**
     * Writes a one-dimensional {@code double[]} or {@code int[]} in .npy format to {@code out} (not closed): for lists
     * whose length may be 0 (spike times), which no tensor type can have.
     */
    public static void writeVector(OutputStream out, Object data) throws IOException {
        String descr = data instanceof double[] ? descrOf(DType.F64) : data instanceof int[] ? descrOf(DType.I32) : null;
        if (descr == null) throw new IllegalArgumentException("a vector is double[] or int[], not " + data.getClass().getSimpleName());
        out.write(header(descr, new int[] {java.lang.reflect.Array.getLength(data)}));
        writeData(out, data);
    }

    static String descrOf(DType d) {
        return switch (d) {
            case F32 -> "<f4";
            case F64 -> "<f8";
            case I32 -> "<i4";
            case BOOL -> "|b1";
        };
    }

    /** Magic, version, length and padded header for {@code descr} and {@code shape}; version 1.0 when it fits. */
    static byte[] header(String descr, int[] shape) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText(shape) + ", }";
        byte[] d = dict.getBytes(StandardCharsets.ISO_8859_1);
        int major = 1, lenBytes = 2;
        int total = pad(MAGIC.length + 2 + lenBytes + d.length + 1);
        if (total - MAGIC.length - 2 - lenBytes > 0xffff) {
            major = 2;
            lenBytes = 4;
            total = pad(MAGIC.length + 2 + lenBytes + d.length + 1);
        }
        int headerLen = total - MAGIC.length - 2 - lenBytes;
        ByteBuffer bb = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(MAGIC).put((byte) major).put((byte) 0);
        if (lenBytes == 2) bb.putShort((short) headerLen);
        else bb.putInt(headerLen);
        bb.put(d);
        while (bb.position() < total - 1) bb.put((byte) ' ');
        bb.put((byte) '\n');
        return bb.array();
    }

    private static int pad(int n) { return (n + 63) / 64 * 64; }

    /** The elements of a {@code float[] double[] int[] long[] boolean[]} in little-endian order, a bool as one byte. */
    static void writeData(OutputStream out, Object data) throws IOException {
        int n = java.lang.reflect.Array.getLength(data);
        int itemBytes = data instanceof boolean[] ? 1 : data instanceof float[] || data instanceof int[] ? 4 : 8;
        byte[] buf = new byte[(int) Math.max(itemBytes, Math.min(CHUNK, (long) n * itemBytes))];
        int per = buf.length / itemBytes;
        for (int start = 0; start < n; start += per) {
            int m = Math.min(per, n - start);
            ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
            if (data instanceof float[] f) bb.asFloatBuffer().put(f, start, m);
            else if (data instanceof double[] x) bb.asDoubleBuffer().put(x, start, m);
            else if (data instanceof int[] x) bb.asIntBuffer().put(x, start, m);
            else if (data instanceof long[] x) bb.asLongBuffer().put(x, start, m);
            else {
                boolean[] b = (boolean[]) data;
                for (int i = 0; i < m; i++) buf[i] = (byte) (b[start + i] ? 1 : 0);
            }
            out.write(buf, 0, m * itemBytes);
        }
    }

    static String shapeText(int[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        return sb.append(')').toString();
    }

    // ---------------------------------------------------------------------------------------------- to a tensor

    /**
     * The array as a tensor of type {@code expected}: its shape must equal the expected axes' sizes in order, and
     * its dtype must match exactly ({@code <f4} for f32, {@code <f8} f64, {@code <i4} i32, {@code |b1} bool) —
     * except that the other integer dtypes are accepted for i32: int8, uint8, int16 and uint16 always, int64 (numpy's
     * default int) and uint32 when every value fits. The unit and axis
     * names are the expected type's. {@code what} names the value for messages ({@code "input I"}); the file is
     * named by {@link NpyArray#source()}. The data is shared with the array where no conversion is needed.
     */
    public static Tensor toTensor(NpyArray a, TensorType expected, String what) throws NpyException {
        List<Axis> axes = expected.axes();
        int[] shape = a.shape();
        String src = a.source();
        for (Axis ax : axes) {
            if (ax.size() < 0) throw new IllegalArgumentException(what + ": type " + expected + " has unsized axes");
        }
        if (shape.length != axes.size()) {
            throw new NpyException(what + ": expected " + axes.size() + " ax" + (axes.size() == 1 ? "is" : "es")
                    + " " + sizesText(axes) + " but " + src + " has " + shape.length + " (shape "
                    + shapeText(shape) + ")");
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != axes.get(i).size()) {
                throw new NpyException(what + ": axis " + axes.get(i).name() + " has size " + axes.get(i).size()
                        + " in the circuit but " + shape[i] + " in " + src + " (circuit " + sizesText(axes)
                        + ", file shape " + shapeText(shape) + ")");
            }
        }
        DType want = expected.dtype();
        String wantDescr = descrOf(want);
        String have = a.descr();
        Object data = a.data();
        if (kindOf(have) == kindOf(wantDescr)) return tensorOf(expected, data);
        if (want == DType.I32 && data instanceof int[] narrow) return Tensor.of(expected, narrow); // int8..uint16
        if (want == DType.I32 && data instanceof long[] l) {
            int[] out = new int[l.length];
            for (int i = 0; i < l.length; i++) {
                if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
                    throw new NpyException(what + " is i32 but " + src + " holds " + numpyName(have) + " (" + have + ") values outside"
                            + " the i32 range (" + l[i] + " at flat index " + i + ")");
                }
                out[i] = (int) l[i];
            }
            return Tensor.of(expected, out);
        }
        throw new NpyException(what + " is " + want.word() + " but " + src + " holds " + numpyName(have) + " ("
                + have + "); convert with arr.astype(" + numpyType(want) + ")");
    }

    private static Tensor tensorOf(TensorType t, Object data) {
        if (data instanceof float[] f) return Tensor.of(t, f);
        if (data instanceof double[] d) return Tensor.of(t, d);
        if (data instanceof int[] i) return Tensor.of(t, i);
        return Tensor.of(t, (boolean[]) data);
    }

    private static String numpyType(DType d) {
        return switch (d) {
            case F32 -> "np.float32";
            case F64 -> "np.float64";
            case I32 -> "np.int32";
            case BOOL -> "np.bool_";
        };
    }

    private static String sizesText(List<Axis> axes) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < axes.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(axes.get(i).name()).append(':').append(axes.get(i).size());
        }
        return sb.append(']').toString();
    }

    // ---------------------------------------------------------------------------------------------- header dict

    /**
     * The Python literals a .npy header uses: dicts, tuples, lists, strings, integers (an old {@code L} suffix
     * allowed), True, False, None. Dicts become {@link LinkedHashMap}s, tuples {@link Tuple}s, lists
     * {@link List}s, integers {@link BigInteger}s.
     */
    static final class PyLiteral {
        record Tuple(List<Object> items) {}

        private final String s;
        private int i;

        PyLiteral(String s) { this.s = s; }

        void end() {
            skip();
            if (i < s.length()) throw error("unexpected '" + s.charAt(i) + "' after the dict");
        }

        Object value() {
            skip();
            if (i >= s.length()) throw error("unexpected end");
            char c = s.charAt(i);
            if (c == '{') return dict();
            if (c == '(') return seq('(', ')', true);
            if (c == '[') return seq('[', ']', false);
            if (c == '\'' || c == '"') return string();
            if (c == '-' || c == '+' || Character.isDigit(c)) return integer();
            if (Character.isLetter(c)) {
                int st = i;
                while (i < s.length() && Character.isLetterOrDigit(s.charAt(i))) i++;
                String w = s.substring(st, i);
                switch (w) {
                    case "True": return Boolean.TRUE;
                    case "False": return Boolean.FALSE;
                    case "None": return None.NONE;
                    default: throw error("unexpected name " + w);
                }
            }
            throw error("unexpected '" + c + "'");
        }

        enum None { NONE }

        private Map<Object, Object> dict() {
            Map<Object, Object> m = new LinkedHashMap<>();
            i++;
            while (true) {
                skip();
                if (peek() == '}') {
                    i++;
                    return m;
                }
                Object k = value();
                skip();
                if (peek() != ':') throw error("expected ':'");
                i++;
                m.put(k, value());
                skip();
                char c = peek();
                if (c == ',') i++;
                else if (c != '}') throw error("expected ',' or '}'");
            }
        }

        private Object seq(char open, char close, boolean tuple) {
            List<Object> items = new ArrayList<>();
            i++;
            boolean comma = false;
            while (true) {
                skip();
                if (peek() == close) {
                    i++;
                    if (tuple && items.size() == 1 && !comma) return items.get(0); // (x) is just x
                    return tuple ? new Tuple(items) : items;
                }
                items.add(value());
                skip();
                char c = peek();
                comma = c == ',';
                if (comma) i++;
                else if (c != close) throw error("expected ',' or '" + close + "'");
            }
        }

        private String string() {
            char q = s.charAt(i++);
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw error("unterminated string");
                char c = s.charAt(i++);
                if (c == q) return sb.toString();
                if (c == '\\') {
                    if (i >= s.length()) throw error("unterminated string");
                    char e = s.charAt(i++);
                    sb.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        default -> e;
                    });
                } else {
                    sb.append(c);
                }
            }
        }

        private BigInteger integer() {
            int st = i;
            if (s.charAt(i) == '-' || s.charAt(i) == '+') i++;
            int digits = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
            if (i == digits) throw error("expected a number");
            BigInteger v = new BigInteger(s.substring(st, i));
            if (i < s.length() && (s.charAt(i) == 'L' || s.charAt(i) == 'l')) i++;
            return v;
        }

        private char peek() {
            if (i >= s.length()) throw error("unexpected end");
            return s.charAt(i);
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private IllegalArgumentException error(String msg) {
            return new IllegalArgumentException(msg + " at character " + i);
        }

        static String repr(Object o) {
            if (o instanceof String str) return "'" + str + "'";
            if (o instanceof Boolean b) return b ? "True" : "False";
            if (o instanceof None) return "None";
            if (o instanceof Tuple t) {
                StringBuilder sb = new StringBuilder("(");
                for (int k = 0; k < t.items().size(); k++) {
                    if (k > 0) sb.append(", ");
                    sb.append(repr(t.items().get(k)));
                }
                if (t.items().size() == 1) sb.append(',');
                return sb.append(')').toString();
            }
            if (o instanceof List<?> l) {
                StringBuilder sb = new StringBuilder("[");
                for (int k = 0; k < l.size(); k++) {
                    if (k > 0) sb.append(", ");
                    sb.append(repr(l.get(k)));
                }
                return sb.append(']').toString();
            }
            return String.valueOf(o);
        }
    }
}
