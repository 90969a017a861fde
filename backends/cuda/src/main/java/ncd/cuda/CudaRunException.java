package ncd.cuda;

/** A run-time error caused by a CUDA program's data (a gather index out of range), with the interpreter's message. */
public final class CudaRunException extends ncd.runtime.RunException {
    public CudaRunException(String message) { super(message); }
}
