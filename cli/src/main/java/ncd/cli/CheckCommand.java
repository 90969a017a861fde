package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostic;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.driver.Compilation;
import ncd.frontend.Program;
import ncd.diagrams.DotWriter;
import ncd.diagrams.Render;
import ncd.diagrams.SampleSizes;
import ncd.ir.Node;
import ncd.runtime.AtomicFile;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code ncdc check}: parse, resolve and check files; report every diagnostic. */
@Command(name = "check",
        description = {
            "Check .ncd files, or every .ncd file under a directory, with everything they import.",
            "",
            "Reports every error in syntax, names, axes, dtypes, units and dynamics, with file, line, column and a caret. "
                + "Text diagnostics go to stderr, then on success a one-line summary to stdout. With "
                + "--diagnostics=json, stdout is one JSON array of the diagnostics of all files, and nothing else. "
                + "--diagram draws the circuit that holds the first error, up to it."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc check examples/attention.ncd",
            "  ncdc check stdlib/ examples/              every .ncd file under both",
            "  ncdc check --diagnostics=json model.ncd   for editors",
            "  ncdc check model.ncd --diagram error.svg",
            "  ncdc check --explain examples/cuba_eq.ncd  integrators, synapses chosen"})
final class CheckCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "A .ncd file, or a directory searched recursively for .ncd files.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--diagram", paramLabel = "OUT",
            description = "When FILE has an error inside a circuit, draw that circuit up to the error, the wires the "
                    + "refused operation received in red (OUT.svg, OUT.png or OUT.dot; one FILE only).")
    String diagram;

    @Option(names = "--explain",
            description = "Also print, for each state with an equation (dv/dt = ...), the integrator the compiler chose "
                    + "and why: exact, exponential_euler, rk4, rk2 or euler; and for each synapses op of a circuit whose "
                    + "axes all have sizes, its storage (stated or chosen) and accumulation order, and why.")
    boolean explain;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return check(out, err);
        } catch (Throwable t) {
            Report.internalError(err, "check", t, common.verbose);
            return Main.INTERNAL;
        }
    }

    private int check(PrintWriter out, PrintWriter err) {
        Diagnostics driver = new Diagnostics();
        List<Path> files = new ArrayList<>();
        for (Path p : paths) files.addAll(expand(p, driver));
        // The same diagnostic from a module imported by several files is reported once.
        Map<String, Diagnostic> all = new LinkedHashMap<>();
        for (Diagnostic d : driver.sorted()) all.putIfAbsent(key(d), d);
        int circuits = 0, laws = 0;
        for (Path f : files) {
            if (common.verbose) err.println("ncdc: checking " + f);
            Diagnostics diags = new Diagnostics();
            Compilation c = common.compilation(diags);
            Program prog = c.frontend(f);
            common.reportTimings(err, c);
            for (Diagnostic d : diags.sorted()) all.putIfAbsent(key(d), d);
            if (prog != null && !diags.hasErrors()) {
                circuits += prog.circuitNames().size();
                laws += prog.lawNames().size();
                if (explain) explain(out, prog);
            }
        }
        List<Diagnostic> ds = new ArrayList<>(all.values());
        boolean errors = ds.stream().anyMatch(Diagnostic::isError);
        if (common.diagnostics == Report.Format.json) {
            Report.diagnostics(out, Report.Format.json, ds);
        } else {
            Report.diagnostics(err, Report.Format.text, ds);
            if (!errors) {
                out.println("ok: " + plural(files.size(), "file") + ", " + plural(circuits, "circuit") + ", " + plural(laws, "law"));
            }
        }
        if (errors && diagram != null) drawError(files, ds, err);
        return errors ? Main.USER_ERROR : Main.OK;
    }

    /**
     * One line per state with an equation: where, the state, the integrator and why; then one per synapses op of a
     * circuit whose axes all have sizes: where, its storage and accumulation order, and why.
     */
    private static void explain(PrintWriter out, Program prog) {
        for (Program.Integrator i : prog.integrators()) {
            out.println(i.span().path() + ":" + i.span().line() + ":" + i.span().column() + ": " + i.state() + ": " + i.method() + " (" + i.why() + ")");
        }
        for (Program.SynapseNote s : prog.synapses()) {
            out.println(s.span().path() + ":" + s.span().line() + ":" + s.span().column() + ": " + s.text());
        }
    }

    /**
     * Draws the circuit holding the first error up to that error: lowering goes as far as it can, and the
     * operations it refused (with the sizes that {@link SampleSizes} picks for generic axes) are drawn in red.
     */
    private void drawError(List<Path> files, List<Diagnostic> ds, PrintWriter err) {
        if (files.size() != 1) {
            err.println("note: --diagram draws one file; " + files.size() + " were checked");
            return;
        }
        String format = DiagramCommand.formatOf(diagram);
        if (format == null || format.equals("stdout")) {
            err.println("note: --diagram needs OUT.svg, OUT.png or OUT.dot");
            return;
        }
        Program prog = new Compilation(new Diagnostics()).frontend(files.get(0));
        if (prog == null) return;
        for (Diagnostic d : ds) {
            if (!d.isError()) continue;
            Optional<String> name = prog.declarationAt(d.span());
            if (name.isEmpty()) continue;
            Map<String, Integer> sizes = new LinkedHashMap<>();
            List<Map<String, Integer>> candidates = SampleSizes.candidates(prog.unsizedAxes(name.get()), Map.of());
            if (!candidates.isEmpty()) sizes.putAll(candidates.get(0));
            Optional<Program.Partial> partial = prog.lowerPartial(name.get(), sizes);
            if (partial.isEmpty()) continue;
            Set<Integer> hot = new HashSet<>();
            Set<String> hotWires = new HashSet<>();
            for (Program.Refusal r : partial.get().refusals()) for (Node n : r.inputs()) if (n != null) hot.add(n.id());
            String note = partial.get().refusals().isEmpty() ? "drawn up to the error (" + d.code() + ")"
                    : d.code() + ": " + partial.get().refusals().get(0).message();
            String dot = DotWriter.write(partial.get().graph(), new DotWriter.Options(Integer.MAX_VALUE, hot, hotWires, note));
            try {
                Path to = Path.of(diagram);
                byte[] bytes = DiagramCommand.draw(dot, format, Render.Engine.AUTO, 144);
                AtomicFile.write(to, o -> o.write(bytes));
                err.println("note: drew " + name.get() + " up to its error in " + to
                        + (hot.isEmpty() ? "" : " (the refused operation's inputs in red)"));
            } catch (IOException e) {
                err.println("note: could not write the diagram to " + diagram + ": " + ncd.diag.FileErrors.reason(e));
            } catch (Render.RenderException e) {
                err.println("note: could not draw the diagram: " + e.getMessage());
            }
            return;
        }
        err.println("note: no error lies inside a circuit that can be drawn; nothing written to " + diagram);
    }

    /** A file as itself; a directory as its .ncd files, recursively, in sorted order. */
    static List<Path> expand(Path p, Diagnostics diags) {
        if (!Files.isDirectory(p)) return List.of(p);
        try (Stream<Path> s = Files.walk(p)) {
            // build output (target/) and hidden folders hold copies, not sources
            return s.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".ncd"))
                    .filter(f -> !skipped(p.relativize(f)))
                    .sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot read directory " + p + ": " + e.getMessage());
            return List.of();
        }
    }

    private static boolean skipped(Path rel) {
        for (Path part : rel) {
            String n = part.toString();
            if (n.equals("target") || (n.startsWith(".") && n.length() > 1)) return true;
        }
        return false;
    }

    private static String key(Diagnostic d) {
        SourceSpan s = d.span();
        return d.code() + "|" + s.path() + "|" + s.start() + "|" + s.end() + "|" + Objects.toString(d.message());
    }

    static String plural(int n, String word) { return n + " " + word + (n == 1 ? "" : "s"); }
}
