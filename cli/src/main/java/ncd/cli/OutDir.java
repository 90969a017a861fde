package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.FileErrors;
import ncd.diag.SourceSpan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An output directory written all or nothing ({@code ncdc run --out DIR}). Every file is written into a fresh
 * directory beside DIR (same parent, so putting it in place is a rename on one file system), and that directory
 * replaces DIR whole only when all of them were written; on any failure it is removed and DIR is left as it was.
 *
 * <p>An existing DIR is replaced only when it is empty or ncdc wrote it: then it holds a {@link #MANIFEST} naming
 * every other file in it. A DIR holding anything else is refused, never deleted, since those may be someone's own
 * files. Replacing the whole directory is what keeps an earlier run's outputs from mixing with the new ones.
 */
final class OutDir {
    /** The manifest ncdc leaves in a directory it wrote: a comment line, then the files, one name a line. */
    static final String MANIFEST = ".ncdc-outputs";
    /** The prefix of the directories beside DIR while it is written (the new one) and replaced (the old one). */
    static final String TEMP_PREFIX = ".ncdc-out-";

    /** Writes one file at the path it is given. */
    interface Content {
        void writeTo(Path file) throws IOException;
    }

    private OutDir() {}

    /**
     * Writes {@code files} (by file name) as the whole content of {@code dir}, for {@code command} ("ncdc run").
     * Reports E0802, saying which path failed and why, and returns false when nothing was written.
     */
    static boolean write(Path dir, String command, Map<String, Content> files, Diagnostics diags) {
        Path abs = target(dir, diags);
        if (abs == null) return false;
        Path parent = abs.getParent();
        boolean exists = Files.exists(abs, LinkOption.NOFOLLOW_LINKS);
        Path tmp;
        try {
            Files.createDirectories(parent);
            String name = abs.getFileName().toString();
            tmp = fresh(parent, name.substring(0, Math.min(name.length(), 64)));
        } catch (IOException e) {
            return cannot(diags, dir, FileErrors.reason(e), null);
        }
        Path old = tmp.resolveSibling(tmp.getFileName() + ".old");
        boolean moved = false;
        try {
            StringBuilder manifest = new StringBuilder("# written by " + command + "; the next " + command
                    + " with --out here replaces this directory whole\n");
            for (Map.Entry<String, Content> e : files.entrySet()) {
                try {
                    e.getValue().writeTo(tmp.resolve(e.getKey()));
                } catch (IOException x) {
                    return cannot(diags, dir.resolve(e.getKey()), FileErrors.reason(x), null);
                }
                manifest.append(e.getKey()).append('\n');
            }
            try {
                Files.writeString(tmp.resolve(MANIFEST), manifest, StandardCharsets.UTF_8);
                if (exists) {
                    rename(abs, old);
                    moved = true;
                }
                rename(tmp, abs);
                moved = false;
            } catch (IOException e) {
                if (moved) {
                    try {
                        rename(old, abs);
                    } catch (IOException x) {
                        return cannot(diags, dir, FileErrors.reason(e) + "; its old content is in " + old + " (" + FileErrors.reason(x) + ")", null);
                    }
                }
                return cannot(diags, dir, FileErrors.reason(e), null);
            }
        } finally {
            if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    // the new directory holds nothing but what was written into it here
                    try (Stream<Path> left = Files.list(tmp)) {
                        delete(tmp, left.map(p -> p.getFileName().toString()).toList());
                    }
                } catch (IOException e) {
                    diags.warning(SourceSpan.NONE, DiagCode.E0802, "cannot remove " + tmp + ": " + FileErrors.reason(e), "remove it by hand");
                }
            }
        }
        if (exists) {
            try {
                delete(old, listed(old));
            } catch (IOException e) {
                diags.warning(SourceSpan.NONE, DiagCode.E0802, "wrote " + dir + ", but what it held before is left in " + old
                        + ": " + FileErrors.reason(e), "remove that directory by hand");
            }
        }
        return true;
    }

    /**
     * Whether {@code dir} may be written: it is new, an empty directory or one that ncdc wrote. Commands ask before
     * their work, so that a refusal does not come after a long run; {@link #write} asks again.
     */
    static boolean check(Path dir, Diagnostics diags) {
        return target(dir, diags) != null;
    }

    /** The directory that {@code dir} names, absolute (links resolved); null after E0802 when it may not be written. */
    private static Path target(Path dir, Diagnostics diags) {
        Path abs;
        try {
            // an existing DIR reached through a link is the directory it points to, replaced on its own file system
            abs = Files.exists(dir) ? dir.toRealPath() : dir.toAbsolutePath().normalize();
        } catch (IOException e) {
            cannot(diags, dir, FileErrors.reason(e), null);
            return null;
        }
        if (abs.getParent() == null) {
            cannot(diags, dir, "it has no parent directory to write it beside", null);
            return null;
        }
        if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            // missing directories on the way are made, but a file on the way would fail only after the work
            for (Path a = dir.normalize().getParent(); a != null; a = a.getParent()) {
                if (!Files.exists(a)) continue;
                if (Files.isDirectory(a)) return abs;
                cannot(diags, dir, a + " is not a directory", null);
                return null;
            }
            return abs;
        }
        String refused = null, hint = null;
        if (!Files.isDirectory(abs)) {
            refused = "it exists and is not a directory";
            hint = "give --out the path of a directory";
        } else if (!Files.isWritable(abs)) {
            refused = "permission denied (it is read-only)";
        } else {
            List<String> foreign;
            try {
                foreign = foreign(abs);
            } catch (IOException e) {
                cannot(diags, dir, FileErrors.reason(e), null);
                return null;
            }
            if (!foreign.isEmpty()) {
                refused = "it holds files that ncdc did not write: " + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
                        + (foreign.size() > 5 ? " and " + (foreign.size() - 5) + " more" : "");
                hint = "ncdc replaces an --out directory whole, so it writes only a new or empty directory or one it wrote "
                        + "before; choose another --out, or move those files away";
            }
        }
        if (refused == null) return abs;
        cannot(diags, dir, refused, hint);
        return null;
    }

    private static boolean cannot(Diagnostics diags, Path what, String reason, String hint) {
        diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot write " + what + ": " + reason, hint);
        return false;
    }

    /** A new directory beside DIR, made with the default permissions (not owner-only, as createTempDirectory's). */
    private static Path fresh(Path parent, String name) throws IOException {
        for (int i = 0; ; i++) {
            try {
                return Files.createDirectory(parent.resolve(TEMP_PREFIX + name + "." + ProcessHandle.current().pid() + "." + i));
            } catch (FileAlreadyExistsException e) {
                if (i > 100) throw e;
            }
        }
    }

    private static void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** The entries of {@code dir} that its manifest does not name as a file ncdc wrote (all of them without one). */
    private static List<String> foreign(Path dir) throws IOException {
        List<String> ours = listed(dir);
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                boolean written = (n.equals(MANIFEST) || ours.contains(n)) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
                if (!written) out.add(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? n + "/" : n);
            }
        }
        return out;
    }

    /** The file names {@code dir}'s manifest lists, none without one; only plain names, so deleting them stays in {@code dir}. */
    private static List<String> listed(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isRegularFile(dir.resolve(MANIFEST), LinkOption.NOFOLLOW_LINKS)) return out;
        for (String line : Files.readAllLines(dir.resolve(MANIFEST), StandardCharsets.UTF_8)) {
            String n = line.strip();
            if (n.isEmpty() || n.startsWith("#") || n.equals(".") || n.equals("..") || n.contains("/") || n.contains("\\")) continue;
            out.add(n);
        }
        return out;
    }

    /** Deletes {@code names} and the manifest in {@code dir}, then {@code dir}, which must then be empty. */
    private static void delete(Path dir, List<String> names) throws IOException {
        for (String n : names) Files.deleteIfExists(dir.resolve(n));
        Files.deleteIfExists(dir.resolve(MANIFEST));
        Files.delete(dir);
    }
}
