package ncd.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Java snippet in README.md's "Java API" section compiles against the api jar alone ({@code api/target/ncd-api.jar},
 * as README says) and runs on it in a fresh JVM. The snippet is taken from the README as it is: its {@code import}
 * lines become the imports of a generated class, the rest the body of its {@code main}. Relative paths in
 * {@code Path.of("...")} are read from the repository root. A line {@code // prints: TEXT} in the snippet says that its
 * output contains TEXT (in the order written).
 */
class ApiSnippetTest {
    private static final Pattern FENCE = Pattern.compile("(?s)```java\\n(.*?)```");
    private static final Pattern RELATIVE_PATH = Pattern.compile("Path\\.of\\(\"([^\"/][^\"]*)\"\\)");
    private static final String PRINTS = "// prints:";

    @Test void theReadmeJavaSnippetCompilesAndRunsAgainstTheApiJarAlone(@TempDir Path dir) throws Exception {
        Path jar = apiJar();
        String snippet = snippet();
        List<String> imports = new ArrayList<>();
        List<String> body = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (String line : snippet.split("\n")) {
            String t = line.strip();
            if (t.startsWith("import ")) imports.add(t);
            else body.add(line);
            int p = t.indexOf(PRINTS);
            if (p >= 0) expected.add(t.substring(p + PRINTS.length()).strip());
        }
        String code = rootRelativePaths(String.join("\n", body));
        String source = String.join("\n", imports) + "\n\npublic final class ReadmeSnippet {\n"
                + "    public static void main(String[] args) throws Exception {\n" + code.indent(8) + "    }\n}\n";

        Path src = Files.writeString(dir.resolve("ReadmeSnippet.java"), source);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        compile(src, classes, source, jar.toString());

        FreshJvm.Result r = FreshJvm.run(List.of("--add-modules", "jdk.incubator.vector"), classes + java.io.File.pathSeparator + jar,
                "ReadmeSnippet", List.of(), Map.of(), 120);
        System.out.print("README snippet printed: " + r.printed());
        assertEquals(0, r.exit(), "the README's Java snippet failed on the api jar alone:\n" + r.printed() + "\n" + numbered(source));
        String out = r.printed();
        assertFalse(out.isBlank(), "the snippet should print its result; it printed nothing\n" + source);
        int at = 0;
        for (String e : expected) {
            int i = out.indexOf(e, at);
            assertTrue(i >= 0, "the snippet's output lacks `" + e + "` (from its `// prints:` comment)\n--- output ---\n" + out);
            at = i + e.length();
        }
    }

    /** The api jar holds the compiler and backends, and neither the command line (picocli) nor the diagram renderer. */
    @Test void theApiJarHasNoCommandLineAndNoRenderer() throws IOException {
        Path jar = apiJar();
        List<String> forbidden = List.of("picocli/", "ncd/cli/", "ncd/diagrams/", "com/eclipsesource/v8/");
        List<String> required = List.of("ncd/api/Ncd.class", "ncd/driver/Compilation.class", "ncd/jvm/JvmBackend.class",
                "ncd/interp/InterpBackend.class", "META-INF/services/ncd.runtime.Backend");
        List<String> names = new ArrayList<>();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(jar.toFile())) {
            z.stream().forEach(e -> names.add(e.getName()));
        }
        for (String f : forbidden) assertTrue(names.stream().noneMatch(n -> n.startsWith(f)), jar + " holds " + f);
        for (String r : required) assertTrue(names.contains(r), jar + " lacks " + r);
        System.out.printf(Locale.ROOT, "%s: %.1f MiB, %d entries%n", jar, Files.size(jar) / 1048576.0, names.size());
    }

    private static Path apiJar() {
        Path jar = Repo.root().resolve("api/target/ncd-api.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: it is made by the api module's package phase (mvn -q -B verify, or install)");
        return jar;
    }

    /** The first ```java block of the README's "## Java API" section. */
    private static String snippet() throws IOException {
        String readme = Files.readString(Repo.root().resolve("README.md")).replace("\r\n", "\n");
        int start = readme.indexOf("\n## Java API");
        assertTrue(start >= 0, "README.md has no `## Java API` section");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Matcher m = FENCE.matcher(section);
        assertTrue(m.find(), "the README's Java API section has no ```java block");
        return m.group(1);
    }

    /** {@code Path.of("examples/life.ncd")} becomes an absolute path under the repository root when that exists. */
    private static String rootRelativePaths(String code) {
        Matcher m = RELATIVE_PATH.matcher(code);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Path p = Repo.root().resolve(m.group(1));
            String replacement = Files.exists(p) ? "Path.of(\"" + p.toString().replace("\\", "\\\\") + "\")" : m.group();
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static void compile(Path src, Path classes, String source, String classPath) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler: run the tests on a JDK, not a JRE");
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-classpath", classPath, "-d", classes.toString(),
                    "-proc:none", "-Xlint:none");
            boolean ok = javac.getTask(null, fm, diags, options, null, fm.getJavaFileObjects(src)).call();
            if (!ok) {
                StringBuilder sb = new StringBuilder("the README's Java snippet does not compile:\n");
                for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
                    sb.append("  line ").append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT)).append('\n');
                }
                fail(sb.append("--- generated source ---\n").append(numbered(source)).toString());
            }
        }
    }

    private static String numbered(String s) {
        StringBuilder sb = new StringBuilder();
        String[] lines = s.split("\n", -1);
        for (int i = 0; i < lines.length; i++) sb.append(String.format(Locale.ROOT, "%3d  %s%n", i + 1, lines[i]));
        return sb.toString();
    }
}
