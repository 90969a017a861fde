package ncd.lsp;

import ncd.diag.SourceFile;
import ncd.diag.SourceSpan;
import org.eclipse.lsp4j.Location;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Spans as LSP locations, in whichever file they lie: this document, a module on disk, or a stdlib module. A stdlib
 * module is read from the class path (a jar, for {@code bin/ncdc}), which an editor cannot open, so its text as the
 * check read it is written once to a read-only copy under the temporary folder, and the location points there.
 */
final class Locations {
    /** Where stdlib copies go: one folder per user, so two users' servers do not share files. */
    static final Path STDLIB_COPIES = Path.of(System.getProperty("java.io.tmpdir"), "ncd-lsp-stdlib-" + System.getProperty("user.name", "user"));

    private static final String STDLIB_PREFIX = "<stdlib>/";

    private Locations() {}

    /** The location of {@code span}; null when it has no place, or its stdlib copy cannot be written. */
    static Location of(SourceSpan span, Analysis a, Map<SourceFile, Positions> cache) {
        if (!span.isKnown()) return null;
        String uri = a.inThisFile(span) ? a.path().toUri().toString() : uriOf(span.file());
        if (uri == null) return null;
        return new Location(uri, a.positionsOf(span.file(), cache).range(span));
    }

    /** The URI an editor opens for {@code file}: the file itself, or a stdlib module's read-only copy; null when that cannot be written. */
    static String uriOf(SourceFile file) {
        String p = file.path();
        if (!p.startsWith(STDLIB_PREFIX)) return Path.of(p).toAbsolutePath().toUri().toString();
        Path copy = STDLIB_COPIES.resolve(p.substring(STDLIB_PREFIX.length())).normalize();
        if (!copy.startsWith(STDLIB_COPIES)) return null;
        try {
            byte[] text = file.text().getBytes(StandardCharsets.UTF_8);
            if (!Files.isRegularFile(copy) || !java.util.Arrays.equals(Files.readAllBytes(copy), text)) {
                Files.createDirectories(copy.getParent());
                Path tmp = Files.createTempFile(copy.getParent(), ".stdlib", ".tmp");
                Files.write(tmp, text);
                Files.move(tmp, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                copy.toFile().setReadOnly();
            }
            return copy.toUri().toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
