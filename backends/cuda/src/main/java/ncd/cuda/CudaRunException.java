package ncd.cuda;

/** A run-time error of a CUDA program: the program's data (a gather index out of range), or the device failing. */
public final class CudaRunException extends RuntimeException {
    public CudaRunException(String message) { super(message); }

    public CudaRunException(String message, Throwable cause) { super(message, cause); }
}
