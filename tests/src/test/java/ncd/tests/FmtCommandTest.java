package ncd.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ncdc fmt} as a user runs it: rewrite in place, --check for CI, --stdout, and a file it cannot parse left alone. */
class FmtCommandTest {
    @TempDir Path dir;

    private static final String MESSY = "axis i=4\ncircuit Double( x:f32[i] )->f32[i]{\nreturn x*2   // twice\n}\n";
    private static final String TIDY = "axis i = 4\ncircuit Double(x: f32[i]) -> f32[i] {\n  return x * 2  // twice\n}\n";

    @Test void rewritesInPlaceAndThenHasNothingToDo() throws Exception {
        Path f = Files.writeString(dir.resolve("m.ncd"), MESSY);
        Ncdc.Result r = Ncdc.run("fmt", dir.toString());
        assertEquals(0, r.exit(), r.describe());
        assertEquals(TIDY, Files.readString(f));
        assertTrue(r.out().contains("formatted 1 file, 1 changed"), r.describe());
        Ncdc.Result again = Ncdc.run("fmt", "--check", f.toString());
        assertEquals(0, again.exit(), again.describe());
        assertTrue(again.out().contains("ok: 1 file formatted"), again.describe());
    }

    @Test void checkListsWhatWouldChangeWritesNothingAndFails() throws Exception {
        Path f = Files.writeString(dir.resolve("m.ncd"), MESSY);
        Ncdc.Result r = Ncdc.run("fmt", "--check", f.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.out().contains("not formatted: " + f), r.describe());
        assertEquals(MESSY, Files.readString(f));
    }

    @Test void stdoutPrintsTheFormattedText() throws Exception {
        Path f = Files.writeString(dir.resolve("m.ncd"), MESSY);
        Ncdc.Result r = Ncdc.run("fmt", "--stdout", f.toString());
        assertEquals(0, r.exit(), r.describe());
        assertEquals(TIDY, r.out());
        assertEquals(MESSY, Files.readString(f));
    }

    @Test void aFileWithASyntaxErrorIsReportedAndLeftAsItIs() throws Exception {
        String broken = "circuit f(x: f32) -> f32 {\n  return x +\n";
        Path f = Files.writeString(dir.resolve("b.ncd"), broken);
        Ncdc.Result r = Ncdc.run("fmt", f.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0101]") && r.err().contains("b.ncd:"), r.describe());
        assertEquals(broken, Files.readString(f));
    }

    @Test void usageErrorsAreExitCode2() throws Exception {
        Path f = Files.writeString(dir.resolve("m.ncd"), MESSY);
        assertEquals(2, Ncdc.run("fmt", "--check", "--stdout", f.toString()).exit());
        assertEquals(2, Ncdc.run("fmt").exit(), "a path is required");
        assertEquals(1, Ncdc.run("fmt", dir.resolve("missing.ncd").toString()).exit());
    }

    @Test void checkFailsOnAFileThatDoesNotParseWithTheSyntaxDiagnostic() throws Exception {
        String broken = "circuit f(x: f32) -> f32 {\n  return x $ 2\n}\n";
        Path f = Files.writeString(dir.resolve("b.ncd"), broken);
        Ncdc.Result r = Ncdc.run("fmt", "--check", f.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("b.ncd:2:12: error[E0102]"), r.describe());
    }

    @Test void aFileThatOptsOutIsLeftAsItIsParsedOrNot() throws Exception {
        String broken = "// ncdc fmt: off (the syntax error is the point)\ncircuit f(x: f32) -> f32 {\n  return x $ 2\n}\n";
        String spaced = "// RUN: ncdc check %s\n// ncdc fmt: off (the spacing is the point)\naxis i=4\n";
        Path b = Files.writeString(dir.resolve("b.ncd"), broken), s = Files.writeString(dir.resolve("s.ncd"), spaced);
        Files.writeString(dir.resolve("m.ncd"), TIDY);
        Ncdc.Result r = Ncdc.run("fmt", "--check", dir.toString());
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("ok: 1 file formatted; 2 files left as they are (// ncdc fmt: off)"), r.describe());
        Ncdc.Result w = Ncdc.run("fmt", "--verbose", dir.toString());
        assertEquals(0, w.exit(), w.describe());
        assertTrue(w.out().contains("left as it is (// ncdc fmt: off): " + s), w.describe());
        assertEquals(broken, Files.readString(b));
        assertEquals(spaced, Files.readString(s));
        Ncdc.Result out = Ncdc.run("fmt", "--stdout", s.toString());
        assertEquals(spaced, out.out(), "--stdout prints an opted-out file as it is");
    }

    /** The "done when": {@code ncdc fmt --check .} from the repository root passes. */
    @Test void theRepositoryIsFormatted() {
        Ncdc.Result r = Ncdc.run("fmt", "--check", Repo.root().toString());
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("ok: "), r.describe());
    }
}
