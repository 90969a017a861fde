package ncd.runtime;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One file written whole or not at all (checkpoints, {@code ncdc build -o}, {@code ncdc diagram -o}): the bytes go
 * to a temporary file beside the target, are forced to disk, and only then is that file renamed over the target.
 * A failure — an exception, Ctrl-C, or a process killed outright — leaves the target as it was (or absent) and never
 * half-written; the rename is atomic on one file system, and the data is on disk before the name points at it, so
 * a crash just after the rename cannot leave an empty file under the target's name either.
 */
public final class AtomicFile {
    /** Writes the content. It may close the stream it is given; the file is forced to disk after it returns. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** What a shutdown hook does to leave no partial output behind. */
    public interface Cleanup {
        void run() throws IOException;
    }

    private static final int BUFFER = 1 << 16;

    private AtomicFile() {}

    /**
     * Writes {@code body} to {@code target}, creating its directory if needed; returns the file's size. The
     * exception's reason is for {@code FileErrors.reason}; the target is unchanged when one is thrown.
     */
    public static long write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        if (Files.isDirectory(abs)) throw new IOException("it is a directory");
        Path parent = abs.getParent();
        if (parent != null) Files.createDirectories(parent);
        // not Files.createTempFile: its owner-only permissions would stay with the file
        Path tmp = null;
        FileChannel ch = null;
        // the name shortened, so that the temporary file's name is not too long where the target's is not
        String name = abs.getFileName().toString();
        String base = "." + name.substring(0, Math.min(name.length(), 64)) + "." + ProcessHandle.current().pid() + ".";
        for (int i = 0; ch == null; i++) {
            tmp = parent.resolve(base + i + ".tmp");
            try {
                ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (i > 100) throw e;
            }
        }
        Path written = tmp;
        Thread hook = onExit(() -> Files.deleteIfExists(written));
        try {
            try (FileChannel c = ch) {
                OutputStream buffered = new BufferedOutputStream(unclosable(Channels.newOutputStream(c)), BUFFER);
                body.writeTo(buffered);
                buffered.flush();
                c.force(true);
            }
            long size = Files.size(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(parent);
            return size;
        } finally {
            cancel(hook);
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A shutdown hook that runs {@code cleanup} if the JVM is stopped (Ctrl-C, SIGTERM) while an output is written,
     * so that an interrupted command leaves nothing half-written beside it; null when the JVM is already stopping.
     * A process killed outright runs no hook: then a temporary file may stay behind, but the target is intact.
     */
    public static Thread onExit(Cleanup cleanup) {
        Thread t = new Thread(() -> {
            try {
                cleanup.run();
            } catch (IOException ignored) {
                // the JVM is going away; nothing else can be done
            }
        }, "ncd-remove-partial-output");
        try {
            Runtime.getRuntime().addShutdownHook(t);
        } catch (IllegalStateException alreadyStopping) {
            return null;
        }
        return t;
    }

    /** Undoes {@link #onExit} once the output is in place or cleaned up. */
    public static void cancel(Thread hook) {
        if (hook == null) return;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyStopping) {
            // the hook runs, and finds nothing left to delete
        }
    }

    /** Forces the directory entry of the rename to disk where the platform allows it (Linux, macOS; not Windows). */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException notSupported) {
            // the file's own data is on disk already; only the rename's durability is left to the file system
        }
    }

    /** {@code out} with a close that does nothing, so that the file stays open to be forced after the body. */
    private static OutputStream unclosable(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }

            @Override public void close() throws IOException { flush(); }
        };
    }
}
