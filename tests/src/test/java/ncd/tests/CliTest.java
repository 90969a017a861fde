package ncd.tests;

import ncd.runtime.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Driver behaviour that a single lit file cannot show: directories, several files, missing files. */
class CliTest {
    private static final String OK = "circuit id(x: f32) -> f32 { return x }\n";
    private static final String BAD = "circuit f(x: f32) -> f32 { return x + y }\n";

    @Test void checkWalksDirectoriesRecursively(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.ncd"), OK);
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/b.ncd"), OK.replace("id", "id2"));
        Files.writeString(dir.resolve("sub/notes.txt"), "not ncd");
        Ncdc.Result r = Ncdc.run("check", dir.toString());
        assertEquals(0, r.exit(), r.describe());
        assertEquals("ok: 2 files, 2 circuits, 0 laws\n", r.out(), r.describe());
    }

    @Test void jsonIsOneArrayForAllFiles(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.ncd"), BAD);
        Path b = Files.writeString(dir.resolve("b.ncd"), BAD);
        Ncdc.Result r = Ncdc.run("check", "--diagnostics=json", a.toString(), b.toString());
        assertEquals(1, r.exit(), r.describe());
        List<?> ds = (List<?>) Json.parse(r.out());
        assertEquals(2, ds.size(), r.describe());
        assertEquals(a.toString(), ((Map<?, ?>) ds.get(0)).get("file"), r.describe());
        assertEquals(b.toString(), ((Map<?, ?>) ds.get(1)).get("file"), r.describe());
    }

    @Test void cleanJsonCheckPrintsAnEmptyArray(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.ncd"), OK);
        Ncdc.Result r = Ncdc.run("check", "--diagnostics=json", a.toString());
        assertEquals(0, r.exit(), r.describe());
        assertEquals(List.of(), Json.parse(r.out()), r.describe());
    }

    @Test void aMissingFileIsE0802(@TempDir Path dir) {
        Ncdc.Result r = Ncdc.run("check", dir.resolve("nope.ncd").toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("E0802"), r.describe());
        assertEquals(1, Ncdc.run("ir", dir.resolve("nope.ncd").toString()).exit());
    }

    /**
     * A diagnostic on a 200,000-character line (generated or minified code) shows a window of about 120 columns
     * around the caret, each cut end marked with `…`, not the whole line.
     */
    @Test void aDiagnosticOnAHugeLineShowsAWindowAroundTheCaret(@TempDir Path dir) throws IOException {
        for (boolean atEnd : new boolean[] {false, true}) {
            StringBuilder line = new StringBuilder();
            int i = 0;
            int bad = -1;
            while (line.length() < 200_000) {
                if (bad < 0 && !atEnd && line.length() >= 100_000) {
                    bad = line.length() + "const c_bad = ".length();
                    line.append("const c_bad = missing; ");
                }
                line.append("const k").append(i++).append(" = 1; ");  // not c: c64 is a dtype
            }
            if (atEnd) {
                bad = line.length() + "const c_bad = ".length();
                line.append("const c_bad = missing");
            }
            Path f = Files.writeString(dir.resolve("long.ncd"), line + "\n" + OK);
            Ncdc.Result r = Ncdc.run("check", f.toString());
            assertEquals(1, r.exit(), r.describe().substring(0, Math.min(2000, r.describe().length())));
            assertTrue(r.err().length() < 1000, "the whole line was printed: " + r.err().length() + " chars");
            List<String> lines = r.err().lines().toList();
            assertEquals(f + ":1:" + (bad + 1) + ": error[E0201]: unknown name `missing`", lines.get(0));
            String src = lines.get(2).substring("1 | ".length());
            String caret = lines.get(3).substring("  | ".length());
            assertTrue(src.length() <= 120 && src.startsWith("\u2026"), src);
            assertEquals(!atEnd, src.endsWith("\u2026"), "cut at the end unless the error is near it: " + src);
            assertEquals("missing", src.substring(caret.indexOf('^'), caret.indexOf('^') + 7), src + "\n" + caret);
            assertEquals("^~~~~~~", caret.strip());
        }
    }

    @Test void irPrintsGraphsSeparatedByABlankLine(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("two.ncd"), OK + "circuit neg(x: f32) -> f32 { return -x }\n");
        Ncdc.Result r = Ncdc.run("ir", a.toString());
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().startsWith("circuit id {") && r.out().contains("}\n\ncircuit neg {"), r.describe());
    }
}
