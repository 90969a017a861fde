package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostic;
import ncd.diag.Diagnostics;
import ncd.diag.FileErrors;
import ncd.diag.SourceSpan;
import ncd.driver.Compilation;
import ncd.diagrams.DotWriter;
import ncd.diagrams.Readable;
import ncd.diagrams.Render;
import ncd.frontend.Program;
import ncd.ir.Graph;
import ncd.runtime.AtomicFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ncdc diagram}: draw one circuit or law as a neural circuit diagram (DOT, SVG or PNG). */
@Command(name = "diagram",
        description = {
            "Draw a circuit or law of FILE as a neural circuit diagram: DOT text, or SVG or PNG.",
            "",
            "Checks FILE, lowers the circuit or law to IR and draws it: data flows left to right (or top to bottom), every wire is "
                + "labelled with its axes (name:size, one line and one drawn line per axis), learned operations are "
                + "bold, sub-circuits are dotted clusters, and state feeds back through a one-step delay (z⁻¹). "
                + "Contractions are wires meeting at a dot, broadcast operands tubes, constants are shown in units (10 Mohm), "
                + "and state initializers and constant subgraphs fold into one box (--unfold draws them). SVG and PNG are "
                + "drawn at the most detail that reads at 100%% zoom (aspect at most 3:1): deeper calls become boxes, and "
                + "--split DIR writes one linked SVG per call. docs/diagrams.md describes the notation.",
            "",
            "Generic and sized-later axes without --axis are drawn with small sample sizes (2, 3, 4, ...), as ncdc doc "
                + "draws them; a note on stderr names them.",
            "",
            "The output format follows the -o file's extension: .dot (or .gv) writes Graphviz DOT text, .svg and "
                + ".png are rendered by Graphviz: the `dot` program when it is on the PATH, else the embedded V8 "
                + "engine (nothing to install). Without -o, or with -o -, DOT text goes to stdout."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc diagram examples/transformer.ncd --circuit Block -o block.svg",
            "  ncdc diagram examples/transformer.ncd --circuit Block --depth 1 -o block.png",
            "  ncdc diagram examples/transformer.ncd --circuit Block --split block/",
            "  ncdc diagram stdlib/std/nn.ncd --circuit MLP --axis I=3,H=4,O=2 -o mlp.dot",
            "  ncdc diagram examples/lif.ncd --circuit Driven        DOT on stdout"})
