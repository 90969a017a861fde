package ncd.runtime;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {
    @TempDir Path dir;

    static final Axis A2 = new Axis("a", 2), A3 = new Axis("b", 3), A4 = new Axis("c", 4);

    static TensorType type(DType d, Axis... axes) { return new TensorType(d, List.of(axes), Unit.NONE); }

    /** A tensor of type t with element i = f(i), for every dtype. */
    static Tensor filled(TensorType t) {
        Tensor x = Tensor.zeros(t);
        for (int i = 0; i < x.size(); i++) x.set(i, t.dtype() == DType.BOOL ? i % 3 == 0 ? 1 : 0 : (i - 5) * 1.25);
        return x;
    }

    // ---------------------------------------------------------------------------------------------- round trips

    @Test void roundTripsEveryDtypeAndShape() throws Exception {
        List<TensorType> shapes = new ArrayList<>();
        for (DType d : DType.values()) {
            shapes.add(TensorType.scalar(d));
            shapes.add(type(d, A3));
            shapes.add(type(d, A2, A3, A4));
        }
        for (TensorType t : shapes) {
            Tensor x = filled(t);
            Path p = dir.resolve("x.npy");
            Npy.write(p, x);
            assertEquals(0, (Files.size(p) - x.size() * (long) itemBytes(t.dtype())) % 64, "data starts 64-aligned");
            NpyArray a = Npy.read(p);
            assertEquals(Npy.descrOf(t.dtype()), a.descr());
            assertArrayEquals(t.axes().stream().mapToInt(Axis::size).toArray(), a.shape(), t.toString());
            assertEquals(p.toString(), a.source());
            Tensor y = Npy.toTensor(a, t, "value");
            assertEquals(t, y.type());
            assertTrue(Arrays.deepEquals(new Object[] {x.data()}, new Object[] {y.data()}), t.toString());
        }
    }

    static int itemBytes(DType d) {
        return switch (d) {
            case F32, I32 -> 4;
            case F64 -> 8;
            case BOOL -> 1;
        };
    }

    @Test void writesNumpysHeaderText() throws Exception {
        String h1 = headerText(filled(type(DType.F32, A3)));
        assertTrue(h1.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), h1);
        assertTrue(headerText(filled(TensorType.scalar(DType.BOOL))).contains("'descr': '|b1'")
                && headerText(filled(TensorType.scalar(DType.BOOL))).contains("'shape': (), }"));
        assertTrue(headerText(filled(type(DType.I32, A2, A3, A4))).contains("'shape': (2, 3, 4), }"));
    }

    private static String headerText(Tensor t) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, t);
        byte[] b = out.toByteArray();
        assertEquals(1, b[6], "version 1.0");
        int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        String h = new String(b, 10, len, StandardCharsets.ISO_8859_1);
        assertTrue(h.endsWith("\n"));
        assertEquals(0, (10 + len) % 64);
        return h;
    }

    @Test void writesVersion2WhenTheHeaderExceeds64K() throws Exception {
        List<Axis> many = new ArrayList<>();
        for (int i = 0; i < 22_000; i++) many.add(new Axis("x" + i, 1));
        Tensor t = Tensor.of(new TensorType(DType.F64, many, Unit.NONE), new double[] {42});
        Path p = dir.resolve("deep.npy");
        Npy.write(p, t);
        byte[] b = Files.readAllBytes(p);
        assertEquals(2, b[6], "version 2.0");
        NpyArray a = Npy.read(p);
        assertEquals(22_000, a.rank());
        assertEquals(42.0, ((double[]) a.data())[0]);
    }

    // ---------------------------------------------------------------------------------------------- hand-built files

    /** magic, version, header length (2 or 4 bytes LE), header text (padded to 64 with a newline), data. */
    static byte[] npy(int major, String dict, byte[] data, java.nio.charset.Charset cs) {
        byte[] d = dict.getBytes(cs);
        int lenBytes = major == 1 ? 2 : 4;
        int total = 8 + lenBytes + d.length + 1;
        int pad = (64 - total % 64) % 64;
        int hlen = d.length + pad + 1;
        ByteBuffer bb = ByteBuffer.allocate(8 + lenBytes + hlen + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(Npy.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) bb.putShort((short) hlen);
        else bb.putInt(hlen);
        bb.put(d);
        for (int i = 0; i < pad; i++) bb.put((byte) ' ');
        bb.put((byte) '\n').put(data);
        return bb.array();
    }

    static byte[] npy(int major, String dict, byte[] data) { return npy(major, dict, data, StandardCharsets.ISO_8859_1); }

    static byte[] le(float... v) {
        ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) bb.putFloat(f);
        return bb.array();
    }

    static byte[] leLong(long... v) {
        ByteBuffer bb = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) bb.putLong(x);
        return bb.array();
    }

    static NpyArray read(byte[] b, String name) throws Exception {
        return Npy.read(new ByteArrayInputStream(b), name);
    }

    @Test void readsVersion1() throws Exception {
        NpyArray a = read(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", le(1, 2, 3, 4)), "v1.npy");
        assertEquals("<f4", a.descr());
        assertArrayEquals(new int[] {2, 2}, a.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4}, (float[]) a.data());
    }

    @Test void readsVersion2() throws Exception {
        NpyArray a = read(npy(2, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", leLong(-1, 0, 1L << 40)), "v2.npy");
        assertArrayEquals(new long[] {-1, 0, 1L << 40}, (long[]) a.data());
    }

    @Test void readsVersion3WithAUtf8Header() throws Exception {
        // Key order, quoting, spacing and a Python 2 long suffix are all free in a header.
        String dict = "{\"shape\": (1L,), 'fortran_order': False, 'descr': '<f4', 'note': 'µV'}";
        NpyArray a = read(npy(3, dict, le(7), StandardCharsets.UTF_8), "v3.npy");
        assertArrayEquals(new int[] {1}, a.shape());
        assertArrayEquals(new float[] {7}, (float[]) a.data());
    }

    @Test void readsAScalarAndAnEmptyArray() throws Exception {
        NpyArray s = read(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", leLong(Double.doubleToLongBits(2.5))), "s.npy");
        assertEquals(0, s.rank());
        assertArrayEquals(new double[] {2.5}, (double[]) s.data());
        NpyArray e = read(npy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (0, 5), }", new byte[0]), "e.npy");
        assertEquals(0, e.size());
    }

    @Test void readsBoolBytes() throws Exception {
        NpyArray a = read(npy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", new byte[] {1, 0, 1}), "b.npy");
        assertArrayEquals(new boolean[] {true, false, true}, (boolean[]) a.data());
    }

    @Test void leavesBytesAfterTheDataUnread() throws Exception {
        byte[] one = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", le(1));
        byte[] two = new byte[one.length * 2];
        System.arraycopy(one, 0, two, 0, one.length);
        System.arraycopy(one, 0, two, one.length, one.length);
        ByteArrayInputStream in = new ByteArrayInputStream(two);
        Npy.read(in, "a");
        assertEquals(1f, ((float[]) Npy.read(in, "b").data())[0]);
    }

    // ---------------------------------------------------------------------------------------------- errors

    private NpyException fails(byte[] bytes, String name) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        NpyException e = assertThrows(NpyException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains(p.toString()), "message names the file: " + e.getMessage());
        return e;
    }

    private static void contains(NpyException e, String... parts) {
        for (String s : parts) assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
    }

    @Test void truncatedDataSaysHowManyBytes() throws Exception {
        byte[] full = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", le(1, 2, 3, 4, 5, 6));
        byte[] cut = Arrays.copyOf(full, full.length - 5);
        contains(fails(cut, "cut.npy"), "truncated", "(2, 3)", String.valueOf(full.length), String.valueOf(cut.length));
    }

    @Test void truncatedHeaderAndPreamble() throws Exception {
        byte[] full = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", le(1, 2, 3, 4, 5, 6));
        contains(fails(Arrays.copyOf(full, 40), "head.npy"), "truncated", "header", String.valueOf(full.length - 24), "40");
        contains(fails(Arrays.copyOf(full, 7), "pre.npy"), "truncated", "8", "7");
        contains(fails(new byte[0], "empty.npy"), "truncated", "0");
    }

    @Test void badMagic() throws Exception {
        contains(fails("hello world, not an array".getBytes(StandardCharsets.US_ASCII), "text.npy"), "not a .npy file");
        contains(fails(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}, "zip.npy"), "not a .npy file", "Npz");
    }

    @Test void bigEndian() throws Exception {
        contains(fails(npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", le(1)), "be.npy"),
                "big-endian", ">f4");
    }

    @Test void bigEndianBoolIsJustBytes() throws Exception {
        NpyArray a = read(npy(1, "{'descr': '>b1', 'fortran_order': False, 'shape': (1,), }", new byte[] {1}), "b.npy");
        assertArrayEquals(new boolean[] {true}, (boolean[]) a.data());
    }

    @Test void fortranOrder() throws Exception {
        contains(fails(npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", le(1, 2, 3, 4)), "f.npy"),
                "Fortran order not supported; save with np.ascontiguousarray");
    }

    @Test void unsupportedDtypes() throws Exception {
        contains(fails(npy(1, "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", new byte[8]), "u8.npy"),
                "unsupported dtype", "<u8");
        contains(fails(npy(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]), "c8.npy"),
                "unsupported dtype", "<c8");
        contains(fails(npy(1, "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }",
                new byte[8]), "rec.npy"), "unsupported dtype", "structured");
    }

    @Test void unsupportedVersion() throws Exception {
        byte[] b = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", le(1));
        b[6] = 4;
        contains(fails(b, "v4.npy"), "version 4.0");
    }

    @Test void absurdHeaderLength() throws Exception {
        byte[] b = npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", le(1));
        ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7fff_0000);
        contains(fails(b, "huge.npy"), "header length", "absurd");
    }

    @Test void unparsableHeader() throws Exception {
        contains(fails(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,", new byte[4]), "open.npy"),
                "cannot parse");
        contains(fails(npy(1, "['<f4', False, (1,)]", new byte[4]), "list.npy"), "not a dict");
        contains(fails(npy(1, "{'descr': '<f4', 'shape': (1,), }", new byte[4]), "nofo.npy"), "fortran_order");
        contains(fails(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': [1], }", new byte[4]), "lst.npy"),
                "not a tuple");
    }

    @Test void absurdShapes() throws Exception {
        contains(fails(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", new byte[4]), "neg.npy"),
                "negative");
        contains(fails(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
                new byte[4]), "big.npy"), "too large");
        contains(fails(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }",
                new byte[4]), "many.npy"), "10000000000 elements");
        contains(fails(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 'x'), }", new byte[8]), "str.npy"),
                "non-integer");
    }

    @Test void missingFileIsAnNpyException() {
        Path p = dir.resolve("absent.npy");
        NpyException e = assertThrows(NpyException.class, () -> Npy.read(p));
        contains(e, p.toString(), "no such file");
    }

    // ---------------------------------------------------------------------------------------------- toTensor

    static final TensorType I_TYPE = new TensorType(DType.F32, List.of(new Axis("batch", 2), new Axis("neuron", 10)),
            Unit.base("A"));

    @Test void toTensorTakesTheExpectedTypeAndUnit() throws Exception {
        NpyArray a = new NpyArray("<f4", new int[] {2, 10}, new float[20], "I.npy");
        Tensor t = Npy.toTensor(a, I_TYPE, "input I");
        assertEquals(I_TYPE, t.type());
        assertEquals(Unit.base("A"), t.type().unit());
    }

    @Test void toTensorNamesTheAxisAndBothSizes() {
        NpyArray a = new NpyArray("<f4", new int[] {2, 12}, new float[24], "I.npy");
        NpyException e = assertThrows(NpyException.class, () -> Npy.toTensor(a, I_TYPE, "input I"));
        contains(e, "input I: axis neuron has size 10 in the circuit but 12 in I.npy");
    }

    @Test void toTensorRankMismatch() {
        NpyArray a = new NpyArray("<f4", new int[] {20}, new float[20], "I.npy");
        NpyException e = assertThrows(NpyException.class, () -> Npy.toTensor(a, I_TYPE, "input I"));
        contains(e, "input I", "2 axes", "batch:2", "neuron:10", "I.npy", "(20,)");
    }

    @Test void toTensorDtypeMismatchSaysHowToConvert() {
        NpyArray a = new NpyArray("<f8", new int[] {3}, new double[3], "x.npy");
        NpyException e = assertThrows(NpyException.class,
                () -> Npy.toTensor(a, type(DType.F32, A3), "input x"));
        contains(e, "input x is f32 but x.npy holds float64 (<f8); convert with arr.astype(np.float32)");
        NpyArray b = new NpyArray("<f4", new int[] {3}, new float[3], "m.npy");
        contains(assertThrows(NpyException.class, () -> Npy.toTensor(b, type(DType.BOOL, A3), "input m")),
                "input m is bool but m.npy holds float32 (<f4)", "np.bool_");
    }

    @Test void toTensorNarrowsInt64WhenEveryValueFits() throws Exception {
        NpyArray a = new NpyArray("<i8", new int[] {3}, new long[] {-5, 0, Integer.MAX_VALUE}, "k.npy");
        assertArrayEquals(new int[] {-5, 0, Integer.MAX_VALUE}, Npy.toTensor(a, type(DType.I32, A3), "input k").ints());
        NpyArray big = new NpyArray("<i8", new int[] {3}, new long[] {0, 1L << 31, 0}, "k.npy");
        contains(assertThrows(NpyException.class, () -> Npy.toTensor(big, type(DType.I32, A3), "input k")),
                "input k", "k.npy", "2147483648", "index 1");
        NpyArray f = new NpyArray("<i8", new int[] {3}, new long[3], "k.npy");
        contains(assertThrows(NpyException.class, () -> Npy.toTensor(f, type(DType.F32, A3), "input k")),
                "holds int64 (<i8)", "np.float32");
    }

    @Test void narrowIntegersReadLosslessly() throws Exception {
        NpyArray i1 = read(npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }", new byte[] {-128, 0, 127}), "a.npy");
        assertArrayEquals(new int[] {-128, 0, 127}, Npy.toTensor(i1, type(DType.I32, A3), "input a").ints());
        NpyArray u2 = read(npy(1, "{'descr': '<u2', 'fortran_order': False, 'shape': (3,), }",
                new byte[] {(byte) 0xff, (byte) 0xff, 1, 0, 0, (byte) 0x80}), "b.npy");
        assertArrayEquals(new int[] {65535, 1, 32768}, (int[]) u2.data());
        NpyArray i2 = read(npy(1, "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }",
                new byte[] {(byte) 0xff, (byte) 0xff, 1, 0, 0, (byte) 0x80}), "c.npy");
        assertArrayEquals(new int[] {-1, 1, -32768}, (int[]) i2.data());
        NpyArray u4 = read(npy(1, "{'descr': '<u4', 'fortran_order': False, 'shape': (3,), }",
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 5, 0, 0, 0, 0, 0, 0, 0}), "d.npy");
        assertArrayEquals(new long[] {4294967295L, 5, 0}, (long[]) u4.data());
        contains(assertThrows(NpyException.class, () -> Npy.toTensor(u4, type(DType.I32, A3), "input d")),
                "holds uint32 (<u4) values outside the i32 range (4294967295 at flat index 0)");
    }

    @Test void toTensorOfAScalar() throws Exception {
        NpyArray a = new NpyArray("<f4", new int[0], new float[] {3}, "s.npy");
        assertEquals(3.0, Npy.toTensor(a, TensorType.scalar(DType.F32), "input s").get(0));
        NpyArray one = new NpyArray("<f4", new int[] {1}, new float[] {3}, "s.npy");
        contains(assertThrows(NpyException.class, () -> Npy.toTensor(one, TensorType.scalar(DType.F32), "input s")),
                "0 axes", "(1,)");
    }
}
