package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.driver.Compilation;
import ncd.driver.StageTimes;
import ncd.ir.Cost;
import ncd.ir.Graph;
import ncd.ir.TensorType;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Executable;
import ncd.runtime.RandomInputs;
import ncd.runtime.RunException;
import ncd.runtime.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ncdc bench}: how fast one circuit steps on a backend. Compiles it (timed), warms it up, then times at least
 * 20 runs of {@code Executable.step} — the call a Java user makes, inputs in and outputs out — and reports the median
 * and spread of the latency per step, throughput, GFLOP/s from the IR's FLOP count ({@link Cost}), and the bytes the
 * calling thread allocated per step.
 */
@Command(name = "bench",
        description = {
            "Time one circuit of FILE, compiled to JVM bytecode (the default) or on the reference interpreter (--backend interp).",
            "",
            "Reports compile time, then, after a warm-up, the latency of a step (median, p10-p90, min-max over --runs "
                + "timed runs), throughput, GFLOP/s and bytes allocated per step. A run is --batch steps (by default as "
                + "many as take about 1 ms). FLOPs come from the IR: 2 per multiply-add in contractions, 1 per input "
                + "element in reductions, 1 per output element in elementwise math (unary, binary, where, random); casts "
                + "and data movement count 0. Inputs are random (from --seed), the same at every step. Bad data at run "
                + "time (a gather index out of range) is error E0806, as in ncdc run."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc bench examples/mlp.ncd --circuit BatchClassifier --axis batch=256",
            "  ncdc bench examples/life.ncd --circuit Soup --backend interp --runs 20"})
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE", description = "The .ncd file.")
    Path file;

    @Option(names = "--circuit", paramLabel = "NAME", description = "The circuit to time (needed when the file has several).")
    String circuit;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "jvm", description = "Where to run: jvm (bytecode generated for the circuit; default), interp (the reference interpreter), cuda (an NVIDIA GPU), auto (cuda where an NVIDIA driver is installed, else jvm); `list` lists them.")
    String backend = "jvm";

    @Mixin TargetOptions target;

    @Mixin GradOptions grad;

    @Option(names = "--axis", paramLabel = "NAME=SIZE", split = ",", description = "Size a generic or sized-later axis.")
    List<String> axes = new ArrayList<>();

    @Option(names = "--runs", paramLabel = "N", defaultValue = "30", description = "Timed runs, at least 20 (default: ${DEFAULT-VALUE}).")
    int runs = 30;

    @Option(names = "--batch", paramLabel = "K", description = "Steps per timed run (default: enough for about 1 ms).")
    Integer batch;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "2", description = "Warm-up time (default: ${DEFAULT-VALUE} s).")
    double warmup = 2;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed for parameters and inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--loop", description = "Time the backend's own step loop (jvm: the generated run(n)), inputs "
            + "copied in once and outputs not copied out; for a backend without one, ignored.")
    boolean loop;

    @Option(names = "--profile", description = "Also time every node of the step (two clock reads per node) and print where the time "
            + "went, largest first (backends with the `profile` option: jvm).")
    boolean profile;

    @Override public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return bench(o, err);
        } catch (OutOfMemoryError e) {
            return Report.outOfMemory(err, common.diagnostics, circuit == null ? file.toString() : "circuit " + circuit);
        } catch (Throwable t) {
            Report.internalError(err, "bench", t, common.verbose);
            return Main.INTERNAL;
        }
    }

    private int bench(PrintWriter o, PrintWriter err) throws Throwable {
        if (TargetOptions.listed(backend, o)) return Main.OK;
        Diagnostics diags = new Diagnostics();
        Map<String, Integer> sizes = AxisSizes.parse(axes, diags);
        if (runs < 20) diags.error(SourceSpan.NONE, DiagCode.E0803, "--runs must be at least 20, got " + runs, null);
        if (batch != null && batch < 1) diags.error(SourceSpan.NONE, DiagCode.E0803, "--batch must be at least 1, got " + batch, null);
        if (warmup < 0) diags.error(SourceSpan.NONE, DiagCode.E0803, "--warmup must not be negative", null);
        BackendOptions options = target.options(seed, diags);
        Compilation c = common.compilation(diags);
        Optional<Backend> be = diags.hasErrors() ? Optional.empty() : c.backend(backend);
        if (diags.hasErrors()) return fail(err, diags, Main.USAGE);
        if (profile) {
            if (!be.get().optionKeys().containsKey("profile")) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "--profile: backend " + backend + " does not time nodes", "backends that do: "
                        + Backends.all().stream().filter(b -> b.optionKeys().containsKey("profile")).map(Backend::name).toList());
                return fail(err, diags, Main.USAGE);
            }
            options = options.with("profile", "true");
        }

        Optional<Circuits.Chosen> chosen = Circuits.load(c, file, circuit, sizes, "time", diags);
        if (chosen.isEmpty()) return fail(err, diags, Circuits.failure(diags));
        String name = chosen.get().name();
        // FLOPs are counted on the lowered graph, as ncdc doc counts them
        Optional<Graph> g = grad.apply(c.lower(chosen.get().program(), name, sizes), c);
        if (g.isEmpty()) return fail(err, diags, Main.USER_ERROR);
        Graph graph = g.get();
        Optional<Executable> built = c.instantiate(graph, be.get(), options);
        common.reportTimings(err, c);
        if (built.isEmpty()) return fail(err, diags, Circuits.failure(diags));
        Report.warningsBeforeRun(err, common.diagnostics, diags);
        Executable exec = built.get();

        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Map.Entry<String, TensorType> e : Inputs.declared(graph).entrySet()) in.put(e.getKey(), RandomInputs.draw(e.getKey(), e.getValue(), seed));
        // what the hoist pass moved out of the step is computed once, not per step: not counted in the step's work
        long onceFlops = exec.graph().schedule() == null ? 0 : Cost.total(exec.graph().schedule().hoisted()).flops();
        long flops = Math.max(0, Cost.step(graph).flops() - onceFlops);
        long outBytes = 0;
        for (Graph.Output out : graph.outputs()) outBytes += out.node().type().bytes();

        // each phase is printed as it completes: a long warm-up or timed run never leaves the screen blank
        try {
            Stepper stepper = stepper(exec, in);
            o.printf(Locale.ROOT, "%s %s on %s%s (Java %s, %d cores)%n", file, name, backend, stepper.loop() ? ", own step loop" : "",
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
            for (String line : compileReport(c.times())) o.println(line);
            o.printf(Locale.ROOT, "  work: %s per step%s%n", flopText(flops),
                    onceFlops == 0 ? "" : " (and " + flopText(onceFlops) + " computed once, from parameters alone)");
            o.flush();
            WarmUp w = warmUp(stepper, name, err);
            int k = batch != null ? batch : (int) Math.max(1, Math.min(1_000_000, Math.ceil(1e-3 / (w.secs() / w.steps()))));
            o.printf(Locale.ROOT, "  warm-up: %.1f s (%d steps); %d timed runs of %d step%s%n", w.secs(), w.steps(), runs, k, k == 1 ? "" : "s");
            o.flush();
            Map<String, Long> warmNanos = exec.nodeNanos();
            Timed t = timedRuns(stepper, k, name, err);
            printTimes(o, t, k, flops, outBytes, stepper.loop());
            if (profile) printProfile(o, minus(exec.nodeNanos(), warmNanos), backend);
        } catch (RunException e) {
            o.flush();
            Circuits.dataError(exec, e, diags);
            return fail(err, diags, Main.USER_ERROR);
        }
        o.flush();
        return Main.OK;
    }

    /**
     * Compile time by stage: a line with the total and the four groups (frontend; lowering, with the verifier and any
     * gradient; the passes; the backend), then a line per group with what it is made of: the frontend's phases, each
     * stage of lowering, each pass, the backend's parts ({@link Executable#compileNanos}; the JVM backend: plan,
     * codegen, class load, and init, the work the hoist pass moved out of the step, done once here).
     */
    static List<String> compileReport(StageTimes times) {
        Map<String, List<StageTimes.Stage>> groups = new LinkedHashMap<>();
        for (String g : new String[] {"frontend", "lowering", "passes", "backend"}) groups.put(g, new ArrayList<>());
        String backendName = "backend";
        for (StageTimes.Stage st : times.stages()) {
            String n = st.name();
            if (n.startsWith("backend")) {
                backendName = n;
                groups.get("backend").add(st);
            } else if (n.startsWith("pass ") || n.equals("verify after passes")) {
                groups.get("passes").add(st);
            } else if (n.equals("frontend")) {
                groups.get("frontend").add(st);
            } else {
                groups.get("lowering").add(st);
            }
        }
        List<String> lines = new ArrayList<>();
        List<String> sums = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, List<StageTimes.Stage>> g : groups.entrySet()) {
            long sum = 0;
            for (StageTimes.Stage st : g.getValue()) sum += st.nanos();
            total += sum;
            sums.add(g.getKey() + " " + time(sum / 1e9));
        }
        lines.add("  compile: " + time(total / 1e9) + " (" + String.join(", ", sums) + ")");
        for (Map.Entry<String, List<StageTimes.Stage>> g : groups.entrySet()) {
            List<String> items = new ArrayList<>();
            for (StageTimes.Stage st : g.getValue()) {
                if (!st.parts().isEmpty()) {
                    for (StageTimes.Stage p : st.parts()) items.add(p.name() + " " + time(p.nanos() / 1e9));
                } else if (!g.getKey().equals("frontend") && !g.getKey().equals("backend")) {
                    items.add((st.name().startsWith("pass ") ? st.name().substring(5) : st.name()) + " " + time(st.nanos() / 1e9));
                }
            }
            String label = g.getKey().equals("backend") ? backendName : g.getKey();
            if (!items.isEmpty()) lines.add("    " + label + ": " + String.join(", ", items));
        }
        return lines;
    }

    /** The latency, throughput, GFLOP/s and allocation of the timed runs of {@code k} steps each. */
    private void printTimes(PrintWriter o, Timed t, int k, long flops, long outBytes, boolean loop) {
        double[] sorted = t.perStep().clone();
        Arrays.sort(sorted);
        double median = quantile(sorted, 0.5), p10 = quantile(sorted, 0.1), p90 = quantile(sorted, 0.9);
        double perStepAlloc = (double) t.allocated() / ((long) runs * k);
        o.printf(Locale.ROOT, "  latency per step: median %s, p10-p90 %s-%s, min-max %s-%s%n", time(median), time(p10), time(p90), time(sorted[0]), time(sorted[runs - 1]));
        o.printf(Locale.ROOT, "  throughput: %s steps/s%n", RunCommand.num(Math.round(1 / median * 10) / 10.0));
        o.printf(Locale.ROOT, "  GFLOP/s: %.2f (median), %.2f-%.2f (p90-p10 latency)%n", flops / median / 1e9, flops / p90 / 1e9, flops / p10 / 1e9);
        if (loop) o.printf(Locale.ROOT, "  allocated: %s per step%n", bytesText(perStepAlloc));
        else o.printf(Locale.ROOT, "  allocated: %s per step (the outputs returned take %s)%n", bytesText(perStepAlloc), bytesText(outBytes));
        if (!backend.equals("interp") && perStepAlloc > (loop ? 0 : 2 * outBytes) + 4096) {
            o.println("  note: steps allocated beyond their outputs: part of the code may not have been compiled by C2 yet"
                    + " (JIT warm-up; try a longer --warmup)");
        }
    }

    /** What the warm-up measured: steps taken and their time, which size the timed runs. */
    private record WarmUp(long steps, double secs) {}

    /** What the timed runs measured: the time per step of each, and the bytes the calling thread allocated in all. */
    private record Timed(double[] perStep, long allocated) {}

    /** At least 5 steps and {@code --warmup} seconds; a step that fails on its data throws RunException. */
    private WarmUp warmUp(Stepper stepper, String name, PrintWriter err) throws Throwable {
        Progress progress = Progress.timed(err, name + " warm-up", warmup);
        long start = System.nanoTime(), steps = 0;
        try {
            do {
                stepper.steps(1);
                steps++;
                progress.tick(System.nanoTime() - start);
            } while (steps < 5 || System.nanoTime() - start < warmup * 1e9);
        } finally {
            progress.done();
        }
        return new WarmUp(steps, (System.nanoTime() - start) / 1e9);
    }

    /** {@code --runs} runs of {@code k} steps, each timed. */
    private Timed timedRuns(Stepper stepper, int k, String name, PrintWriter err) throws Throwable {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double[] perStep = new double[runs];
        long allocated = 0;
        Progress progress = Progress.counting(err, name, runs, "timed run");
        try {
            for (int r = 0; r < runs; r++) {
                long a0 = mx.getCurrentThreadAllocatedBytes();
                long s = System.nanoTime();
                stepper.steps(k);
                long e = System.nanoTime();
                allocated += mx.getCurrentThreadAllocatedBytes() - a0;
                perStep[r] = (e - s) / 1e9 / k;
                progress.tick(r + 1);
            }
        } finally {
            progress.done();
        }
        return new Timed(perStep, allocated);
    }

    /** Time per node in the timed runs: the totals at the end less those at the end of the warm-up. */
    private static Map<String, Long> minus(Map<String, Long> end, Map<String, Long> start) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : end.entrySet()) out.put(e.getKey(), e.getValue() - start.getOrDefault(e.getKey(), 0L));
        return out;
    }

    /** The nodes that took at least 0.5% of the timed runs, largest first. */
    private static void printProfile(PrintWriter o, Map<String, Long> nanos, String backend) {
        if (nanos.isEmpty()) {
            o.println("  profile: the " + backend + " backend does not time its nodes");
            return;
        }
        long total = 0;
        for (long v : nanos.values()) total += v;
        List<Map.Entry<String, Long>> rows = new ArrayList<>(nanos.entrySet());
        rows.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        o.printf(Locale.ROOT, "  profile (share of %s in %d nodes, timed runs):%n", time(total / 1e9), nanos.size());
        long shown = 0;
        for (Map.Entry<String, Long> r : rows) {
            double share = total == 0 ? 0 : 100.0 * r.getValue() / total;
            if (share < 0.5) break;
            shown += r.getValue();
            o.printf(Locale.ROOT, "    %5.1f%%  %s%n", share, r.getKey());
        }
        if (total > shown) o.printf(Locale.ROOT, "    %5.1f%%  the other nodes%n", 100.0 * (total - shown) / total);
    }

    /** Takes {@code n} steps. */
    private interface Stepper {
        void steps(int n) throws Throwable;

        default boolean loop() { return false; }
    }

    /**
     * {@code Executable.step(inputs)}, or with {@code --loop} the backend's own loop: an executable with public
     * {@code step(Map)}... and {@code run(long)} methods (the JVM backend's) is given the inputs once through one step and
     * then runs {@code run(n)}. Found reflectively: the driver does not depend on any backend's classes.
     */
    private Stepper stepper(Executable exec, Map<String, Tensor> in) throws Exception {
        if (loop) {
            java.lang.reflect.Method run;
            try {
                run = exec.getClass().getMethod("run", long.class);
            } catch (NoSuchMethodException e) {
                run = null;
            }
            if (run != null) {
                exec.step(in);
                java.lang.invoke.MethodHandle mh = java.lang.invoke.MethodHandles.publicLookup().unreflect(run).bindTo(exec);
                return new Stepper() {
                    @Override public void steps(int n) throws Throwable { mh.invokeExact((long) n); }
                    @Override public boolean loop() { return true; }
                };
            }
        }
        return n -> {
            for (int i = 0; i < n; i++) exec.step(in);
        };
    }

    private int fail(PrintWriter err, Diagnostics diags, int code) {
        Report.remaining(err, common.diagnostics, diags);
        return code;
    }

    /** Linear interpolation between order statistics. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    static String time(double secs) {
        if (secs >= 1) return String.format(Locale.ROOT, "%.3g s", secs);
        if (secs >= 1e-3) return String.format(Locale.ROOT, "%.3g ms", secs * 1e3);
        if (secs >= 1e-6) return String.format(Locale.ROOT, "%.3g us", secs * 1e6);
        return String.format(Locale.ROOT, "%.3g ns", secs * 1e9);
    }

    private static String flopText(long f) {
        if (f >= 1_000_000_000L) return String.format(Locale.ROOT, "%.3g GFLOP", f / 1e9);
        if (f >= 1_000_000L) return String.format(Locale.ROOT, "%.3g MFLOP", f / 1e6);
        if (f >= 1_000L) return String.format(Locale.ROOT, "%.3g kFLOP", f / 1e3);
        return f + " FLOP";
    }

    private static String bytesText(double b) {
        if (b >= 1 << 20) return String.format(Locale.ROOT, "%.3g MB", b / (1 << 20));
        if (b >= 1 << 10) return String.format(Locale.ROOT, "%.3g KB", b / (1 << 10));
        return String.format(Locale.ROOT, "%.0f B", b);
    }
}
