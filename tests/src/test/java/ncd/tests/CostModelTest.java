package ncd.tests;

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
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one cost model (ncd.ir.Cost, docs/ir.md) on a real circuit, and the two places that report it. */
class CostModelTest {
    private static final Path LIFE = Repo.root().resolve("examples/life.ncd");

    /**
     * One step of the Life glider on a 16x16 board (256 cells) needs, from the board (bool), std.life's life_step:
     * <pre>
     *   node                          FLOPs               bytes (bool 1, i32 4)
     *   window 3x3, wrap              0                   write 2304          + read 256          =  2,560
     *   i32(hood)                     0 (a cast)          write 2304 * 4      + read 2304         = 11,520
     *   sum[dr, dc]                   2304 (its input)    write 256 * 4       + read 2304 * 4     = 10,240
     *   i32(x)                        0 (a cast)          write 256 * 4       + read 256          =  1,280
     *   n = sum - i32(x)              256                 write 1024          + read 1024 + 1024  =  3,072
     *   n == 3                        256                 write 256           + read 1024 + 4     =  1,284
     *   n == 2                        256                 write 256           + read 1024 + 4     =  1,284
     *   x and (n == 2)                256                 write 256           + read 256 + 256    =    768
     *   (n == 3) or (...)             256                 write 256           + read 256 + 256    =    768
     *   total                         2304 + 5 * 256 = 3,584                                        32,776
     * </pre>
     * The board's initial value (the glider: 11 comparisons and logic ops over the board, 2,816 operations) is
     * computed once at reset, not in a step, so it is not counted: counting it and the casts as one FLOP per element
     * was how the doc site once said 8,960 where `ncdc bench` said 3.58 k.
     */
    @Test void theGliderStepCostsWhatTheHandCountSays() {
        assertEquals(new Cost(3584, 32_776), Cost.step(glider()));
    }

    /** `ncdc bench` and `ncdc doc` report the same FLOPs for one step of the glider: the cost model's. */
    @Test void benchAndDocReportTheSameCount(@TempDir Path dir) throws IOException {
        long flops = Cost.step(glider()).flops();

        Ncdc.Result bench = Ncdc.run("bench", LIFE.toString(), "--circuit", "Glider", "--backend", "interp", "--warmup", "0", "--runs", "20");
        assertEquals(0, bench.exit(), bench.describe());
        assertEquals(String.format(Locale.ROOT, "%.3g kFLOP", flops / 1e3), find("work: (.+) per step", bench.out()), bench.describe());

        Ncdc.Result doc = Ncdc.run("doc", LIFE.toString(), "-o", dir.toString());
        assertEquals(0, doc.exit(), doc.describe());
        String page = Files.readString(dir.resolve("examples.life/Glider.html"));
        assertEquals(String.valueOf(flops), find("<dt>FLOPs</dt><dd>([^<]+)</dd>", page));
        String index = Files.readString(dir.resolve("examples.life.html"));
        assertTrue(index.contains(flops + " FLOPs per call"), "the module page lists the glider's count");
    }

    private static Graph glider() {
        Diagnostics d = new Diagnostics();
        Program p = Frontend.load(LIFE, d);
        return p.lower("Glider", Map.of(), d).orElseThrow(() -> new AssertionError(d.sorted().toString()));
    }

    private static String find(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), () -> "no " + regex + " in\n" + text);
        return m.group(1);
    }
}
