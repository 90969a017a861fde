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
 * <p>With the embedded engine each circuit is drawn by a fresh JVM, SVG first, then PNG: a renderer that fails only on
 * its first layout in a process (as graphviz-java's V8 engine did on machines whose fonts measured differently) fails
 * here, where a test that draws many graphs in one JVM would hide it. Each run must also print nothing on stderr: no
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

    @Test void theEmbeddedEngineDrawsEachOneInAFreshJvm(@TempDir Path dir) throws Exception {
        List<Case> cases = cases();
        // Two at a time (the machines have two cores), on a pool of our own: never the common pool.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<String>> runs = new ArrayList<>();
        try {
            for (Case c : cases) runs.add(pool.submit(() -> drawInFreshJvm(c, dir)));
            List<String> failures = new ArrayList<>();
            for (Future<String> r : runs) {
                String problem = r.get(10, TimeUnit.MINUTES);
                if (problem != null) failures.add(problem);
            }
            assertTrue(failures.isEmpty(), () -> failures.size() + " of " + runs.size() + " drawings failed:\n" + String.join("\n", failures));
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
                assertTrue(r.err().isEmpty(), () -> c + "\n" + r.describe());
                assertDrawn(out, ext);
            }
        }
    }

    /** In the fresh JVM: {@code ncdc ARGS -o PREFIX.svg}, then {@code ncdc ARGS -o PREFIX.png}; the first failure's exit code. */
    public static final class Child {
        public static void main(String[] args) {
            String prefix = args[0];
            List<String> rest = List.of(args).subList(1, args.length);
            for (String ext : List.of("svg", "png")) {
                List<String> a = new ArrayList<>(rest);
                a.addAll(List.of("-o", prefix + "." + ext));
                int code = ncd.cli.Main.run(a.toArray(String[]::new), System.out, System.err);
                if (code != 0) System.exit(code);
            }
            System.exit(0);
        }
    }

    /** Null when both drawings are right; else what went wrong. */
    private static String drawInFreshJvm(Case c, Path dir) throws IOException, InterruptedException {
        Path prefix = dir.resolve(c.slug());
        List<String> args = new ArrayList<>(List.of(prefix.toString()));
        args.addAll(c.args("v8"));
        FreshJvm.Result r = FreshJvm.run(List.of(), Child.class, args, Map.of(), 300);
        if (r.exit() == -1) return c + ": still running after 5 minutes";
        if (r.exit() != 0) return c + ": exit " + r.exit() + ": " + r.printed().strip();
        if (!r.printed().isEmpty()) return c + ": printed " + r.printed().strip();
        try {
            assertDrawn(Path.of(prefix + ".svg"), "svg");
            assertDrawn(Path.of(prefix + ".png"), "png");
        } catch (AssertionError e) {
            return c + ": " + e.getMessage();
        }
        System.out.printf("drew %s as SVG and PNG in a fresh JVM in %.1f s%n", c.slug(), r.seconds());
        return null;
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
