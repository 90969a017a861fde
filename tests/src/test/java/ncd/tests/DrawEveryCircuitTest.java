package ncd.tests;

import ncd.diag.Diagnostics;
import ncd.diagrams.Render;
import ncd.diagrams.SampleSizes;
import ncd.frontend.Frontend;
import ncd.frontend.Program;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code ncdc diagram} draws every circuit and law of every example, stdlib module and gallery file to SVG and to PNG.
 *
 * <p>With the embedded engine each file's circuits are drawn by a fresh JVM, SVG first, then PNG: a renderer that fails
 * only on its first layout in a process (as graphviz-java's V8 engine did on machines whose fonts measured
 * differently) fails here on each file's first drawing, where a test that draws everything in one JVM would hide it.
 * (One JVM per circuit was the rule while there were few; at 140 circuits and laws it cost most of the suite's time.) Each run must also print nothing on stderr but ncdc's notes: no
 * JVM warning.
 * With {@code dot} (where it is installed) the renderer is a fresh process anyway, so one JVM draws everything.
 */
class DrawEveryCircuitTest {
    /** One circuit or law and the sizes it is drawn with (those of the doc site). */
    record Case(Path file, String name, Map<String, Integer> sizes) {
        List<String> args(Path out, String engine) {
            List<String> a = new ArrayList<>(args(engine));
            a.addAll(List.of("-o", out.toString()));
            return a;
        }

        /** The command line without its output. */
        List<String> args(String engine) {
            List<String> a = new ArrayList<>(List.of("diagram", file.toString(), "--circuit", name, "--engine", engine));
            if (!sizes.isEmpty()) {
                a.add("--axis");
                a.add(sizes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
            }
            return a;
        }

        String slug() { return file.getFileName().toString().replace(".ncd", "") + "_" + name; }
    }

    static List<Case> cases() {
        List<Path> files = new ArrayList<>(Repo.stdlibAndExamples());
        files.addAll(Repo.ncdFiles(Repo.root().resolve("gallery")));
        List<Case> out = new ArrayList<>();
        for (Path f : files) {
            Diagnostics d = new Diagnostics();
            Program p = Frontend.load(f, d);
            assertTrue(p != null && !d.hasErrors(), () -> f + " does not check: " + d.sorted());
            List<String> names = new ArrayList<>(p.circuitNames());
            names.addAll(p.lawNames());
            for (String n : names) {
                Map<String, Integer> chosen = null;
                for (Map<String, Integer> s : SampleSizes.candidates(p.unsizedAxes(n), Map.of())) {
                    if (p.lower(n, s, new Diagnostics()).isPresent()) {
                        chosen = s;
                        break;
                    }
                }
                if (chosen == null) fail(f + ": " + n + " lowers with none of the sample sizes");
                out.add(new Case(f, n, chosen));
            }
        }
        assertTrue(out.size() >= 50, "expected the examples and the stdlib to hold 50 or more circuits and laws, found " + out.size());
        return out;
    }

    @Test void theEmbeddedEngineDrawsEachFileInAFreshJvm(@TempDir Path dir) throws Exception {
        List<Case> cases = cases();
        // one fresh JVM per file, whose first drawing is its first layout; two at a time (the machines have two
        // cores), on a pool of our own: never the common pool
        Map<Path, List<Case>> byFile = new java.util.LinkedHashMap<>();
        for (Case c : cases) byFile.computeIfAbsent(c.file(), f -> new ArrayList<>()).add(c);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<String>> runs = new ArrayList<>();
        try {
            for (List<Case> file : byFile.values()) runs.add(pool.submit(() -> drawInFreshJvm(file, dir)));
            List<String> failures = new ArrayList<>();
            for (Future<String> r : runs) {
                String problem = r.get(10, TimeUnit.MINUTES);
                if (problem != null) failures.add(problem);
            }
            assertTrue(failures.isEmpty(), () -> failures.size() + " of " + runs.size() + " files failed to draw:\n" + String.join("\n", failures));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test void dotDrawsEachOneWhereInstalled(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Render.dotInstalled(), "the dot program is not installed");
        for (Case c : cases()) {
            for (String ext : List.of("svg", "png")) {
                Path out = dir.resolve(c.slug() + "." + ext);
                Ncdc.Result r = Ncdc.run(c.args(out, "dot"));
                assertEquals(0, r.exit(), () -> c + "\n" + r.describe());
                assertTrue(withoutNotes(r.err()).isEmpty(), () -> c + "\n" + r.describe());
                assertDrawn(out, ext);
            }
        }
    }

    /** Separates the cases a fresh JVM draws. */
    private static final String NEXT = "::next::";

    /**
     * In the fresh JVM, for each case (PREFIX ARGS, separated by {@link #NEXT}): {@code ncdc ARGS -o PREFIX.svg}, then
     * {@code ncdc ARGS -o PREFIX.png}; at the first failure, its prefix on stderr and its exit code.
     */
    public static final class Child {
        public static void main(String[] args) {
            List<List<String>> cases = new ArrayList<>();
            cases.add(new ArrayList<>());
            for (String a : args) {
                if (a.equals(NEXT)) cases.add(new ArrayList<>());
                else cases.get(cases.size() - 1).add(a);
            }
            for (List<String> c : cases) {
                String prefix = c.get(0);
                for (String ext : List.of("svg", "png")) {
                    List<String> a = new ArrayList<>(c.subList(1, c.size()));
                    a.addAll(List.of("-o", prefix + "." + ext));
                    int code = ncd.cli.Main.run(a.toArray(String[]::new), System.out, System.err);
                    if (code != 0) {
                        System.err.println("(drawing " + prefix + "." + ext + ")");
                        System.exit(code);
                    }
                }
            }
            System.exit(0);
        }
    }

    /** Null when every drawing of one file's cases is right; else what went wrong. */
    private static String drawInFreshJvm(List<Case> cases, Path dir) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        for (Case c : cases) {
            if (!args.isEmpty()) args.add(NEXT);
            args.add(dir.resolve(c.slug()).toString());
            args.addAll(c.args("v8"));
        }
        Path file = cases.get(0).file();
        FreshJvm.Result r = FreshJvm.run(List.of(), Child.class, args, Map.of(), 600);
        if (r.exit() == -1) return file + ": still running after 10 minutes";
        if (r.exit() != 0) return file + ": exit " + r.exit() + ": " + r.printed().strip();
        if (!withoutNotes(r.printed()).isEmpty()) return file + ": printed " + r.printed().strip();
        for (Case c : cases) {
            Path prefix = dir.resolve(c.slug());
            try {
                assertDrawn(Path.of(prefix + ".svg"), "svg");
                assertDrawn(Path.of(prefix + ".png"), "png");
            } catch (AssertionError e) {
                return c + ": " + e.getMessage();
            }
        }
        System.out.printf("drew the %d circuits and laws of %s as SVG and PNG in a fresh JVM in %.1f s%n", cases.size(), file.getFileName(), r.seconds());
        return null;
    }

    /** What was printed, less ncdc's notes (a large circuit drawn with its deeper calls as boxes says so). */
    private static String withoutNotes(String printed) {
        return printed.lines().filter(l -> !l.startsWith("note: ")).collect(Collectors.joining("\n")).strip();
    }

    private static void assertDrawn(Path out, String ext) throws IOException {
        byte[] b = Files.readAllBytes(out);
        if (ext.equals("png")) {
            assertTrue(b.length > 1000 && new String(b, 0, 4, StandardCharsets.ISO_8859_1).equals("\u0089PNG"), out + " is no PNG");
        } else {
            String s = new String(b, StandardCharsets.UTF_8);
            assertTrue(s.contains("<svg") && s.strip().endsWith("</svg>") && s.contains("class=\"node\""), out + " is no whole SVG diagram");
        }
    }
}
