package ncd.cli;

import ncd.diag.Diagnostics;
import ncd.frontend.Frontend;
import ncd.frontend.Program;
import ncd.ir.Cost;
import ncd.ir.Graph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ncdc bench}: its report, its usage errors, and the FLOP count it reports (never a speed). */
class BenchCommandTest {
    private static final String SRC = """
            axis i = 4, j = 3, k = 5
            circuit Dense(a: f32[i, k], b: f32[k, j]) -> f32[i] {
              return sum[j](tanh(a @[k] b))
            }
            """;

    @Test void reportsLatencyThroughputFlopsAndAllocation(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("dense.ncd"), SRC);
        for (String backend : new String[] {"jvm", "interp"}) {
            MainTest.Run r = MainTest.run("bench", f.toString(), "--backend", backend, "--warmup", "0", "--runs", "20");
            assertEquals(0, r.exit(), r.err());
            for (String line : new String[] {"Dense on " + backend, "compile:", "work: 144 FLOP per step", "latency per step: median",
                    "p10-p90", "min-max", "throughput:", "GFLOP/s:", "allocated:"}) {
                assertTrue(r.out().contains(line), line + " in\n" + r.out());
            }
        }
    }

    /**
     * Compile time by stage: the total with its four groups, then what each group is made of (the frontend's phases,
     * lowering and verifying, each pass, the JVM backend's parts). The structure only: times are never asserted.
     */
    @Test void reportsCompileTimeByStage(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("dense.ncd"), SRC);
        MainTest.Run r = MainTest.run("bench", f.toString(), "--warmup", "0", "--runs", "20");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().split("\n");
        String time = "[0-9.]+ (s|ms|us|ns)";
        assertTrue(lines[1].matches("  compile: " + time + " \\(frontend " + time + ", lowering " + time + ", passes " + time
                + ", backend " + time + "\\)"), lines[1]);
        assertTrue(lines[2].matches("    frontend: parse " + time + ", resolve " + time + ", check " + time), lines[2]);
        assertTrue(lines[3].matches("    lowering: lower Dense " + time + ", verify " + time), lines[3]);
        assertTrue(lines[4].matches("    passes: fold " + time + ", simplify " + time + ", cse " + time + ", dce " + time + ", hoist " + time
                + ", fuse " + time + ", plan-memory " + time + ", verify after passes " + time), lines[4]);
        assertTrue(lines[5].matches("    backend jvm: plan " + time + ", codegen \\([0-9]+ bytes\\) " + time + ", class load " + time
                + ", init \\(hoisted work, states\\) " + time), lines[5]);
        assertTrue(lines[6].startsWith("  work: "), lines[6]);
        // a backend that reports no parts has no line of its own; --timings prints the same parts under their stages
        MainTest.Run interp = MainTest.run("bench", f.toString(), "--backend", "interp", "--warmup", "0", "--runs", "20", "--timings");
        assertEquals(0, interp.exit(), interp.err());
        assertFalse(interp.out().contains("    backend interp:"), interp.out());
        assertTrue(interp.err().matches("(?s)timings:\n  frontend +[0-9.]+ ms\n    parse +[0-9.]+ ms\n    resolve +[0-9.]+ ms\n"
                + "    check +[0-9.]+ ms\n  lower Dense .*"), interp.err());
    }

    @Test void badOptionsAreUsageErrors(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("dense.ncd"), SRC);
        assertEquals(Main.USAGE, MainTest.run("bench", f.toString(), "--runs", "5").exit());
        assertEquals(Main.USAGE, MainTest.run("bench", f.toString(), "--backend", "nope").exit());
        assertEquals(Main.USER_ERROR, MainTest.run("bench", dir.resolve("missing.ncd").toString()).exit());
    }

    /** A gather index out of range at the third step is the program's error E0806, as in `ncdc run`, not an internal one. */
    @Test void aDataErrorAtRunTimeIsE0806OnEveryBackend(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("lookup.ncd"), """
                axis s = 2, V = 4, d = 3
                circuit Lookup() -> f32[s, d] {
                  const table = expand[d](f32(iota[V]()))
                  state k: i32 = 0
                  next k = k + 1
                  return gather[V](table, expand[s](k + 2))
                }
                """);
        String want = "error[E0806]: at step 2: gather: index 4 is out of range for axis V of size 4\n1 error\n";
        assertEquals(want, MainTest.run("run", f.toString(), "--steps", "5").err());
        for (String backend : new String[] {"jvm", "interp"}) {
            for (String loop : new String[] {"--loop", "--seed=0"}) {
                MainTest.Run r = MainTest.run("bench", f.toString(), "--backend", backend, "--warmup", "0", "--runs", "20", loop);
                assertEquals(Main.USER_ERROR, r.exit(), backend + " " + loop + ": " + r.err());
                assertEquals(want, r.err(), backend + " " + loop);
                // each phase is printed as it completes: compilation did, the warm-up did not
                assertTrue(r.out().contains("  compile: ") && r.out().contains("  work: "), r.out());
                assertFalse(r.out().contains("warm-up") || r.out().contains("latency"), "no report of the phases that failed\n" + r.out());
            }
        }
    }

    /** 2 * 4 * 3 * 5 for the contraction, 12 for tanh, 12 for the sum over j. */
    @Test void flopsCountMultiplyAddsTwiceAndElementsOnce(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("dense.ncd"), SRC);
        Diagnostics d = new Diagnostics();
        Program p = Frontend.load(f, d);
        Graph g = p.lower("Dense", Map.of(), d).orElseThrow();
        assertEquals(120 + 12 + 12, Cost.step(g).flops());
    }

    @Test void quantilesInterpolate() {
        double[] xs = {1, 2, 3, 4, 5};
        assertEquals(3, BenchCommand.quantile(xs, 0.5));
        assertEquals(1.4, BenchCommand.quantile(xs, 0.1), 1e-12);
        assertEquals(5, BenchCommand.quantile(xs, 1.0));
    }
}
