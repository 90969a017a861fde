package ncd.runtime.train;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.runtime.NpyException;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading a training set from an .npz written as numpy writes it, and every way it can fail to fit the circuit. */
class TrainDataTest {
    @TempDir Path dir;

    static final TensorType X = new TensorType(DType.F32, List.of(new Axis("h", 2), new Axis("w", 3)), Unit.NONE);
    static final TensorType Y = TensorType.scalar(DType.I32);
    static final TensorType M = new TensorType(DType.BOOL, List.of(new Axis("k", 2)), Unit.NONE);

    /** One .npy entry: numpy's header for {@code descr} and {@code shape}, then {@code data} (little-endian). */
    record Arr(String name, String descr, String shape, byte[] data) {}

    Path npz(Arr... arrays) throws IOException {
        Path p = dir.resolve("data.npz");
        try (OutputStream os = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Arr a : arrays) {
                zip.putNextEntry(new ZipEntry(a.name + ".npy"));
                String dict = "{'descr': '" + a.descr + "', 'fortran_order': False, 'shape': " + a.shape + ", }";
                int len = (10 + dict.length() + 1 + 63) / 64 * 64 - 10;
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) len, (byte) (len >> 8)});
                b.write((dict + " ".repeat(len - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1));
                b.write(a.data);
                zip.write(b.toByteArray());
                zip.closeEntry();
            }
        }
        return p;
    }

    static byte[] f4(double... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) b.putFloat((float) x);
        return b.array();
    }

    static byte[] f8(double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) b.putDouble(x);
        return b.array();
    }

    static byte[] i8(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) b.putLong(x);
        return b.array();
    }

    static double[] seq(int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return d;
    }

    static Map<String, TensorType> inputs() {
        Map<String, TensorType> m = new LinkedHashMap<>();
        m.put("x", X);
        m.put("y", Y);
        m.put("m", M);
        return m;
    }

    Path good() throws IOException {
        return npz(new Arr("x", "<f8", "(4, 2, 3)", f8(seq(24))), new Arr("y", "|u1", "(4,)", new byte[] {3, 1, 4, (byte) 200}),
                new Arr("m", "|b1", "(4, 2)", new byte[] {1, 0, 0, 1, 1, 1, 0, 0}));
    }

    @Test void batchesAreTypedWithTheSampleAxisFirst() throws Exception {
        TrainData d = TrainData.load(good(), inputs(), "batch");
        assertEquals(4, d.samples());
        assertEquals(List.of("x", "y", "m"), List.copyOf(d.names()));
        Map<String, Tensor> b = d.batch(new int[] {2, 0});
        assertEquals(new TensorType(DType.F32, List.of(new Axis("batch", 2), new Axis("h", 2), new Axis("w", 3)),
                Unit.NONE), b.get("x").type());
        assertArrayEquals(new float[] {12, 13, 14, 15, 16, 17, 0, 1, 2, 3, 4, 5}, b.get("x").floats());
        assertEquals("i32[batch:2]", b.get("y").type().toString());
        assertArrayEquals(new int[] {4, 3}, b.get("y").ints());
        assertArrayEquals(new boolean[] {true, true, true, false}, b.get("m").bools());
    }

    @Test void aSubsetSharesTheDataFromItsOffset() throws Exception {
        TrainData d = TrainData.load(good(), inputs(), "batch").subset(1, 3);
        assertEquals(2, d.samples());
        assertArrayEquals(new int[] {1, 4}, d.batch(new int[] {0, 1}).get("y").ints());
        assertThrows(IllegalArgumentException.class, () -> d.batch(new int[] {2}));
        assertThrows(IllegalArgumentException.class, () -> d.subset(1, 1));
    }

    @Test void float32DataForAnF64InputWidens() throws Exception {
        TensorType s = TensorType.scalar(DType.F64);
        TrainData d = TrainData.load(npz(new Arr("s", "<f4", "(2,)", f4(0.1, 2))), Map.of("s", s), "n");
        assertArrayEquals(new double[] {(float) 0.1, 2}, d.batch(new int[] {0, 1}).get("s").doubles());
    }

    String fails(Path p, Map<String, TensorType> in) {
        String m = assertThrows(NpyException.class, () -> TrainData.load(p, in, "batch")).getMessage();
        assertTrue(m.contains(p.toString()) && !m.contains("\n"), m);
        return m;
    }

    void contains(String message, String... parts) {
        for (String part : parts) assertTrue(message.contains(part), message + "\n  lacks: " + part);
    }

    @Test void missingAndExtraArraysAreNamed() throws Exception {
        Arr x = new Arr("x", "<f4", "(1, 2, 3)", f4(seq(6)));
        Arr y = new Arr("y", "<i8", "(1,)", i8(1));
        contains(fails(npz(x, y), inputs()), "no array for input m", "the file has x, y");
        contains(fails(npz(x, y, new Arr("mask", "|b1", "(1, 2)", new byte[2]), new Arr("m", "|b1", "(1, 2)", new byte[2])),
                inputs()), "array mask matches no input", "x, y, m");
    }

    @Test void shapesMustBeSamplesThenTheInputsAxes() throws Exception {
        Map<String, TensorType> in = Map.of("x", X);
        contains(fails(npz(new Arr("x", "<f4", "(2, 3)", f4(seq(6)))), in),
                "data.npz[x]", "must have shape (N, 2, 3)", "has shape (2, 3)");
        contains(fails(npz(new Arr("x", "<f4", "(1, 3, 2)", f4(seq(6)))), in), "(N, 2, 3)", "(1, 3, 2)");
        contains(fails(npz(new Arr("y", "<i8", "(1, 1)", i8(1))), Map.of("y", Y)), "must have shape (N,)", "(1, 1)");
    }

    @Test void dtypesMustFit() throws Exception {
        contains(fails(npz(new Arr("x", "<i8", "(1, 2, 3)", i8(1, 2, 3, 4, 5, 6))), Map.of("x", X)),
                "data.npz[x]", "input x is f32 but the array holds int64", "float32 or float64");
        contains(fails(npz(new Arr("y", "<f8", "(1,)", f8(1))), Map.of("y", Y)), "input y is i32", "float64");
        contains(fails(npz(new Arr("y", "<i8", "(2,)", i8(1, 1L << 33))), Map.of("y", Y)),
                "sample 1 holds 8589934592", "outside the range of i32");
        contains(fails(npz(new Arr("m", "|u1", "(1, 2)", new byte[2])), Map.of("m", M)), "input m is bool", "uint8");
    }

    @Test void nonFiniteFloatsNameTheFirstSample() throws Exception {
        double[] v = seq(18);
        v[14] = Double.NaN;
        contains(fails(npz(new Arr("x", "<f4", "(3, 2, 3)", f4(v))), Map.of("x", X)),
                "data.npz[x]: sample 2 holds NaN (element 2 of the sample)", "must be finite");
        v[14] = 1e39; // finite in float64, infinite as f32
        contains(fails(npz(new Arr("x", "<f8", "(3, 2, 3)", f8(v))), Map.of("x", X)), "sample 2 holds 1.0E39, which overflows f32");
    }

    @Test void sampleCountsMustAgreeAndBePositive() throws Exception {
        Map<String, TensorType> in = new LinkedHashMap<>();
        in.put("x", X);
        in.put("y", Y);
        contains(fails(npz(new Arr("x", "<f4", "(1, 2, 3)", f4(seq(6))), new Arr("y", "<i8", "(2,)", i8(1, 2))), in),
                "different numbers of samples: x has 1, y has 2");
        contains(fails(npz(new Arr("x", "<f4", "(0, 2, 3)", new byte[0]), new Arr("y", "<i8", "(0,)", new byte[0])), in),
                "no samples");
    }

    @Test void theSampleAxisMustBeNew() throws Exception {
        contains(fails(good(), Map.of("x", X)), "array y matches no input");
        String m = assertThrows(NpyException.class, () -> TrainData.load(good(), inputs(), "h")).getMessage();
        contains(m, "input x", "already has an axis named h");
    }
}
