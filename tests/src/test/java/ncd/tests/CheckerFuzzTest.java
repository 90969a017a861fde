package ncd.tests;

import ncd.diag.Diagnostic;
import ncd.diag.DiagnosticPrinter;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.frontend.Frontend;
import ncd.frontend.Program;
import ncd.ir.Graph;
import ncd.ir.IrPrinter;
import ncd.ir.Liveness;
import ncd.ir.Schedule;
import ncd.ir.Sizes;
import ncd.ir.Verifier;
import ncd.runtime.Footprint;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
 * <p>A sample of the inputs that check clean is also run by the driver, in process: {@code ncdc run} on each circuit
 * (1 or 2 steps, on either backend, with {@code --out} now and then) and {@code ncdc test} on the laws, generic axes
 * sized small or, now and then, at the edges ({@link Mutator#AXIS_SIZES}). Per seed, the sample is the first clean
 * mutant with a replaced axis size and one clean input of the others. Whatever they print, they must not end in an
 * internal error (exit 3). A circuit that passes the size check (E0807) but would take more than
 * {@link #RUN_MAX_BYTES} is not run: it is valid, and only slow here.
 *
 * <p>It runs exactly {@code -Dncd.fuzz.inputs} inputs (default 10000: about 40 s on two cores), the seeds
 * unmodified and then their mutants in turn, and fails when it finds too few seed files or they yield too few
 * distinct mutants. For the driver's sample, {@code -Dncd.fuzz.runPerSeed} (default 1: how
 * many of each kind per seed), {@code -Dncd.fuzz.runEvery} (default 6: the clean inputs whose number among all clean
 * inputs is a multiple of it are the candidates) and {@code -Dncd.fuzz.runSeconds} (default 20: the most seconds
 * the driver may take in all). {@code -Dncd.fuzz.runPerSeed=1000 -Dncd.fuzz.runEvery=1} runs every clean input.
 */
class CheckerFuzzTest {
    /** How many inputs the test runs, exactly: the seeds unmodified and their mutants. */
    private static final int INPUTS = Integer.getInteger("ncd.fuzz.inputs", 10000);
    private static final int TRIES_PER_MUTANT = 40;
    private static final long PER_INPUT_TIMEOUT_S = 10;
    private static final int RUN_EVERY = Integer.getInteger("ncd.fuzz.runEvery", 6);
    private static final int RUN_PER_SEED = Integer.getInteger("ncd.fuzz.runPerSeed", 1);
    private static final long RUN_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(Integer.getInteger("ncd.fuzz.runSeconds", 20));
    /** The most bytes (every value of a step, as the interpreter holds them) of a circuit the sample runs. */
    static final long RUN_MAX_BYTES = 16 << 20;
    private static final Path RUN_DIR = Repo.root().resolve("tests/target/fuzz-run");

    private record Failure(String seed, String what, String snippet, String text, String error) {}

    /** Outcome of one input. */
    private enum Outcome { CLEAN, ERRORS }

    private int lowered, driverRuns, tooHeavy, drivenInputs, resizedInputs;
    private final Map<Mutator.Kind, Integer> perKind = new EnumMap<>(Mutator.Kind.class);
    private long runNanos;
    private final Set<Path> copiedDirs = new HashSet<>();
    private ExecutorService worker = newWorker();

    @Test
    void damagedProgramsEndInDiagnosticsNeverExceptions() throws Exception {
        List<Path> seeds = seeds();
        assertTrue(seeds.size() >= 20, "found " + seeds.size() + " seed files under stdlib/std, examples and tests/lit: too few to fuzz"
                + " (is ncd.root " + Repo.root() + " right?)");
        Map<Path, List<Mutator.Mutant>> plan = plan(seeds);
        long start = System.nanoTime();
        int inputs = 0, clean = 0, errors = 0;
        List<Failure> failures = new ArrayList<>();
        try {
            for (Map.Entry<Path, List<Mutator.Mutant>> e : plan.entrySet()) {
                Path seed = e.getKey();
                String rel = Repo.relative(seed);
                int axisRun = 0, otherRun = 0;
                for (Mutator.Mutant m : e.getValue()) {
                    inputs++;
                    Outcome o;
                    try {
                        o = runOne(seed, m.text());
                        if (o == Outcome.CLEAN) clean++; else errors++;
                    } catch (Throwable t) {
                        failures.add(new Failure(rel, m.description(), Mutator.snippet(m.text(), m.at(), 3), m.text(), trace(t)));
                        continue;
                    }
                    // per seed, the first clean mutants with a replaced axis size, and of the others those one in RUN_EVERY
                    boolean sampled = o == Outcome.CLEAN && runNanos < RUN_BUDGET_NANOS
                            && (m.kind() == Mutator.Kind.REPLACE_AXIS_SIZE ? axisRun++ < RUN_PER_SEED : clean % RUN_EVERY == 0 && otherRun++ < RUN_PER_SEED);
                    if (sampled) {
                        drivenInputs++;
                        if (m.kind() == Mutator.Kind.REPLACE_AXIS_SIZE) resizedInputs++;
                        long t0 = System.nanoTime();
                        try {
                            drive(seed, m.text(), clean);
                        } catch (Throwable t) {
                            failures.add(new Failure(rel, m.description() + ", run by the driver", Mutator.snippet(m.text(), m.at(), 3), m.text(),
                                    t instanceof DriverCrash ? t.getMessage() : trace(t)));
                        }
                        runNanos += System.nanoTime() - t0;
                    }
                }
            }
        } finally {
            worker.shutdownNow();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("[fuzz] %d seed files, %d inputs run in %.1f s: %d ended with errors, %d clean, %d failed;"
                        + " %d graphs lowered and verified%n", seeds.size(), inputs, secs, errors, clean, failures.size(), lowered);
        System.out.printf("[fuzz] driver: %d runs (ncdc run, ncdc test) of %d clean inputs (%d with a replaced axis size) in %.1f s;"
                + " %d circuits or laws not run (valid, but over %d MiB)%n", driverRuns, drivenInputs, resizedInputs, runNanos / 1e9, tooHeavy,
                RUN_MAX_BYTES >> 20);
        System.out.println("[fuzz] mutants per kind: " + perKind);
        assertEquals(INPUTS, inputs, "inputs run");
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

    /**
     * Exactly {@link #INPUTS} distinct inputs: each seed unmodified, then one new mutant per seed in turn (the kinds in
     * rotation) until there are enough; a seed that yields no new mutant in {@link #TRIES_PER_MUTANT} tries is done.
     * Fails when the seeds cannot yield that many.
     */
    private Map<Path, List<Mutator.Mutant>> plan(List<Path> seeds) throws IOException {
        assertTrue(seeds.size() <= INPUTS, seeds.size() + " seeds, more than the " + INPUTS + " inputs");
        Map<Path, List<Mutator.Mutant>> plan = new LinkedHashMap<>();
        Map<Path, Mutator> mutators = new LinkedHashMap<>();
        Map<Path, Set<String>> seen = new HashMap<>();
        for (Path seed : seeds) {
            String src = Files.readString(seed);
            plan.put(seed, new ArrayList<>(List.of(Mutator.Mutant.unmodified(src))));
            mutators.put(seed, new Mutator(src, Repo.relative(seed).hashCode() * 1_000_003L + 17));
            seen.put(seed, new HashSet<>(Set.of(src)));
        }
        Mutator.Kind[] kinds = Mutator.Kind.values();
        int total = seeds.size(), attempt = 0;
        while (total < INPUTS && !mutators.isEmpty()) {
            for (var it = mutators.entrySet().iterator(); it.hasNext() && total < INPUTS; ) {
                var e = it.next();
                Mutator.Mutant m = null;
                for (int t = 0; t < TRIES_PER_MUTANT && m == null; t++) {
                    Mutator.Kind kind = kinds[attempt++ % kinds.length];
                    m = e.getValue().mutate(kind);
                    if (m != null && !seen.get(e.getKey()).add(m.text())) m = null;
                }
                if (m == null) {
                    it.remove();
                    continue;
                }
                plan.get(e.getKey()).add(m);
                perKind.merge(m.kind(), 1, Integer::sum);
                total++;
            }
        }
        assertEquals(INPUTS, total, "distinct inputs the " + seeds.size() + " seeds yield");
        return plan;
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

    /** An internal error of the driver: the message is the command line and what it printed. */
    private static final class DriverCrash extends AssertionError {
        DriverCrash(String message) { super(message); }
    }

    /**
     * Runs {@code ncdc run} on each circuit of a clean input and {@code ncdc test} on its laws (a copy of the input
     * under {@link #RUN_DIR}, beside copies of its seed's neighbours so that imports resolve); an internal error is a
     * {@link DriverCrash}. {@code n} varies the options: steps, backend, --out, and the sizes of generic axes.
     */
    private void drive(Path seed, String text, int n) throws Throwable {
        Path copy = RUN_DIR.resolve(Repo.relative(seed));
        if (copiedDirs.add(copy.getParent())) {
            Files.createDirectories(copy.getParent());
            try (var s = Files.list(seed.getParent())) {
                for (Path p : s.filter(p -> p.toString().endsWith(".ncd")).toList()) {
                    Files.copy(p, copy.resolveSibling(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.writeString(copy, text);
        Future<?> f = worker.submit(() -> {
            Diagnostics diags = new Diagnostics();
            Program prog = Frontend.loadText(copy, text, diags);
            if (diags.hasErrors()) return null;
            // generic and sized-later axes: small distinct sizes, or every third time sizes at the edges (0 is a bad --axis)
            Map<String, Integer> sizes = new LinkedHashMap<>();
            List<String> names = new ArrayList<>(prog.circuitNames());
            names.addAll(prog.lawNames());
            for (String c : names) {
                for (String a : prog.unsizedAxes(c)) {
                    int k = sizes.size();
                    sizes.putIfAbsent(a, n % 3 == 0 ? Integer.parseInt(Mutator.AXIS_SIZES.get(1 + (n + k) % 4).replace("_", "")) : 2 + k % 4);
                }
            }
            List<String> axisArgs = new ArrayList<>();
            sizes.forEach((a, v) -> axisArgs.addAll(List.of("--axis", a + "=" + v)));
            int steps = 1 + n % 2;
            boolean out = n % 5 == 0;
            for (String c : prog.circuitNames()) {
                if (!runnable(prog, c, sizes, out && steps > 1 ? steps : 0)) continue;
                List<String> args = new ArrayList<>(List.of("run", copy.toString(), "--circuit", c, "--steps", String.valueOf(steps),
                        "--backend", n % 4 == 1 ? "interp" : "jvm"));
                if (out) args.addAll(List.of("--out", RUN_DIR.resolve("out").toString()));
                args.addAll(axisArgs);
                driver(args);
            }
            if (!prog.lawNames().isEmpty() && prog.lawNames().stream().allMatch(l -> runnable(prog, l, sizes, 0))) {
                List<String> args = new ArrayList<>(List.of("test", copy.toString(), "--trials", "1"));
                args.addAll(axisArgs);
                driver(args);
            }
            return null;
        });
        try {
            f.get(2 * PER_INPUT_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            throw new AssertionError("the driver gave no result after " + 2 * PER_INPUT_TIMEOUT_S + " s (hang or runaway loop)");
        }
    }

    /**
     * Whether to run {@code name} (with the outputs of {@code keptSteps} steps kept, for --out): when the size check
     * refuses it (that is quick), or when all its values fit in {@link #RUN_MAX_BYTES}; what does not lower is run too
     * (the driver reports it).
     */
    private boolean runnable(Program prog, String name, Map<String, Integer> sizes, long keptSteps) {
        Optional<Graph> g = prog.lower(name, sizes, new Diagnostics());
        if (g.isEmpty()) return true;
        if (!Footprint.check(g.get(), keptSteps, Footprint.budget(), Footprint.Layout.TYPED, new Diagnostics())) return true;
        long all = 0;
        for (Liveness.Value v : Liveness.of(g.get(), Schedule.Fusion.NONE).values()) all = Sizes.plus(all, Sizes.times(v.count(), 8));
        if (all <= RUN_MAX_BYTES) return true;
        tooHeavy++;
        return false;
    }

    private void driver(List<String> args) {
        driverRuns++;
        Ncdc.Result r = Ncdc.run(args);
        if (r.exit() == ncd.cli.Main.INTERNAL || r.internalError()) throw new DriverCrash("ncdc " + String.join(" ", args) + "\n" + r.describe());
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
