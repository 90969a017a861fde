package ncd.runtime;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {
    static final Axis B = new Axis("batch", 2), N = new Axis("neuron", 3), K = new Axis("key", 4);

    static TensorType type(DType d, Axis... axes) { return new TensorType(d, List.of(axes), Unit.NONE); }

    static float[] iota(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = i;
        return f;
    }

    @Test void zerosAllocatesTheArrayOfTheDtype() {
        assertEquals(6, ((float[]) Tensor.zeros(type(DType.F32, B, N)).data()).length);
        assertEquals(6, Tensor.zeros(type(DType.F64, B, N)).doubles().length);
        assertEquals(6, Tensor.zeros(type(DType.I32, B, N)).ints().length);
        assertEquals(6, Tensor.zeros(type(DType.BOOL, B, N)).bools().length);
        assertEquals(1, Tensor.zeros(TensorType.scalar(DType.F32)).size());
    }

    @Test void ofChecksLengthAndDtype() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(type(DType.F32, B, N), new float[5]));
        assertTrue(e.getMessage().contains("6 elements") && e.getMessage().contains("5"), e.getMessage());
        var d = assertThrows(IllegalArgumentException.class, () -> Tensor.of(type(DType.F64, B), new float[2]));
        assertTrue(d.getMessage().contains("f32") && d.getMessage().contains("f64"), d.getMessage());
        float[] a = new float[6];
        assertSame(a, Tensor.of(type(DType.F32, B, N), a).floats(), "of wraps without copying");
    }

    @Test void wrongAccessorNamesTheActualDtype() {
        Tensor t = Tensor.zeros(type(DType.I32, N));
        var e = assertThrows(IllegalStateException.class, t::floats);
        assertTrue(e.getMessage().contains("i32"), e.getMessage());
        assertThrows(IllegalStateException.class, t::doubles);
        assertThrows(IllegalStateException.class, t::bools);
    }

    @Test void scalarIsF32WithNoAxes() {
        Tensor s = Tensor.scalar(0.1);
        assertEquals(TensorType.scalar(DType.F32), s.type());
        assertEquals((double) 0.1f, s.get(0));
    }

    @Test void setConvertsToTheDtype() {
        Tensor f = Tensor.zeros(type(DType.F32, N));
        f.set(0, 0.1);
        assertEquals(0.1f, f.floats()[0]);
        Tensor i = Tensor.zeros(type(DType.I32, K));
        i.set(0, 2.9);
        i.set(1, -2.9);
        i.set(2, Double.NaN);
        i.set(3, 1e20);
        assertArrayEquals(new int[] {2, -2, 0, Integer.MAX_VALUE}, i.ints());
        Tensor b = Tensor.zeros(type(DType.BOOL, N));
        b.set(0, 0.5);
        b.set(1, 0);
        assertArrayEquals(new boolean[] {true, false, false}, b.bools());
        assertEquals(1.0, b.get(0));
        assertEquals(0.0, b.get(1));
    }

    @Test void transposeMovesTheData() {
        // [batch:2, neuron:3] = [[0 1 2] [3 4 5]] -> [neuron:3, batch:2] = [[0 3] [1 4] [2 5]]
        Tensor t = Tensor.of(type(DType.F32, B, N), iota(6));
        Tensor u = t.transposeTo(List.of("neuron", "batch"));
        assertEquals(type(DType.F32, N, B), u.type());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, u.floats());
        assertArrayEquals(t.floats(), u.transposeTo(List.of("batch", "neuron")).floats());
    }

    @Test void transposeOfRank3MatchesIndexArithmetic() {
        Tensor t = Tensor.of(type(DType.F32, B, N, K), iota(24));
        Tensor u = t.transposeTo(List.of("key", "batch", "neuron"));
        for (int b = 0; b < 2; b++)
            for (int n = 0; n < 3; n++)
                for (int k = 0; k < 4; k++)
                    assertEquals(t.get((b * 3 + n) * 4 + k), u.get((k * 2 + b) * 3 + n));
        Tensor bools = Tensor.of(type(DType.BOOL, B, N), new boolean[] {true, false, false, false, true, false});
        assertArrayEquals(new boolean[] {true, false, false, true, false, false},
                bools.transposeTo(List.of("neuron", "batch")).bools());
    }

    @Test void transposeRejectsOrdersThatAreNotPermutations() {
        Tensor t = Tensor.zeros(type(DType.F32, B, N));
        assertThrows(IllegalArgumentException.class, () -> t.transposeTo(List.of("batch")));
        assertThrows(IllegalArgumentException.class, () -> t.transposeTo(List.of("batch", "batch")));
        assertThrows(IllegalArgumentException.class, () -> t.transposeTo(List.of("batch", "key")));
    }

    @Test void withTypeSharesDataAndChecksCountAndDtype() {
        Tensor t = Tensor.of(type(DType.F32, B, N), iota(6));
        Tensor r = t.withType(new TensorType(DType.F32, List.of(B, new Axis("cell", 3)), Unit.base("s")));
        assertSame(t.data(), r.data());
        assertEquals(Unit.base("s"), r.type().unit());
        assertThrows(IllegalArgumentException.class, () -> t.withType(type(DType.F32, B, K)));
        assertThrows(IllegalArgumentException.class, () -> t.withType(type(DType.F64, B, N)));
    }

    @Test void conformMatchesAxesByNameAndNamesWhatDoesNotFit() {
        TensorType want = new TensorType(DType.F32, List.of(B, N), Unit.base("s"));
        Tensor same = Tensor.of(type(DType.F32, B, N), iota(6));
        Tensor c = same.conform(want, "input x", RunException::new);
        assertSame(same.data(), c.data(), "the same order shares the data");
        assertEquals(want, c.type());
        Tensor swapped = same.transposeTo(List.of("neuron", "batch"));
        assertArrayEquals(iota(6), swapped.conform(want, "input x", RunException::new).floats());

        var axes = assertThrows(RunException.class, () -> Tensor.zeros(type(DType.F32, B, K)).conform(want, "input x", RunException::new));
        assertEquals("input x has axes [batch, key] but the circuit expects [batch, neuron]", axes.getMessage());
        var size = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(type(DType.F32, B, new Axis("neuron", 5))).conform(want, "parameter w", IllegalArgumentException::new));
        assertEquals("parameter w: axis neuron has size 5, but the circuit expects 3", size.getMessage());
        var dtype = assertThrows(RunException.class, () -> Tensor.zeros(type(DType.F64, N, B)).conform(want, "input x", RunException::new));
        assertEquals("input x is f64 but the circuit expects f32", dtype.getMessage());
    }

    @Test void copyIsIndependent() {
        Tensor t = Tensor.of(type(DType.F32, N), iota(3));
        Tensor c = t.copy();
        assertNotSame(t.data(), c.data());
        c.set(0, 9);
        assertEquals(0.0, t.get(0));
    }

    @Test void statsSkipNaNsAndCountThem() {
        Tensor t = Tensor.of(type(DType.F32, K), new float[] {1, Float.NaN, -3, 6});
        Tensor.Stats s = t.stats();
        assertEquals(-3, s.min());
        assertEquals(4.0 / 3, s.mean(), 1e-12);
        assertEquals(6, s.max());
        assertEquals(1, s.nanCount());
        assertTrue(t.toString().startsWith("f32[key:4] {min=-3"), t.toString());
        assertTrue(t.toString().contains("nan=1"), t.toString());
        assertTrue(Double.isNaN(Tensor.of(type(DType.F32, new Axis("one", 1)), new float[] {Float.NaN}).stats().mean()));
    }

    @Test void renderDrawsA2dBoolTensor() {
        Tensor t = Tensor.of(type(DType.BOOL, B, N), new boolean[] {true, false, true, false, false, true});
        assertEquals("#.#\n..#", t.render(80));
        assertNull(t.render(2), "too wide");
        assertNull(Tensor.zeros(type(DType.BOOL, new Axis("row", 65), N)).render(80), "too tall");
        assertNull(Tensor.zeros(type(DType.F32, B, N)).render(80), "not bool");
        assertNull(Tensor.zeros(type(DType.BOOL, N)).render(80), "not 2-D");
    }

    @Test void allCloseMatchesAxesByName() {
        Tensor a = Tensor.of(type(DType.F32, B, N), iota(6));
        Tensor b = a.transposeTo(List.of("neuron", "batch"));
        assertTrue(a.allClose(b, 0, 0));
        assertEquals(0.0, a.maxAbsDiff(b));
        b.set(1, b.get(1) + 1e-3); // neuron 0, batch 1 -> a's flat 3
        assertFalse(a.allClose(b, 1e-4, 0));
        assertTrue(a.allClose(b, 1e-4, 1e-3));
        assertEquals(1e-3, a.maxAbsDiff(b), 1e-6);
    }

    @Test void allCloseComparesAcrossDtypesAndHandlesNaN() {
        Tensor f = Tensor.of(type(DType.F32, B), new float[] {Float.NaN, 1});
        Tensor d = Tensor.of(type(DType.F64, B), new double[] {Double.NaN, 1});
        assertTrue(f.allClose(d, 0, 0));
        assertEquals(0.0, f.maxAbsDiff(d));
        Tensor e = Tensor.of(type(DType.F64, B), new double[] {0, 1});
        assertFalse(f.allClose(e, 1, 1));
        assertTrue(Double.isNaN(f.maxAbsDiff(e)));
        Tensor inf = Tensor.of(type(DType.F64, B), new double[] {Double.POSITIVE_INFINITY, 1});
        assertTrue(inf.allClose(inf.copy(), 0, 0));
    }

    @Test void allCloseRefusesDifferentAxes() {
        Tensor a = Tensor.zeros(type(DType.F32, B, N));
        var e = assertThrows(IllegalArgumentException.class, () -> a.allClose(Tensor.zeros(type(DType.F32, B, K)), 0, 0));
        assertTrue(e.getMessage().contains("neuron") && e.getMessage().contains("key"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.maxAbsDiff(Tensor.zeros(type(DType.F32, B))));
        assertThrows(IllegalArgumentException.class,
                () -> a.maxAbsDiff(Tensor.zeros(type(DType.F32, B, new Axis("neuron", 4)))));
    }
}
