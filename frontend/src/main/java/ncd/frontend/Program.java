package ncd.frontend;

import ncd.diag.Diagnostics;
import ncd.ir.Graph;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A checked program: the root module and everything it imports. Lowering picks one circuit or law of the root
 * module and expands it into a monomorphic IR graph.
 */
public interface Program {
    /** The root module's name (its declared module name, or the file name without .ncd). */
    String moduleName();

    /** Circuits of the root module, in source order. */
    List<String> circuitNames();

    /** Laws of the root module, in source order. */
    List<String> lawNames();

    /** Axes whose size the caller must give to lower {@code name} (generic and sized-later axes), in order. */
    List<String> unsizedAxes(String name);

    /**
     * Lowers a circuit or law of the root module. {@code axisSizes} sizes its generic and sized-later axes.
     * Returns empty when there were errors (they are in {@code diags}: E0801 for an unknown name, E0305 for a
     * missing size, and the size-dependent errors that only a known size reveals).
     */
    Optional<Graph> lower(String name, Map<String, Integer> axisSizes, Diagnostics diags);
}
