package ncd.runtime;

import ncd.ir.ArrayFiles;

import java.io.IOException;
import java.nio.file.Path;

/** {@link ArrayFiles} with {@link Npy}'s reader: what the compiler reads .npy files with (found through ServiceLoader). */
public final class NpyArrayFiles implements ArrayFiles {
    @Override public Array read(Path file) throws IOException {
        try {
            NpyArray a = Npy.read(file);
            return new Array(a.numpyName(), a.shape(), a.data());
        } catch (NpyException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
