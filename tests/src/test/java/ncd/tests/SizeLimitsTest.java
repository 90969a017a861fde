package ncd.tests;

import ncd.api.CompileException;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Sizes;
import ncd.ir.TensorType;
import ncd.runtime.Footprint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Circuits too large for the JVM are refused with E0807 before anything is allocated, by every way of running one
 * (the lit tests under tests/lit/run show the messages of `ncdc run` and `ncdc test`). Sizes here make the check fire
 * without allocating anything large: the point is that the error comes first.
 */
class SizeLimitsTest {
    /** 65536 x 65536 = 2^32 cells: more than one Java array holds. */
    private static final String GRID = """
            axis row = 65536, col = 65536

            circuit noise() -> bool[row, col] {
              return bernoulli[row, col, seed = 1](0.5)
            }
            """;

    /** A law too large to run (3 x 10^9 elements in one value), then one that holds. */
    private static final String LAWS = """
            axis b = 1_000_000_000

            law grows<A>(x: f32[A]): mean[b](expand[b](x)) == x within 1e-6

            law small(x: f32): x + 0 == x within 0
            """;

    @Test void testReportsATooLargeLawAndGoesOnWithTheOtherLawsAndFiles(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.ncd"), LAWS);
        Path b = Files.writeString(dir.resolve("b.ncd"), "law twice(x: f32): 2 * x == x + x within 0\n");
        Ncdc.Result r = Ncdc.run("test", "--trials", "2", a.toString(), b.toString());
        assertEquals(1, r.exit(), r.describe());
        assertFalse(r.internalError(), r.describe());
        assertTrue(r.out().contains("ERROR a: grows<A=3>: too large to run"), r.describe());
        assertTrue(r.out().contains("ok    a: small"), r.describe());
        assertTrue(r.out().contains("ok    b: twice"), r.describe());
        assertTrue(r.out().endsWith("2 passed, 0 failed, 1 errors\n"), r.describe());
        assertTrue(r.err().contains("error[E0807]: the result of `expand`: f32[b:1000000000, A:3] has 3000000000 elements"), r.describe());
    }

