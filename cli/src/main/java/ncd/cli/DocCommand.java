package ncd.cli;

import ncd.diag.Diagnostic;
import ncd.diag.Diagnostics;
import ncd.diag.DiagCode;
import ncd.diag.SourceSpan;
import ncd.driver.Compilation;
import ncd.diagrams.DocSite;
import ncd.diagrams.Render;
import ncd.frontend.Program;
import ncd.ir.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** {@code ncdc doc}: a static HTML site with a page per module and per circuit, its diagram, cost and source. */
@Command(name = "doc",
        description = {
            "Write a static HTML site documenting the circuits and laws of PATH... (.ncd files, or directories).",
            "",
            "Checks each PATH (a .ncd file, or every .ncd file under a directory) and writes the site to OUT: a "
                + "page per module (its circuits, what they call and what calls them, its highlighted source) and per "
                + "circuit and law (its diagram as inline SVG with zoom and pan, signature, inputs and outputs with "
                + "their axes, parameter table, FLOPs and bytes per call estimated from the IR, the laws that mention "
                + "it, its ONNX model or NIR graph as `ncdc export` writes it, or why it has none, its source), doc comments rendered as Markdown, calls linked to the callee's page across the "
                + "modules of the site, a sidebar and a search box on every page, and the guide (the Markdown files "
                + "of ncd's docs/: the language reference and the rest). Open OUT/index.html in a browser; no server "
                + "is needed.",
            "",
            "Generic and sized-later axes get small distinct sizes (2, 3, 4, ...) unless given with --axis; each "
                + "page says which sizes it was drawn with. Diagrams are rendered by `dot` when installed, else by "
                + "the embedded V8 engine."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc doc stdlib/ -o site/",
            "  ncdc doc examples/ stdlib/ -o site/",
            "  ncdc doc examples/transformer.ncd -o site/ --axis batch=8 --no-guide"})
