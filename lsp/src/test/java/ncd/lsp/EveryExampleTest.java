package ncd.lsp;

import ncd.diag.SourceFile;
import ncd.grammar.NcdLexer;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.eclipse.lsp4j.Location;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's view of every example and stdlib module (the analysis each request reads, without the protocol):
 * it checks clean, as {@code ncdc check} does; every name it indexes is an identifier token of the file; every
 * declaration it points to holds that name; each name is among the references of what it means; hover and the outline
 * answer; and every identifier that is a name the file declares or sees is indexed where it is written (a walk that
 * missed a kind of expression, such as an axis given to {@code size(neuron)}, shows here).
 */
class EveryExampleTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TestFactory Stream<DynamicTest> everyExampleAndStdlibModule() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("examples", "stdlib/std")) {
            try (Stream<Path> s = Files.list(ROOT.resolve(dir))) {
                s.filter(p -> p.toString().endsWith(".ncd")).sorted().forEach(files::add);
            }
        }
        assertFalse(files.isEmpty(), "no .ncd files under " + ROOT);
        return files.stream().map(f -> DynamicTest.dynamicTest(ROOT.relativize(f).toString(), () -> check(f)));
    }

    private static void check(Path file) throws IOException {
        String text = Files.readString(file);
        Analysis a = Analysis.check(0, 1, file, text);
        assertEquals(List.of(), a.diagnostics(), "checks clean");
        assertNotNull(a.names(), "parsed");
        Map<SourceFile, Positions> cache = Analysis.newCache();
        List<Integer> identifiers = new ArrayList<>();
        NcdLexer lexer = new NcdLexer(CharStreams.fromString(text));
        for (Token t : lexer.getAllTokens()) {
            if (t.getType() != NcdLexer.ID) continue;
            identifiers.add(t.getStartIndex());
            // an equation's dv/dt: the state's name starts after the d of its token
            if (t.getText().startsWith("d") && text.startsWith("/dt", t.getStopIndex() + 1)) identifiers.add(t.getStartIndex() + 1);
        }
        int indexed = 0;
        for (Occurrences.Occurrence o : a.names().all()) {
            assertTrue(identifiers.contains(o.start()), "an indexed name starts a token (or follows the d of dv/dt): " + o);
            Occurrences.Declaration d = o.declaration();
            String written = d.at().file().text().codePoints().skip(d.at().start()).limit(d.at().end() - d.at().start())
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
            assertEquals(d.name(), written, "the declaration of " + o + " holds its name");
            Location l = Locations.of(d.at(), a, cache);
            assertNotNull(l, "a location for " + d);
            assertTrue(a.names().of(d).contains(o), o + " is among the references of " + d);
            assertNotNull(Assist.hover(a, a.positions().position(o.start())), "a hover on " + o);
            indexed++;
        }
        // a name the file declares or sees is indexed wherever it is written (outside the module line, imports and train settings)
        ncd.frontend.resolve.ModuleScope scope = a.scope().orElseThrow();
        java.util.Set<String> known = new java.util.HashSet<>(scope.visibleValues());
        known.addAll(scope.visibleAxes());
        known.addAll(scope.visibleUnits());
        a.names().all().forEach(o -> known.add(o.declaration().name()));
        List<int[]> skipped = new ArrayList<>();
        if (scope.ast().name() != null) for (ncd.frontend.ast.Name n : scope.ast().name()) skipped.add(new int[] {n.span().start(), n.span().end()});
        for (ncd.frontend.ast.Module.Import imp : scope.ast().imports()) skipped.add(new int[] {imp.span().start(), imp.span().end()});
        for (ncd.frontend.ast.Decl d : scope.ast().decls()) {
            if (d instanceof ncd.frontend.ast.Decl.Train t) skipped.add(new int[] {t.objective().span().end(), t.span().end()});
        }
        lexer = new NcdLexer(CharStreams.fromString(text));
        for (Token t : lexer.getAllTokens()) {
            if (t.getType() != NcdLexer.ID || !known.contains(t.getText())) continue;
            int at = t.getStartIndex();
            if (skipped.stream().anyMatch(r -> r[0] <= at && at < r[1])) continue;
            assertTrue(a.names().at(at).filter(o -> o.start() == at).isPresent(),
                    "`" + t.getText() + "` at " + t.getLine() + ":" + (t.getCharPositionInLine() + 1) + " is indexed");
        }
        assertTrue(indexed > 0, "names indexed");
        assertFalse(Symbols.of(a).isEmpty(), "an outline");
    }
}
