package ncd.aot;

import ncd.ir.TensorType;
import ncd.runtime.Npy;
import ncd.runtime.NpyException;
import ncd.runtime.RunException;
import ncd.runtime.RandomInputs;
import ncd.runtime.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar CIRCUIT.jar}: runs the jar's circuit for some steps and prints (and saves) its outputs, as
 * {@code ncdc run} does. Exit codes: 0 success, 1 bad data (an input file that does not fit, a run-time error),
 * 2 a bad command line.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** One command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Circuit c;
        try {
            c = Circuit.load();
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        long steps = 1;
        long seed = c.seed();
        Path outDir = null;
        Map<String, Path> files = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                usage(out, c);
                return 0;
            }
            String opt = a, value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {   // --steps=8, --in=x=a.npy
                opt = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            switch (opt) {
                case "--steps", "--seed", "--out", "--in", "--input" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) return usageError(err, opt + " needs a value");
                        value = args[++i];
                    }
                }
                default -> {
                    return usageError(err, "unknown argument '" + a + "'");
                }
            }
            switch (opt) {
                case "--steps" -> {
                    try {
                        steps = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return usageError(err, "--steps needs a whole number, got '" + value + "'");
                    }
                    if (steps < 1) return usageError(err, "--steps must be at least 1, got " + steps);
                }
                case "--seed" -> {
                    try {
                        seed = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return usageError(err, "--seed needs a whole number, got '" + value + "'");
                    }
                }
                case "--out" -> outDir = Path.of(value);
                default -> {
                    int k = value.indexOf('=');
                    if (k <= 0 || k == value.length() - 1) return usageError(err, "bad " + opt + " value '" + value + "': expected NAME=FILE.npy");
                    String name = value.substring(0, k);
                    if (!c.inputNames().contains(name)) {
                        err.println("error: the circuit has no input `" + name + "`; its inputs: " + c.inputNames());
                        return 1;
                    }
                    files.put(name, Path.of(value.substring(k + 1)));
                }
            }
        }

        for (String name : c.inputNames()) {
            TensorType t = c.inputType(name);
            Path f = files.get(name);
            if (f == null) {
                c.setInput(name, RandomInputs.draw(name, t, seed));
                err.println("note: input " + name + " not given; using " + RandomInputs.describe(t) + " (seed " + seed + ")");
                continue;
            }
            try {
                if (!Files.isRegularFile(f)) {
                    err.println("error: cannot read " + f + ": no such file");
                    return 1;
                }
                c.setInput(name, Npy.toTensor(Npy.read(f), t, "input " + name));
            } catch (NpyException e) {
                err.println("error: " + e.getMessage());
                return 1;
            }
        }

        long t0 = System.nanoTime();
        Map<String, RunStats> overRun = new java.util.LinkedHashMap<>();
        try {
            // step by step, so that the summary covers every step and not only the last
            for (long s = 0; s < steps; s++) {
                c.step();
                if (steps > 1) for (Map.Entry<String, Tensor> e : c.outputs().entrySet()) overRun.computeIfAbsent(e.getKey(), k -> new RunStats()).add(e.getValue());
            }
        } catch (RunException e) {
            err.println("error: at step " + c.steps() + ": " + e.getMessage());
            return 1;
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        out.printf(Locale.ROOT, "%s: %d %s in %.3g ms (%s)%n", c.name(), steps, steps == 1 ? "step" : "steps", ms, kernelText(c));
        Map<String, Tensor> outputs = c.outputs();
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            Tensor t = e.getValue();
            Tensor.Stats st = t.stats();
            RunStats run = overRun.get(e.getKey());
            if (run == null) {
                out.printf("  %s: %s  min %s  mean %s  max %s%s%n", e.getKey(), t.type(), num(st.min()), num(st.mean()), num(st.max()),
                        st.nanCount() > 0 ? "  (" + st.nanCount() + " NaN)" : "");
            } else if (t.type().dtype() == ncd.ir.DType.BOOL) {
                out.printf(Locale.ROOT, "  %s: %s  events (true values): %d in %d steps, %s per step; at the last step %d%n", e.getKey(), t.type(),
                        run.trues, steps, num((double) run.trues / steps), Math.round(st.mean() * t.size()));
            } else {
                out.printf("  %s: %s  over %d steps: min %s  mean %s  max %s%s; at the last step: min %s  mean %s  max %s%n", e.getKey(), t.type(),
                        steps, num(run.min), num(run.sum / Math.max(1, run.count)), num(run.max), run.nan > 0 ? "  (" + run.nan + " NaN)" : "",
                        num(st.min()), num(st.mean()), num(st.max()));
            }
            String pic = t.render(120);
            if (pic != null) for (String line : pic.split("\n")) out.println("    " + line);
        }
        if (outDir != null) {
            try {
                Files.createDirectories(outDir);
                for (Map.Entry<String, Tensor> e : outputs.entrySet()) Npy.write(outDir.resolve(e.getKey() + ".npy"), e.getValue());
                Map<String, Tensor> states = c.states();
                if (!states.isEmpty()) {
                    Files.createDirectories(outDir.resolve("state"));
                    for (Map.Entry<String, Tensor> e : states.entrySet()) Npy.write(outDir.resolve("state").resolve(e.getKey() + ".npy"), e.getValue());
                }
                out.println("wrote " + outputs.size() + (outputs.size() == 1 ? " output" : " outputs")
                        + (states.isEmpty() ? "" : " and " + states.size() + (states.size() == 1 ? " state" : " states")) + " to " + outDir);
            } catch (IOException | UncheckedIOException e) {
                err.println("error: cannot write " + outDir + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    /** An output's figures over all the steps of a run: extremes, sum and count of the finite values, NaNs, true values. */
    private static final class RunStats {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum;
        long count, nan, trues;

        void add(Tensor t) {
            Tensor.Stats st = t.stats();
            int finite = t.size() - st.nanCount();
            if (finite > 0) {
                min = Math.min(min, st.min());
                max = Math.max(max, st.max());
                sum += st.mean() * finite;
                count += finite;
            }
            nan += st.nanCount();
            if (t.type().dtype() == ncd.ir.DType.BOOL) trues += Math.round(st.mean() * t.size());
        }
    }

    private static String kernelText(Circuit c) {
        if (!Circuit.vectorMatrixProducts()) return "without the Vector API";
        return c.vectorLoops() ? "Vector API: matrix products and bool stencils" : "Vector API: matrix products";
    }

    private static int usageError(PrintStream err, String message) {
        err.println("error: " + message);
        err.println("usage: " + synopsis() + " (--help for more)");
        return 2;
    }

    private static String synopsis() {
        return "java [--add-modules jdk.incubator.vector] -jar JAR [--steps N] [--in NAME=FILE.npy]... [--seed S] [--out DIR]";
    }

    private static void usage(PrintStream out, Circuit c) {
        out.println("usage: " + synopsis());
        out.println();
        out.println("Runs circuit " + c.name() + " (compiled by ncdc build, parameters drawn from seed " + c.seed() + ") for N steps");
        out.println("(default 1) on the same inputs and prints each output's type, min/mean/max over the run and at the last step");
        out.println("a picture. Inputs not given are random, reproducible from --seed (default " + c.seed() + "), as ncdc run draws them.");
        out.println();
        out.println("  --steps N              steps to run");
        out.println("  --in NAME=FILE.npy     data for an input (repeatable; --input also works)");
        out.println("  --seed S               seed for the random inputs");
        out.println("  --out DIR              write the last step's outputs as DIR/NAME.npy and the states as DIR/state/NAME.npy");
        out.println();
        out.println("Inputs:");
        for (String n : c.inputNames()) out.println("  " + n + ": " + c.inputType(n));
        if (c.inputNames().isEmpty()) out.println("  (none)");
        out.println("Outputs:");
        for (String n : c.outputNames()) out.println("  " + n + ": " + c.outputType(n));
        if (!c.stateNames().isEmpty()) {
            out.println("States:");
            for (Map.Entry<String, Tensor> s : c.states().entrySet()) out.println("  " + s.getKey() + ": " + s.getValue().type());
        }
        if (!c.paramNames().isEmpty()) out.println("Parameters: " + c.paramNames().size());
        out.println();
        out.println("With --add-modules jdk.incubator.vector, matrix products run on the Vector API (and so do bool stencils");
        out.println("when the jar was built on a machine of the same vector width); without it, on scalar loops.");
    }

    /** A number as ncdc run prints it: integers plainly, others to 6 significant digits without trailing zeros. */
    static String num(double v) {
        if (Double.isNaN(v)) return "nan";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
        String t = String.format(Locale.ROOT, "%.6g", v);
        int e = t.indexOf('e');
        String mant = e < 0 ? t : t.substring(0, e), exp = e < 0 ? "" : t.substring(e);
        if (mant.contains(".")) mant = mant.replaceAll("0+$", "").replaceAll("\\.$", "");
        return mant + exp;
    }
}
