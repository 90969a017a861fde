package ncd.diag;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reasons the driver gives for a failed read or write. The operating system's own failures (a read-only file
 * system, a full disk) cannot be made to happen here, so they are built as java.nio reports them.
 */
class FileErrorsTest {
    @TempDir Path dir;

    @Test void theOperatingSystemsReasonInWords() {
        assertEquals("read-only file system", FileErrors.reason(new FileSystemException("/mnt/ro/out.npy", null, "Read-only file system")));
        assertEquals("no space left on device", FileErrors.reason(new IOException("No space left on device")));
        assertEquals("file name too long", FileErrors.reason(new FileSystemException("x", null, "File name too long")));
        assertEquals("is a directory", FileErrors.reason(new IOException("Is a directory")));
        assertEquals("permission denied", FileErrors.reason(new AccessDeniedException("/etc/shadow")));
        assertEquals("not UTF-8 text", FileErrors.reason(new MalformedInputException(1)));
        // not a sentence's first word: left alone
        assertEquals("EOF reached", FileErrors.reason(new IOException("EOF reached")));
        assertEquals("IOException", FileErrors.reason(new IOException()));
    }

    @Test void aMissingFileOrTheFolderOnTheWayThatIsMissing() throws IOException {
        assertEquals("no such file", FileErrors.reason(new NoSuchFileException(dir.resolve("x.npy").toString())));
        Path missing = dir.resolve("a");
        assertEquals("no such directory " + missing, FileErrors.reason(new NoSuchFileException(missing.resolve("b").resolve("x.npy").toString())));
        Path plain = Files.writeString(dir.resolve("plain"), "a file");
        assertEquals(plain + " is not a directory", FileErrors.reason(new FileSystemException(plain.resolve("x.npy").toString(), null, "Not a directory")));
        assertEquals(plain + " exists and is not a directory", FileErrors.reason(new FileAlreadyExistsException(plain.toString())));
    }
}
