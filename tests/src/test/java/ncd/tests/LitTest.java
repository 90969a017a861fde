package ncd.tests;

import ncd.runtime.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The lit-style golden runner: one dynamic test per {@code tests/lit/**}{@code /*.ncd}, named by its path. Each
 * file carries its own expectations (see {@link LitFile}); a file with none must check clean. Adding a case is
 * adding a file; {@code -Dncd.updateGolden=true} rewrites the {@code .out} sidecars of RUN files.
 */
class LitTest {

    @TestFactory
    Stream<DynamicTest> lit() {
        Path lit = Repo.root().resolve("tests/lit");
        return Repo.ncdFiles(lit).stream()
                .map(f -> DynamicTest.dynamicTest(lit.relativize(f).toString().replace('\\', '/'), f.toUri(), () -> runCase(f)));
    }

    static void runCase(Path file) throws IOException {
        LitFile lf = LitFile.read(file);
        if (lf.hasRun()) {
            runLine(lf);
        } else if (!lf.errors().isEmpty()) {
            expectedErrors(lf);
        } else {
            Ncdc.Result r = Ncdc.run("check", file.toAbsolutePath().toString());
            if (r.exit() != 0) {
                fail(Repo.relative(file) + ": has no RUN line and no `// error:` annotation, so it must check clean, but:\n"
                        + r.describe());
            }
        }
    }

    // ---- RUN files ---------------------------------------------------------------------------------------------

    private static void runLine(LitFile lf) throws IOException {
        String name = Repo.relative(lf.path());
        Ncdc.Result r = Ncdc.run(lf.runArgs());
        String out = normalize(r.out(), lf.path());
        String err = normalize(r.err(), lf.path());
        String cmd = "ncdc " + String.join(" ", lf.run());
        if (r.exit() != lf.expectedExit()) {
            fail(name + ": `" + cmd + "` exited with " + r.exit() + ", expected " + lf.expectedExit() + "\n" + r.describe());
        }
        if (lf.expectedExit() != 3 && r.internalError()) {
            fail(name + ": `" + cmd + "` reported an internal error\n" + r.describe());
        }
        checkLines(name, cmd, "stdout", lf.checks(), out, r);
        checkLines(name, cmd, "stderr", lf.errChecks().stream().map(FileCheck.Check::of).toList(), err, r);

        Path golden = sidecar(lf.path());
        // The sidecar holds stdout unless CHECK or CHECK-ERR lines state the expectations; if it exists, it counts.
        boolean useGolden = (lf.checks().isEmpty() && lf.errChecks().isEmpty()) || Files.exists(golden);
        if (!useGolden) return;
        if (Repo.updateGolden()) {
            Files.writeString(golden, out);
            return;
        }
        if (!Files.exists(golden)) {
            fail(name + ": no CHECK or CHECK-ERR lines and no golden file " + Repo.relative(golden)
                    + "; create it with `mvn verify -Dncd.updateGolden=true` and review it\n" + r.describe());
        }
        String expected = normalize(Files.readString(golden), lf.path());
        if (!expected.equals(out)) {
            fail(name + ": stdout of `" + cmd + "` differs from " + Repo.relative(golden)
                    + " (rewrite with -Dncd.updateGolden=true if the change is intended)\n"
                    + firstDifference(expected, out)
                    + "--- expected ---\n" + expected + "--- actual stdout ---\n" + out
                    + "--- stderr ---\n" + r.err() + "--------------");
        }
    }

    /** The CHECK lines against one stream ({@link FileCheck}). */
    private static void checkLines(String name, String cmd, String stream, List<FileCheck.Check> checks, String text, Ncdc.Result r) {
        FileCheck.mismatch(checks, text).ifPresent(why -> fail(name + ": `" + cmd + "`: " + stream + ": " + why + "\n" + r.describe()));
    }

    static Path sidecar(Path ncd) {
        String n = ncd.getFileName().toString();
        return ncd.resolveSibling(n.substring(0, n.length() - ".ncd".length()) + ".out");
    }

    /**
     * Output as goldens store it: the file's absolute path as {@code %s}, the repository root as {@code %root},
     * {@code \n} line ends, no trailing whitespace on lines, no trailing blank lines.
     */
    static String normalize(String s, Path file) {
        String abs = file.toAbsolutePath().normalize().toString();
        String root = Repo.root().toString();
        s = s.replace("\r\n", "\n").replace(abs, "%s").replace(root + "/", "%root/");
        StringBuilder sb = new StringBuilder();
        for (String line : s.split("\n", -1)) sb.append(line.stripTrailing()).append('\n');
        String t = sb.toString();
        int end = t.length();
        while (end > 0 && t.charAt(end - 1) == '\n') end--;
        return end == 0 ? "" : t.substring(0, end) + "\n";
    }

    private static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : "<end of output>";
            String al = i < a.length ? a[i] : "<end of output>";
            if (!el.equals(al)) return "first difference at line " + (i + 1) + ":\n  expected: " + el + "\n  actual:   " + al + "\n";
        }
        return "";
    }

    // ---- inline `// error:` annotations -------------------------------------------------------------------------

    private static void expectedErrors(LitFile lf) {
        String name = Repo.relative(lf.path());
        Path abs = lf.path().toAbsolutePath().normalize();
        Ncdc.Result r = Ncdc.run("check", "--diagnostics=json", abs.toString());
        if (r.internalError()) fail(name + ": `ncdc check` reported an internal error\n" + r.describe());
        if (r.exit() != 1) fail(name + ": `ncdc check` exited with " + r.exit() + ", expected 1 (errors are annotated)\n" + r.describe());
        List<Object> ds;
        try {
            ds = castList(Json.parse(r.out()));
        } catch (RuntimeException e) {
            fail(name + ": `ncdc check --diagnostics=json` printed no valid JSON array: " + e.getMessage() + "\n" + r.describe());
            return;
        }
        TreeSet<LitFile.Expected> expected = new TreeSet<>(lf.errors());
        TreeSet<LitFile.Expected> actual = new TreeSet<>();
        List<String> elsewhere = new ArrayList<>();
        for (Object o : ds) {
            Map<?, ?> d = (Map<?, ?>) o;
            if (!"error".equals(d.get("severity"))) continue;
            String code = Objects.toString(d.get("code"));
            int line = ((Number) d.get("line")).intValue();
            Object f = d.get("file");
            if (f != null && sameFile(f.toString(), abs)) {
                actual.add(new LitFile.Expected(code, line));
            } else {
                elsewhere.add((f == null ? "<no file>" : f) + ":" + line + ": " + code + " " + d.get("message"));
            }
        }
        if (expected.equals(actual)) return;
        TreeSet<LitFile.Expected> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        TreeSet<LitFile.Expected> unexpected = new TreeSet<>(actual);
        unexpected.removeAll(expected);
        StringBuilder sb = new StringBuilder(name + ": the diagnostics differ from the `// error:` annotations\n");
        sb.append("  expected: ").append(expected).append('\n');
        sb.append("  actual:   ").append(actual).append('\n');
        if (!missing.isEmpty()) sb.append("  missing (annotated, not reported): ").append(missing).append('\n');
        if (!unexpected.isEmpty()) sb.append("  unexpected (reported, not annotated): ").append(unexpected).append('\n');
        if (!elsewhere.isEmpty()) sb.append("  errors in other files or without a place: ").append(elsewhere).append('\n');
        Ncdc.Result text = Ncdc.run("check", abs.toString());
        sb.append("the same check in text form:\n").append(text.err());
        fail(sb.toString());
    }

    private static boolean sameFile(String reported, Path abs) {
        try {
            return Path.of(reported).toAbsolutePath().normalize().equals(abs);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> castList(Object o) {
        if (!(o instanceof List<?>)) throw new IllegalArgumentException("not an array");
        return (List<Object>) o;
    }
}
