package ncd.tests;

import ncd.diag.Diagnostics;
import ncd.diag.SourceFile;
import ncd.driver.Compilation;
import ncd.frontend.Program;
import ncd.frontend.parse.Formatter;
import ncd.grammar.NcdLexer;
import ncd.ir.Graph;
import ncd.ir.IrPrinter;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ncdc fmt} on every .ncd file of the repository: formatting is idempotent, changes whitespace only (the same
 * tokens and comments in the same order), and the program is the same program (the IR of every circuit and law that
 * lowers is printed the same; the others give the same diagnostics). tests/fmt holds a golden pair.
 */
class FormatterTest {
    private static List<Path> files() {
        List<Path> all = new ArrayList<>();
        for (String d : List.of("examples", "stdlib", "tests/lit", "tests/fmt", "benchmarks")) all.addAll(Repo.ncdFiles(Repo.root().resolve(d)));
        return all;
    }

    @TestFactory
    Stream<DynamicTest> formattingChangesOnlyWhitespaceAndIsIdempotent() {
        return files().stream().map(f -> DynamicTest.dynamicTest(Repo.relative(f), f.toUri(), () -> {
            String src = Files.readString(f);
            Diagnostics diags = new Diagnostics();
            Optional<String> once = Formatter.format(new SourceFile(f.toString(), src), diags);
            if (once.isEmpty()) {
                assertTrue(diags.hasErrors(), "refused without a diagnostic");   // a lit file with a syntax error
                return;
            }
            String twice = Formatter.format(new SourceFile(f.toString(), once.get()), new Diagnostics()).orElseThrow();
            assertEquals(once.get(), twice, "formatting the formatted text changes it again");
            assertEquals(tokens(src), tokens(once.get()), "tokens");
            assertEquals(src.replaceAll("\\s+", ""), once.get().replaceAll("\\s+", ""), "tokens and comments, in order");
            assertEquals(programs(f, src), programs(f, once.get()), "the IR of each circuit and law, or the diagnostics");
        }));
    }

    /**
     * The .ncd files people read and copy (examples, stdlib, benchmarks) are in the canonical layout, as
     * {@code ncdc fmt --check examples stdlib benchmarks} checks. The lit files are not: many are about malformed
     * or oddly spaced input, and their CHECK lines name columns.
     */
    @TestFactory
    Stream<DynamicTest> theShippedFilesAreFormatted() {
        List<Path> shipped = new ArrayList<>();
        for (String d : List.of("examples", "stdlib", "benchmarks")) shipped.addAll(Repo.ncdFiles(Repo.root().resolve(d)));
        return shipped.stream().map(f -> DynamicTest.dynamicTest(Repo.relative(f), f.toUri(), () -> {
            String src = Files.readString(f);
            String formatted = Formatter.format(new SourceFile(f.toString(), src), new Diagnostics()).orElseThrow();
            assertEquals(formatted, src, Repo.relative(f) + " is not formatted: run bin/ncdc fmt " + Repo.relative(f));
        }));
    }

    @Test void aMessyFileComesOutInTheCanonicalLayout() throws Exception {
        Path in = Repo.root().resolve("tests/fmt/messy.ncd"), want = Repo.root().resolve("tests/fmt/messy.formatted.txt");
        String got = Formatter.format(new SourceFile(in.toString(), Files.readString(in)), new Diagnostics()).orElseThrow();
        if (Repo.updateGolden()) Files.writeString(want, got);
        assertEquals(Files.readString(want), got);
    }

    private static List<String> tokens(String text) {
        NcdLexer lexer = new NcdLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        List<String> out = new ArrayList<>();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) out.add(t.getType() + ":" + t.getText());
        return out;
    }

    /** Each circuit's and law's printed IR, or the diagnostics (their codes and messages) when the file does not lower. */
    private static List<String> programs(Path f, String text) {
        Diagnostics diags = new Diagnostics();
        Compilation c = new Compilation(diags);
        Optional<Program> prog = c.load(f, text);
        List<String> out = new ArrayList<>();
        if (prog.isPresent()) {
            List<String> names = new ArrayList<>(prog.get().circuitNames());
            names.addAll(prog.get().lawNames());
            for (String n : names) {
                Optional<Graph> g = c.lower(prog.get(), n, Map.of());
                out.add(n + ": " + g.map(IrPrinter::print).orElse("(not lowered)"));
            }
        }
        // blank lines collapse, so line numbers inside messages may move; the rest must not
        diags.sorted().forEach(d -> out.add(d.code() + " " + d.message().replaceAll("line \\d+|:\\d+:\\d+", "LINE")));
        return out;
    }
}
