package ncd.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The op table's promise, checked: adding an op is a compile error in each place that must give it meaning, and
 * nowhere else. Each case adds a constant to a copy of {@code Op} or {@code Attr.UnaryFn}, compiles every module's main
 * sources (without the tests and benchmarks) in-process, and requires the files that fail to be exactly the list
 * docs/architecture.md gives under "Adding an op" — so a new {@code default} branch that hides a missing case, or a
 * new switch the list does not name, fails here.
 */
class NewOpFailsToCompileTest {
    private static final Path OP = Path.of("ir/src/main/java/ncd/ir/Op.java");
    private static final Path ATTR = Path.of("ir/src/main/java/ncd/ir/Attr.java");

    @Test void aNewOpFailsToCompileExactlyWhereTheArchitectureDocSays(@TempDir Path out) throws IOException {
        String op = Files.readString(Repo.root().resolve(OP));
        // the new constant goes first, right after the brace, wherever the list ends
        String probed = op.replaceFirst("(public enum Op \\{\n)", "$1    PROBE_OP,\n");
        assertTrue(!probed.equals(op), "cannot find `public enum Op {` in " + OP);
        assertEquals(documented("new Op"), failing(OP, probed, out));
    }

    @Test void aNewUnaryFunctionFailsToCompileExactlyWhereTheArchitectureDocSays(@TempDir Path out) throws IOException {
        String attr = Files.readString(Repo.root().resolve(ATTR));
        String probed = attr.replaceFirst("(enum UnaryFn \\{\n)", "$1        PROBE_FN(true, Domain.FLOAT, UnitRule.DIMENSIONLESS, Accuracy.TRANSCENDENTAL),\n");
        assertTrue(!probed.equals(attr), "cannot find `enum UnaryFn {` in " + ATTR);
        assertEquals(documented("new UnaryFn"), failing(ATTR, probed, out));
    }

    /** The repository-relative paths of the main sources that fail to compile with {@code changed} replaced. */
    private static Set<String> failing(Path changed, String text, Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler: run the tests on a JDK");
        Path root = Repo.root();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<JavaFileObject> units = new ArrayList<>();
            for (Path p : mainSources(root)) {
                if (p.equals(root.resolve(changed))) {
                    units.add(new SimpleJavaFileObject(p.toUri(), JavaFileObject.Kind.SOURCE) {
                        @Override public CharSequence getCharContent(boolean ignoreEncodingErrors) { return text; }
                    });
                } else {
                    fm.getJavaFileObjects(p).forEach(units::add);
                }
            }
            // report every error of every file, not only those of the first phase that fails
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-proc:none",
                    "-implicit:none", "-Xlint:none", "-nowarn", "-Xmaxerrs", "100000", "-XDshould-stop.ifError=FLOW",
                    "-XDcompilePolicy=simple", "--add-modules", "jdk.incubator.vector");
            javac.getTask(null, fm, diags, options, null, units).call();
        }
        Set<String> files = new TreeSet<>();
        for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) continue;
            assertNotNull(d.getSource(), "an error outside any source: " + d.getMessage(Locale.ROOT));
            files.add(root.relativize(Path.of(d.getSource().toUri())).toString().replace('\\', '/'));
        }
        return files;
    }

    /** Every module's main sources and the generated parser; not the tests, not the benchmarks. */
    private static List<Path> mainSources(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        Path generated = root.resolve("grammar/target/generated-sources");
        assertTrue(Files.isDirectory(generated), generated + " is missing: build the grammar module first");
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> {
                        String rel = root.relativize(p).toString().replace('\\', '/');
                        if (rel.startsWith("tests/") || rel.startsWith("benchmarks/") || rel.contains("/.") || rel.startsWith(".")) return false;
                        return rel.contains("/src/main/java/") || rel.startsWith("grammar/target/generated-sources/");
                    })
                    .sorted().forEach(out::add);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    /** The backquoted paths between {@code <!-- NAME: start -->} and {@code <!-- NAME: end -->} in docs/architecture.md. */
    private static Set<String> documented(String name) throws IOException {
        String doc = Files.readString(Repo.root().resolve("docs/architecture.md"));
        int a = doc.indexOf("<!-- " + name + ": start -->"), b = doc.indexOf("<!-- " + name + ": end -->");
        assertTrue(a >= 0 && b > a, "docs/architecture.md has no `" + name + "` list");
        Set<String> files = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^- `([^`]+\\.java)`").matcher(doc.substring(a, b));
        while (m.find()) files.add(m.group(1));
        return files;
    }
}
