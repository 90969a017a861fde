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
 * lowers is printed the same; the others give the same diagnostics), and every file is formatted or opts out with a
 * reason. tests/fmt holds a golden pair.
 */
class FormatterTest {
    /**
     * Every .ncd file of the repository, as {@code ncdc fmt --check .} from its root finds them: build output
     * ({@code target/}) and hidden folders hold copies, not sources.
     */
    private static List<Path> files() {
        try (Stream<Path> s = Files.walk(Repo.root())) {
            return s.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".ncd"))
                    .filter(f -> {
                        for (Path part : Repo.root().relativize(f)) {
                            String n = part.toString();
                            if (n.equals("target") || n.equals("node_modules") || (n.startsWith(".") && n.length() > 1)) return false;
                        }
                        return true;
                    })
                    .sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test void theRepositoryHasItsNcdFiles() {
        List<String> names = files().stream().map(Repo::relative).toList();
        for (String must : List.of("examples/lif.ncd", "stdlib/std/nn.ncd", "tests/lit/errors/axes/axis_mismatch_in_add.ncd",
                "tests/fixtures/interop/ops.ncd", "tests/fmt/messy.ncd")) {
            assertTrue(names.contains(must), must + " is not among the files checked: " + names.size() + " found");
        }
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
     * Every .ncd file of the repository is in the canonical layout, as {@code ncdc fmt --check .} checks, or opts out
     * with a {@code // ncdc fmt: off} line among its opening comments and a reason: the files whose layout or syntax
     * error is what they test. The files people read and copy (examples, stdlib, benchmarks) never opt out, and a
     * file that parses opts out only when it is the formatter's own messy input.
     */
    @TestFactory
    Stream<DynamicTest> everyFileIsFormattedOrSaysWhyNot() {
        return files().stream().map(f -> DynamicTest.dynamicTest(Repo.relative(f), f.toUri(), () -> {
            String src = Files.readString(f);
            String name = Repo.relative(f);
            Diagnostics diags = new Diagnostics();
            Optional<String> formatted = Formatter.format(new SourceFile(f.toString(), src), diags);
            if (Formatter.optedOut(src)) {
                assertTrue(!name.startsWith("examples/") && !name.startsWith("stdlib/") && !name.startsWith("benchmarks/"),
                        name + " is shipped and must be formatted, not opt out");
                String line = src.lines().filter(l -> l.strip().startsWith(Formatter.OFF)).findFirst().orElseThrow();
                assertTrue(line.strip().length() > Formatter.OFF.length() + 3, name + ": say why the file opts out, after `" + Formatter.OFF + "`");
                assertTrue(formatted.isEmpty() || name.equals("tests/fmt/messy.ncd"),
                        name + " parses, so it can be formatted: run bin/ncdc fmt on it (and fix the positions its CHECK lines name) instead of opting out");
                return;
            }
            assertTrue(formatted.isPresent(), name + " does not parse: fix it, or opt out with a first line `" + Formatter.OFF
                    + " (why)` if the syntax error is what it tests\n" + diags.sorted());
            assertEquals(formatted.get(), src, name + " is not formatted: run bin/ncdc fmt " + name);
        }));
    }

    @Test void onlyTheOpeningCommentsCanOptOut() {
        assertTrue(Formatter.optedOut(Formatter.OFF + "\naxis a = 1\n"));
        assertTrue(Formatter.optedOut("// RUN: ncdc check %s\n\n" + Formatter.OFF + " (a syntax error is the point)\naxis a = 1\n"));
        assertTrue(!Formatter.optedOut("axis a = 1\n" + Formatter.OFF + "\n"), "after code it is an ordinary comment");
        assertTrue(!Formatter.optedOut("// ncdc fmt: offside rule\naxis a = 1\n"), "the word must be `off`");
        assertTrue(!Formatter.optedOut("/* " + Formatter.OFF + " */\naxis a = 1\n"));
    }

    /** Comments between two tokens of one line, a blank line after the header, and characters outside the BMP. */
    @Test void inlineCommentsAndEmojiStayWhereTheyAre() {
        String src = "// \uD83E\uDDE0 header\n\naxis a = 4\n\ncircuit f(x: f32[a]) /* \uD83D\uDE00 */ -> f32[a] {\n  return x  // \uD83D\uDE80 done\n}\n";
        String got = Formatter.format(new SourceFile("e.ncd", src), new Diagnostics()).orElseThrow();
        assertEquals(src, got);
        String messy = "// \uD83E\uDDE0 header\n\naxis a=4\n\ncircuit f(x:f32[a])   /* \uD83D\uDE00 */->f32[a]{\n  return x    // \uD83D\uDE80 done\n}\n";
        assertEquals(src, Formatter.format(new SourceFile("e.ncd", messy), new Diagnostics()).orElseThrow());
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
