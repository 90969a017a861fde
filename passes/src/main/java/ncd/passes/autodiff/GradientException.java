package ncd.passes.autodiff;

/**
 * A gradient that cannot be taken as asked: an unknown or non-scalar loss, an unknown or integer parameter, a graph
 * with states (unroll it first), or a path to the loss through an op whose derivative is not taken
 * ({@link ncd.ir.Gradients.Refused}). The caller's request, not a compiler bug.
 */
public final class GradientException extends RuntimeException {
    public GradientException(String message) { super(message); }
}