    @Test void everyCommandThatRunsACircuitRefusesItTheSameWay(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("grid.ncd"), GRID);
        Path jar = dir.resolve("grid.jar");
        String want = "error[E0807]: output out: bool[row:65536, col:65536] has 4294967296 elements (4.0 GiB), more than one array holds";
        for (List<String> args : List.of(
                List.of("run", f.toString()),
                List.of("run", f.toString(), "--backend", "interp"),
                List.of("bench", f.toString(), "--warmup", "0"),
                List.of("bench", f.toString(), "--warmup", "0", "--backend", "interp"),
                List.of("build", f.toString(), "-o", jar.toString()))) {
            Ncdc.Result r = Ncdc.run(args);
            assertEquals(1, r.exit(), r.describe());
            assertTrue(r.err().contains(want), args + ":\n" + r.describe());
            assertEquals("", r.out(), args + ": nothing ran\n" + r.describe());
        }
        assertFalse(Files.exists(jar), "no jar is written");
    }

    @Test void theJavaApiThrowsTheSameDiagnosticOnEveryBackend(@TempDir Path dir) throws Exception {
        Compiled prog = Ncd.compile(Files.writeString(dir.resolve("grid.ncd"), GRID));
        assertEquals(4294967296L, prog.graph("noise", Map.of()).outputs().get(0).node().type().elementCount(), "the graph itself is fine");
        for (String backend : List.of("jvm", "interp")) {
            CompileException e = assertThrows(CompileException.class, () -> prog.circuit("noise", Map.of(), 0, backend));
            assertEquals(1, e.diagnostics().size(), e.getMessage());
            assertEquals(DiagCode.E0807, e.diagnostics().get(0).code(), e.getMessage());
            assertTrue(e.getMessage().contains("output out: bool[row:65536, col:65536] has 4294967296 elements"), e.getMessage());
        }
    }

    @Test void theBytesOfAnInstanceAreCheckedAgainstTheBudget(@TempDir Path dir) throws Exception {
        // 1024 f64 parameters (8 KiB each way) and a state of 256 f32: small, so that the budget decides
        Compiled prog = Ncd.compile(Files.writeString(dir.resolve("small.ncd"), """
                axis n = 1024, m = 256

                circuit c(x: f32[m]) -> f64 {
                  param W: f64[n] ~ ones
                  state s: f32[m] = 0
                  next s = s + x
                  return sum[n](W) + f64(sum[m](s))
                }
                """));
        Graph g = prog.graph("c", Map.of());
        long need = Footprint.bytes(g, 0, Footprint.Layout.TYPED);
        assertTrue(need > 8192 + 2 * 1024 && need < 16384, need + " B: W, x (and the copy handed in), s and its next value");
        assertTrue(Footprint.check(g, 0, need, Footprint.Layout.TYPED, new Diagnostics()), "fits in " + need + " B");
        Diagnostics d = new Diagnostics();
        assertFalse(Footprint.check(g, 0, need - 1, Footprint.Layout.TYPED, d), "not in one byte less");
        assertEquals(1, d.all().size(), d.all().toString());
        String msg = d.all().get(0).message();
        assertEquals(DiagCode.E0807, d.all().get(0).code());
        assertTrue(msg.startsWith("circuit c needs ") && msg.contains("this JVM can allocate")
                && msg.endsWith("the largest tensor is parameter W: f64[n:1024] (8.0 KiB)"), msg);
        assertTrue(d.all().get(0).span().isKnown(), "it points at W's declaration");

        // the outputs of 1000 steps kept (ncdc run --out): one f64 each, and each stacked output checked for one array
        assertEquals(need + 999 * 8, Footprint.bytes(g, 1000, Footprint.Layout.TYPED));
        assertFalse(Footprint.check(g, 1000, need, Footprint.Layout.TYPED, new Diagnostics()));
        d = new Diagnostics();
        assertFalse(Footprint.check(g, 3_000_000_000L, Long.MAX_VALUE, Footprint.Layout.TYPED, d));
        assertTrue(d.all().get(0).message().startsWith("output out of c stacked over 3000000000 steps: f64[step:3000000000] has 3000000000 elements"),
                d.all().toString());
    }

    /** The interpreter holds every value of a step at once, as doubles: its instance is counted that way. */
    @Test void theInterpretersDoublesAreCounted(@TempDir Path dir) throws Exception {
        Compiled prog = Ncd.compile(Files.writeString(dir.resolve("chain.ncd"), """
                axis n = 1024

                circuit c(x: f32[n]) -> f32[n] {
                  let a = x * x
                  let b = a + x
                  return b * a
                }
                """));
        Graph g = prog.graph("c", Map.of());
        long typed = Footprint.bytes(g, 0, Footprint.Layout.TYPED), doubles = Footprint.bytes(g, 0, Footprint.Layout.ALL_DOUBLES);
        // x, a, b and the output kept at once, 8 bytes an element, and the input and output handed over as f32
        assertEquals(4 * 1024 * 8 + 2 * 1024 * 4, doubles);
        assertTrue(typed < doubles, typed + " B typed, " + doubles + " B as doubles");
        Diagnostics d = new Diagnostics();
        assertTrue(Footprint.check(g, 0, typed, Footprint.Layout.TYPED, new Diagnostics()));
        assertFalse(Footprint.check(g, 0, typed, Footprint.Layout.ALL_DOUBLES, d), "the interpreter needs more than the JVM backend");
        assertTrue(d.all().get(0).message().endsWith("as the interpreter's doubles)"), d.all().toString());
    }

    @Test void countsSaturateInsteadOfWrapping() {
        int big = Integer.MAX_VALUE;
        TensorType t = new TensorType(DType.F64, List.of(new Axis("a", big), new Axis("b", big), new Axis("c", big)), null);
        assertEquals(Long.MAX_VALUE, t.elementCount(), "(2^31-1)^3 passes a long");
        assertEquals(Long.MAX_VALUE, t.bytes());
        TensorType wraps = new TensorType(DType.F32, List.of(new Axis("a", 1 << 30), new Axis("b", 1 << 30), new Axis("c", 1 << 30)), null);
        assertEquals(Long.MAX_VALUE, wraps.elementCount(), "2^90 would wrap to 0");
        assertEquals(Long.MAX_VALUE, Sizes.plus(Long.MAX_VALUE, 1));
        assertEquals(6, Sizes.times(2, 3));
        assertThrows(IllegalArgumentException.class, t::arrayLength);
        assertThrows(IllegalArgumentException.class, () -> Sizes.arrayLength(Sizes.MAX_ARRAY + 1));
        assertEquals("64.0 GiB", Sizes.humanBytes(64L << 30));
    }
}
