package ncd.runtime;

/**
 * A .npy, .npz or .safetensors file that cannot be read or does not fit what the circuit expects: a user's mistake,
 * not a compiler bug. Every message names the file (or the input it was meant for) and, where it helps, how to fix it.
 */
public class NpyException extends Exception {
    private static final long serialVersionUID = 1L;

    public NpyException(String message) { super(message); }

    public NpyException(String message, Throwable cause) { super(message, cause); }
}
