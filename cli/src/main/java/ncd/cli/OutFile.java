package ncd.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One output file written whole or not at all ({@code ncdc build -o}, {@code ncdc diagram -o}): the bytes go to a
 * temporary file beside the target, renamed over it only once complete, so a failure leaves no partial file and an
 * existing one untouched.
 */
final class OutFile {
    /** Writes the content. */
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private OutFile() {}

    /** Writes {@code body} to {@code target}; returns its size. The exception's reason is for {@code FileErrors.reason}. */
    static long write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        if (Files.isDirectory(abs)) throw new IOException("it is a directory");
        Path parent = abs.getParent();
        if (parent != null) Files.createDirectories(parent);
        // not Files.createTempFile: its owner-only permissions would stay with the file
        Path tmp = null;
        OutputStream os = null;
        for (int i = 0; os == null; i++) {
            tmp = parent.resolve("." + abs.getFileName() + "." + ProcessHandle.current().pid() + "." + i + ".tmp");
            try {
                os = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (i > 100) throw e;
            }
        }
        Thread onExit = OutDir.removeOnExit(tmp);
        try {
            try (OutputStream o = os) {
                body.writeTo(o);
            }
            long size = Files.size(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            return size;
        } finally {
            OutDir.cancel(onExit);
            Files.deleteIfExists(tmp);
        }
    }
}
