package ncd.ir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Reads an array from a .npy file for the compiler (the lists of {@code synapses[..., pairs = "FILE"]}, read when a
 * circuit is compiled). The runtime provides it, with its own reader ({@code ncd.runtime.Npy}), through
 * {@link ServiceLoader} ({@code META-INF/services/ncd.ir.ArrayFiles}): data flows one way, so the frontend does not
 * depend on the runtime, and finds it on the class path as the driver finds the backends.
 */
public interface ArrayFiles {
    /**
     * An array as the file holds it: numpy's name of its dtype ({@code int32}, {@code float32}, ...), its shape, and
     * its elements in C order ({@code int[]} for int32 and the narrower integers, {@code long[]} for int64 and uint32,
     * else whatever the reader holds them in).
     */
    record Array(String dtype, int[] shape, Object data) {}

    /** Reads {@code file}; an {@link IOException}'s message names the file and says what is wrong with it. */
    Array read(Path file) throws IOException;

    /** The reader on the class path, or null when there is none (the frontend without the runtime). */
    static ArrayFiles find() {
        for (ArrayFiles f : ServiceLoader.load(ArrayFiles.class, ArrayFiles.class.getClassLoader())) return f;
        return null;
    }
}
