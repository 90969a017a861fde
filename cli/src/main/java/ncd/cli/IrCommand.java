package ncd.cli;

import ncd.diag.Diagnostic;
import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.driver.Compilation;
import ncd.frontend.Program;
import ncd.ir.Graph;
import ncd.ir.IrPrinter;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ncdc ir}: check a file, lower circuits and laws of its root module to IR, verify and print them. */
@Command(name = "ir",
        description = {
            "Print the typed IR of the circuits and laws of FILE's module, as lowered or after the optimisation passes (--after).",
            "",
            "Checks FILE, lowers each circuit and law to IR and verifies the graph before printing it. Without --circuit, lowers every circuit and law whose generic and sized-later axes are all given "
                + "with --axis; the others are skipped with a note on stderr. Graphs go to stdout, separated by "
                + "a blank line; diagnostics go to stderr in either format."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc ir examples/attention.ncd",
            "  ncdc ir examples/attention.ncd --circuit Attention --axis seq=128",
            "  ncdc ir model.ncd --axis seq=16 --axis batch=4",
            "  ncdc ir examples/lif.ncd --after=fold",
            "  ncdc ir examples/life.ncd --circuit Glider --emit jvm",
            "  ncdc ir examples/life.ncd --circuit Glider --emit cuda",
            "  ncdc ir examples/fashion_mlp.ncd --train Fit --after=all"})
final class IrCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE", description = "The .ncd file whose circuits to lower.")
    Path file;

    @Option(names = "--circuit", paramLabel = "NAME", description = "Lower only this circuit or law.")
    String circuit;

    @Option(names = "--axis", paramLabel = "NAME=SIZE", split = ",",
            description = "Size a generic or sized-later axis (repeatable, or comma-separated).")
    List<String> axes = new ArrayList<>();

    @Option(names = "--train", paramLabel = "NAME",
            description = "Print the whole training step of the train declaration NAME instead: the objective (batch from the declaration, "
                + "or --axis sample=B), unrolled when it has state, its gradient and the optimiser's update, as ncdc train compiles it.")
    String train;

    @Option(names = "--after", paramLabel = "PASS",
            description = "Print the IR after the standard pipeline up to and including PASS (fold, simplify, cse, dce, hoist, fuse, plan-memory), "
                + "or after all of it (all). Without it, the IR as lowered.")
    String after;

    @Option(names = "--emit", paramLabel = "BACKEND",
            description = "Print what BACKEND generates for each circuit instead of the IR (jvm: the bytecode; cuda: the CUDA C kernels and launch plan, with or without a GPU; interp: the optimised IR it runs); `list` lists the backends.")
    String emit;

    @Mixin TargetOptions target;

    @Mixin GradOptions grad;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return ir(out, err);
        } catch (Throwable t) {
            Report.internalError(err, "ir", t, common.verbose);
            return Main.INTERNAL;
        }
    }

    private int ir(PrintWriter out, PrintWriter err) {
        if (emit != null && TargetOptions.listed(emit, out)) return Main.OK;
        Diagnostics diags = new Diagnostics();
        Compilation.Settings settings = Compilation.Settings.standard();
        if (after != null && emit != null) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, "--after and --emit together: a backend takes the whole pipeline's result", "give one of them");
        } else if (after != null) {
            try {
                settings = settings.upTo(after);
            } catch (IllegalArgumentException e) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "--after: " + e.getMessage(), null);
            }
        }
        Map<String, Integer> sizes = AxisSizes.parse(axes, diags);
        BackendOptions options = target.options(0, diags);
        Compilation c = common.compilation(diags, settings);
        Optional<Backend> backend = emit == null || diags.hasErrors() ? Optional.empty() : c.generator(emit);
        if (diags.hasErrors()) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USAGE;
        }
        Optional<Program> loaded = c.load(file);
        if (loaded.isEmpty()) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USER_ERROR;
        }
        Program prog = loaded.get();
        List<String> all = new ArrayList<>(prog.circuitNames());
        all.addAll(prog.lawNames());
        if (!AxisSizes.check(sizes, Map.of(prog, circuit != null ? List.of(circuit) : all), "circuits or laws", diags)) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USAGE;
        }
        if (train != null) {
            if (circuit != null || grad.loss != null) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "--train with --circuit or --grad: the training step is its own graph", "give --train alone");
                Report.diagnostics(err, common.diagnostics, diags.sorted());
                return Main.USAGE;
            }
            Optional<ncd.frontend.TrainSpec> ts = ncd.driver.Trainer.spec(c, prog, train);
            Optional<ncd.driver.Trainer.StepGraph> step = ts.flatMap(t -> ncd.driver.Trainer.stepGraph(c, prog, t,
                    sizes.getOrDefault(ncd.frontend.TrainSpec.SAMPLE_AXIS, t.batch())));
            common.reportTimings(err, c);
            if (step.isPresent()) {
                Graph g = step.get().graph();
                if (backend.isPresent()) c.emit(g, backend.get(), options).ifPresent(out::print);
                else out.print(IrPrinter.print(after != null ? c.optimize(g, options) : g));
                out.flush();
            }
            List<Diagnostic> ds = diags.sorted();
            if (common.diagnostics == Report.Format.json || !ds.isEmpty()) Report.diagnostics(err, common.diagnostics, ds);
            return diags.hasErrors() ? Circuits.failure(diags) : Main.OK;
        }
        List<String> names = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        if (circuit != null) {
            names.add(circuit);
        } else if (grad.loss != null) {
            // a gradient is of one circuit: the file's only one, or the one --circuit names
            String only = Circuits.choose(prog, null, file, "differentiate", diags);
            if (only == null) {
                Report.diagnostics(err, common.diagnostics, diags.sorted());
                return Circuits.failure(diags);
            }
            names.add(only);
        } else {
            for (String n : all) {
                List<String> missing = new ArrayList<>(prog.unsizedAxes(n));
                missing.removeAll(sizes.keySet());
                if (missing.isEmpty()) names.add(n); else skipped.add(n + " (" + String.join(", ", missing) + ")");
            }
        }
        List<String> printed = new ArrayList<>();
        for (String n : names) {
            if (common.verbose) err.println("ncdc: lowering " + n);
            Optional<Graph> g = grad.apply(c.lower(prog, n, sizes), c);
            if (g.isEmpty()) continue;
            if (backend.isPresent()) {
                c.emit(g.get(), backend.get(), options).ifPresent(printed::add);
            } else {
                printed.add(IrPrinter.print(after != null ? c.optimize(g.get(), options) : g.get()));
            }
        }
        common.reportTimings(err, c);
        out.print(String.join("\n", printed));
        out.flush();
        List<Diagnostic> ds = diags.sorted();
        if (common.diagnostics == Report.Format.json || !ds.isEmpty()) Report.diagnostics(err, common.diagnostics, ds);
        if (!skipped.isEmpty()) {
            err.println("note: not lowered, axis sizes needed: " + String.join(", ", skipped)
                    + "; give them with --axis NAME=SIZE");
        }
        if (names.isEmpty() && skipped.isEmpty()) err.println("note: " + file + " has no circuits or laws");
        return diags.hasErrors() ? Main.USER_ERROR : Main.OK;
    }
}
