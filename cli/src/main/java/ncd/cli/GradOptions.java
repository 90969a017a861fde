package ncd.cli;

import ncd.driver.Compilation;
import ncd.ir.Graph;
import picocli.CommandLine.Option;

import java.util.Optional;

/** {@code --grad LOSS [--unroll T]}: the gradient circuit instead of the circuit (docs/autodiff.md): shown, drawn, run or timed. */
final class GradOptions {
    @Option(names = "--grad", paramLabel = "LOSS",
            description = "The gradient circuit of the scalar output LOSS: the circuit's outputs and grad.PARAM for each float parameter (reverse-mode autodiff).")
    String loss;

    @Option(names = "--unroll", paramLabel = "T", defaultValue = "0",
            description = "With --grad, for a circuit with state: differentiate through T steps (backpropagation through time; LOSS summed over the steps).")
    int steps;

    /** {@code lowered} itself without {@code --grad}, else its gradient circuit; empty after errors in {@code c}'s sink. */
    Optional<Graph> apply(Optional<Graph> lowered, Compilation c) {
        if (loss == null || lowered.isEmpty()) return lowered;
        return c.gradient(lowered.get(), loss, steps);
    }
}
