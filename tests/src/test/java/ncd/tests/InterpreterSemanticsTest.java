package ncd.tests;

import ncd.api.Circuit;
import ncd.api.CompileException;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.interp.InterpreterException;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.runtime.Rng;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The reference interpreter against docs/semantics.md: small programs, compiled through the Java API, run on
 * hand-computed inputs, and compared exactly (or, where the document only promises rounding, within it) with values
 * worked out by hand from the document's formulas. When a test here fails, the interpreter or the document is wrong,
 * not the test: do not weaken an expectation without changing docs/semantics.md.
 */
class InterpreterSemanticsTest {
    private static final float NAN = Float.NaN;

    // ---- moving data -------------------------------------------------------------------------------------------

    @Test void rollMovesElementsToHigherIndicesLikeNpRoll() throws Exception {
        Program p = compile("""
                axis n = 5, m = 3
                circuit by2(x: f32[n]) -> f32[n] { return roll[n, 2](x) }
                circuit back1(x: f32[n]) -> f32[n] { return roll[n, -1](x) }
                circuit by7(x: f32[n]) -> f32[n] { return roll[n, 7](x) }
                circuit back7(x: f32[n]) -> f32[n] { return roll[n, -7](x) }
                circuit inner(x: f32[m, n]) -> f32[m, n] { return roll[n, 1](x) }
                circuit outer(x: f32[m, n]) -> f32[m, n] { return roll[m, 1](x) }
                """);
        Tensor x = f32("n:5", 0, 1, 2, 3, 4);
        // np.roll([0,1,2,3,4], 2) == [3,4,0,1,2]; np.roll(x, -1) == [1,2,3,4,0]; 7 = 2 (mod 5)
        assertTensor(f32("n:5", 3, 4, 0, 1, 2), p.circuit("by2").call(x));
        assertTensor(f32("n:5", 1, 2, 3, 4, 0), p.circuit("back1").call(x));
        assertTensor(f32("n:5", 3, 4, 0, 1, 2), p.circuit("by7").call(x));
        assertTensor(f32("n:5", 2, 3, 4, 0, 1), p.circuit("back7").call(x));
        Tensor grid = iotaGrid(3, 5);            // x[m, n] = 10 m + n
        assertTensor(f32("m:3,n:5", 4, 0, 1, 2, 3, 14, 10, 11, 12, 13, 24, 20, 21, 22, 23), p.circuit("inner").call(grid));
        assertTensor(f32("m:3,n:5", 20, 21, 22, 23, 24, 0, 1, 2, 3, 4, 10, 11, 12, 13, 14), p.circuit("outer").call(grid));
    }

    @Test void shiftFillsWhereThereIsNoSource() throws Exception {
        Program p = compile("""
                axis n = 5, m = 2
                circuit right2(x: f32[n]) -> f32[n] { return shift[n, 2](x) }
                circuit left1(x: f32[n]) -> f32[n] { return shift[n, -1, fill = 9](x) }
                circuit all(x: f32[n]) -> f32[n] { return shift[n, 5, fill = -1](x) }
                circuit flags(x: bool[m, n]) -> bool[m, n] { return shift[n, 1, fill = 1](x) }
                """);
        Tensor x = f32("n:5", 10, 11, 12, 13, 14);
        assertTensor(f32("n:5", 0, 0, 10, 11, 12), p.circuit("right2").call(x));
        assertTensor(f32("n:5", 11, 12, 13, 14, 9), p.circuit("left1").call(x));
        assertTensor(f32("n:5", -1, -1, -1, -1, -1), p.circuit("all").call(x));
        Tensor b = bool("m:2,n:5", false, false, false, false, true, false, true, false, true, false);
        assertTensor(bool("m:2,n:5", true, false, false, false, false, true, false, true, false, true), p.circuit("flags").call(b));
    }

    @Test void windowOfThreeCoversTheNeighboursOnBothSides() throws Exception {
        Program p = compile("""
                axis n = 5, d = 3
                circuit wrap3(x: f32[n]) -> f32[n, d] { return window[n by 3 -> d, wrap](x) }
                circuit zero3(x: f32[n]) -> f32[n, d] { return window[n by 3 -> d, zero](x) }
                """);
        Tensor x = f32("n:5", 10, 11, 12, 13, 14);
        // offset j reads i + j - 1
        assertTensor(f32("n:5,d:3", 14, 10, 11, 10, 11, 12, 11, 12, 13, 12, 13, 14, 13, 14, 10), p.circuit("wrap3").call(x));
        assertTensor(f32("n:5,d:3", 0, 10, 11, 10, 11, 12, 11, 12, 13, 12, 13, 14, 13, 14, 0), p.circuit("zero3").call(x));
    }

    @Test void windowOfFourCoversTwoBeforeAndOneAfter() throws Exception {
        Program p = compile("""
                axis n = 5, d = 4
                circuit wrap4(x: f32[n]) -> f32[n, d] { return window[n by 4 -> d, wrap](x) }
                circuit zero4(x: f32[n]) -> f32[n, d] { return window[n by 4 -> d, zero](x) }
                """);
        Tensor x = f32("n:5", 10, 11, 12, 13, 14);
        // offset j reads i + j - 2: i-2 .. i+1
        assertTensor(f32("n:5,d:4", 13, 14, 10, 11, 14, 10, 11, 12, 10, 11, 12, 13, 11, 12, 13, 14, 12, 13, 14, 10),
                p.circuit("wrap4").call(x));
        assertTensor(f32("n:5,d:4", 0, 0, 10, 11, 0, 10, 11, 12, 10, 11, 12, 13, 11, 12, 13, 14, 12, 13, 14, 0),
                p.circuit("zero4").call(x));
    }

