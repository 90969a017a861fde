package ncd.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the repository is (system property {@code ncd.root}, set by tests/pom.xml) and its .ncd files. */
final class Repo {
    private Repo() {}

    static Path root() {
        String p = System.getProperty("ncd.root");
        if (p != null && !p.isBlank() && !p.contains("${")) return Path.of(p).toAbsolutePath().normalize();
        // Run from an IDE: look upwards for the reactor root.
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("tests/lit")) && Files.isRegularFile(d.resolve("pom.xml"))) return d;
        }
        throw new IllegalStateException("cannot find the repository root: set -Dncd.root");
    }

    static boolean updateGolden() {
        return Boolean.parseBoolean(System.getProperty("ncd.updateGolden", "false"));
    }

    /** Every .ncd file under {@code dir} (recursively), sorted; empty when the folder does not exist. */
    static List<Path> ncdFiles(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(f -> Files.isRegularFile(f) && f.toString().endsWith(".ncd")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every .ncd file of the stdlib (stdlib/std) and of the examples, in that order: the programs every backend and pass is run on. */
    static List<Path> stdlibAndExamples() {
        List<Path> files = new java.util.ArrayList<>(ncdFiles(root().resolve("stdlib/std")));
        files.addAll(ncdFiles(root().resolve("examples")));
        return files;
    }

    /** {@code root}-relative, with forward slashes: the name a test is shown under. */
    static String relative(Path file) {
        return root().relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }
}
