package ncd.diag;

import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Why a file could not be read or written, in words: the REASON of "cannot read F: REASON" and "cannot write F:
 * REASON" wherever the driver reads or writes files. java.nio's exceptions mostly carry just a path as their
 * message ("cannot write x: x" says nothing), so the reason comes from the exception's type, the operating system's
 * own text ("read-only file system", "no space left on device", "file name too long") or, for a missing file, the
 * folder on the way that is missing or is not a directory.
 */
public final class FileErrors {
    private FileErrors() {}

    public static String reason(Throwable e) {
        if (e instanceof CharacterCodingException) return "not UTF-8 text";
        if (e instanceof NoSuchFileException f) return blocked(f.getFile()).orElse("no such file");
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() != null && Files.exists(Path.of(f.getFile())) && !Files.isDirectory(Path.of(f.getFile()))
                    ? f.getFile() + " exists and is not a directory" : f.getFile() + " already exists";
        }
        if (e instanceof NotDirectoryException f) return f.getFile() + " is not a directory";
        if (e instanceof DirectoryNotEmptyException f) return f.getFile() + " is not empty";
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null && f.getReason().equals("Not a directory")) return blocked(f.getFile()).orElse("not a directory");
            if (f.getReason() != null) return words(f.getReason());
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : words(m);
    }

    /** The first folder on the way to {@code file} that is missing or is not a directory, said so. */
    private static Optional<String> blocked(String file) {
        if (file == null) return Optional.empty();
        Path p;
        try {
            p = Path.of(file).getParent();
        } catch (InvalidPathException x) {
            return Optional.empty();
        }
        if (p == null) return Optional.empty();
        Path at = p.isAbsolute() ? p.getRoot() : null;
        for (Path part : p) {
            at = at == null ? part : at.resolve(part);
            if (!Files.exists(at)) return Optional.of("no such directory " + at);
            if (!Files.isDirectory(at)) return Optional.of(at + " is not a directory");
        }
        return Optional.empty();
    }

    /** The operating system's text as part of a sentence: "Is a directory" becomes "is a directory". */
    private static String words(String reason) {
        String r = reason.strip();
        if (r.length() > 1 && Character.isUpperCase(r.charAt(0)) && Character.isLowerCase(r.charAt(1))) {
            r = Character.toLowerCase(r.charAt(0)) + r.substring(1);
        }
        return r;
    }
}
