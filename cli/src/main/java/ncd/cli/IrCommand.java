package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostic;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.frontend.CompilerBug;
import ncd.frontend.Frontend;
import ncd.frontend.Program;
import ncd.ir.Graph;
import ncd.ir.IrInvariantError;
import ncd.ir.IrPrinter;
import ncd.ir.Verifier;
import ncd.passes.PassContext;
import ncd.passes.PassManager;
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
            "  ncdc ir examples/lif.ncd --after=fold"})
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

    @Option(names = "--after", paramLabel = "PASS",
            description = "Print the IR after the standard pipeline up to and including PASS (fold, simplify, cse, dce, fuse, plan-memory), "
                + "or after all of it (all). Without it, the IR as lowered.")
    String after;

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
        Diagnostics diags = new Diagnostics();
        PassManager pipeline = null;
        if (after != null) {
            try {
                pipeline = PassManager.standard().upTo(after);
            } catch (IllegalArgumentException e) {
                err.println("ncdc: --after: " + e.getMessage());
                return Main.USAGE;
            }
        }
        Map<String, Integer> sizes = AxisSizes.parse(axes, diags);
        if (diags.hasErrors()) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USAGE;
        }
        Program prog = Frontend.load(file, diags);
        if (prog == null || diags.hasErrors()) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USER_ERROR;
        }
        List<String> all = new ArrayList<>(prog.circuitNames());
        all.addAll(prog.lawNames());
        if (!AxisSizes.check(sizes, Map.of(prog, circuit != null ? List.of(circuit) : all), "circuits or laws", diags)) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USAGE;
        }
        List<String> names = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        if (circuit != null) {
            names.add(circuit);
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
            Diagnostics own = new Diagnostics();
            Optional<Graph> g = prog.lower(n, sizes, own);
            for (Diagnostic d : own.all()) diags.add(d.severity(), d.code(), d.span(), d.message(), d.hint());
            if (g.isEmpty()) {
                if (own.hasErrors()) continue;
                throw new CompilerBug("lower", new IllegalStateException("lowering " + n + " gave no graph and reported no error"));
            }
            try {
                Verifier.verify(g.get());
            } catch (IrInvariantError e) {
                throw new CompilerBug("verify", e);
            }
            Graph shown = g.get();
            if (pipeline != null) {
                try {
                    shown = pipeline.run(shown, PassContext.verifying());
                } catch (IrInvariantError | IllegalStateException e) {
                    throw new CompilerBug("passes", e);
                }
            }
            printed.add(IrPrinter.print(shown));
        }
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
