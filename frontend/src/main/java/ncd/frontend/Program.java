package ncd.frontend;

import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.frontend.resolve.ModuleScope;
import ncd.ir.Graph;
import ncd.ir.Node;

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

    /**
     * The root module's names and what it sees through its imports, as the checker resolved them: for editor tooling
     * (definitions, references, completion). Empty when the root module could not be read or parsed.
     */
    default Optional<ModuleScope> rootScope() { return Optional.empty(); }

    /**
     * The integrator the compiler chose for each state of the root module that has an equation ({@code dv/dt = ...}),
     * with why, in source order: {@code ncdc check --explain} prints them.
     */
    default List<Integrator> integrators() { return List.of(); }

    /** A state's integrator: {@code exact}, {@code exponential_euler}, {@code rk4}, {@code rk2} or {@code euler}. */
    record Integrator(SourceSpan span, String state, String method, String why) {}

    /**
     * For each synapses op of the root module's circuits whose axes all have sizes (lowered to find them), the
     * compiler's choices in words: storage stated or chosen, accumulation order, each with why; {@code ncdc check
     * --explain} prints them. Lowers on each call.
     */
    default List<SynapseNote> synapses() { return List.of(); }

    /** One synapses op's choices ({@link ncd.ir.SynapseExplain#line}), where the op is written. */
    record SynapseNote(SourceSpan span, String text) {}

    /** Circuits of the root module, in source order. */
    List<String> circuitNames();

    /** Laws of the root module, in source order. */
    List<String> lawNames();

    /** The root module's train declarations, checked, in source order; each is also a circuit of its name. */
    default List<TrainSpec> trains() { return List.of(); }

    /** Axes whose size the caller must give to lower {@code name} (generic and sized-later axes), in order. */
    List<String> unsizedAxes(String name);

    /**
     * The declaration of axis {@code name} that the root module sees (its own or an import's), else a sized-later
     * one of that name in any loaded module (a circuit imported from there may need its size); empty when none.
     */
    Optional<AxisDecl> axisDeclaration(String name);

    /** An axis declaration: its module, where it is, and its size ({@code null}: sized later, by the caller). */
    record AxisDecl(String module, SourceSpan span, Integer size) {}

    /**
     * Lowers a circuit or law of the root module. {@code axisSizes} sizes its generic and sized-later axes.
     * Returns empty when there were errors (they are in {@code diags}: E0801 for an unknown name, E0305 for a
     * missing size, and the size-dependent errors that only a known size reveals).
     */
    Optional<Graph> lower(String name, Map<String, Integer> axisSizes, Diagnostics diags);

    /** The root-module circuit or law whose declaration contains {@code span}, if any. */
    Optional<String> declarationAt(SourceSpan span);

    /**
     * Lowers as far as possible even when the program has errors, for drawing a circuit "up to the error": the
     * nodes built so far, and for each operation that its type rule refused, the nodes that fed it. Empty when
     * nothing could be built (an unknown name, a parse error).
     */
    Optional<Partial> lowerPartial(String name, Map<String, Integer> axisSizes);

    /** A graph lowered up to its errors. */
    record Partial(Graph graph, List<Refusal> refusals) {}

    /** An operation that was refused: where, why, and the nodes (already in the graph) that fed it. */
    record Refusal(SourceSpan span, String message, List<Node> inputs) {}
}
