package ncd.cuda;

/**
 * The device or its toolchain failing, not the program's data: no driver or GPU, a driver call that failed, nvcc or
 * g++ missing or refusing the generated code (the last is a compiler bug, and says so).
 */
public final class CudaDeviceException extends RuntimeException {
    public CudaDeviceException(String message) { super(message); }

    public CudaDeviceException(String message, Throwable cause) { super(message, cause); }
}
