package ncd.cli;

import ncd.diag.Diagnostics;
import ncd.diagrams.SampleSizes;
import ncd.driver.Compilation;
import ncd.frontend.Program;
import ncd.ir.Graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Lowering a circuit or law to draw it when some of its generic or sized-later axes have no --axis size: with the
 * sizes {@link SampleSizes} proposes, in order, keeping the given ones; the first that lowers wins. {@code ncdc doc}
 * and {@code ncdc diagram} draw this way, where {@code run} and the other commands that compute need real sizes.
 */
final class SampleLowering {
    private SampleLowering() {}

    /**
     * The graph and the sizes it was lowered with; when no candidate lowers, an empty graph and the diagnostics of the
     * first try (the most distinct sizes), which say why. {@code compilation} is the one that lowered (or the first).
     */
    record Lowered(Optional<Graph> graph, Map<String, Integer> sizes, Diagnostics diagnostics, Compilation compilation) {}

    /** Lowers {@code name} of {@code prog}, each try on a compilation of its own made by {@code compilations}. */
    static Lowered lower(Program prog, String name, Map<String, Integer> given, Function<Diagnostics, Compilation> compilations) {
        Lowered first = null;
        for (Map<String, Integer> sizes : SampleSizes.candidates(prog.unsizedAxes(name), given)) {
            Diagnostics d = new Diagnostics();
            Compilation c = compilations.apply(d);
            Optional<Graph> g = c.lower(prog, name, sizes);
            Lowered tried = new Lowered(g, sizes, d, c);
            if (g.isPresent()) return tried;
            if (first == null) first = tried;
        }
        return first;
    }

    /** The axes of {@code name} that {@code given} does not size, in the program's order. */
    static List<String> unsized(Program prog, String name, Map<String, Integer> given) {
        List<String> missing = new ArrayList<>(prog.unsizedAxes(name));
        missing.removeAll(given.keySet());
        return missing;
    }
}
