package ncd.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `ncdc check --diagram`: a shape error is drawn, up to the error, with the refused operation's inputs in red. */
class CheckDiagramTest {
    private static final String RED = "color=\"#d62728\"";

    @Test
    void anAxisMismatchIsDrawnWithTheOffendingWiresHighlighted(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("mismatch.ncd");
        Files.writeString(src, """
                axis N = 4, M = 3
                circuit f(x: f32[N], y: f32[M]) -> f32[N] {
                  let a = exp(x)
                  let b = a + y
                  return b * 2
                }
                """);
        Path out = dir.resolve("f.dot");
        Ncdc.Result r = Ncdc.run("check", src.toString(), "--diagram", out.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0301]"), r.describe());
        assertTrue(Files.exists(out), "no diagram written\n" + r.describe());
        String dot = Files.readString(out);
        assertTrue(dot.contains("E0301"), "the diagram does not name the error:\n" + dot);
        // the two operands of the refused `a + y`: y (an input) and exp(x), and nothing else, are red
        String y = line(dot, "label=\"y\""), exp = line(dot, "label=\"exp\""), x = line(dot, "label=\"x\"");
        assertTrue(y.contains(RED), y);
        assertTrue(exp.contains(RED), exp);
        assertFalse(x.contains(RED), x);
        assertFalse(dot.contains("label=\"×\""), "nothing after the error is drawn:\n" + dot);
    }

    @Test
    void aCleanFileWritesNoDiagram(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("ok.ncd");
        Files.writeString(src, "axis N = 4\ncircuit f(x: f32[N]) -> f32[N] { return exp(x) }\n");
        Path out = dir.resolve("f.svg");
        Ncdc.Result r = Ncdc.run("check", src.toString(), "--diagram", out.toString());
        assertEquals(0, r.exit(), r.describe());
        assertFalse(Files.exists(out));
    }

    private static String line(String dot, String needle) {
        for (String l : dot.split("\n")) if (l.contains(needle)) return l;
        throw new AssertionError("no line with " + needle + " in\n" + dot);
    }
}
