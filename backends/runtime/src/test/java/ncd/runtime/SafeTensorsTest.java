package ncd.runtime;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static ncd.runtime.NpyTest.filled;
import static ncd.runtime.NpyTest.type;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips through ncd's own safetensors files, the dtypes read from elsewhere, and matching to a parameter. */
class SafeTensorsTest {
    @TempDir Path dir;

    static final Axis ROW = new Axis("row", 2), COL = new Axis("col", 3), K = new Axis("k", 4);

    // ---------------------------------------------------------------------------------------------- round trips

    @Test void roundTripsEveryDtypeScalarsNamesOrderAndMetadata() throws Exception {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (DType d : DType.values()) {
            String w = d.word();
            in.put("layer." + w + ".m", filled(type(d, ROW, COL, K)));
            in.put("layer." + w + ".v", filled(type(d, COL)));
            in.put(w + ".scalar", filled(TensorType.scalar(d)));
        }
        Tensor special = Tensor.of(type(DType.F32, K), new float[] {Float.NaN, -0f, Float.NEGATIVE_INFINITY, Float.MIN_VALUE});
        in.put("special", special);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("step", "1200");
        meta.put("note", "quotes \" backslash \\ newline \n ünïcödé");
        Path p = dir.resolve("ckpt.safetensors");
        SafeTensors.write(p, in, meta);

        SafeTensors.Contents c = SafeTensors.readFile(p);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(c.tensors().keySet()), "order of the map written");
        for (Map.Entry<String, Tensor> e : in.entrySet()) {
            Tensor got = c.tensors().get(e.getKey());
            assertEquals(e.getValue().type(), got.type(), e.getKey());
            assertTrue(Arrays.deepEquals(new Object[] {e.getValue().data()}, new Object[] {got.data()}), e.getKey());
        }
        assertEquals(meta, c.metadata(), "the metadata written, without ncd's axis names");
        assertEquals(c.tensors().keySet(), SafeTensors.read(p).keySet(), "read is readFile's tensors");
    }

    @Test void headerIsPaddedToEightBytesAndHoldsAxisNamesButNotForScalars() throws Exception {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("w", filled(type(DType.F32, ROW, COL)));
        in.put("s", filled(TensorType.scalar(DType.I32)));
        Path p = dir.resolve("a.safetensors");
        SafeTensors.write(p, in, Map.of());
        byte[] b = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "the data starts 8-aligned");
        assertEquals(8 + n + 6 * 4 + 4, b.length);
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8).strip();
        assertEquals("{\"__metadata__\":{\"ncd.axes.w\":\"row,col\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"s\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[24,28]}}", header);
    }

    @Test void anEmptyMapIsAFileWithNoTensors() throws Exception {
        Path p = dir.resolve("empty.safetensors");
        SafeTensors.write(p, Map.of(), Map.of());
        assertEquals(8 + 8, Files.size(p), "{} padded to 8");
        assertTrue(SafeTensors.read(p).isEmpty());
    }

    @Test void writingRefusesWhatCannotBeReadBack() {
        Path p = dir.resolve("bad.safetensors");
        Tensor t = filled(type(DType.F32, COL));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(p, Map.of("__metadata__", t), Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(p, Map.of("w", t), Map.of("ncd.axes.w", "a")));
        assertTrue(e.getMessage().contains("ncd.axes."), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(p, Map.of("w", filled(type(DType.F32, new Axis("a,b", 3)))), Map.of()));
        assertFalse(Files.exists(p), "nothing was written");
    }

    // ---------------------------------------------------------------------------------------------- other dtypes

    /** A file with one tensor {@code w} of {@code dtype} and {@code shape} holding {@code data}, no ncd names. */
    static Path file(Path dir, String name, String dtype, String shape, byte[] data) throws Exception {
        return SafeTensorsMalformedTest.file(dir.resolve(name),
                "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[0," + data.length + "]}}", data);
    }

    static byte[] le(int bytesEach, long... v) {
        ByteBuffer bb = ByteBuffer.allocate(bytesEach * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            switch (bytesEach) {
                case 1 -> bb.put((byte) x);
                case 2 -> bb.putShort((short) x);
                default -> bb.putLong(x);
            }
        }
        return bb.array();
    }

    @Test void f16ReadsAsF32Exactly() throws Exception {
        // 1, -2, the largest half, the smallest subnormal, the largest subnormal, -0, inf, -inf, a NaN
        Path p = file(dir, "h.safetensors", "F16", "[9]",
                le(2, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x8000, 0x7c00, 0xfc00, 0x7e00));
        Tensor t = SafeTensors.read(p).get("w");
        assertEquals(type(DType.F32, new Axis("0", 9)), t.type());
        float[] f = t.floats();
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, 1023 * 0x1p-24f, -0f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY}, Arrays.copyOf(f, 8));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(f[5]), "the sign of zero is kept");
        assertTrue(Float.isNaN(f[8]));
        // every finite half: the normal ones against the formula (1 + m/1024) * 2^(e-15)
        for (int e = 1; e < 31; e++) {
            for (int m = 0; m < 1024; m += 37) {
                float want = (float) ((1 + m / 1024.0) * Math.pow(2, e - 15));
                assertEquals(want, SafeTensors.halfToFloat((short) (e << 10 | m)), "e=" + e + " m=" + m);
            }
        }
    }

    @Test void bf16ReadsAsF32Exactly() throws Exception {
        Path p = file(dir, "bf.safetensors", "BF16", "[4]", le(2, 0x3f80, 0xc040, 0x7f80, 0x0001));
        assertArrayEquals(new float[] {1f, -3f, Float.POSITIVE_INFINITY, Float.intBitsToFloat(0x10000)},
                SafeTensors.read(p).get("w").floats());
    }

    @Test void u8AndI64ReadAsI32WhenNothingIsLost() throws Exception {
        Path u = file(dir, "u.safetensors", "U8", "[2,2]", le(1, 0, 1, 200, 255));
        Tensor t = SafeTensors.read(u).get("w");
        assertEquals(type(DType.I32, new Axis("0", 2), new Axis("1", 2)), t.type());
        assertArrayEquals(new int[] {0, 1, 200, 255}, t.ints());

        Path small = file(dir, "i.safetensors", "I64", "[3]", le(8, Integer.MIN_VALUE, -1, Integer.MAX_VALUE));
        assertArrayEquals(new int[] {Integer.MIN_VALUE, -1, Integer.MAX_VALUE}, SafeTensors.read(small).get("w").ints());

        Path big = file(dir, "big.safetensors", "I64", "[3]", le(8, 0, 1L << 40, 7));
        NpyException e = assertThrows(NpyException.class, () -> SafeTensors.read(big));
        assertEquals(big + "[w]: I64 value 1099511627776 at flat index 1 is outside the i32 range, which ncd reads I64 into",
                e.getMessage());
    }

    @Test void aLargeTensorIsReadAcrossChunks() throws Exception {
        int n = 3 * (1 << 16) / 4 + 5; // more than three 64 KiB chunks of f32
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i * 0.5f - 7;
        Path p = dir.resolve("big.safetensors");
        SafeTensors.write(p, Map.of("v", Tensor.of(type(DType.F32, new Axis("n", n)), v)), Map.of());
        assertArrayEquals(v, SafeTensors.read(p).get("v").floats());
        long[] big = new long[n];
        for (int i = 0; i < n; i++) big[i] = i - 3;
        int[] want = new int[n];
        for (int i = 0; i < n; i++) want[i] = i - 3;
        assertArrayEquals(want, SafeTensors.read(file(dir, "i64.safetensors", "I64", "[" + n + "]", le(8, big))).get("w").ints());
    }

    // ---------------------------------------------------------------------------------------------- to a parameter

    static final TensorType PARAM = new TensorType(DType.F32, List.of(ROW, COL), Unit.base("m"));

    @Test void positionalAxesMatchByOrderAndTakeTheCircuitsNamesAndUnit() throws Exception {
        Path p = file(dir, "torch.safetensors", "F32", "[2,3]", NpyTest.le(1, 2, 3, 4, 5, 6));
        Tensor stored = SafeTensors.read(p).get("w");
        assertEquals(List.of("0", "1"), stored.type().axisNames());
        Tensor t = SafeTensors.toType(stored, PARAM, "parameter w", p + "[w]");
        assertEquals(PARAM, t.type());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.floats());

        Path wrong = file(dir, "t.safetensors", "F32", "[3,2]", NpyTest.le(1, 2, 3, 4, 5, 6));
        NpyException e = assertThrows(NpyException.class,
                () -> SafeTensors.toType(SafeTensors.read(wrong).get("w"), PARAM, "parameter w", wrong + "[w]"));
        assertEquals("parameter w: axis row has size 2 in the circuit but 3 in " + wrong + "[w] (circuit [row:2, col:3],"
                + " file shape (3, 2))", e.getMessage());
    }

    @Test void namedAxesMatchByNameAndAreTransposed() throws Exception {
        Tensor colRow = Tensor.of(type(DType.F32, COL, ROW), new float[] {1, 4, 2, 5, 3, 6});
        Path p = dir.resolve("t.safetensors");
        SafeTensors.write(p, Map.of("w", colRow), Map.of());
        Tensor t = SafeTensors.toType(SafeTensors.read(p).get("w"), PARAM, "parameter w", p + "[w]");
        assertEquals(PARAM, t.type());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.floats(), "row-major in [row, col]");
    }

    @Test void namedAxesThatDifferAreAnErrorEvenWhenTheSizesFit() {
        Tensor other = Tensor.of(type(DType.F32, new Axis("a", 2), new Axis("b", 3)), new float[6]);
        NpyException e = assertThrows(NpyException.class, () -> SafeTensors.toType(other, PARAM, "parameter w", "f[w]"));
        assertEquals("parameter w has axes [row, col] but f[w] has [a:2, b:3]; it was saved from a circuit whose axes"
                + " differ", e.getMessage());
        Tensor sizes = Tensor.of(type(DType.F32, new Axis("row", 3), new Axis("col", 2)), new float[6]);
        NpyException s = assertThrows(NpyException.class, () -> SafeTensors.toType(sizes, PARAM, "parameter w", "f[w]"));
        assertTrue(s.getMessage().contains("axis row has size 2 in the circuit but 3 in f[w]"), s.getMessage());
    }

    @Test void theDtypeMustBeTheParameters() {
        Tensor f64 = Tensor.of(type(DType.F64, ROW, COL), new double[6]);
        NpyException e = assertThrows(NpyException.class, () -> SafeTensors.toType(f64, PARAM, "parameter w", "f[w]"));
        assertEquals("parameter w is f32 but f[w] holds f64; save it as F32", e.getMessage());
    }

    @Test void aScalarMatchesAScalar() throws Exception {
        Tensor s = Tensor.of(TensorType.scalar(DType.I32), new int[] {9});
        assertArrayEquals(new int[] {9}, SafeTensors.toType(s, TensorType.scalar(DType.I32), "parameter n", "f[n]").ints());
        NpyException e = assertThrows(NpyException.class,
                () -> SafeTensors.toType(s, new TensorType(DType.I32, List.of(K), Unit.NONE), "parameter n", "f[n]"));
        assertTrue(e.getMessage().startsWith("parameter n: expected 1 axis [k:4] but f[n] has 0"), e.getMessage());
    }
}
