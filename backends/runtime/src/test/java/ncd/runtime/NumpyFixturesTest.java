package ncd.runtime;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files written by numpy itself (src/test/resources/npy/make_fixtures.py): the values here mirror that script. */
class NumpyFixturesTest {
    static Path fixture(String name) throws Exception {
        var url = NumpyFixturesTest.class.getResource("/npy/" + name);
        assertTrue(url != null, "missing fixture " + name + "; run make_fixtures.py");
        return Path.of(url.toURI());
    }

    static NpyArray read(String name, String descr, int... shape) throws Exception {
        NpyArray a = Npy.read(fixture(name));
        assertEquals(descr, a.descr(), name);
        assertArrayEquals(shape, a.shape(), name);
        return a;
    }

    @Test void float32() throws Exception {
        assertArrayEquals(new float[] {0f, 1.5f, -2.25f, 3e-8f, 1e30f, -0f},
                (float[]) read("f4.npy", "<f4", 2, 3).data());
    }

    @Test void float64() throws Exception {
        assertArrayEquals(new double[] {Math.PI, -Math.E, 1e-300}, (double[]) read("f8.npy", "<f8", 3).data());
    }

    @Test void int32() throws Exception {
        assertArrayEquals(new int[] {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE}, (int[]) read("i4.npy", "<i4", 2, 2).data());
    }

    @Test void int64AndItsNarrowing() throws Exception {
        NpyArray big = read("i8.npy", "<i8", 4);
        assertArrayEquals(new long[] {0, -1, 1L << 40, 7}, (long[]) big.data());
        TensorType i4 = new TensorType(DType.I32, List.of(new Axis("k", 4)), Unit.NONE);
        NpyException e = assertThrows(NpyException.class, () -> Npy.toTensor(big, i4, "input k"));
        assertTrue(e.getMessage().contains("i8.npy") && e.getMessage().contains("1099511627776"), e.getMessage());

        NpyArray small = read("i8_small.npy", "<i8", 2, 3);
        TensorType t = new TensorType(DType.I32, List.of(new Axis("r", 2), new Axis("c", 3)), Unit.NONE);
        assertArrayEquals(new int[] {-2, -1, 0, 1, 2, 3}, Npy.toTensor(small, t, "input s").ints());
    }

    @Test void bool() throws Exception {
        NpyArray a = read("b1.npy", "|b1", 2, 3);
        TensorType t = new TensorType(DType.BOOL, List.of(new Axis("r", 2), new Axis("c", 3)), Unit.NONE);
        assertEquals("#.#\n..#", Npy.toTensor(a, t, "mask").render(80));
    }

    @Test void zeroDimensional() throws Exception {
        NpyArray a = read("scalar.npy", "<f4");
        assertEquals(2.5, Npy.toTensor(a, TensorType.scalar(DType.F32), "input s").get(0));
    }

    @Test void nonFinite() throws Exception {
        Tensor.Stats s = Tensor.of(new TensorType(DType.F32, List.of(new Axis("i", 4)), Unit.NONE),
                (float[]) read("nan.npy", "<f4", 4).data()).stats();
        assertEquals(1, s.nanCount());
        assertEquals(Double.NEGATIVE_INFINITY, s.min());
        assertEquals(Double.POSITIVE_INFINITY, s.max());
    }

    @Test void headerVersions2And3() throws Exception {
        assertArrayEquals(new float[] {1, 2, 3, 4}, (float[]) read("v2.npy", "<f4", 2, 2).data());
        assertArrayEquals(new int[] {10, 20, 30}, (int[]) read("v3.npy", "<i4", 3).data());
    }

    @Test void refusedLayouts() throws Exception {
        for (String[] c : new String[][] {
                {"fortran.npy", "Fortran order not supported; save with np.ascontiguousarray"},
                {"big_endian.npy", "big-endian"}}) {
            Path p = fixture(c[0]);
            NpyException e = assertThrows(NpyException.class, () -> Npy.read(p));
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @Test void uint8ReadsAsI32() throws Exception {
        NpyArray a = read("u1.npy", "|u1", 3);
        assertArrayEquals(new int[] {1, 2, 3}, (int[]) a.data());
        TensorType t = new TensorType(DType.I32, List.of(new Axis("i", 3)), Unit.NONE);
        assertArrayEquals(new int[] {1, 2, 3}, Npy.toTensor(a, t, "input c").ints());
    }

    @Test void savez() throws Exception {
        LinkedHashMap<String, NpyArray> m = Npz.read(fixture("arrays.npz"));
        assertEquals(List.of("x", "n", "mask"), List.copyOf(m.keySet()));
        assertArrayEquals(new float[] {0.25f, -0.5f, 1f}, (float[]) m.get("x").data());
        assertArrayEquals(new long[] {1, 2, 3, 4}, (long[]) m.get("n").data());
        assertArrayEquals(new int[] {2, 2}, m.get("n").shape());
        assertArrayEquals(new boolean[] {true, false}, (boolean[]) m.get("mask").data());
    }

    @Test void savezCompressed() throws Exception {
        LinkedHashMap<String, NpyArray> m = Npz.read(fixture("compressed.npz"));
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, (double[]) m.get("w").data());
        assertEquals(0, m.get("s").rank());
        assertArrayEquals(new int[] {7}, (int[]) m.get("s").data());
    }
}