final class DiagramCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;


    @Parameters(index = "0", paramLabel = "FILE", description = "The .ncd file whose circuit to draw.")
    Path file;

    @Option(names = "--circuit", paramLabel = "NAME",
            description = "The circuit or law to draw (needed when the module has more than one circuit).")
    String circuit;

    @Mixin GradOptions grad;

    @Option(names = "--train", paramLabel = "NAME",
            description = "Draw the whole training step of the train declaration NAME instead: objective, gradient and optimiser update, as ncdc train compiles it (batch from the declaration, or --axis sample=B).")
    String train;

    @Option(names = "--depth", paramLabel = "N",
            description = "Expand sub-circuits N levels deep; deeper calls are drawn as one box each "
                    + "(default: for SVG and PNG the most that reads at 100%% zoom, for DOT everything; 0: only the top level).")
    Integer depth;

    @Option(names = "--unfold",
            description = "Draw constant subgraphs and state initializers op by op (default: each folded into one box).")
    boolean unfold;

    @Option(names = "--top-down", description = "Flow from top to bottom rather than left to right (with --depth or .dot output).")
    boolean topDown;

    @Option(names = "--split", paramLabel = "DIR",
            description = "Write the circuit as linked SVG files in DIR: NAME.svg, an overview that reads at 100%% zoom, "
                    + "and NAME.SCOPE.svg for each sub-circuit it draws as a box (click a box to open it).")
    Path split;

    @Option(names = "--axis", paramLabel = "NAME=SIZE", split = ",",
            description = "Size a generic or sized-later axis (repeatable, or comma-separated).")
    List<String> axes = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "Where to write: OUT.svg, OUT.png, OUT.dot or OUT.gv; - for DOT on stdout (the default).")
    String output;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "Layout engine for SVG and PNG: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: "
                    + "dot when installed, else v8).")
    EngineChoice engine = EngineChoice.auto;

    @Option(names = "--dpi", paramLabel = "DPI", defaultValue = "144", description = "Resolution of PNG output (default: ${DEFAULT-VALUE}).")
    int dpi = 144;

    /** --engine values. */
    enum EngineChoice {
        auto(Render.Engine.AUTO), dot(Render.Engine.DOT), v8(Render.Engine.V8);

        final Render.Engine engine;

        EngineChoice(Render.Engine e) { engine = e; }
    }

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return diagram(out, err);
        } catch (Throwable t) {
            Report.internalError(err, "diagram", t, common.verbose);
            return Main.INTERNAL;
        }
    }

    private int diagram(PrintWriter out, PrintWriter err) throws IOException {
        Diagnostics diags = new Diagnostics();
        String format = formatOf(output);
        if (format == null) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, "-o " + output + ": cannot tell the format from the name",
                    "name the output OUT.svg, OUT.png, OUT.dot or OUT.gv, or - for DOT on stdout");
        }
        if (depth != null && depth < 0) diags.error(SourceSpan.NONE, DiagCode.E0803, "--depth must be 0 or more, got " + depth, null);
        if (dpi < 18 || dpi > 1200) diags.error(SourceSpan.NONE, DiagCode.E0803, "--dpi must be between 18 and 1200, got " + dpi, null);
        Map<String, Integer> sizes = AxisSizes.parse(axes, diags);
        if (diags.hasErrors()) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USAGE;
        }
        Compilation c = common.compilation(diags);
        Optional<Program> loaded = c.load(file);
        if (loaded.isEmpty()) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USER_ERROR;
        }
        Program prog = loaded.get();
        if (train != null && (circuit != null || grad.loss != null)) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, "--train with --circuit or --grad: the training step is its own graph", "give --train alone");
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USAGE;
        }
        Compilation tc = c;
        Optional<Graph> trainStep = train == null ? Optional.empty() : ncd.driver.Trainer.spec(tc, prog, train)
                .flatMap(t -> ncd.driver.Trainer.stepGraph(tc, prog, t, sizes.getOrDefault(ncd.frontend.TrainSpec.SAMPLE_AXIS, t.batch())))
                .map(ncd.driver.Trainer.StepGraph::graph);
        if (train != null && trainStep.isEmpty()) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Circuits.failure(diags);
        }
        String name = train != null ? train : Circuits.choose(prog, circuit, file, "draw", diags);
        if (name == null || train == null && !AxisSizes.check(sizes, prog, name, diags)) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Circuits.failure(diags);
        }
        // axes without a size are drawn with sample sizes, as ncdc doc draws them; a note says which
        List<String> unsized = train != null ? List.of() : SampleLowering.unsized(prog, name, sizes);
        Optional<Graph> g;
        String sampled = null;
        if (train != null) {
            g = trainStep;
        } else if (unsized.isEmpty()) {
            g = c.lower(prog, name, sizes);
        } else {
            SampleLowering.Lowered lowered = SampleLowering.lower(prog, name, sizes, common::compilation);
            g = lowered.graph();
            c = lowered.compilation();
            // the warnings of loading, then what lowering with the sample sizes found
            for (Diagnostic d : lowered.diagnostics().all()) diags.add(d.severity(), d.code(), d.span(), d.message(), d.hint());
            List<String> chosen = new ArrayList<>();
            for (String a : unsized) chosen.add(a + "=" + lowered.sizes().get(a));
            sampled = "note: " + name + " drawn with sample sizes " + String.join(", ", chosen) + " (no --axis for "
                    + String.join(", ", unsized) + "); give --axis NAME=SIZE to choose them";
        }
        g = grad.apply(g, common.compilation(diags));
        common.reportTimings(err, c);
        List<Diagnostic> ds = diags.sorted();
        if (g.isEmpty()) {
            Report.diagnostics(err, common.diagnostics, ds);
            return Main.USER_ERROR;
        }
        if (sampled != null) err.println(sampled);
        if (common.diagnostics == Report.Format.json || !ds.isEmpty()) Report.diagnostics(err, common.diagnostics, ds);
        DotWriter.Options opt = DotWriter.Options.defaults().withFoldConstants(!unfold).withTopDown(topDown);
        String drawn = null;   // the SVG laid out while choosing the depth, reused rather than laid out again
        if (depth != null) opt = opt.withDepth(depth);
        if (split != null) return split(g.get(), opt, err);
        if (depth == null && !format.equals("stdout") && !format.equals("dot")) {
            // the most detail that still reads at 100% zoom (aspect <= 3:1); deeper calls are boxes
            try {
                Readable.Choice ch = Readable.choose(g.get(), opt.withDepth(DotWriter.depthFitting(g.get(), DotWriter.DRAWN_LIMIT)), "",
                        d -> Render.svg(d, engine.engine));
                opt = ch.options();
                drawn = ch.svg();
                if (ch.options().depth() != Integer.MAX_VALUE && ch.options().depth() < maxDepth(g.get())) {
                    err.println("note: " + g.get().name() + " drawn with calls deeper than " + opt.depth() + " level"
                            + (opt.depth() == 1 ? "" : "s") + " as boxes, to keep it readable (aspect <= 3:1): --depth N or --split DIR draws them");
                }
            } catch (Render.RenderException e) {
                err.println("ncdc: " + e.getMessage());
                return Main.TOOL;
            }
        } else if (depth == null && !format.equals("stdout")) {
            // a graph too large to lay out in reasonable time (or to read) is drawn with its deeper calls as boxes
            int fits = DotWriter.depthFitting(g.get(), DotWriter.DRAWN_LIMIT);
            if (fits != Integer.MAX_VALUE) {
                opt = opt.withDepth(fits);
                err.println("note: " + g.get().name() + " has " + g.get().nodes().size() + " nodes; drawn with calls deeper than " + fits
                        + " level" + (fits == 1 ? "" : "s") + " as boxes (" + DotWriter.drawnElements(g.get(), fits) + " elements): --depth N chooses");
            }
        }
        String dot = DotWriter.write(g.get(), opt);
        if (format.equals("stdout")) {
            out.print(dot);
            out.flush();
            return Main.OK;
        }
        Path to = Path.of(output);
        Render.Engine used = Render.resolve(engine.engine);
        long t0 = System.nanoTime();
        byte[] bytes;
        try {
            if (drawn != null && format.equals("svg")) bytes = drawn.getBytes(StandardCharsets.UTF_8);
            else if (drawn != null && used == Render.Engine.V8) bytes = Render.rasterize(drawn, dpi / 72.0);
            else bytes = draw(dot, format, used, dpi);
        } catch (Render.RenderException e) {
            err.println("ncdc: " + e.getMessage());
            return Main.TOOL;
        }
        try {
            AtomicFile.write(to, o -> o.write(bytes));
        } catch (IOException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot write " + to + ": " + FileErrors.reason(e), null);
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USER_ERROR;
        }
        if (format.equals("dot")) return Main.OK;
        if (common.verbose) {
            err.printf(Locale.ROOT, "ncdc: wrote %s (rendered by %s in %.2f s)%n", to,
                    Render.describe(used), (System.nanoTime() - t0) / 1e9);
        }
        return Main.OK;
    }

    /** How many levels of calls nest in {@code g}. */
    private static int maxDepth(Graph g) {
        int d = 0;
        for (ncd.ir.Node n : g.nodes()) if (!n.scope().isEmpty()) d = Math.max(d, n.scope().split("\\.").length);
        return d;
    }

    /** --split DIR: the overview and one linked SVG per sub-circuit it (or a sub-view) draws as a box. */
    private int split(Graph g, DotWriter.Options opt, PrintWriter err) {
        String base = g.name();
        if (depth == null) opt = opt.withDepth(DotWriter.depthFitting(g, DotWriter.DRAWN_LIMIT));
        try {
            java.nio.file.Files.createDirectories(split);
            List<Readable.View> views = Readable.views(g, opt, s -> base + "." + Readable.slug(s) + ".svg", d -> Render.svg(d, engine.engine), 64);
            for (Readable.View v : views) {
                Path to = split.resolve(v.scope().isEmpty() ? base + ".svg" : base + "." + Readable.slug(v.scope()) + ".svg");
                byte[] bytes = Render.svg(v.choice().dot(), engine.engine).getBytes(StandardCharsets.UTF_8);
                AtomicFile.write(to, o -> o.write(bytes));
            }
            if (common.verbose) err.println("ncdc: wrote " + views.size() + " linked diagrams to " + split);
            return Main.OK;
        } catch (Render.RenderException e) {
            err.println("ncdc: " + e.getMessage());
            return Main.TOOL;
        } catch (IOException e) {
            err.println("ncdc: cannot write " + split + ": " + FileErrors.reason(e));
            return Main.USER_ERROR;
        }
    }

    /** The bytes of {@code dot} in {@code format} ("dot", "svg" or "png", as {@link #formatOf} names them). */
    static byte[] draw(String dot, String format, Render.Engine engine, int dpi) throws Render.RenderException {
        return switch (format) {
            case "dot" -> dot.getBytes(StandardCharsets.UTF_8);
            case "svg" -> Render.svg(dot, engine).getBytes(StandardCharsets.UTF_8);
            default -> Render.png(dot, engine, dpi);
        };
    }

    /** "svg", "png", "dot", "stdout", or null for an extension nobody knows. */
    static String formatOf(String output) {
        if (output == null || output.equals("-")) return "stdout";
        String o = output.toLowerCase(Locale.ROOT);
        if (o.endsWith(".svg")) return "svg";
        if (o.endsWith(".png")) return "png";
        if (o.endsWith(".dot") || o.endsWith(".gv")) return "dot";
        return null;
    }
}
