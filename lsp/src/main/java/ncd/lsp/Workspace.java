package ncd.lsp;

import ncd.diag.SourceFile;
import ncd.frontend.resolve.Stdlib;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files a cross-file request reads: the open documents (their text as edited, not as saved), every .ncd file of
 * the workspace folders that is not open (as on disk), and, where asked, the stdlib's modules (as the check reads
 * them). Each is checked only when its text writes the word asked for, so a request reads the few files that can
 * matter. Made for one request, on the checker thread.
 */
final class Workspace {
    /** A file, the URI an editor knows it by, and its check. */
    record File(String uri, Analysis analysis) {}

    /** Where the stdlib's modules are on the class path (the loader's {@code Stdlib.RESOURCE_ROOT}). */
    private static final String STDLIB_RESOURCES = "ncd/stdlib/";
    static final String STDLIB_PREFIX = "<stdlib>/";

    private final Map<Path, File> open;
    private final List<Path> folders;

    /** {@code open}: each open document's file (normalised absolute path) with its current analysis. */
    Workspace(Map<Path, File> open, List<Path> folders) {
        this.open = open;
        this.folders = folders;
    }

    /**
     * The files whose text writes {@code word} as a whole word: the open documents, then the workspace folders' other
     * .ncd files, then (when {@code withStdlib}) the stdlib modules, each once.
     */
    List<File> writing(String word, boolean withStdlib) {
        Pattern p = Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(word) + "(?![A-Za-z0-9_])");
        List<File> out = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (Map.Entry<Path, File> e : open.entrySet()) {
            seen.add(e.getKey());
            if (p.matcher(e.getValue().analysis().positions().text()).find()) out.add(e.getValue());
        }
        for (Path f : ncdFiles()) {
            if (!seen.add(f)) continue;
            String text = read(f);
            if (text != null && p.matcher(text).find()) out.add(new File(f.toUri().toString(), Analysis.check(0, 0, f, text)));
        }
        if (withStdlib) {
            for (String module : Stdlib.modules()) {
                String rel = module.replace('.', '/') + ".ncd";
                String text = stdlibText(rel);
                if (text == null || !p.matcher(text).find()) continue;
                String uri = Locations.uriOf(new SourceFile(STDLIB_PREFIX + rel, text));
                if (uri != null) out.add(new File(uri, Analysis.check(0, 0, Path.of(STDLIB_PREFIX + rel), text)));
            }
        }
        return out;
    }

    /** The file {@code path} (a file a declaration lies in, maybe outside the folders): open, or read from disk; null when unreadable. */
    File file(String path) {
        Path f = normal(path);
        File o = open.get(f);
        if (o != null) return o;
        String text = read(f);
        return text == null ? null : new File(f.toUri().toString(), Analysis.check(0, 0, f, text));
    }

    /** Whether {@code f} is an open document (its text the editor's, not the disk's). */
    boolean isOpen(File f) { return open.containsValue(f); }

    static Path normal(String path) { return Path.of(path).toAbsolutePath().normalize(); }

    /** Every .ncd file under the folders; build output ({@code target/}) and hidden folders hold copies, not sources. */
    private List<Path> ncdFiles() {
        List<Path> out = new ArrayList<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) continue;
            try (Stream<Path> s = Files.walk(folder)) {
                s.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".ncd"))
                        .filter(f -> !skipped(folder.relativize(f)))
                        .map(f -> f.toAbsolutePath().normalize())
                        .sorted().forEach(out::add);
            } catch (IOException | UncheckedIOException e) {
                // an unreadable folder adds no files; the open documents still count
            }
        }
        return out;
    }

    private static boolean skipped(Path rel) {
        for (Path part : rel) {
            String n = part.toString();
            if (n.equals("target") || n.equals("node_modules") || (n.startsWith(".") && n.length() > 1)) return true;
        }
        return false;
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String stdlibText(String rel) {
        try (InputStream in = Workspace.class.getClassLoader().getResourceAsStream(STDLIB_RESOURCES + rel)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
