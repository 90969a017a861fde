package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.FileErrors;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.driver.Compilation;
import ncd.frontend.Program;
import ncd.ir.Axis;
import ncd.ir.Graph;
import ncd.ir.TensorType;
import ncd.runtime.BackendOptions;
import ncd.runtime.Executable;
import ncd.runtime.Npy;
import ncd.runtime.ParamUnits;
import ncd.runtime.RunException;
import ncd.runtime.RandomInputs;
import ncd.runtime.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ncdc run}: run a circuit for some steps, compiled to JVM bytecode or on the reference interpreter, and show
 * (and save) its outputs.
 */
@Command(name = "run",
        description = {
            "Run a circuit of FILE, compiled to JVM bytecode (the default) or on the reference interpreter (--backend interp).",
            "",
            "Inputs come from .npy files: --input NAME=FILE.npy drives every step with the same value, --sequence NAME=FILE.npy one entry per step; inputs not given are random (reproducible from --seed), "
                + "and so are the parameters unless --params gives them. Prints a "
                + "summary of each output over all the steps: for a bool output its events (true values) in all, per step "
                + "and per index, with a raster of index against time when it has one axis and a picture of the last step "
                + "for a 2-D grid; for a numeric output min/mean/max over the run and at the last step, and a sparkline of "
                + "its mean over time (long runs are binned into 100 columns). A progress line shows on a terminal for runs "
                + "longer than a second. --out DIR saves the outputs as .npy "
                + "(stacked over a leading `step` axis when --steps > 1), all or nothing. Bad data at run time (a gather "
                + "index out of range) is error E0806, naming the step.",
            "",
            "Monitors, as in a simulator: --record NAME,... keeps states (e.g. pop.v) and outputs of the run. A bool "
                + "one (spikes) keeps every spike's time and index and the population rate per step; any other keeps its "
                + "value every --record-every steps. With --out they are written as NAME.spike_t.npy, NAME.spike_i.npy "
                + "and NAME.rate.npy, or NAME.trace.npy (a leading `record` axis) and NAME.trace_t.npy, in SI base units. "
                + "--plot FILE.png (or .svg) draws a raster and the rate of each spiking recording and the first "
                + ActivityPlot.TRACED + " elements of each trace. --dt gives the simulated time of a step: times are then in "
                + "seconds, rates in Hz, and the progress line shows simulated time and the real-time factor."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc run examples/life.ncd --circuit Glider --steps 8",
            "  ncdc run examples/life.ncd --circuit Glider --steps 8 --backend interp",
            "  ncdc run examples/lif.ncd --circuit Driven --steps 1000 --out spikes/",
            "  ncdc run examples/lif.ncd --circuit Driven --steps 999 --dt 0.1ms --record out",
            "  ncdc run examples/mlp.ncd --circuit Classifier --input x=x.npy --params w.npz"})
