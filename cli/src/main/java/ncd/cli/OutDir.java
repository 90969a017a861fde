package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.FileErrors;
import ncd.diag.SourceSpan;
import ncd.runtime.AtomicFile;

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
 * An output directory written all or nothing ({@code ncdc run --out DIR}, {@code ncdc doc -o DIR}). Every file is
 * written into a fresh directory beside DIR (same parent, so putting it in place is a rename on one file system),
 * and that directory replaces DIR whole only when all of them were written; on any failure it is removed and DIR is
 * left as it was.
 *
 * <p>An existing DIR is replaced only when it is empty or ncdc wrote it: then it holds a {@link #MANIFEST} naming
 * every other file in it (by its path inside DIR, {@code /}-separated; folders are those the files lie in). A DIR
 * holding anything else is refused, never deleted, since those may be someone's own files. Replacing the whole directory is what keeps an earlier run's outputs from mixing with the new ones.
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

    /**
     * Writes a whole tree into the (new, empty) folder it is given and returns the paths of the files it wrote,
     * relative to it. Its {@code X} (e.g. a renderer's failure) passes through {@link #write} after the clean-up.
     */
    interface Tree<X extends Exception> {
        List<String> writeInto(Path dir) throws IOException, X;
    }

    /** A failure to write one named file of a tree: the message names that file rather than the directory. */
    private static final class FileFailure extends IOException {
        private static final long serialVersionUID = 1L;
        final Path file;

        FileFailure(Path file, IOException cause) {
            super(cause);
            this.file = file;
        }
    }

    private OutDir() {}

    /**
     * Writes {@code files} (by file name) as the whole content of {@code dir}, for {@code command} ("ncdc run").
     * Reports E0802, saying which path failed and why, and returns false when nothing was written.
     */
    static boolean write(Path dir, String command, Map<String, Content> files, Diagnostics diags) {
        return write(dir, command, (Tree<RuntimeException>) tmp -> {
            for (Map.Entry<String, Content> e : files.entrySet()) {
                try {
                    e.getValue().writeTo(tmp.resolve(e.getKey()));
                } catch (IOException x) {
                    throw new FileFailure(dir.resolve(e.getKey()), x);
                }
            }
            return List.copyOf(files.keySet());
        }, diags);
    }

    /**
     * Writes what {@code tree} writes as the whole content of {@code dir}, for {@code command}. Reports E0802, saying
     * which path failed and why, and returns false when nothing was written; {@code X} leaves nothing written either.
     */
    static <X extends Exception> boolean write(Path dir, String command, Tree<X> tree, Diagnostics diags) throws X {
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
        Thread onExit = AtomicFile.onExit(() -> deleteTree(tmp));
        try {
            StringBuilder manifest = new StringBuilder("# written by " + command + "; the next " + command
                    + " that writes here replaces this directory whole\n");
            try {
                for (String f : tree.writeInto(tmp)) manifest.append(f).append('\n');
            } catch (FileFailure x) {
                return cannot(diags, x.file, FileErrors.reason((IOException) x.getCause()), null);
            } catch (IOException x) {
                return cannot(diags, dir, FileErrors.reason(x), null);
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
            AtomicFile.cancel(onExit);
            if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    // the new directory holds nothing but what was written into it here
                    deleteTree(tmp);
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
            hint = "give the path of a directory";
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
                hint = "ncdc replaces an output directory whole, so it writes only a new or empty directory or one it wrote "
                        + "before; choose another directory, or move those files away";
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
        foreign(dir, "", ours, out);
        return out;
    }

    /** Adds to {@code out} what lies under {@code dir} (at {@code prefix} inside DIR) and is not one of {@code ours}. */
    private static void foreign(Path dir, String prefix, List<String> ours, List<String> out) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = prefix + p.getFileName();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    // a folder is ncdc's when a listed file lies in it, and then only as far as its content is
                    if (ours.stream().anyMatch(o -> o.startsWith(n + "/"))) foreign(p, n + "/", ours, out);
                    else out.add(n + "/");
                    continue;
                }
                boolean written = (n.equals(MANIFEST) || ours.contains(n)) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
                if (!written) out.add(n);
            }
        }
    }

    /**
     * The file paths {@code dir}'s manifest lists, none without one; only relative paths without {@code .} or
     * {@code ..} segments, so deleting them stays in {@code dir}.
     */
    private static List<String> listed(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isRegularFile(dir.resolve(MANIFEST), LinkOption.NOFOLLOW_LINKS)) return out;
        for (String line : Files.readAllLines(dir.resolve(MANIFEST), StandardCharsets.UTF_8)) {
            String n = line.strip();
            if (n.isEmpty() || n.startsWith("#") || n.startsWith("/") || n.contains("\\")) continue;
            if (List.of(n.split("/", -1)).stream().anyMatch(seg -> seg.isEmpty() || seg.equals(".") || seg.equals(".."))) continue;
            out.add(n);
        }
        return out;
    }

    /**
     * Deletes {@code names} and the manifest in {@code dir}, then the folders they lay in (deepest first), then
     * {@code dir}, which must then be empty.
     */
    private static void delete(Path dir, List<String> names) throws IOException {
        List<Path> folders = new ArrayList<>();
        for (String n : names) {
            Path f = dir.resolve(n);
            Files.deleteIfExists(f);
            for (Path p = f.getParent(); p != null && !p.equals(dir); p = p.getParent()) if (!folders.contains(p)) folders.add(p);
        }
        folders.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (Path p : folders) Files.deleteIfExists(p);
        Files.deleteIfExists(dir.resolve(MANIFEST));
        Files.delete(dir);
    }

    /** Deletes a folder this process made and filled, with everything in it. */
    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