final class DocCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "A .ncd file, or a directory searched recursively for .ncd files.")
    List<Path> paths = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", required = true,
            description = "The directory to write the site into, whole or not at all: the site is written beside it and "
                    + "replaces it once complete. An existing OUT must be empty or a site ncdc wrote before (its file "
                    + OutDir.MANIFEST + " lists the others); one holding other files is refused, never deleted.")
    Path outDir;

    @Option(names = "--axis", paramLabel = "NAME=SIZE", split = ",",
            description = "Size a generic or sized-later axis wherever it is needed (repeatable, or comma-separated).")
    List<String> axes = new ArrayList<>();

    @Option(names = "--title", paramLabel = "TEXT", defaultValue = "ncd circuits", description = "The site's title (default: ${DEFAULT-VALUE}).")
    String title = "ncd circuits";

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "Layout engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: dot when installed, else v8).")
    DiagramCommand.EngineChoice engine = DiagramCommand.EngineChoice.auto;

    @Option(names = "--guide", paramLabel = "DIR",
            description = "Include the Markdown files of DIR as the site's guide pages (default: the docs/ folder of the "
                    + "ncd checkout that holds a PATH or that this ncdc runs from, when there is one: the language "
                    + "reference, training, diagrams, errors, ...; else none, with a note).")
    Path guideDir;

    @Option(names = "--no-guide", description = "Leave the guide pages out.")
    boolean noGuide;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return doc(out, err);
        } catch (Throwable t) {
            Report.internalError(err, "doc", t, common.verbose);
            return Main.INTERNAL;
        }
    }

    private int doc(PrintWriter out, PrintWriter err) throws IOException {
        Diagnostics diags = new Diagnostics();
        Map<String, Integer> given = AxisSizes.parse(axes, diags);
        if (diags.hasErrors()) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USAGE;
        }
        // a path that is no directory is read as a file: one that does not exist is E0802, as in every command
        List<Path> files = new ArrayList<>();
        Map<Path, String> shownAs = new LinkedHashMap<>();
        for (Path path : paths) {
            List<Path> found = files(path);
            if (found.isEmpty()) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "no .ncd files under " + path + " to document", "give a .ncd file or a directory that holds some");
                Report.diagnostics(err, common.diagnostics, diags.sorted());
                return Main.USAGE;
            }
            for (Path f : found) {
                if (shownAs.putIfAbsent(f.toAbsolutePath().normalize(), display(path, f)) == null) files.add(f);
            }
        }
        List<DocSite.GuidePage> guide = guide(err);
        if (guide == null) return Main.USAGE;
        if (!OutDir.check(outDir, diags)) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USER_ERROR;
        }
        Map<Program, List<String>> progs = new LinkedHashMap<>();
        for (Path f : files) {
            if (common.verbose) err.println("ncdc: documenting " + f);
            Diagnostics own = new Diagnostics();
            Program prog = new Compilation(own).load(f).orElse(null);
            if (prog == null) {
                Report.diagnostics(err, common.diagnostics, own.sorted());
                err.println("note: " + f + " has errors; fix them (ncdc check " + f + ") before generating docs");
                return Main.USER_ERROR;
            }
            List<String> names = new ArrayList<>(prog.circuitNames());
            names.addAll(prog.lawNames());
            progs.put(prog, names);
        }
        if (!AxisSizes.check(given, progs, "circuits or laws", diags)) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USAGE;
        }
        List<DocSite.Module> modules = new ArrayList<>();
        Iterator<Program> prog = progs.keySet().iterator();
        for (Path f : files) modules.add(module(prog.next(), f, shownAs.get(f.toAbsolutePath().normalize()), given));
        modules.sort(Comparator.comparing(DocSite.Module::name));
        Render.Engine e = Render.resolve(engine.engine);
        long t0 = System.nanoTime();
        // the whole site is written beside OUT and replaces it only when complete: a failure leaves OUT as it was
        List<Integer> count = new ArrayList<>();
        boolean wrote;
        try {
            wrote = OutDir.write(outDir, "ncdc doc", (OutDir.Tree<Render.RenderException>) tmp -> {
                List<String> rel = new ArrayList<>();
                for (Path p : DocSite.write(tmp, title, modules, guide, dot -> Render.svg(dot, e))) {
                    rel.add(tmp.relativize(p).toString().replace('\\', '/'));
                }
                count.add(rel.size());
                return rel;
            }, diags);
        } catch (Render.RenderException x) {
            err.println("ncdc: " + x.getMessage());
            return Main.TOOL;
        }
        if (!wrote) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return Main.USER_ERROR;
        }
        if (!diags.all().isEmpty()) Report.diagnostics(err, common.diagnostics, diags.sorted());
        out.printf("wrote %s and %d more files (%d modules; diagrams by %s in %.1f s)%n", outDir.resolve("index.html"),
                count.get(0) - 1, modules.size(), Render.describe(e), (System.nanoTime() - t0) / 1e9);
        out.flush();
        return Main.OK;
    }

    private static DocSite.Module module(Program prog, Path f, String shown, Map<String, Integer> given) throws IOException {
        String source = Files.readString(f).replace("\r\n", "\n");
        List<DocSite.Entry> circuits = new ArrayList<>();
        for (String n : prog.circuitNames()) circuits.add(entry(prog, source, n, false, given));
        List<DocSite.Entry> laws = new ArrayList<>();
        for (String n : prog.lawNames()) laws.add(entry(prog, source, n, true, given));
        return new DocSite.Module(prog.moduleName(), shown, source, headerComment(source), circuits, laws);
    }

    private static DocSite.Entry entry(Program prog, String source, String name, boolean law, Map<String, Integer> given) {
        SampleLowering.Lowered lowered = SampleLowering.lower(prog, name, given, Compilation::new);
        Optional<Graph> g = lowered.graph();
        Map<String, Integer> chosen = lowered.sizes();
        String problem = null;
        if (g.isEmpty()) {
            List<Diagnostic> ds = lowered.diagnostics().sorted();
            problem = ds.isEmpty() ? "it does not lower" : ds.get(0).code() + ": " + ds.get(0).message();
        }
        int start;
        int end;
        SourceSpan span = g.map(Graph::span).orElse(SourceSpan.NONE);
        if (span.isKnown() && span.end() <= source.length()) {
            start = span.start();
            end = span.end();
        } else {
            Matcher m = Pattern.compile("(?m)^\\s*" + (law ? "law" : "circuit") + "\\s+" + Pattern.quote(name) + "\\b").matcher(source);
            start = m.find() ? m.start() : 0;
            int blank = source.indexOf("\n\n", start);
            end = blank < 0 ? source.length() : blank;
        }
        start = source.lastIndexOf('\n', start - 1) + 1;       // the whole first line, with its indentation
        int line = 1;
        for (int i = 0; i < start; i++) if (source.charAt(i) == '\n') line++;
        return new DocSite.Entry(name, law, source.substring(start, end), commentAbove(source, start), line,
                g.orElse(null), g.isPresent() ? chosen : Map.of(), g.isPresent() ? null : problem,
                law || g.isEmpty() ? List.of() : exports(g.get()));
    }

    /**
     * The circuit as ONNX and as NIR, as {@code ncdc export} writes them with seed 0, or why it does not export: a
     * stateful circuit is not ONNX, and NIR is only the stdlib's LIF patterns (docs/interop.md).
     */
    private static List<DocSite.Export> exports(Graph lowered) {
        Diagnostics diags = new Diagnostics();
        Optional<Graph> g = ncd.runtime.Backends.named("interp").flatMap(be -> new Compilation(diags).prepare(lowered, be, ncd.runtime.BackendOptions.defaults(), 0));
        if (g.isEmpty()) return List.of();
        Map<String, ncd.runtime.Tensor> values = ncd.interop.Params.drawn(g.get(), 0);
        List<DocSite.Export> out = new ArrayList<>();
        try {
            var model = ncd.interop.OnnxExport.export(g.get(), values);
            out.add(new DocSite.Export("ONNX", "onnx", model.toByteArray(), "opset " + ncd.interop.OnnxExport.OPSET + ", "
                    + model.getGraph().getNodeCount() + " nodes"));
        } catch (ncd.interop.Unsupported u) {
            out.add(new DocSite.Export("ONNX", "onnx", null, u.getMessage()));
        }
        try {
            ncd.interop.NirExport.Nir nir = ncd.interop.NirExport.export(g.get(), values);
            out.add(new DocSite.Export("NIR", "nir", nir.hdf5(), "NIR " + ncd.interop.NirExport.VERSION + ": " + String.join(", ", nir.nodes().keySet())));
        } catch (ncd.interop.Unsupported u) {
            // NIR is for spiking circuits: saying why a transformer is not one helps nobody
            if (!g.get().states().isEmpty()) out.add(new DocSite.Export("NIR", "nir", null, u.getMessage()));
        } catch (IOException e) {
            out.add(new DocSite.Export("NIR", "nir", null, "the HDF5 writer failed: " + e.getMessage()));
        }
        return out;
    }

    /** The // lines right above offset {@code start}, without the slashes and one space, line by line (Markdown). */
    static String commentAbove(String source, int start) {
        List<String> lines = new ArrayList<>();
        int end = start;
        while (end > 0) {
            int s = source.lastIndexOf('\n', end - 2) + 1;
            String l = source.substring(s, end).strip();
            if (!l.startsWith("//")) break;
            lines.add(0, l.replaceFirst("^//+\\s?", ""));
            end = s;
        }
        return String.join("\n", lines).strip();
    }

    /** The comment lines at the top of a file, before its first declaration. */
    static String headerComment(String source) {
        List<String> lines = new ArrayList<>();
        for (String l : source.split("\n")) {
            String t = l.strip();
            if (t.startsWith("//")) lines.add(t.replaceFirst("^//+\\s?", ""));
            else if (!t.isEmpty() || !lines.isEmpty()) break;
        }
        return String.join("\n", lines).strip();
    }

    /** The guide pages a reader reads first; the other Markdown files of the guide follow by name. */
    private static final List<String> GUIDE_ORDER = List.of("language", "semantics", "training", "autodiff", "diagrams", "errors",
            "ir", "passes", "jvm", "performance", "architecture");

    /**
     * The guide: --guide DIR; else the docs/ of the ncd checkout that holds a PATH (documenting its stdlib or
     * examples), or of the checkout ncdc runs from (its jar is cli/target/ncdc.jar), found by docs/language.md; none
     * with --no-guide, or when there is no such folder (an installed jar on files elsewhere), with a note. Null after
     * an error (a --guide that is no folder of Markdown files).
     */
    private List<DocSite.GuidePage> guide(PrintWriter err) throws IOException {
        if (noGuide) return List.of();
        Path dir = guideDir;
        if (dir == null) {
            dir = checkoutDocs(paths);
            if (dir == null) {
                err.println("note: no guide pages: ncdc runs outside an ncd checkout; give --guide DIR (the docs/ folder) to include them, or --no-guide");
                return List.of();
            }
        }
        List<Path> mds = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(f -> f.getFileName().toString().endsWith(".md") && Files.isRegularFile(f)).forEach(mds::add);
            }
        }
        if (mds.isEmpty()) {
            err.println("ncdc: --guide " + dir + ": no .md files there (give the folder that holds language.md, training.md, ...)");
            return null;
        }
        mds.sort(Comparator.comparing((Path f) -> {
            int k = GUIDE_ORDER.indexOf(f.getFileName().toString().replaceFirst("\\.md$", ""));
            return k < 0 ? GUIDE_ORDER.size() : k;
        }).thenComparing(f -> f.getFileName().toString()));
        List<DocSite.GuidePage> pages = new ArrayList<>();
        for (Path f : mds) {
            String md = Files.readString(f).replace("\r\n", "\n");
            pages.add(new DocSite.GuidePage(f.getFileName().toString().replaceFirst("\\.md$", ""), md, images(dir, md)));
        }
        return pages;
    }

    /** The local images a guide page shows ({@code ![alt](showcase/x.png)}), read from below {@code dir}, by the path written. */
    private static Map<String, byte[]> images(Path dir, String markdown) throws IOException {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("!\\[[^\\]]*\\]\\(([^)\\s]+)[^)]*\\)").matcher(markdown);
        Path root = dir.toAbsolutePath().normalize();
        while (m.find()) {
            String rel = m.group(1);
            if (rel.contains(":")) continue;   // a URL: not ours to copy
            Path f = root.resolve(rel).normalize();
            if (f.startsWith(root) && Files.isRegularFile(f)) out.put(rel, Files.readAllBytes(f));
        }
        return out;
    }

    /** docs/ of the checkout that holds one of {@code paths}, or of the one this class was loaded from, or null. */
    private static Path checkoutDocs(List<Path> paths) {
        List<Path> starts = new ArrayList<>();
        for (Path p : paths) starts.add(p.toAbsolutePath().normalize());
        try {
            starts.add(Path.of(DocCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (Exception e) {
            // no code source (an unusual class loader): only the paths
        }
        for (Path start : starts) {
            for (Path p = start; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("docs/language.md")) && Files.isDirectory(p.resolve("stdlib/std"))) return p.resolve("docs");
            }
        }
        return null;
    }

    /** How a file is named on the site: relative to the folder above PATH ("stdlib/std/nn.ncd"), never absolute. */
    private static String display(Path root, Path f) {
        Path abs = root.toAbsolutePath().normalize();
        Path base = abs.getParent() == null ? abs : abs.getParent();
        return base.relativize(f.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    /** The .ncd files of PATH, sorted; null when PATH does not exist. Folders named target are skipped. */
    private static List<Path> files(Path p) throws IOException {
        if (!Files.isDirectory(p)) return List.of(p);
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(f -> Files.isRegularFile(f) && f.toString().endsWith(".ncd"))
                    .filter(f -> {
                        for (Path part : p.relativize(f)) if (part.toString().equals("target")) return false;
                        return true;
                    })
                    .sorted().toList();
        }
    }
}
