package ncd.interp;

/** A run-time error caused by the program's data (an index out of range), reported to the user, not a bug. */
public final class InterpreterException extends ncd.runtime.RunException {
    public InterpreterException(String message) { super(message); }
}