final class RunCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE", description = "The .ncd file.")
    Path file;

    @Option(names = "--circuit", paramLabel = "NAME", description = "The circuit to run (needed when the file has several).")
    String circuit;

    @Option(names = "--input", paramLabel = "NAME=FILE.npy", description = "Data for an input, the same at every step (repeatable).")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--sequence", paramLabel = "NAME=FILE.npy",
            description = "Data for an input, one entry per step: FILE.npy has a leading axis over the steps, then the input's axes; step s reads entry s. "
                + "Without --steps, the run is as long as the shortest sequence (repeatable).")
    List<String> sequences = new ArrayList<>();

    @Option(names = "--params", paramLabel = "FILE", description = "Parameter values, by instance path (e.g. MultiHead_0.Wq), from an .npz or a .safetensors file: every parameter and nothing else, unless --params-partial.")
    Path params;

    @Option(names = "--params-partial",
            description = "Let --params hold only some parameters (the others are drawn from --seed) and other arrays (left out); notes name them. Without it, both are errors.")
    boolean paramsPartial;

    @Option(names = "--steps", paramLabel = "N", description = "Steps to run (default: 1, or the length of the --sequence inputs).")
    Long stepsGiven;

    /** The steps to run: --steps, else the shortest --sequence, else 1 (set once the sequences are read). */
    private long steps = 1;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed for parameters and random inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write each output as DIR/NAME.npy, all or nothing: into a new directory beside DIR that replaces DIR whole once every file is "
                + "written. An existing DIR must be empty or written by ncdc before (then its file " + OutDir.MANIFEST + " lists the others); "
                + "one holding other files is refused, never deleted.")
    Path out;

    @Option(names = "--record", paramLabel = "NAME", split = ",",
            description = "Record a state or output (repeatable, or comma-separated): spikes for a bool one, a trace for any other.")
    List<String> record = new ArrayList<>();

    @Option(names = "--record-every", paramLabel = "K", defaultValue = "1",
            description = "Keep a trace every K steps (default: ${DEFAULT-VALUE}); spikes are kept at every step.")
    int recordEvery = 1;

    @Option(names = "--dt", paramLabel = "TIME", description = "The simulated time of one step, e.g. 0.1ms (s, ms, us, ns): recordings and the progress line in simulated time.")
    String dt;

    @Option(names = "--plot", paramLabel = "FILE", description = "Draw the recordings (--record) into FILE.png or FILE.svg.")
    Path plot;

    @Option(names = "--axis", paramLabel = "NAME=SIZE", split = ",", description = "Size a generic or sized-later axis.")
    List<String> axes = new ArrayList<>();

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "jvm",
            description = "Where to run: jvm (bytecode generated for the circuit; default), interp (the reference interpreter), cuda (an NVIDIA GPU), auto (cuda where an NVIDIA driver is installed, else jvm); `list` lists them.")
    String backend = "jvm";

    @Mixin TargetOptions target;

    @Mixin GradOptions grad;

    @Override public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(o, err);
        } catch (OutOfMemoryError e) {
            return Report.outOfMemory(err, common.diagnostics, circuit == null ? file.toString() : "circuit " + circuit);
        } catch (Throwable t) {
            Report.internalError(err, "run", t, common.verbose);
            return Main.INTERNAL;
        }
    }

    private int run(PrintWriter o, PrintWriter err) {
        if (TargetOptions.listed(backend, o)) return Main.OK;
        Diagnostics diags = new Diagnostics();
        Map<String, Integer> sizes = AxisSizes.parse(axes, diags);
        if (stepsGiven != null && stepsGiven < 1) diags.error(SourceSpan.NONE, DiagCode.E0803, "--steps must be at least 1, got " + stepsGiven, null);
        if (paramsPartial && params == null) diags.error(SourceSpan.NONE, DiagCode.E0803, "--params-partial without --params", "give the parameters: --params FILE.npz");
        double dtSeconds = dt == null ? Double.NaN : Durations.seconds("--dt", dt, diags);
        if (recordEvery < 1) diags.error(SourceSpan.NONE, DiagCode.E0803, "--record-every must be at least 1, got " + recordEvery, null);
        if (plot != null && record.isEmpty()) diags.error(SourceSpan.NONE, DiagCode.E0803, "--plot draws recordings, but nothing is recorded", "name what to draw: --record NAME,...");
        if (plot != null && Charts.formatOf(plot) == null) diags.error(SourceSpan.NONE, DiagCode.E0803, "--plot " + plot + ": a plot is written as .png or .svg", "end the file name with .png or .svg");
        BackendOptions options = target.options(seed, diags);
        if (diags.hasErrors()) return fail(err, diags, Main.USAGE);
        if (out != null && !OutDir.check(out, diags)) return fail(err, diags, Main.USER_ERROR);
        Compilation c = common.compilation(diags);
        Optional<Circuits.Chosen> chosen = Circuits.load(c, file, circuit, sizes, "run", diags);
        if (chosen.isEmpty()) return fail(err, diags, Circuits.failure(diags));
        Program prog = chosen.get().program();
        String name = chosen.get().name();
        Optional<ncd.runtime.Backend> be = c.backend(backend);
        Optional<Graph> lowered = be.isEmpty() ? Optional.empty() : grad.apply(c.lower(prog, name, sizes), c);
        if (lowered.isEmpty()) {
            common.reportTimings(err, c);
            return fail(err, diags, Circuits.failure(diags));
        }
        // the data first: a bad file is found before the backend compiles, and --sequence sets the step count
        Map<String, TensorType> inputTypes = Inputs.declared(lowered.get());
        Map<String, Tensor> given = Inputs.read(inputs, inputTypes, diags);
        Map<String, Tensor> sequenced = Inputs.sequences(sequences, inputTypes, diags);
        for (String n : sequenced.keySet()) {
            if (given.containsKey(n)) diags.error(SourceSpan.NONE, DiagCode.E0803, "input " + n + " is given by both --input and --sequence", "give it once: --input for the same value at every step, --sequence for one per step");
        }
        steps = stepsGiven != null ? stepsGiven : 1;
        if (!sequenced.isEmpty() && !diags.hasErrors()) {
            long shortest = Long.MAX_VALUE;
            String shortestName = null;
            for (Map.Entry<String, Tensor> e : sequenced.entrySet()) {
                long len = e.getValue().type().axes().get(0).size();
                if (len < shortest) { shortest = len; shortestName = e.getKey(); }
            }
            if (stepsGiven == null) steps = shortest;
            else if (stepsGiven > shortest) {
                diags.error(SourceSpan.NONE, DiagCode.E0804, "--steps " + stepsGiven + " runs past the end of sequence " + shortestName + ", which has " + shortest + (shortest == 1 ? " step" : " steps"),
                        "leave out --steps to run as long as the sequences, or give longer ones");
            }
        }
        if (diags.hasErrors()) return fail(err, diags, Circuits.failure(diags));
        // with --out and several steps, every step's outputs are kept, stacked
        long kept = out != null && steps > 1 ? steps : 0;
        Optional<Executable> built = c.instantiate(lowered.get(), be.get(), options, kept);
        common.reportTimings(err, c);
        if (built.isEmpty()) return fail(err, diags, Circuits.failure(diags));
        Report.warningsBeforeRun(err, common.diagnostics, diags);
        Executable exec = built.get();
        Graph graph = exec.graph();
        Map<String, TensorType> declared = Inputs.declared(graph);
        if (params != null) {
            Map<String, Tensor> ps = Inputs.params(params, exec.params(), graph, paramsPartial, seed, diags, err);
            checkBounds(ps, graph, params, diags);
            if (!diags.hasErrors()) {
                ps.forEach(exec::setParam);
                // the state was initialised when the instance was made, from the parameters drawn from the seed: a
                // state whose initial value is computed from a parameter (`state s = s0`) starts from the loaded one
                exec.reset();
            }
        }
        if (diags.hasErrors()) return fail(err, diags, Circuits.failure(diags));
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Map.Entry<String, TensorType> e : declared.entrySet()) {
            Tensor t = given.get(e.getKey());
            if (t == null && sequenced.containsKey(e.getKey())) t = Inputs.slice(sequenced.get(e.getKey()), e.getValue(), 0);
            if (t == null) {
                t = RandomInputs.draw(e.getKey(), e.getValue(), seed);
                err.println("note: input " + e.getKey() + " not given; using " + RandomInputs.describe(e.getValue()) + " (seed " + seed + ")");
            }
            in.put(e.getKey(), t);
        }

        Optional<Monitor> monitor = record.isEmpty() ? Optional.empty() : Monitor.of(record, recordEvery, dtSeconds, steps, graph, diags);
        if (diags.hasErrors()) return fail(err, diags, Main.USAGE);
        Progress progress = Double.isNaN(dtSeconds) ? Progress.counting(err, name, steps, "step") : Progress.simulated(err, name, steps, dtSeconds);
        RunSummary summary = RunSummary.of(graph, steps);
        // with --out and several steps, each output is stacked as it comes into an array allocated up front (its size
        // was checked with the graph), rather than kept step by step and copied at the end
        Map<String, Tensor> stacked = new LinkedHashMap<>();
        if (out != null && steps > 1) for (Graph.Output output : graph.outputs()) stacked.put(output.name(), Tensor.zeros(stackedType(output.node().type(), steps)));
        try {
            for (long s = 0; s < steps; s++) {
                if (monitor.isPresent()) monitor.get().before(s, exec);
                for (Map.Entry<String, Tensor> e : sequenced.entrySet()) in.put(e.getKey(), Inputs.slice(e.getValue(), declared.get(e.getKey()), s));
                Map<String, Tensor> outputs = exec.step(in);
                if (monitor.isPresent()) monitor.get().after(s, outputs);
                summary.accept(s, outputs);
                for (Map.Entry<String, Tensor> e : stacked.entrySet()) {
                    Tensor t = outputs.get(e.getKey());
                    System.arraycopy(t.data(), 0, e.getValue().data(), Math.toIntExact(s * t.size()), t.size());
                }
                progress.tick(s + 1);
            }
        } catch (RunException e) {
            progress.done();
            Circuits.dataError(exec, e, diags);
            return fail(err, diags, Main.USER_ERROR);
        }
        progress.done();

        o.println(name + ": " + steps + (steps == 1 ? " step" : " steps") + ", seed " + seed);
        summary.print(o);
        o.flush();
        if (out != null) {
            Map<String, OutDir.Content> files = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : summary.last().entrySet()) {
                Tensor t = steps > 1 ? stacked.get(e.getKey()) : e.getValue();
                files.put(e.getKey() + ".npy", f -> Npy.write(f, t));
            }
            monitor.ifPresent(m -> files.putAll(m.files()));
            boolean wrote = OutDir.write(out, "ncdc run", files, diags);
            if (!diags.all().isEmpty()) Report.remaining(err, common.diagnostics, diags);
            if (!wrote) return Main.USER_ERROR;
            o.println("wrote " + files.size() + (files.size() == 1 ? " file" : " files") + " to " + out);
        }
        if (plot != null) {
            try {
                ActivityPlot.write(plot, name + ": " + steps + (steps == 1 ? " step" : " steps"), monitor.orElseThrow());
            } catch (java.io.IOException e) {
                diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot write the plot " + plot + ": " + FileErrors.reason(e), null);
                return fail(err, diags, Main.USER_ERROR);
            }
            o.println("wrote " + plot);
        }
        return Main.OK;
    }

    /**
     * E0804 for a loaded parameter outside its declared bound ({@code param W: f32[post, pre] >= 0}): training keeps
     * parameters within their bounds, and so must a file, or the circuit computes with values it excludes.
     */
    static void checkBounds(Map<String, Tensor> loaded, Graph graph, Path file, Diagnostics diags) {
        for (ncd.ir.Node n : graph.params()) {
            ncd.ir.Attr.Param p = (ncd.ir.Attr.Param) n.attr();
            Tensor t = loaded.get(p.name());
            if (p.bound() == null || t == null) continue;
            for (int i = 0; i < t.size(); i++) {
                double v = t.get(i);
                if (p.bound().admits(v)) continue;
                // in the file's unit: the declared one
                String unit = p.unit() == null ? "" : " " + p.unit();
                String bound = (p.bound().lower() ? ">= " : "<= ") + num(ParamUnits.declared(p.bound().value(), p)) + unit;
                diags.error(n.span(), DiagCode.E0804, "parameter " + p.name() + " in " + file + " has " + num(ParamUnits.declared(v, p)) + unit + " at flat index " + i
                        + ", outside its declared bound " + bound,
                        "the circuit declares " + p.name() + " " + bound + ": clip the array to the bound before saving it");
                break;
            }
        }
    }

    private int fail(PrintWriter err, Diagnostics diags, int code) {
        Report.remaining(err, common.diagnostics, diags);
        return code;
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "nan";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
        String t = String.format(java.util.Locale.ROOT, "%.6g", v);
        // 1.00000e-05 -> 1e-05, 0.500000 -> 0.5
        int e = t.indexOf('e');
        String mant = e < 0 ? t : t.substring(0, e), exp = e < 0 ? "" : t.substring(e);
        if (mant.contains(".")) mant = mant.replaceAll("0+$", "").replaceAll("\\.$", "");
        return mant + exp;
    }

    /** {@code t} with a leading axis {@code step} of {@code steps}: the type of an output stacked over the steps. */
    static TensorType stackedType(TensorType t, long steps) {
        List<Axis> axes = new ArrayList<>();
        axes.add(new Axis("step", Math.toIntExact(steps)));
        axes.addAll(t.axes());
        return t.withAxes(axes);
    }
}
