package ncd.cli;

import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.ir.Graph;
import picocli.CommandLine.Option;

import java.util.Optional;

/** {@code --grad LOSS [--unroll T]}: show the gradient circuit instead of the circuit (docs/autodiff.md). */
final class GradOptions {
    @Option(names = "--grad", paramLabel = "LOSS",
            description = "The gradient circuit of the scalar output LOSS: the circuit's outputs and grad.PARAM for each float parameter (reverse-mode autodiff).")
    String loss;

    @Option(names = "--unroll", paramLabel = "T", defaultValue = "0",
            description = "With --grad, for a circuit with state: differentiate through T steps (backpropagation through time; LOSS summed over the steps).")
    int steps;

    /** {@code lowered} itself without {@code --grad}, else its gradient circuit; empty after errors in {@code diags}. */
    Optional<Graph> apply(Optional<Graph> lowered, CommonOptions common, Diagnostics diags) {
        if (loss == null || lowered.isEmpty()) return lowered;
        return common.compilation(diags).gradient(lowered.get(), loss, steps);
    }
}
