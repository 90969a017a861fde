package ncd.ir;

/** A compiler bug: the IR broke one of its own rules. Never caused by a user's program. */
public final class IrInvariantError extends RuntimeException {
    public IrInvariantError(String message) { super(message); }
    public IrInvariantError(String message, Throwable cause) { super(message, cause); }
}