    @Test void twoDimensionalWindowsOnATorusAndWithZeroPadding() throws Exception {
        Program p = compile("""
                axis r = 3, c = 4, dr = 3, dc = 2
                circuit w(x: f32[r, c]) -> f32[r, c, dr, dc] { return window[r by 3 -> dr, c by 2 -> dc, wrap](x) }
                circuit z(x: f32[r, c]) -> f32[r, c, dr, dc] { return window[r by 3 -> dr, c by 2 -> dc, zero](x) }
                """);
        Tensor x = f32("r:3,c:4", 0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23);
        Tensor wrap = Tensor.zeros(type(DType.F32, "r:3,c:4,dr:3,dc:2"));
        Tensor zero = Tensor.zeros(type(DType.F32, "r:3,c:4,dr:3,dc:2"));
        int k = 0;
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) for (int a = 0; a < 3; a++) for (int b = 0; b < 2; b++, k++) {
            int si = i + a - 1, sj = j + b - 1;          // floor(3/2) = 1, floor(2/2) = 1
            wrap.set(k, 10 * Math.floorMod(si, 3) + Math.floorMod(sj, 4));
            // a zero window reads 0 when any coordinate is outside, even if the other is inside
            zero.set(k, si < 0 || si >= 3 || sj < 0 || sj >= 4 ? 0 : 10 * si + sj);
        }
        assertTensor(wrap, p.circuit("w").call(x));
        assertTensor(zero, p.circuit("z").call(x));
    }

    @Test void splitIsRowMajorWithTheFirstPartSlowest() throws Exception {
        Program p = compile("""
                axis p = 6, a = 2, b = 3
                circuit s(x: f32[p]) -> f32[a, b] { return split[p -> (a, b)](x) }
                circuit s2(x: f32[p]) -> f32[b, a] { return split[p -> (b, a)](x) }
                """);
        Tensor x = f32("p:6", 0, 1, 2, 3, 4, 5);
        assertTensor(f32("a:2,b:3", 0, 1, 2, 3, 4, 5), p.circuit("s").call(x));  // y[a, b] = x[3a + b]
        assertTensor(f32("b:3,a:2", 0, 1, 2, 3, 4, 5), p.circuit("s2").call(x)); // y[b, a] = x[2b + a]
    }

    @Test void mergeIsRowMajorAlsoForAxesThatAreNotAdjacent() throws Exception {
        Program p = compile("""
                axis a = 2, b = 3, c = 4, p = 6, q = 6
                circuit adjacent(x: f32[a, b]) -> f32[p] { return merge[(a, b) -> p](x) }
                circuit reversed(x: f32[a, b]) -> f32[q] { return merge[(b, a) -> q](x) }
                circuit apart(x: f32[a, c, b]) -> f32[p, c] { return merge[(a, b) -> p](x) }
                circuit roundtrip(x: f32[a, c, b]) -> f32[a, c, b] { return split[p -> (a, b)](merge[(a, b) -> p](x)) }
                """);
        Tensor ab = f32("a:2,b:3", 0, 1, 2, 10, 11, 12);                           // x[a, b] = 10 a + b
        assertTensor(f32("p:6", 0, 1, 2, 10, 11, 12), p.circuit("adjacent").call(ab)); // p = 3a + b
        assertTensor(f32("q:6", 0, 10, 1, 11, 2, 12), p.circuit("reversed").call(ab)); // q = 2b + a
        Tensor acb = Tensor.zeros(type(DType.F32, "a:2,c:4,b:3"));
        Tensor want = Tensor.zeros(type(DType.F32, "p:6,c:4"));
        for (int a = 0; a < 2; a++) for (int c = 0; c < 4; c++) for (int b = 0; b < 3; b++) {
            double v = 100 * a + 10 * c + b;
            acb.set((a * 4 + c) * 3 + b, v);
            want.set((a * 3 + b) * 4 + c, v);                                       // y[p = 3a + b, c]
        }
        assertTensor(want, p.circuit("apart").call(acb));
        assertTensor(acb, p.circuit("roundtrip").call(acb));
    }

    @Test void sliceAndSelect() throws Exception {
        Program p = compile("""
                axis n = 5, w = 3, m = 2
                circuit mid(x: f32[m, n]) -> f32[m, w] { return slice[n: 1..4 -> w](x) }
                circuit third(x: f32[m, n]) -> f32[m] { return x[n = 2] }
                circuit second_row(x: f32[m, n]) -> f32[n] { return x[m = 1] }
                """);
        Tensor x = f32("m:2,n:5", 0, 1, 2, 3, 4, 10, 11, 12, 13, 14);
        assertTensor(f32("m:2,w:3", 1, 2, 3, 11, 12, 13), p.circuit("mid").call(x));
        assertTensor(f32("m:2", 2, 12), p.circuit("third").call(x));
        assertTensor(f32("n:5", 10, 11, 12, 13, 14), p.circuit("second_row").call(x));
    }

    @Test void concatPutsTheFirstInputFirstAndReadsOtherAxesByName() throws Exception {
        Program p = compile("""
                axis b = 2, p1 = 2, p2 = 3, c = 5
                circuit cat(x: f32[b, p1], y: f32[p2, b]) -> f32[b, c] { return concat[(p1, p2) -> c](x, y) }
                """);
        Tensor x = f32("b:2,p1:2", 0, 1, 10, 11);
        Tensor y = f32("p2:3,b:2", 100, 200, 101, 201, 102, 202);   // y[p2, b] = 100 (b + 1) + p2
        assertTensor(f32("b:2,c:5", 0, 1, 100, 101, 102, 10, 11, 200, 201, 202), p.circuit("cat").call(x, y));
    }

    @Test void repeatIsNearestNeighbourUpsampling() throws Exception {
        Program p = compile("""
                axis n = 3, n3 = 9, m = 2
                circuit up(x: f32[m, n]) -> f32[m, n3] { return repeat[n -> n3](x) }
                """);
        Tensor x = f32("m:2,n:3", 1, 2, 3, 4, 5, 6);
        assertTensor(f32("m:2,n3:9", 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6), p.circuit("up").call(x));
    }

    @Test void transposeAndExpandKeepTheDataByName() throws Exception {
        Program p = compile("""
                axis a = 2, b = 3
                circuit t(x: f32[a, b]) -> f32[b, a] { let y: f32[b, a] = x
                  return y }
                circuit e(x: f32[a]) -> f32[b, a] { return expand[b](x) }
                """);
        Tensor x = f32("a:2,b:3", 0, 1, 2, 10, 11, 12);
        Tensor y = p.circuit("t").call(x);
        assertTensor(x, y);                                          // same values by name
        assertTensor(f32("b:3,a:2", 5, 7, 5, 7, 5, 7), p.circuit("e").call(f32("a:2", 5, 7)));
    }

    @Test void onehotAppendsTheAxisAndGivesZerosOutsideIt() throws Exception {
        Program p = compile("""
                axis s = 5, V = 4
                circuit oh(i: i32[s]) -> f32[s, V] { return onehot[V](i) }
                """);
        Tensor out = p.circuit("oh").call(i32("s:5", 0, 3, -1, 4, 2));
        assertTensor(f32("s:5,V:4",
                1, 0, 0, 0,
                0, 0, 0, 1,
                0, 0, 0, 0,     // -1: outside V
                0, 0, 0, 0,     // 4: outside V
                0, 0, 1, 0), out);
    }

    @Test void theMergedAxisTakesThePlaceOfTheFirstListedPart() throws Exception {
        // docs/semantics.md: `merge [(p, q) -> r]`: r = p * |q| + q, "with the merged axis where the first part was".
        // With x laid out [a, c, b] and the parts listed (b, a), the first part is b, the last axis.
        Program p = compile("""
                axis a = 2, b = 3, c = 4, q = 6
                circuit m2(x: f32[a, c, b]) -> f32[c, q] { return merge[(b, a) -> q](x) }
                """);
        assertEquals(List.of("c", "q"), layoutOf(p.circuit("m2"), Op.MERGE));
    }

    @Test void gatherPicksRowsByIndexWhateverTheTableLayout() throws Exception {
        Program p = compile("""
                axis s = 3, V = 4, d = 2
                circuit g(table: f32[d, V], i: i32[s]) -> f32[s, d] { return gather[V](table, i) }
                """);
        Tensor table = f32("d:2,V:4", 0, 1, 2, 3, 10, 11, 12, 13);  // table[d, V] = 10 d + V
        assertTensor(f32("s:3,d:2", 3, 13, 0, 10, 2, 12), p.circuit("g").call(table, i32("s:3", 3, 0, 2)));
    }

    @Test void gatherOutsideTheAxisIsARunTimeErrorNamingTheAxis() throws Exception {
        Program p = compile("""
                axis s = 3, V = 4, d = 2
                circuit g(table: f32[V, d], i: i32[s]) -> f32[s, d] { return gather[V](table, i) }
                """);
        Tensor table = f32("V:4,d:2", 0, 1, 2, 3, 4, 5, 6, 7);
        for (int bad : new int[] {4, -1}) {
            InterpreterException e = assertThrows(InterpreterException.class, () -> p.circuit("g").call(table, i32("s:3", 0, bad, 1)));
            assertTrue(e.getMessage().contains("axis V") && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
    }

    // ---- reductions and contraction ----------------------------------------------------------------------------

    @Test void argmaxAndArgminTakeTheFirstExtremeAndNaNCountsAsExtreme() throws Exception {
        Program p = compile("""
                axis r = 4, n = 4
                circuit amax(x: f32[r, n]) -> i32[r] { return argmax[n](x) }
                circuit amin(x: f32[r, n]) -> i32[r] { return argmin[n](x) }
                circuit amax_rows(x: f32[r, n]) -> i32[n] { return argmax[r](x) }
                """);
        Tensor x = f32("r:4,n:4",
                1, 3, 3, 2,          // tie at 1 and 2: the first
                2, 1, 1, 5,
                1, NAN, 5, NAN,      // NaN is the extreme, the first NaN wins
                -1, -1, -1, -1);     // all equal
        assertTensor(i32("r:4", 1, 3, 1, 0), p.circuit("amax").call(x));
        assertTensor(i32("r:4", 0, 1, 1, 0), p.circuit("amin").call(x));
        // along the first axis: columns (1,2,1,-1), (3,1,NaN,-1), (3,1,5,-1), (2,5,NaN,-1)
        assertTensor(i32("n:4", 1, 2, 2, 2), p.circuit("amax_rows").call(x));
    }

    @Test void reductionsOverOneAndSeveralAxes() throws Exception {
        Program p = compile("""
                axis a = 2, b = 3
                circuit r(x: f32[a, b]) -> (s: f32[a], m: f32[b], hi: f32[a], lo: f32[b], pr: f32[a], all_sum: f32, all_mean: f32) {
                  return (sum[b](x), mean[a](x), max[b](x), min[a](x), prod[b](x), sum[a, b](x), mean[b, a](x))
                }
                circuit logic(x: bool[a, b]) -> (some: bool[a], every: bool[a], every_b: bool[b], none_at_all: bool) {
                  return (any[b](x), all[b](x), all[a](x), not any[a, b](x))
                }
                circuit counts(x: i32[a, b]) -> (s: i32[a], hi: i32[b], pr: i32) {
                  return (sum[b](x), max[a](x), prod[a, b](x))
                }
                """);
        Tensor x = f32("a:2,b:3", 1, -2, 4, 0.5f, 3, -6);
        Map<String, Tensor> out = p.circuit("r").step(Map.of("x", x));
        assertTensor(f32("a:2", 3, -2.5f), out.get("s"));
        assertTensor(f32("b:3", 0.75f, 0.5f, -1), out.get("m"));
        assertTensor(f32("a:2", 4, 3), out.get("hi"));
        assertTensor(f32("b:3", 0.5f, -2, -6), out.get("lo"));
        assertTensor(f32("a:2", -8, -9), out.get("pr"));
        assertTensor(f32("", 0.5f), out.get("all_sum"));
        assertTensor(f32("", (float) (0.5 / 6)), out.get("all_mean"));

        Map<String, Tensor> lg = p.circuit("logic").step(Map.of("x", bool("a:2,b:3", false, true, false, true, true, true)));
        assertTensor(bool("a:2", true, true), lg.get("some"));
        assertTensor(bool("a:2", false, true), lg.get("every"));
        assertTensor(bool("b:3", false, true, false), lg.get("every_b"));
        assertTensor(bool("", false), lg.get("none_at_all"));

        Map<String, Tensor> ct = p.circuit("counts").step(Map.of("x", i32("a:2,b:3", 1, -2, 4, 7, 3, -6)));
        assertTensor(i32("a:2", 3, 4), ct.get("s"));
        assertTensor(i32("b:3", 7, 3, 4), ct.get("hi"));
        assertTensor(i32("", 1008), ct.get("pr"));
    }

    @Test void reductionsAccumulateInDoubleAndRoundOnce() throws Exception {
        Program p = compile("""
                axis n = 3
                circuit s(x: f32[n]) -> (total: f32, avg: f32) { return (sum[n](x), mean[n](x)) }
                """);
        // in f32, 1e8 + 1 is 1e8, so a float accumulator would give 0; in double the sum is exactly 1
        Map<String, Tensor> out = p.circuit("s").step(Map.of("x", f32("n:3", 1e8f, 1, -1e8f)));
        assertTensor(f32("", 1), out.get("total"));
        assertTensor(f32("", (float) (1.0 / 3)), out.get("avg"));
    }

    @Test void maxAndMinPropagateNaN() throws Exception {
        Program p = compile("""
                axis n = 3
                circuit m(x: f32[n], y: f32[n]) -> (hi: f32[n], lo: f32[n], rhi: f32, rlo: f32) {
                  return (max(x, y), min(x, y), max[n](x), min[n](y))
                }
                circuit cmp(x: f32[n], y: f32[n]) -> (eq: bool[n], ne: bool[n], lt: bool[n], le: bool[n], gt: bool[n], ge: bool[n]) {
                  return (x == y, x != y, x < y, x <= y, x > y, x >= y)
                }
                """);
        Tensor x = f32("n:3", 1, NAN, 5), y = f32("n:3", 2, 3, NAN);
        Map<String, Tensor> out = p.circuit("m").step(Map.of("x", x, "y", y));
        assertTensor(f32("n:3", 2, NAN, NAN), out.get("hi"));
        assertTensor(f32("n:3", 1, NAN, NAN), out.get("lo"));
        assertTensor(f32("", NAN), out.get("rhi"));
        assertTensor(f32("", NAN), out.get("rlo"));
        Map<String, Tensor> c = p.circuit("cmp").step(Map.of("x", x, "y", y));
        assertTensor(bool("n:3", false, false, false), c.get("eq"));
        assertTensor(bool("n:3", true, true, true), c.get("ne"));
        assertTensor(bool("n:3", true, false, false), c.get("lt"));
        assertTensor(bool("n:3", true, false, false), c.get("le"));
        assertTensor(bool("n:3", false, false, false), c.get("gt"));
        assertTensor(bool("n:3", false, false, false), c.get("ge"));
    }

    @Test void contractionMatrixVectorTwoAxesOuterProductAndBatchAxes() throws Exception {
        Program p = compile("""
                axis batch = 2, i = 3, o = 2, h = 2, d = 3
                circuit mv(W: f32[o, i], x: f32[batch, i]) -> f32[batch, o] { return W @[i] x }
                circuit both(x: f32[h, d], y: f32[d, h]) -> f32 { return x @[h, d] y }
                circuit outer(x: f32[i], y: f32[o]) -> f32[i, o] { return x @[] y }
                circuit per_head(q: f32[h, d], k: f32[d, h]) -> f32[h] { return q @[d] k }
                circuit batched_outer(q: f32[h, d], k: f32[h, o]) -> f32[h, d, o] { return q @[] k }
                """);
        Tensor w = f32("o:2,i:3", 1, 2, 3, -1, 0, 1);
        Tensor x = f32("batch:2,i:3", 1, 1, 1, 2, 0, -1);
        assertTensor(f32("batch:2,o:2", 6, 0, -1, -3), p.circuit("mv").call(w, x));

        Tensor hd = f32("h:2,d:3", 1, 2, 3, 4, 5, 6);
        Tensor dh = f32("d:3,h:2", 1, 0, 0, 1, 2, 2);      // dh[d, h]
        // sum over h, d of hd[h, d] * dh[d, h] = (1*1 + 2*0 + 3*2) + (4*0 + 5*1 + 6*2)
        assertTensor(f32("", 24), p.circuit("both").call(hd, dh));
        assertTensor(f32("h:2", 7, 17), p.circuit("per_head").call(hd, dh));
        assertTensor(f32("i:3,o:2", 10, 20, 30, 60, -10, -20), p.circuit("outer").call(f32("i:3", 1, 3, -1), f32("o:2", 10, 20)));
        Tensor ho = f32("h:2,o:2", 1, -1, 10, 100);
        assertTensor(f32("h:2,d:3,o:2", 1, -1, 2, -2, 3, -3, 40, 400, 50, 500, 60, 600), p.circuit("batched_outer").call(hd, ho));
    }

    @Test void contractionAccumulatesInDoubleAndRoundsOnce() throws Exception {
        Program p = compile("""
                axis k = 3, o = 2
                circuit dot(a: f32[o, k], b: f32[k]) -> f32[o] { return a @[k] b }
                """);
        Tensor a = f32("o:2,k:3", 1e8f, 1, -1e8f, 0.1f, 0.2f, 0.3f);
        Tensor out = p.circuit("dot").call(a, f32("k:3", 1, 1, 1));
        double tenths = (double) 0.1f + (double) 0.2f + (double) 0.3f;
        assertTensor(f32("o:2", 1, (float) tenths), out);
    }

    @Test void contractionSumsInRowMajorOrderOfTheFirstOperandsAxes() throws Exception {
        // a is laid out [d, h]; the contraction is written @[h, d]. The document fixes the order of the double
        // accumulation: row-major in a's order of K, so d slowest: 2^60 + 1 - 2^60 + 1 = 1 in double (the first +1
        // is lost), whereas h slowest would give 2^60 - 2^60 + 1 + 1 = 2.
        Program p = compile("""
                axis h = 2, d = 2
                circuit c(a: f32[d, h], b: f32[h, d]) -> f32 { return a @[h, d] b }
                circuit s(a: f32[d, h]) -> f32 { return sum[h, d](a) }
                """);
        float big = (float) Math.pow(2, 60);
        Tensor a = f32("d:2,h:2", big, 1, -big, 1);
        Tensor ones = f32("h:2,d:2", 1, 1, 1, 1);
        assertTensor(f32("", 1), p.circuit("s").call(a));
        assertTensor(f32("", 1), p.circuit("c").call(a, ones));
    }

    @Test void resultLayoutsAreTheOnesTheDocumentStates() throws Exception {
        Program p = compile("""
                axis a = 2, b = 3, c = 4, p = 6, q = 6, o = 2, i = 3, batch = 2, d = 3
                circuit m1(x: f32[a, c, b]) -> f32[p, c] { return merge[(a, b) -> p](x) }
                circuit m2(x: f32[a, c, b]) -> f32[c, q] { return merge[(b, a) -> q](x) }
                circuit w(x: f32[c, a]) -> f32[a, c, d] { return window[c by 3 -> d, zero](x) }
                circuit mv(W: f32[o, i], x: f32[batch, i]) -> f32[batch, o] { return W @[i] x }
                """);
        // the merged axis is where the first part was
        assertEquals(List.of("p", "c"), layoutOf(p.circuit("m1"), Op.MERGE));
        // a window: the input's axes, then the offset axes
        assertEquals(List.of("c", "a", "d"), layoutOf(p.circuit("w"), Op.WINDOW));
        // a contraction: a's kept axes, then b's not in a
        assertEquals(List.of("o", "batch"), layoutOf(p.circuit("mv"), Op.CONTRACT));
        // and the values of the merge whose first part is the later axis: q = 2 b + a
        Tensor x = Tensor.zeros(type(DType.F32, "a:2,c:4,b:3"));
        Tensor want = Tensor.zeros(type(DType.F32, "c:4,q:6"));
        for (int a = 0; a < 2; a++) for (int c = 0; c < 4; c++) for (int b = 0; b < 3; b++) {
            x.set((a * 4 + c) * 3 + b, 100 * a + 10 * c + b);
            want.set(c * 6 + 2 * b + a, 100 * a + 10 * c + b);
        }
        assertTensor(want, p.circuit("m2").call(x));
    }

    // ---- elementwise -------------------------------------------------------------------------------------------

    @Test void whereAndArithmeticBroadcastByNameWhateverTheAxisOrder() throws Exception {
        Program p = compile("""
                axis a = 2, b = 3
                circuit w(c: bool[a, b], x: f32[b, a], y: f32[a]) -> f32[a, b] { return where(c, x, y) }
                circuit add(x: f32[a, b], y: f32[b, a]) -> f32[a, b] { return x + y }
                circuit sub(x: f32[b], y: f32[a, b]) -> f32[a, b] { return x - y }
                """);
        Tensor c = bool("a:2,b:3", true, false, true, false, true, false);
        Tensor x = f32("b:3,a:2", 0, 10, 1, 11, 2, 12);             // x[b, a] = 10 a + b
        Tensor y = f32("a:2", -1, -2);
        assertTensor(f32("a:2,b:3", 0, -1, 2, -2, 11, -2), p.circuit("w").call(c, x, y));
        Tensor ab = f32("a:2,b:3", 100, 200, 300, 400, 500, 600);
        assertTensor(f32("a:2,b:3", 100, 201, 302, 410, 511, 612), p.circuit("add").call(ab, x));
        assertTensor(f32("a:2,b:3", -99, -198, -297, -399, -498, -597), p.circuit("sub").call(f32("b:3", 1, 2, 3), ab));
    }

    @Test void f32ArithmeticIsCorrectlyRoundedToF32() throws Exception {
        Program p = compile("""
                axis n = 3
                circuit f(x: f32[n], y: f32[n]) -> (s: f32[n], q: f32[n], r: f32[n]) { return (x + y, x / y, sqrt(x)) }
                """);
        Map<String, Tensor> out = p.circuit("f").step(Map.of("x", f32("n:3", 16777216f, 1, 2), "y", f32("n:3", 1, 3, 0.1f)));
        assertTensor(f32("n:3", 16777216f, 4, 2f + 0.1f), out.get("s"));            // 2^24 + 1 rounds to 2^24
        assertTensor(f32("n:3", 16777216f, 1f / 3f, 2f / 0.1f), out.get("q"));
        assertTensor(f32("n:3", 4096f, 1f, (float) Math.sqrt(2)), out.get("r"));
    }

    @Test void castFromFloatToI32TruncatesAndSaturates() throws Exception {
        Program p = compile("""
                axis n = 8, k = 3
                circuit toi(x: f32[n]) -> i32[n] { return i32(x) }
                circuit tof(x: i32[k]) -> f32[k] { return f32(x) }
                circuit tob(x: f32[n]) -> bool[n] { return bool(x) }
                circuit fromb(x: bool[k]) -> i32[k] { return i32(x) }
                """);
        Tensor x = f32("n:8", 2.9f, -2.9f, 3e9f, -3e9f, NAN, -0.5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
        assertTensor(i32("n:8", 2, -2, Integer.MAX_VALUE, Integer.MIN_VALUE, 0, 0, Integer.MAX_VALUE, Integer.MIN_VALUE),
                p.circuit("toi").call(x));
        assertTensor(f32("k:3", 16777216f, -3, 0), p.circuit("tof").call(i32("k:3", 16777217, -3, 0)));
        assertTensor(bool("n:8", true, true, true, true, true, true, true, true), p.circuit("tob").call(x));
        assertTensor(bool("n:8", false, true, true, true, true, true, true, false),
                p.circuit("tob").call(f32("n:8", 0, 1, -1, 0.5f, 1e-30f, NAN, 3, -0f)));
        assertTensor(i32("k:3", 1, 0, 1), p.circuit("fromb").call(bool("k:3", true, false, true)));
    }

    @Test void i32DivisionTruncatesModuloFollowsTheDivisorAndZeroDivisorGivesZero() throws Exception {
        Program p = compile("""
                axis k = 9
                circuit ints(x: i32[k], y: i32[k]) -> (q: i32[k], r: i32[k], s: i32[k], d: i32[k], p: i32[k]) {
                  return (x / y, x % y, x + y, x - y, x * y)
                }
                """);
        int max = Integer.MAX_VALUE, min = Integer.MIN_VALUE;
        Tensor x = i32("k:9", 7, -7, 7, -7, 5, -5, max, min, 65536);
        Tensor y = i32("k:9", 3, 3, -3, -3, 0, 0, 1, -1, 65536);
        Map<String, Tensor> out = p.circuit("ints").step(Map.of("x", x, "y", y));
        assertTensor(i32("k:9", 2, -2, -2, 2, 0, 0, max, min, 1), out.get("q"));         // min / -1 wraps to min
        assertTensor(i32("k:9", 1, 2, -2, -1, 0, 0, 0, 0, 0), out.get("r"));             // numpy: -7 % 3 == 2
        assertTensor(i32("k:9", 10, -4, 4, -10, 5, -5, min, max, 131072), out.get("s")); // wrap around
        assertTensor(i32("k:9", 4, -10, 10, -4, 5, -5, max - 1, min + 1, 0), out.get("d"));
        assertTensor(i32("k:9", 21, -21, -21, 21, 0, 0, max, min, 0), out.get("p"));     // 2^32 wraps to 0
        Program n = compile("""
                axis k = 3
                circuit neg(x: i32[k]) -> i32[k] { return -x }
                """);
        assertTensor(i32("k:3", min, -max, 5), n.circuit("neg").call(i32("k:3", min, max, -5))); // -min wraps to min
    }

    // ---- randomness --------------------------------------------------------------------------------------------

    @Test void randomSourcesFollowTheFormulaAndDrawFreshNumbersEachStep() throws Exception {
        Program p = compile("""
                axis n = 64
                circuit Noise() -> (u: f32[n], g: f32[n], b: bool[n]) {
                  return (uniform[n, seed = 3](-1, 1), normal[n, seed = 4](10, 2), bernoulli[n, seed = 5](0.25))
                }
                """);
        Circuit c = p.circuit("Noise");
        List<Map<String, Tensor>> steps = new ArrayList<>();
        for (int t = 0; t < 3; t++) steps.add(c.step(Map.of()));
        long su = Rng.seedOf("", 3), sg = Rng.seedOf("", 4), sb = Rng.seedOf("", 5);
        for (int t = 0; t < 3; t++) {
            Tensor u = Tensor.zeros(type(DType.F32, "n:64")), g = Tensor.zeros(type(DType.F32, "n:64")), b = Tensor.zeros(type(DType.BOOL, "n:64"));
            for (int i = 0; i < 64; i++) {
                u.set(i, -1 + 2 * Rng.uniform(su, t, i));
                g.set(i, 10 + 2 * Rng.normal(sg, t, i));
                b.set(i, Rng.uniform(sb, t, i) < 0.25 ? 1 : 0);
            }
            assertTensor(u, steps.get(t).get("u"));
            assertTensor(g, steps.get(t).get("g"));
            assertTensor(b, steps.get(t).get("b"));
        }
        assertNotEquals(Arrays.toString(steps.get(0).get("u").floats()), Arrays.toString(steps.get(1).get("u").floats()));
        // the same numbers from a fresh instance, and the run's seed does not enter a random source's stream
        Circuit again = p.compile().circuit("Noise", Map.of(), 99, "interp");
        assertTensor(steps.get(0).get("u"), again.step(Map.of()).get("u"));
    }

    @Test void twoInstancesOfOneRandomSourceDrawDifferentNumbers() throws Exception {
        Program p = compile("""
                axis n = 16
                circuit noise() -> f32[n] { return uniform[n, seed = 1](0, 1) }
                circuit Two() -> (a: f32[n], b: f32[n]) { return (noise(), noise()) }
                """);
        Map<String, Tensor> out = p.circuit("Two").step(Map.of());
        assertNotEquals(Arrays.toString(out.get("a").floats()), Arrays.toString(out.get("b").floats()),
                "two calls of one random source must draw different numbers (their scopes differ)");
    }

    @Test void aRandomSourceInAMappedCallDrawsForEveryMappedIndex() throws Exception {
        // docs/ir.md: a call's random sources get its map axes; semantics.md: i is the row-major index in the node's type
        Program p = compile("""
                axis b = 3, n = 4
                circuit jitter(x: f32[n]) -> f32[n] { return x + uniform[n, seed = 1](0, 1) }
                circuit Batch(x: f32[b, n]) -> f32[b, n] { return jitter(x) }
                """);
        Tensor y = p.circuit("Batch").call(Tensor.zeros(type(DType.F32, "b:3,n:4")));
        Tensor rows = y.transposeTo(List.of("b", "n"));
        float[] v = rows.floats();
        assertNotEquals(Arrays.toString(Arrays.copyOfRange(v, 0, 4)), Arrays.toString(Arrays.copyOfRange(v, 4, 8)),
                "each mapped index draws its own numbers: " + Arrays.toString(v));
        for (float f : v) assertTrue(f >= 0 && f < 1, "uniform(0, 1): " + f);
    }

    @Test void randomStateInitialisationUsesStreamMinusOneAndResetDrawsItAgain() throws Exception {
        Program p = compile("""
                axis n = 8
                circuit Walk() -> f32[n] {
                  state v: f32[n] = uniform[n, seed = 2](0, 1)
                  next v = v + 1
                  return v
                }
                """);
        Circuit c = p.circuit("Walk");
        Tensor init = Tensor.zeros(type(DType.F32, "n:8"));
        for (int i = 0; i < 8; i++) init.set(i, Rng.uniform(Rng.seedOf("", 2), -1, i));
        assertTensor(init, c.state().get("v"));
        assertTensor(init, c.call());
        c.call();
        c.reset();
        assertEquals(0, c.steps());
        assertTensor(init, c.state().get("v"));
        assertTensor(init, c.call());
    }

    // ---- parameters --------------------------------------------------------------------------------------------

    @Test void parameterInitializersFollowTheirFormulas() throws Exception {
        Program p = compile("""
                axis o = 4, i = 6, k = 3, n = 1000
                circuit P() -> f32 {
                  param Z: f32[o] ~ zeros
                  param O: f32[o] ~ ones
                  param C: f32[o] = 0.5
                  param N: f32[n] ~ normal(2, 3)
                  param U: f32[n] ~ uniform(-1, 3)
                  param G: f32[o, i] ~ glorot
                  param G3: f32[o, i, k] ~ glorot
                  param H: f32[o, i, k] ~ he
                  param B: f32[n] >= 0 ~ uniform(-1, 1)
                  param L: f32[n] <= 0.25 ~ uniform(0, 1)
                  return sum[o](Z + O + C) + sum[n](N + U + B + L) + sum[o, i](G) + sum[o, i, k](G3 + H)
                }
                """);
        for (long seed : new long[] {0, 7}) {
            Map<String, Tensor> ps = p.circuit("P", Map.of(), seed).params();
            assertEquals(List.of("B", "C", "G", "G3", "H", "L", "N", "O", "U", "Z"), ps.keySet().stream().sorted().toList(),
                    "parameter paths of a top-level circuit are their names");
            assertTensor(f32("o:4", 0, 0, 0, 0), ps.get("Z"));
            assertTensor(f32("o:4", 1, 1, 1, 1), ps.get("O"));
            assertTensor(f32("o:4", 0.5f, 0.5f, 0.5f, 0.5f), ps.get("C"));
            assertTensor(drawn("n:1000", i -> 2 + 3 * Rng.normal(Rng.seedOf("N", seed), 0, i)), ps.get("N"));
            assertTensor(drawn("n:1000", i -> -1 + 4 * Rng.uniform(Rng.seedOf("U", seed), 0, i)), ps.get("U"));
            double g2 = Math.sqrt(6.0 / (6 + 4));             // fan_in = |i| = 6, fan_out = |o| = 4
            assertTensor(drawn("o:4,i:6", i -> -g2 + 2 * g2 * Rng.uniform(Rng.seedOf("G", seed), 0, i)), ps.get("G"));
            double g3 = Math.sqrt(6.0 / (18 + 4));            // fan_in = |i| |k| = 18
            assertTensor(drawn("o:4,i:6,k:3", i -> -g3 + 2 * g3 * Rng.uniform(Rng.seedOf("G3", seed), 0, i)), ps.get("G3"));
            for (float v : ps.get("G3").floats()) assertTrue(Math.abs(v) <= (float) g3, "glorot outside its bound: " + v);
            double he = Math.sqrt(2.0 / 18);
            assertTensor(drawn("o:4,i:6,k:3", i -> he * Rng.normal(Rng.seedOf("H", seed), 0, i)), ps.get("H"));
            assertTensor(drawn("n:1000", i -> Math.max(0, -1 + 2 * Rng.uniform(Rng.seedOf("B", seed), 0, i))), ps.get("B"));
            assertTensor(drawn("n:1000", i -> Math.min(0.25, Rng.uniform(Rng.seedOf("L", seed), 0, i))), ps.get("L"));
            // sanity of the draws themselves
            double mean = 0;
            for (float v : ps.get("N").floats()) mean += v / 1000.0;
            assertEquals(2, mean, 0.3, "normal(2, 3) mean");
            long zeros = 0;
            for (float v : ps.get("B").floats()) if (v == 0) zeros++;
            assertTrue(zeros > 400 && zeros < 600, "about half of uniform(-1, 1) >= 0 clamps to 0: " + zeros);
        }
        assertNotEquals(Arrays.toString(p.circuit("P", Map.of(), 0).params().get("N").floats()),
                Arrays.toString(p.circuit("P", Map.of(), 1).params().get("N").floats()), "the run's seed changes parameters");
    }

    @Test void parameterInitializerArgumentsAreReadInTheDeclaredUnit() throws Exception {
        Program p = compile("""
                axis n = 200
                circuit T() -> f32[n] {
                  param tau: f32[n] in ms ~ uniform(10, 30)
                  return tau / 1 ms
                }
                """);
        Tensor t = p.circuit("T").call();
        Tensor.Stats st = t.stats();
        assertTrue(st.min() >= 10 - 1e-4 && st.max() <= 30 + 1e-4 && st.max() > 25 && st.min() < 15, "tau/ms should be in [10, 30): " + st);
    }

    // ---- units -------------------------------------------------------------------------------------------------

    @Test void inputsAndOutputsAreExchangedInTheirDeclaredUnits() throws Exception {
        Program p = compile("""
                axis N = 3
                circuit drive(I: f32[N] in nA) -> f32[N] in mV {
                  const R = 10 Mohm
                  return R * I
                }
                circuit volts(v: f32[N] in mV) -> f32[N] { return v / 1 V }
                circuit rest() -> f32 in mV { return -65 mV }
                """);
        // 10 Mohm * 1 nA = 10 mV: the caller passes nA and gets mV back
        Tensor out = p.circuit("drive").call(f32("N:3", 1, 2, -3.5f));
        assertClose(f32("N:3", 10, 20, -35), out, 1e-6);
        assertClose(f32("N:3", 0.001f, -0.065f, 1), p.circuit("volts").call(f32("N:3", 1, -65, 1000)), 1e-6);
        assertClose(f32("", -65), p.circuit("rest").call(), 1e-6);
    }

    @Test void aStatefulOutputInMillivoltsIsScaledBackEveryStep() throws Exception {
        Program p = compile("""
                axis N = 2
                circuit Leak(I: f32[N] in nA) -> f32[N] in mV {
                  const R = 10 Mohm
                  state v: f32[N] in mV = -65 mV
                  next v = v + R * I
                  return v
                }
                """);
        Circuit c = p.circuit("Leak");
        Tensor in = f32("N:2", 1, -0.5f);   // +10 mV and -5 mV per step
        assertClose(f32("N:2", -65, -65), c.call(in), 1e-5);
        assertClose(f32("N:2", -55, -70), c.call(in), 1e-5);
        assertClose(f32("N:2", -45, -75), c.call(in), 1e-5);
    }

    // ---- steps and state ---------------------------------------------------------------------------------------

    @Test void anAccumulatorStepsAndResets() throws Exception {
        Program p = compile("""
                axis n = 3
                circuit Acc(x: f32[n]) -> f32[n] {
                  state total: f32[n] = 0
                  next total = total + x
                  return total
                }
                """);
        Circuit c = p.circuit("Acc");
        Tensor x = f32("n:3", 1, 2, 3);
        assertEquals(0, c.steps());
        assertTensor(f32("n:3", 0, 0, 0), c.call(x));       // the output reads the state before the update
        assertTensor(f32("n:3", 1, 2, 3), c.call(x));
        assertTensor(f32("n:3", 2, 4, 6), c.call(f32("n:3", -1, 0, 1)));
        assertTensor(f32("n:3", 1, 4, 7), c.state().get("total"));
        assertEquals(3, c.steps());
        c.reset();
        assertEquals(0, c.steps());
        assertTensor(f32("n:3", 0, 0, 0), c.state().get("total"));
        assertTensor(f32("n:3", 0, 0, 0), c.call(x));
        assertTensor(f32("n:3", 1, 2, 3), c.state().get("total"));
    }

    @Test void everyStateIsReplacedByItsNextValueAtOnce() throws Exception {
        Program p = compile("""
                circuit Swap() -> (a: f32, b: f32) {
                  state x: f32 = 1
                  state y: f32 = 2
                  next x = y
                  next y = x
                  return (x, y)
                }
                circuit Counter() -> i32 {
                  state count: i32 = 0
                  next count = count + 1
                  return count
                }
                """);
        Circuit c = p.circuit("Swap");
        for (int t = 0; t < 4; t++) {
            Map<String, Tensor> out = c.step(Map.of());
            assertTensor(f32("", t % 2 == 0 ? 1 : 2), out.get("a"));
            assertTensor(f32("", t % 2 == 0 ? 2 : 1), out.get("b"));
        }
        Circuit k = p.circuit("Counter");
        for (int t = 0; t < 5; t++) assertTensor(i32("", t), k.call());
    }

    @Test void inputsAreMatchedByNameAndTheirAxesByName() throws Exception {
        Program p = compile("""
                axis a = 2, b = 3
                circuit f(x: f32[a, b], y: f32[b]) -> f32[a, b] { return x * y }
                """);
        Circuit c = p.circuit("f");
        Tensor xt = f32("b:3,a:2", 1, 2, 3, 4, 5, 6);         // given as [b, a]: read by name
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("y", f32("b:3", 1, 10, 100));
        in.put("x", xt);
        assertTensor(f32("a:2,b:3", 1, 30, 500, 2, 40, 600), c.step(in).get("out"));
        InterpreterException e = assertThrows(InterpreterException.class, () -> c.call(f32("a:2,b:4", new float[8]), f32("b:3", 1, 2, 3)));
        assertTrue(e.getMessage().contains("b") && e.getMessage().contains("4") && e.getMessage().contains("3"), e.getMessage());
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** A compiled program together with its source, so a test can compile it afresh. */
    record Program(Compiled compiled, String source) {
        // the interpreter explicitly: the API's default backend is the JVM one
        Circuit circuit(String name) throws CompileException { return circuit(name, Map.of(), 0); }

        Circuit circuit(String name, Map<String, Integer> sizes, long seed) throws CompileException {
            return compiled.circuit(name, sizes, seed, "interp");
        }

        Compiled compile() throws CompileException { return InterpreterSemanticsTest.compile(source).compiled; }
    }

    static Program compile(String source) throws CompileException {
        return new Program(Ncd.compile(Repo.root().resolve("tests/inline/semantics.ncd"), source), source);
    }

    /** The axis order of the (one) node of {@code op} in the circuit's graph: the layout the op's rule gives. */
    private static List<String> layoutOf(Circuit c, Op op) {
        List<Node> ns = c.graph().nodes().stream().filter(n -> n.op() == op).toList();
        assertEquals(1, ns.size(), "one " + op + " node in " + c.graph().name());
        return ns.get(0).type().axisNames();
    }

    /** A type from {@code "a:2,b:3"} ({@code ""} for a scalar). */
    static TensorType type(DType d, String axes) {
        List<Axis> list = new ArrayList<>();
        if (!axes.isBlank()) {
            for (String part : axes.split(",")) {
                String[] kv = part.trim().split(":");
                list.add(new Axis(kv[0].trim(), Integer.parseInt(kv[1].trim())));
            }
        }
        return new TensorType(d, list, Unit.NONE);
    }

    static Tensor f32(String axes, float... v) { return Tensor.of(type(DType.F32, axes), v); }

    static Tensor i32(String axes, int... v) { return Tensor.of(type(DType.I32, axes), v); }

    static Tensor bool(String axes, boolean... v) { return Tensor.of(type(DType.BOOL, axes), v); }

    /** x[m, n] = 10 m + n. */
    private static Tensor iotaGrid(int m, int n) {
        Tensor t = Tensor.zeros(type(DType.F32, "m:" + m + ",n:" + n));
        for (int i = 0; i < m * n; i++) t.set(i, 10 * (i / n) + i % n);
        return t;
    }

    private static Tensor drawn(String axes, java.util.function.IntToDoubleFunction f) {
        Tensor t = Tensor.zeros(type(DType.F32, axes));
        for (int i = 0; i < t.size(); i++) t.set(i, f.applyAsDouble(i));
        return t;
    }

    /** Same dtype, same axes by name and size, and every element equal (NaN equals NaN), axes matched by name. */
    static void assertTensor(Tensor expected, Tensor actual) {
        compare(expected, actual, 0);
    }

    /** Like {@link #assertTensor}, allowing a relative error of {@code rtol} (for values that went through a unit). */
    static void assertClose(Tensor expected, Tensor actual, double rtol) {
        compare(expected, actual, rtol);
    }

    private static void compare(Tensor expected, Tensor actual, double rtol) {
        TensorType et = expected.type(), at = actual.type();
        if (et.dtype() != at.dtype() || !et.axisNameSet().equals(at.axisNameSet()) || et.rank() != at.rank()) {
            fail("expected a tensor of type " + et + ", got " + at);
        }
        for (Axis a : et.axes()) assertEquals(a.size(), at.axis(a.name()).size(), "size of axis " + a.name() + " in " + at);
        Tensor laid = at.axisNames().equals(et.axisNames()) ? actual : actual.transposeTo(et.axisNames());
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i), a = laid.get(i);
            boolean same = e == a || (Double.isNaN(e) && Double.isNaN(a)) || (rtol > 0 && Math.abs(e - a) <= rtol * Math.max(1, Math.abs(e)));
            if (!same) {
                fail("element " + coords(et, i) + " of " + et + ": expected " + e + " but was " + a
                        + "\n  expected: " + values(expected) + "\n  actual:   " + values(laid));
            }
        }
    }

    private static String coords(TensorType t, int flat) {
        int[] c = new int[t.rank()];
        for (int d = t.rank() - 1; d >= 0; d--) {
            int s = t.axes().get(d).size();
            c[d] = flat % s;
            flat /= s;
        }
        StringBuilder sb = new StringBuilder("[");
        for (int d = 0; d < c.length; d++) sb.append(d > 0 ? ", " : "").append(t.axes().get(d).name()).append('=').append(c[d]);
        return sb.append(']').toString();
    }

    private static String values(Tensor t) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(t.size(), 64); i++) sb.append(i > 0 ? ", " : "").append(t.get(i));
        return sb.append(t.size() > 64 ? ", ...]" : "]").toString();
    }
}
