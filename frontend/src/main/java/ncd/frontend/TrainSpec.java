package ncd.frontend;

import ncd.diag.SourceSpan;

import java.util.List;

/**
 * A checked {@code train} declaration: what the trainer fits and how. The frontend makes the declaration into a
 * circuit of the same name ({@link #name}) that maps {@link #objective} over the batch axis {@link #SAMPLE_AXIS}
 * and averages each of its scalar outputs over it; the driver differentiates that circuit's {@link #loss} and
 * applies the optimiser. Every value here has been checked (ranges, names of outputs); defaults are filled in.
 *
 * @param objective    the circuit whose outputs are a per-sample loss and metrics
 * @param loss         the output that is minimised
 * @param metrics      the other outputs, reported and averaged like the loss
 * @param callPrefix   the instance path prefix of the objective's call inside the batched circuit, stripped from
 *                     parameter names so that a checkpoint names parameters as the objective does
 * @param params       parameters trained, by instance path in the objective (empty: every float parameter)
 * @param frozen       parameters not trained
 * @param steps        for an objective with state: steps unrolled per sample (its inputs then have a step axis)
 * @param bptt         truncate backpropagation through time to chunks of this many steps (0: the whole run)
 * @param clip         clip gradients to this global norm (0: no clipping)
 */
public record TrainSpec(SourceSpan span, String name, String objective, String loss, List<String> metrics,
                        String callPrefix, Optimizer optimizer, Schedule schedule, int batch, int epochs,
                        List<String> params, List<String> frozen, int steps, int bptt, double clip, long seed) {
    /** The batch axis of the circuit a train declaration makes, sized by {@link #batch}. */
    public static final String SAMPLE_AXIS = "sample";

    public TrainSpec {
        metrics = List.copyOf(metrics);
        params = List.copyOf(params);
        frozen = List.copyOf(frozen);
    }

    /** The optimiser: {@code sgd} (with heavy-ball momentum), {@code adam} or {@code adamw}, as in std.optim. */
    public record Optimizer(Kind kind, double lr, double momentum, double beta1, double beta2, double eps, double weightDecay) {}

    public enum Kind { SGD, ADAM, ADAMW }

    /**
     * The learning rate at each step: linear warm-up from 0 over {@code warmup} steps, then constant or a cosine
     * decay to {@code minLr} at the last step.
     */
    public record Schedule(boolean cosine, int warmup, double minLr) {
        /** The learning rate at step {@code t} (from 0) of {@code total}, for peak rate {@code lr}. */
        public double lr(double lr, long t, long total) {
            if (warmup > 0 && t < warmup) return lr * (t + 1) / warmup;
            if (!cosine) return lr;
            long span = Math.max(1, total - warmup - 1);
            double p = Math.min(1.0, (double) (t - warmup) / span);
            return minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * p));
        }
    }
}
