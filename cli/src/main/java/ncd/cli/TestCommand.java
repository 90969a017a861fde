package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.driver.Compilation;
import ncd.frontend.Program;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Executable;
import ncd.runtime.RunException;
import ncd.ir.Graph;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.runtime.RandomInputs;
import ncd.runtime.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code ncdc test}: check every law on random inputs and print one line per law with its worst error. */
@Command(name = "test",
        description = {
            "Test every law and expectation of .ncd files on random inputs, on the reference interpreter (or --backend NAME).",
            "",
            "Each law runs on --trials random inputs (reproducible from --seed). A law holds when |lhs - rhs| <= its "
                + "tolerance for every element of every trial; `expect NAME after N steps: ...` compares the two sides "
                + "after N state updates. A law with neither inputs nor parameters is the same at every trial (random sources name "
                + "their seeds in the source), so it is checked once. Generic and sized-later axes get small distinct sizes (3, 4, 5, ...) unless "
                + "--axis sets them. Prints one line per law with its worst error; exits 1 when one fails."},
        footerHeading = "%nExamples:%n",
        footer = {"  ncdc test examples/", "  ncdc test stdlib/std/act.ncd --trials 100 --axis A=64"})
final class TestCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = ".ncd files or directories.")
    List<Path> paths;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "20", description = "Random inputs per law (default: ${DEFAULT-VALUE}).")
    int trials = 20;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--axis", paramLabel = "NAME=SIZE", split = ",", description = "Size a generic or sized-later axis.")
    List<String> axes = new ArrayList<>();

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "interp",
            description = "Where the laws run: interp (the reference interpreter; default), jvm or another installed backend; `list` lists them.")
    String backend = "interp";

    @Mixin TargetOptions target;

    @Override public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return test(o, err);
        } catch (Throwable t) {
            Report.internalError(err, "test", t, common.verbose);
            return Main.INTERNAL;
        }
    }

    private int test(PrintWriter o, PrintWriter err) {
        if (TargetOptions.listed(backend, o)) return Main.OK;
        Diagnostics diags = new Diagnostics();
        Map<String, Integer> given = AxisSizes.parse(axes, diags);
        if (trials < 1) diags.error(SourceSpan.NONE, DiagCode.E0803, "--trials must be at least 1", null);
        BackendOptions options = target.options(seed, diags);
        Optional<Backend> be = diags.hasErrors() ? Optional.empty() : common.compilation(diags).backend(backend);
        if (diags.hasErrors()) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USAGE;
        }
        List<Path> files = new ArrayList<>();
        for (Path p : paths) files.addAll(expand(p));
        // every file is loaded before any law runs: an --axis is wrong only when no law of any file takes it
        List<Diagnostics> loading = new ArrayList<>();
        Map<Program, List<String>> programs = new LinkedHashMap<>();
        for (Path f : files) {
            Diagnostics d = new Diagnostics();
            Compilation c = common.compilation(d);
            c.load(f).ifPresent(prog -> programs.put(prog, prog.lawNames()));
            common.reportTimings(err, c);
            loading.add(d);
        }
        // with a file that does not load, the law that takes an axis may be in it: its errors are reported instead
        if (programs.size() == files.size() && !AxisSizes.check(given, programs, "laws", diags)) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USAGE;
        }
        int passed = 0, failed = 0, broken = 0;
        Iterator<Program> loaded = programs.keySet().iterator();
        for (Diagnostics d : loading) {
            if (d.hasErrors()) {
                Report.diagnostics(err, common.diagnostics, d.sorted());
                broken++;
                continue;
            }
            Program prog = loaded.next();
            for (String law : prog.lawNames()) {
                Map<String, Integer> sizes = new LinkedHashMap<>(given);
                int next = 3;
                for (String a : prog.unsizedAxes(law)) {
                    if (!sizes.containsKey(a)) {
                        while (sizes.containsValue(next)) next++;
                        sizes.put(a, next++);
                    }
                }
                Diagnostics ld = new Diagnostics();
                Compilation c = common.compilation(ld);
                Optional<Executable> first = c.build(prog, law, sizes, backend, options);
                common.reportTimings(err, c);
                String label = prog.moduleName() + ": " + law + sizeText(prog.unsizedAxes(law), sizes);
                if (first.isEmpty()) {
                    Report.diagnostics(err, common.diagnostics, ld.sorted());
                    boolean tooLarge = ld.all().stream().anyMatch(x -> x.code() == DiagCode.E0807);
                    o.println("ERROR " + label + ": " + (tooLarge ? "too large to run" : "does not lower"));
                    broken++;
                    continue;
                }
                Graph g = first.get().graph();
                Result r;
                try {
                    r = check(first.get(), t -> c.compile(g, be.get(), options.withSeed(seed + t)).orElseThrow());
                } catch (OutOfMemoryError e) {
                    // a law that cannot be allocated is that law's error; the others still run
                    ld = new Diagnostics();
                    ncd.runtime.Footprint.outOfMemory("law " + law, ld);
                    Report.diagnostics(err, common.diagnostics, ld.sorted());
                    r = new Result(Double.NaN, 0, 0, "ran out of memory");
                }
                if (r.error != null) {
                    o.println("ERROR " + label + ": " + r.error);
                    broken++;
                } else if (r.worst <= g.tolerance()) {
                    o.printf("ok    %s  worst %s within %s (%s)%n", label, RunCommand.num(r.worst), RunCommand.num(g.tolerance()), trialsText(r.trials));
                    passed++;
                } else {
                    o.printf("FAIL  %s  worst %s > %s%s (%s)%n", label, Double.isNaN(r.worst) ? "nan" : RunCommand.num(r.worst),
                            RunCommand.num(g.tolerance()), r.trials == 1 ? "" : " at trial " + r.trial, trialsText(r.trials));
                    failed++;
                }
            }
        }
        o.printf("%d passed, %d failed, %d errors%n", passed, failed, broken);
        return failed + broken == 0 ? Main.OK : Main.USER_ERROR;
    }

    /** The worst error, the trial it came at and how many trials ran; or the error that stopped the law. */
    private record Result(double worst, int trial, int trials, String error) {}

    /** "20 trials", or for a law that is the same at every trial, that it was checked once. */
    private static String trialsText(int n) {
        return n == 1 ? "no inputs or parameters: checked once" : n + " trials";
    }

    /**
     * Whether the trials of law {@code g} differ: a trial draws the law's inputs from seed + t and its parameters (those
     * of the circuits it calls) from seed + t. Random sources do not vary between trials: each names its own seed in
     * the source (docs/language.md), so a law with neither inputs nor parameters computes the same at every trial.
     */
    static boolean variesByTrial(Graph g) {
        return !Inputs.declared(g).isEmpty() || g.nodes().stream().anyMatch(n -> n.op() == Op.PARAM);
    }

    /**
     * The largest |lhs - rhs| over all elements of all trials (NaN if either side is NaN anywhere). Trial 0 runs on
     * {@code first}; trial t on an instance whose parameters come from seed + t ({@code instance}). A law that is the
     * same at every trial ({@link #variesByTrial}) runs once.
     */
    private Result check(Executable first, java.util.function.IntFunction<Executable> instance) {
        Graph g = first.graph();
        double worst = 0;
        int at = 0;
        Map<String, TensorType> declared = Inputs.declared(g);
        int n = variesByTrial(g) ? trials : 1;
        for (int t = 0; t < n; t++) {
            Executable exec = t == 0 ? first : instance.apply(t);
            Map<String, Tensor> in = new LinkedHashMap<>();
            for (Map.Entry<String, TensorType> e : declared.entrySet()) in.put(e.getKey(), RandomInputs.draw(e.getKey(), e.getValue(), seed + t));
            Map<String, Tensor> out;
            try {
                // an expectation `after N steps` compares the outputs of step N (after N state updates)
                out = exec.step(in);
                for (int s = 0; s < g.steps(); s++) out = exec.step(in);
            } catch (RunException e) {
                return new Result(Double.NaN, t, t + 1, e.getMessage());
            }
            double d = out.get("lhs").maxAbsDiff(out.get("rhs"));
            if (Double.isNaN(d) || d > worst) {
                worst = d;
                at = t;
                if (Double.isNaN(d)) break;
            }
        }
        return new Result(worst, at, n, null);
    }

    private static String sizeText(List<String> axes, Map<String, Integer> sizes) {
        if (axes.isEmpty()) return "";
        List<String> parts = new ArrayList<>();
        for (String a : axes) parts.add(a + "=" + sizes.get(a));
        return "<" + String.join(", ", parts) + ">";
    }

    private static List<Path> expand(Path p) {
        if (!Files.isDirectory(p)) return List.of(p);
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".ncd"))
                    .filter(f -> { for (Path part : p.relativize(f)) if (part.toString().equals("target") || part.toString().startsWith(".")) return false; return true; })
                    .sorted().toList();
        } catch (IOException e) {
            return List.of(p);
        }
    }
}
