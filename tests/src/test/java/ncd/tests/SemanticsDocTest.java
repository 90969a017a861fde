package ncd.tests;

import ncd.ir.Attr;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/semantics.md defines every elementwise function the IR has: a new {@link Attr.UnaryFn} needs its row there. */
class SemanticsDocTest {
    @Test void everyUnaryFunctionHasARow() throws IOException {
        String doc = Files.readString(Repo.root().resolve("docs/semantics.md"));
        int start = doc.indexOf("## Elementwise functions"), end = doc.indexOf("\n## ", start + 1);
        assertTrue(start >= 0 && end > start, "docs/semantics.md has a section `## Elementwise functions`");
        String table = doc.substring(start, end);
        for (Attr.UnaryFn f : Attr.UnaryFn.values()) {
            String word = "`" + f.word() + "`";
            assertTrue(table.lines().anyMatch(l -> l.startsWith("| ") && l.split("\\|")[1].contains(word)),
                    "docs/semantics.md, Elementwise functions, has no row for " + word);
        }
    }
}
