package ncd.jvm;

/** A run-time error caused by the program's data (a gather index out of range), with the interpreter's message. */
public final class JvmRunException extends ncd.runtime.RunException {
    public JvmRunException(String message) { super(message); }
}
