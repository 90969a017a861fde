package ncd.tests;

import ncd.diag.Diagnostics;
import ncd.diagrams.DotRoundTrip;
import ncd.diagrams.DotWriter;
import ncd.diagrams.SampleSizes;
import ncd.frontend.Frontend;
import ncd.frontend.Program;
import ncd.ir.Graph;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The picture shows what runs: for every circuit and law of every stdlib module and example, the diagram drawn
 * from its IR is parsed back and compared with the IR ({@link DotRoundTrip}): every node, every wire, every axis of
 * every wire, every output and state. Drawn fully expanded and with sub-circuits collapsed at depths 0 and 1, and
 * twice, to see that the same graph gives the same bytes. Generic and sized-later axes get small distinct sizes
 * (2, 3, 4, ...), with one pair equal where a circuit needs that (self-attention renames seq to key).
 */
class DiagramRoundTripTest {

    @TestFactory
    Stream<DynamicTest> everyShippedCircuitRoundTrips() {
        List<Path> files = Repo.stdlibAndExamples();
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            Diagnostics diags = new Diagnostics();
            Program prog = Frontend.load(f, diags);
            assertNotNull(prog, () -> Repo.relative(f) + " does not load: " + diags.sorted());
            List<String> names = new ArrayList<>(prog.circuitNames());
            names.addAll(prog.lawNames());
            for (String n : names) {
                tests.add(DynamicTest.dynamicTest(Repo.relative(f) + " " + n, f.toUri(), () -> roundTrip(prog, f, n)));
            }
        }
        assertTrue(tests.size() >= 20, "expected the stdlib and examples to have at least 20 circuits and laws, found " + tests.size());
        return tests.stream();
    }

    static void roundTrip(Program prog, Path file, String name) {
        Graph g = lower(prog, name).orElseGet(() -> fail(Repo.relative(file) + ": " + name + " does not lower with small sizes"));
        List<DotWriter.Options> options = new ArrayList<>(List.of(DotWriter.Options.defaults(), DotWriter.Options.defaults().withDepth(0),
                DotWriter.Options.defaults().withDepth(1), DotWriter.Options.defaults().withFoldConstants(false)));
        // the views of the doc site and --split: the top level with one call opened, its calls boxed
        java.util.Set<String> scopes = new java.util.TreeSet<>();
        for (ncd.ir.Node n : g.nodes()) if (!n.scope().isEmpty()) scopes.add(n.scope());
        for (String s : scopes) options.add(DotWriter.Options.defaults().withDepth(0).withOpen(s).withLink(x -> x + ".svg"));
        for (DotWriter.Options o : options) {
            String dot = DotWriter.write(g, o);
            DotRoundTrip.Result r = DotRoundTrip.check(g, dot);
            assertTrue(r.ok(), () -> Repo.relative(file) + " " + name + " at depth " + o.depth() + " open " + o.open() + (o.foldConstants() ? "" : " unfolded") + ": " + r + "\n" + dot);
            assertEquals(dot, DotWriter.write(g, o), "the same graph must give the same DOT");
            assertEquals(g.nodes().size(), r.nodes());
        }
    }

    /** Lowers with the first of {@link SampleSizes#candidates} that works: distinct sizes where the circuit allows. */
    static Optional<Graph> lower(Program prog, String name) {
        for (Map<String, Integer> sizes : SampleSizes.candidates(prog.unsizedAxes(name), Map.of())) {
            Optional<Graph> g = prog.lower(name, sizes, new Diagnostics());
            if (g.isPresent()) return g;
        }
        return Optional.empty();
    }
}
