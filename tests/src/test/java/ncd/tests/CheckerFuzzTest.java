package ncd.tests;

import ncd.diag.Diagnostic;
import ncd.diag.DiagnosticPrinter;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.frontend.Frontend;
import ncd.frontend.Program;
import ncd.ir.Graph;
import ncd.ir.IrPrinter;
import ncd.ir.Verifier;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Damaged programs must end in diagnostics or success, never in an exception. Seeds are the valid .ncd files
 * (stdlib, examples, lit files without {@code // error:} annotations); each gets deterministic mutants from
 * {@link Mutator} (seeded by its path). Every input is checked with {@link Frontend#loadText} under the seed's
 * path (so imports resolve); when it checks clean, every circuit and law that needs no axis sizes is lowered and
 * its graph verified and printed, and so is every generic one, with small sizes for its axes. Diagnostics must
 * print, and their spans must lie inside the input. All failures are collected and reported together; failing inputs are written
 * to {@code tests/target/fuzz-failures/} for reproduction.
 *
 * <p>Knobs: {@code -Dncd.fuzz.inputs} (default 10000, a target: small seed files yield fewer distinct mutants) and {@code -Dncd.fuzz.seconds} (default 50: the test stops
 * early, reporting so, rather than exceed it).
 */
class CheckerFuzzTest {
    private static final int TARGET_INPUTS = Integer.getInteger("ncd.fuzz.inputs", 10000);
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(Integer.getInteger("ncd.fuzz.seconds", 50));
    private static final long PER_INPUT_TIMEOUT_S = 10;

    private record Failure(String seed, String what, String snippet, String text, String error) {}

    /** Outcome of one input. */
    private enum Outcome { CLEAN, ERRORS }

    private int lowered;
    private ExecutorService worker = newWorker();

    @Test
    void damagedProgramsEndInDiagnosticsNeverExceptions() throws Exception {
        List<Path> seeds = seeds();
        if (seeds.isEmpty()) {
            System.out.println("[fuzz] no seed files found; nothing to do");
            return;
        }
        int perSeed = Math.max(1, (TARGET_INPUTS + seeds.size() - 1) / seeds.size() - 1);
        long start = System.nanoTime();
        int inputs = 0, clean = 0, errors = 0;
        boolean outOfTime = false;
        Map<Mutator.Kind, Integer> perKind = new EnumMap<>(Mutator.Kind.class);
        List<Failure> failures = new ArrayList<>();
        try {
            seedLoop:
            for (Path seed : seeds) {
                String src = Files.readString(seed);
                String rel = Repo.relative(seed);
                Mutator mutator = new Mutator(src, rel.hashCode() * 1_000_003L + 17);
                Set<String> seen = new HashSet<>();
                List<Mutator.Mutant> mutants = new ArrayList<>();
                mutants.add(new Mutator.Mutant(src, "unmodified", 0));
                seen.add(src);
                Mutator.Kind[] kinds = Mutator.Kind.values();
                for (int attempt = 0; mutants.size() <= perSeed && attempt < perSeed * 4; attempt++) {
                    Mutator.Kind kind = kinds[attempt % kinds.length];
                    Mutator.Mutant m = mutator.mutate(kind);
                    if (m == null || !seen.add(m.text())) continue;
                    mutants.add(m);
                    perKind.merge(kind, 1, Integer::sum);
                }
                for (Mutator.Mutant m : mutants) {
                    if (System.nanoTime() - start > BUDGET_NANOS) {
                        outOfTime = true;
                        break seedLoop;
                    }
                    inputs++;
                    try {
                        Outcome o = runOne(seed, m.text());
                        if (o == Outcome.CLEAN) clean++; else errors++;
                    } catch (Throwable t) {
                        failures.add(new Failure(rel, m.description(), Mutator.snippet(m.text(), m.at(), 3), m.text(), trace(t)));
                    }
                }
            }
        } finally {
            worker.shutdownNow();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("[fuzz] %d seed files, %d inputs run in %.1f s: %d ended with errors, %d clean, %d failed;"
                        + " %d graphs lowered and verified%s%n", seeds.size(), inputs, secs, errors, clean, failures.size(),
                lowered, outOfTime ? " (stopped early: time budget)" : "");
        System.out.println("[fuzz] mutants per kind: " + perKind);
        if (!failures.isEmpty()) {
            Path dir = saveFailures(failures);
            StringBuilder sb = new StringBuilder(failures.size() + " of " + inputs + " fuzz inputs threw instead of"
                    + " ending in diagnostics or success (all saved under " + dir + "); the first "
                    + Math.min(10, failures.size()) + ":\n");
            for (int i = 0; i < Math.min(10, failures.size()); i++) {
                Failure f = failures.get(i);
                sb.append("\n#").append(i + 1).append(" seed ").append(f.seed()).append(", ").append(f.what()).append('\n')
                  .append(f.snippet()).append(f.error()).append('\n');
            }
            fail(sb.toString());
        }
    }

    /** Checks one input, then lowers and verifies what it can; anything thrown (or a hang) is a failure. */
    private Outcome runOne(Path seed, String text) throws Throwable {
        Future<Outcome> f = worker.submit(() -> check(seed, text));
        try {
            return f.get(PER_INPUT_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = newWorker();   // the stuck thread is a daemon; go on with a fresh one
            throw new AssertionError("no result after " + PER_INPUT_TIMEOUT_S + " s (hang or runaway loop)");
        }
    }

    private Outcome check(Path seed, String text) {
        Diagnostics diags = new Diagnostics();
        Program prog = Frontend.loadText(seed, text, diags);
        checkDiagnostics(diags, seed, text);
        if (diags.hasErrors()) return Outcome.ERRORS;
        if (prog == null) throw new AssertionError("Frontend.loadText returned no program and reported no error");
        List<String> names = new ArrayList<>(prog.circuitNames());
        names.addAll(prog.lawNames());
        boolean anyErrors = false;
        for (String n : names) {
            List<String> unsized = prog.unsizedAxes(n);
            // As the brief asks: what needs no sizes. Beyond it, generic code with small sizes (2, 3, 4, ...):
            // a size-dependent error is a fine outcome there, an exception is not.
            Map<String, Integer> sizes = new LinkedHashMap<>();
            for (int i = 0; i < unsized.size(); i++) sizes.put(unsized.get(i), 2 + i % 4);
            Diagnostics ld = new Diagnostics();
            Optional<Graph> g = prog.lower(n, sizes, ld);
            checkDiagnostics(ld, seed, text);
            if (g.isEmpty()) {
                if (!ld.hasErrors()) throw new AssertionError("lowering " + n + " gave no graph and reported no error");
                if (unsized.isEmpty()) anyErrors = true;
                continue;
            }
            Verifier.verify(g.get());
            IrPrinter.print(g.get());
            lowered++;
        }
        return anyErrors ? Outcome.ERRORS : Outcome.CLEAN;
    }

    /** The printers must cope with every diagnostic, and a span in the input must lie inside it. */
    private static void checkDiagnostics(Diagnostics diags, Path seed, String text) {
        DiagnosticPrinter.text(diags.sorted());
        DiagnosticPrinter.json(diags.sorted());
        for (Diagnostic d : diags.all()) {
            SourceSpan s = d.span();
            if (!s.isKnown() || !s.file().text().equals(text)) continue;
            if (s.start() < 0 || s.end() > text.length()) {
                throw new AssertionError("diagnostic " + d.code() + " has span [" + s.start() + ", " + s.end()
                        + ") outside the input of length " + text.length() + ": " + d.message());
            }
        }
    }

    /** stdlib and examples, and lit files that expect no errors. */
    private static List<Path> seeds() {
        Path root = Repo.root();
        Set<Path> files = new LinkedHashSet<>(Repo.ncdFiles(root.resolve("stdlib/std")));
        files.addAll(Repo.ncdFiles(root.resolve("examples")));
        for (Path f : Repo.ncdFiles(root.resolve("tests/lit"))) {
            try {
                LitFile lf = LitFile.read(f);
                if (lf.errors().isEmpty() && lf.expectedExit() == 0) files.add(f);
            } catch (IOException | IllegalArgumentException e) {
                // a malformed lit file is LitTest's business
            }
        }
        return new ArrayList<>(files);
    }

    private static Path saveFailures(List<Failure> failures) {
        Path dir = Repo.root().resolve("tests/target/fuzz-failures");
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < failures.size(); i++) {
                Failure f = failures.get(i);
                String base = String.format("%03d", i + 1);
                Files.writeString(dir.resolve(base + ".ncd"), f.text());
                Files.writeString(dir.resolve(base + ".txt"), "seed: " + f.seed() + "\nmutation: " + f.what() + "\n\n" + f.error());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The exception and its causes, each with its first frames: enough to find the bug, short enough to read. */
    private static String trace(Throwable t) {
        StringWriter sw = new StringWriter();
        PrintWriter pw = new PrintWriter(sw);
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            pw.println((c == t ? "" : "caused by: ") + c);
            StackTraceElement[] st = c.getStackTrace();
            for (int i = 0; i < Math.min(8, st.length); i++) pw.println("    at " + st[i]);
        }
        pw.flush();
        return sw.toString();
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread th = new Thread(r, "fuzz-worker");   // default stack size, as the driver has
            th.setDaemon(true);
            return th;
        });
    }
}
