package ncd.cuda;

/**
 * The device or its toolchain failing, not the program's data: no driver or GPU, a driver call that failed, nvcc or
 * g++ missing or refusing the generated code (the last is a compiler bug, and says so).
 */
public final class CudaDeviceException extends RuntimeException {
    private final boolean compilerBug;

    public CudaDeviceException(String message) { this(message, null, false); }

    public CudaDeviceException(String message, Throwable cause) { this(message, cause, false); }

    public CudaDeviceException(String message, Throwable cause, boolean compilerBug) {
        super(message, cause);
        this.compilerBug = compilerBug;
    }

    /** Whether the generated code was refused: ncd's fault, not the machine's. */
    public boolean compilerBug() { return compilerBug; }
}
