package ncd.tests;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --axis NAME=SIZE} is never silently ignored: in every command that takes it, an axis the program already
 * sizes, or one that nothing the command lowers takes, is a usage error (exit 2, E0803) that says which axis, where
 * it is declared and with what size, and what --axis could size instead. Over several circuits or files, an axis
 * that one of them takes is fine.
 */
class AxisOptionTest {
    private static final String SOURCE = """
            axis row = 4, col = 3
            axis batch
            circuit twice(x: f32[row, col]) -> f32[row, col] { return x * 2 }
            circuit batched(x: f32[batch, col]) -> f32[batch, col] { return x * 2 }
            circuit softmax<A>(x: f32[A]) -> f32[A] {
              let e = exp(x - max[A](x))
              return e / sum[A](e)
            }
            law sums_to_one<A>(x: f32[A]): sum[A](softmax<A>(x)) == 1 within 1e-5
            """;

    @TempDir Path dir;
    private Path file;

    @BeforeEach void setUp() throws IOException {
        file = Files.writeString(dir.resolve("c.ncd"), SOURCE);
    }

    /** The commands that lower one circuit, with what each needs besides FILE, --circuit twice and --axis. */
    private List<List<String>> oneCircuit() {
        return List.of(List.of("run"), List.of("ir"), List.of("build", "-o", dir.resolve("c.jar").toString()), List.of("bench"),
                List.of("diagram"));
    }

    @Test void anAxisTheProgramSizesIsAnErrorInEveryCommand() {
        for (List<String> cmd : oneCircuit()) {
            Ncdc.Result r = ncdc(cmd, "--circuit", "twice", "--axis", "row=8");
            expectUsage(r, "--axis row=8: axis row already has a size, 4, declared here");
            assertTrue(r.err().contains(file + ":1:6:"), "points at the declaration\n" + r.describe());
            assertTrue(r.err().contains("hint: drop --axis row=8"), r.describe());
        }
        // the same size as declared sizes nothing either
        expectUsage(ncdc(List.of("run"), "--circuit", "twice", "--axis", "col=3"), "axis col already has a size, 3");
        assertFalse(Files.exists(dir.resolve("c.jar")), "build wrote nothing");
    }

    @Test void anAxisTheCircuitDoesNotTakeIsAnErrorInEveryCommand() {
        for (List<String> cmd : oneCircuit()) {
            Ncdc.Result r = ncdc(cmd, "--circuit", "twice", "--axis", "nope=8");
            expectUsage(r, "--axis nope=8: twice has no axis nope");
            assertTrue(r.err().contains("hint: twice needs no --axis: all its axes have sizes"), r.describe());
            // a sized-later axis of the module that this circuit does not use
            expectUsage(ncdc(cmd, "--circuit", "twice", "--axis", "batch=2"), "--axis batch=2: twice does not use axis batch");
        }
        Ncdc.Result r = ncdc(List.of("run"), "--circuit", "softmax", "--axis", "A=5,B=2");
        expectUsage(r, "--axis B=2: softmax has no axis B");
        assertTrue(r.err().contains("hint: softmax takes --axis for: A"), r.describe());
    }

    @Test void theAxesACircuitTakesAreFine() {
        Ncdc.Result r = ncdc(List.of("run"), "--circuit", "batched", "--axis", "batch=2");
        assertEquals(0, r.exit(), r.describe());
        Ncdc.Result s = ncdc(List.of("ir"), "--circuit", "softmax", "--axis", "A=5");
        assertEquals(0, s.exit(), s.describe());
    }

    @Test void overSeveralCircuitsAnAxisOneTakesIsFine() {
        // ir without --circuit lowers every circuit and law: batch is batched's, A softmax's
        Ncdc.Result ok = ncdc(List.of("ir"), "--axis", "batch=2,A=5");
        assertEquals(0, ok.exit(), ok.describe());
        Ncdc.Result r = ncdc(List.of("ir"), "--axis", "batch=2,nope=3");
        expectUsage(r, "--axis nope=3: none of the 4 circuits or laws has an axis nope");
        assertTrue(r.err().contains("hint: they take --axis for: batch, A"), r.describe());
        expectUsage(ncdc(List.of("ir"), "--axis", "row=5"), "axis row already has a size, 4");
    }

    @Test void testOverSeveralFilesNeedsOneLawToTakeTheAxis() throws IOException {
        Path other = Files.writeString(dir.resolve("other.ncd"), """
                axis A = 4
                law doubles(x: f32[A]): x + x == 2 * x within 0
                """);
        // A is sized in other.ncd, but the law of c.ncd takes it
        Ncdc.Result ok = Ncdc.run("test", file.toString(), other.toString(), "--axis", "A=6");
        assertEquals(0, ok.exit(), ok.describe());
        assertTrue(ok.out().contains("sums_to_one<A=6>"), ok.describe());
        expectUsage(Ncdc.run("test", file.toString(), other.toString(), "--axis", "Z=6"), "--axis Z=6: none of the 2 laws has an axis Z");
        // in other.ncd alone, A has a size
        Ncdc.Result sized = Ncdc.run("test", other.toString(), "--axis", "A=6");
        expectUsage(sized, "--axis A=6: axis A already has a size, 4, declared here");
        assertTrue(sized.err().contains(other + ":1:6:"), sized.describe());
    }

    @Test void docRefusesAnAxisNoCircuitTakesBeforeWritingAnything() {
        Path site = dir.resolve("site");
        expectUsage(Ncdc.run("doc", file.toString(), "-o", site.toString(), "--axis", "nope=2"), "--axis nope=2: none of the 4 circuits or laws has an axis nope");
        assertFalse(Files.exists(site));
    }

    @Test void aSizedLaterAxisOfAnImportedModuleIsLetThrough() throws IOException {
        Files.writeString(dir.resolve("lib.ncd"), """
                module lib
                axis batch
                circuit double(x: f32[batch]) -> f32[batch] { return 2 * x }
                """);
        Path main = Files.writeString(dir.resolve("main.ncd"), """
                import lib
                circuit M(x: f32[batch]) -> f32[batch] { return double(x) }
                """);
        Ncdc.Result r = Ncdc.run("run", main.toString(), "--axis", "batch=3");
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("f32[batch:3]"), r.describe());
    }

    /** {@code ncdc CMD FILE ARGS...}. */
    private Ncdc.Result ncdc(List<String> cmd, String... args) {
        List<String> all = new ArrayList<>(List.of(cmd.get(0), file.toString()));
        all.addAll(cmd.subList(1, cmd.size()));
        all.addAll(List.of(args));
        return Ncdc.run(all);
    }

    private static void expectUsage(Ncdc.Result r, String text) {
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0803]"), r.describe());
        assertTrue(r.err().contains(text), "expected `" + text + "`\n" + r.describe());
        assertFalse(r.err().contains("\tat ") || r.err().contains("internal error"), r.describe());
    }
}
