package ncd.tests;

import ncd.grammar.NcdLexer;
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
 * Every keyword and dtype of the grammar, written as a segment of an import's module path (`import does.not.exist`),
 * is one E0101 that says so, wherever it stands in the path: the grammar lists the keywords a path may hold only to
 * say that, and a keyword missing from that list would get the parser's guess (expected `{`) instead.
 */
class ModulePathKeywordTest {
    /** The keywords a file's declarations begin with. */
    private static final List<String> DECLARATIONS = List.of("module", "import", "axis", "unit", "const", "circuit", "law", "expect");
    private static final String BODY = "\ncircuit id(x: f32) -> f32 { return x }\n";

    /** The grammar's keywords (its literal tokens that are words), and the dtypes. */
    static List<String> reserved() {
        List<String> words = new ArrayList<>(List.of("f32", "f64", "i32", "bool"));
        for (int t = 1; t <= NcdLexer.VOCABULARY.getMaxTokenType(); t++) {
            String lit = NcdLexer.VOCABULARY.getLiteralName(t);
            if (lit != null && lit.matches("'[a-z]+'")) words.add(lit.substring(1, lit.length() - 1));
        }
        return words;
    }

    @Test void everyKeywordAndDtypeInAModulePathIsOneClearError(@TempDir Path dir) throws IOException {
        List<String> words = reserved();
        assertTrue(words.containsAll(List.of("not", "in", "and", "circuit", "import", "module", "true", "f32")), words.toString());
        for (String w : words) {
            String what = List.of("f32", "f64", "i32", "bool").contains(w) ? "a dtype name" : "a keyword";
            for (String path : new String[] {"does." + w + ".exist", "std." + w, w + ".x"}) {
                Path f = Files.writeString(dir.resolve("m.ncd"), "import " + path + BODY);
                Ncdc.Result r = Ncdc.run("check", f.toString());
                assertEquals(1, r.exit(), r.describe());
                int col = "import ".length() + path.indexOf(w) + 1;
                assertEquals(f + ":1:" + col + ": error[E0101]: `" + w + "` is " + what + " and cannot be a module path segment",
                        r.err().lines().findFirst().orElse(""), path + "\n" + r.describe());
                assertTrue(r.err().contains("= hint: each segment of a module path is a name"), r.describe());
                // A keyword that begins a declaration (`import axis.x`) is a syntax error there, and the parser's
                // recovery may take it for the next declaration and stumble once more; after a `.` it is always one.
                if (path.startsWith(w) && DECLARATIONS.contains(w)) continue;
                assertTrue(r.err().endsWith("\n1 error\n"), "one error, no follow-up\n" + r.describe());
                assertFalse(r.err().contains("expected"), r.describe());
            }
        }
    }

    @Test void aKeywordInTheModuleLineIsTheSameError(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("m.ncd"), "module my.for.pkg" + BODY);
        Ncdc.Result r = Ncdc.run("check", f.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().startsWith(f + ":1:11: error[E0101]: `for` is a keyword and cannot be a module path segment\n"), r.describe());
    }

    @Test void anImportWithoutAPathSaysSo(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("m.ncd"), "import 3" + BODY);
        Ncdc.Result r = Ncdc.run("check", f.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().startsWith(f + ":1:8: error[E0101]: expected a module path after `import`, found number `3`\n"), r.describe());
        assertTrue(r.err().contains("= hint: a module path is names joined by `.`: `import std.nn`"), r.describe());
    }

    @Test void aKeywordAmongImportedNamesIsStillAName(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("m.ncd"), "import std.act.{softmax, not}" + BODY);
        Ncdc.Result r = Ncdc.run("check", f.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("`not` is a keyword and cannot be used as a name"), r.describe());
    }
}
