package ncd.diagrams;

import ncd.ir.Attr;
import ncd.ir.Cost;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Sizes;
import ncd.ir.State;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A static HTML site about the circuits of some modules: an index of modules, a page per module, and a page per
 * circuit and law with its diagram (inline SVG), signature, parameter table, cost of a step ({@link Cost}), the
 * laws that mention it, and its source. Plain HTML and one CSS file, no scripts, no external resources: it opens
 * from the file system, and the layout narrows to one column on a phone.
 *
 * <p>The caller (the {@code ncdc doc} command) checks and lowers the programs; this class only lays out pages.
 */
public final class DocSite {
    /**
     * A circuit or law: its declaration as written, the comment above it, its first line, the graph it lowers to
     * with the axis sizes used (null graph and a {@code problem} when it could not be lowered).
     */
    public record Entry(String name, boolean law, String declaration, String doc, int line, Graph graph,
                        Map<String, Integer> sizes, String problem) {}

    /** A module: its name, the file it came from (as shown), its source, its header comment, circuits, laws. */
    public record Module(String name, String file, String source, String doc, List<Entry> circuits, List<Entry> laws) {}

    /** Lays out DOT as SVG text; a failure stops the site. */
    @FunctionalInterface
    public interface SvgRenderer {
        String svg(String dot) throws Render.RenderException;
    }

    /** The most diagrams a page draws of one circuit: its overview and views of the sub-circuits it boxes. */
    static final int MAX_VIEWS = 8;

    private final Path out;
    private final SvgRenderer renderer;
    private final String title;
    private final List<Path> written = new ArrayList<>();
    private int diagramCount;

    private DocSite(Path out, SvgRenderer renderer, String title) {
        this.out = out;
        this.renderer = renderer;
        this.title = title;
    }

    /** Writes the site into {@code out}; returns the files written (index.html first). */
    public static List<Path> write(Path out, String title, List<Module> modules, SvgRenderer renderer)
            throws IOException, Render.RenderException {
        DocSite s = new DocSite(out, renderer, title);
        Files.createDirectories(out);
        s.index(modules);
        s.file("style.css", CSS);
        for (Module m : modules) {
            s.module(m);
            Map<String, String> files = fileNames(m);
            for (Entry e : m.circuits()) s.entry(m, e, files);
            for (Entry e : m.laws()) s.entry(m, e, files);
        }
        return s.written;
    }

    // ---- pages --------------------------------------------------------------------------------------------------

    private void index(List<Module> modules) throws IOException {
        StringBuilder b = new StringBuilder();
        head(b, title, "");
        b.append("<header><nav class=\"crumbs\"><span>").append(esc(title)).append("</span></nav></header>\n<main>\n");
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        b.append("<p class=\"lead\">Neural circuit diagrams drawn from the compiler's IR: every picture shows exactly "
                + "what runs. Wires carry named axes with their sizes; bold boxes are learned; dotted frames are "
                + "sub-circuits; z⁻¹ marks state fed back to the next step.</p>\n");
        b.append("<ul class=\"entries\">\n");
        for (Module m : modules) {
            b.append("<li><a href=\"").append(esc(m.name())).append(".html\"><code>").append(esc(m.name()))
                    .append("</code></a> <span class=\"muted\">").append(count(m.circuits().size(), "circuit")).append(" · ")
                    .append(count(m.laws().size(), "law")).append("</span>");
            String about = firstSentence(m.doc());
            if (!about.isEmpty()) b.append("<p>").append(esc(about)).append("</p>");
            b.append("</li>\n");
        }
        b.append("</ul>\n</main>\n");
        foot(b);
        file("index.html", b.toString());
    }

    private void module(Module m) throws IOException {
        Map<String, String> files = fileNames(m);
        StringBuilder b = new StringBuilder();
        head(b, m.name() + " — " + title, "");
        b.append("<header><nav class=\"crumbs\"><a href=\"index.html\">").append(esc(title)).append("</a> › <span>")
                .append(esc(m.name())).append("</span></nav></header>\n<main>\n");
        b.append("<h1>module <code>").append(esc(m.name())).append("</code></h1>\n");
        if (!m.doc().isBlank()) b.append("<p class=\"lead\">").append(esc(m.doc())).append("</p>\n");
        b.append("<p class=\"muted\">").append(esc(m.file())).append("</p>\n");
        for (int pass = 0; pass < 2; pass++) {
            List<Entry> es = pass == 0 ? m.circuits() : m.laws();
            if (es.isEmpty()) continue;
            b.append("<h2>").append(pass == 0 ? "Circuits" : "Laws").append("</h2>\n<ul class=\"entries\">\n");
            for (Entry e : es) {
                b.append("<li><a href=\"").append(esc(m.name())).append('/').append(esc(files.get(e.name())))
                        .append("\"><code>").append(esc(e.name())).append("</code></a>");
                b.append("<pre class=\"sig\">").append(esc(signature(e))).append("</pre>");
                if (!e.doc().isBlank()) b.append("<p>").append(esc(e.doc())).append("</p>");
                if (e.graph() != null && !e.law()) {
                    b.append("<p class=\"muted\">").append(human(paramCount(e.graph()))).append(" parameters · ")
                            .append(human(Cost.step(e.graph()).flops())).append(" FLOPs per call</p>");
                }
                b.append("</li>\n");
            }
            b.append("</ul>\n");
        }
        b.append("<h2>Source</h2>\n").append(source(m.source(), 1));
        b.append("</main>\n");
        foot(b);
        file(m.name() + ".html", b.toString());
    }

    private void entry(Module m, Entry e, Map<String, String> files) throws IOException, Render.RenderException {
        StringBuilder b = new StringBuilder();
        String kind = e.law() ? "law" : "circuit";
        head(b, e.name() + " — " + m.name(), "../");
        b.append("<header><nav class=\"crumbs\"><a href=\"../index.html\">").append(esc(title)).append("</a> › <a href=\"../")
                .append(esc(m.name())).append(".html\">").append(esc(m.name())).append("</a> › <span>").append(esc(e.name()))
                .append("</span></nav></header>\n<main>\n");
        b.append("<h1>").append(kind).append(" <code>").append(esc(e.name())).append("</code></h1>\n");
        if (!e.doc().isBlank()) b.append("<p class=\"lead\">").append(esc(e.doc())).append("</p>\n");
        b.append("<pre class=\"sig\">").append(esc(signature(e))).append("</pre>\n");
        Graph g = e.graph();
        if (g == null) {
            b.append("<p class=\"problem\">Not drawn: ").append(esc(e.problem() == null ? "it does not lower" : e.problem())).append("</p>\n");
        } else {
            if (!e.sizes().isEmpty()) {
                List<String> s = new ArrayList<>();
                for (Map.Entry<String, Integer> x : e.sizes().entrySet()) s.add(x.getKey() + " = " + x.getValue());
                b.append("<p class=\"muted\">Drawn and measured with ").append(esc(String.join(", ", s)))
                        .append(" (axes the declaration leaves to the caller).</p>\n");
            }
            io(b, g);
            diagrams(b, g);
            if (!e.law()) cost(b, g);
            params(b, g);
            states(b, g);
        }
        laws(b, m, e, files);
        b.append("<h2 id=\"source\">Source</h2>\n<p class=\"muted\">").append(esc(m.file())).append(", line ")
                .append(e.line()).append("</p>\n").append(source(e.declaration(), e.line()));
        b.append("</main>\n");
        foot(b);
        file(m.name() + "/" + files.get(e.name()), b.toString());
    }

    private void io(StringBuilder b, Graph g) {
        b.append("<div class=\"table-wrap\"><table class=\"io\">\n<thead><tr><th></th><th>name</th><th>type</th></tr></thead>\n<tbody>\n");
        for (Node n : g.inputs()) {
            b.append("<tr><td>input</td><td><code>").append(esc(((Attr.Named) n.attr()).name())).append("</code></td><td><code>")
                    .append(esc(g.typeText(n.type()))).append("</code></td></tr>\n");
        }
        for (Graph.Output o : g.outputs()) {
            b.append("<tr><td>output</td><td><code>").append(esc(o.name())).append("</code></td><td><code>")
                    .append(esc(g.typeText(o.node().type()))).append("</code></td></tr>\n");
        }
        b.append("</tbody></table></div>\n");
    }

    private void diagrams(StringBuilder b, Graph g) throws Render.RenderException {
        b.append("<h2 id=\"diagram\">Diagram</h2>\n");
        // an overview that reads at 100% zoom (Readable), its boxes linked to one view per sub-circuit below
        int fits = DotWriter.depthFitting(g, DotWriter.DRAWN_LIMIT);
        List<Readable.View> views = Readable.views(g, DotWriter.Options.defaults().withDepth(fits), s -> "#view-" + s,
                renderer::svg, MAX_VIEWS);
        if (views.size() > 1) {
            b.append("<p class=\"muted\">Overview: sub-circuits are boxes; click one for its own diagram below.</p>\n");
        }
        for (int i = 0; i < views.size(); i++) {
            String scope = views.get(i).scope();
            if (i > 0) b.append("<h3 id=\"view-").append(esc(scope)).append("\">sub-circuit <code>").append(esc(scope)).append("</code></h3>\n");
            Readable.Choice c = views.get(i).choice();
            svg(b, c.dot(), c.svg(), false);
        }
        b.append("<p class=\"muted legend\">Reading the diagram: data flows left to right or top to bottom; each wire is labelled with its "
                + "axes (<code>name:size</code>) and drawn with one line per axis; ⊗ contracts (Σ: the axes it sums, "
                + "batch: shared axes it keeps); bold boxes hold or use learned parameters; "
                + "3-D boxes are sub-circuits drawn on their own; an (initial) or constant box folds a value computed once; "
                + "a wide pale band marks an operand "
                + "broadcast along the axes it lacks; dotted frames are sub-circuits; z⁻¹ is a one-step delay "
                + "(state). Hover a box for its IR (<code>%12 = ...</code>).</p>\n");
    }

    private void svg(StringBuilder b, String dot, String drawn, boolean fit) throws Render.RenderException {
        String svg = drawn != null ? drawn : renderer.svg(dot);
        int start = svg.indexOf("<svg");
        if (start < 0) throw new Render.RenderException("the renderer returned no SVG", null);
        svg = svg.substring(start).replaceAll("(?s)<!--.*?-->", "");
        String prefix = "d" + (++diagramCount) + "-";
        svg = svg.replace(" id=\"", " id=\"" + prefix);
        svg = svg.replaceFirst("<svg", "<svg class=\"ncd-diagram\" role=\"img\"");
        b.append("<div class=\"diagram").append(fit ? " fit" : "").append("\">").append(svg.strip()).append("</div>\n");
    }

    private void cost(StringBuilder b, Graph g) {
        Cost c = Cost.step(g);
        long paramBytes = 0, stateBytes = 0;
        for (Node p : g.params()) paramBytes = Sizes.plus(paramBytes, p.type().bytes());
        for (State s : g.states()) stateBytes = Sizes.plus(stateBytes, s.type().bytes());
        b.append("<h2 id=\"cost\">Cost per call</h2>\n<dl class=\"cost\">")
                .append("<dt>FLOPs</dt><dd>").append(human(c.flops())).append("</dd>")
                .append("<dt>memory traffic</dt><dd>").append(Sizes.humanBytes(c.bytes())).append("</dd>")
                .append("<dt>parameters</dt><dd>").append(human(paramCount(g))).append(" (").append(Sizes.humanBytes(paramBytes)).append(")</dd>");
        if (!g.states().isEmpty()) b.append("<dt>state</dt><dd>").append(Sizes.humanBytes(stateBytes)).append("</dd>");
        b.append("</dl>\n<p class=\"muted\">Estimated from the IR of one step before optimisation (as <code>ncdc bench</code> "
                + "counts it): a contraction costs 2 FLOPs per output element per summed element, other arithmetic 1 per "
                + "element; memory traffic counts every operand read and every result written once (no fusion).</p>\n");
    }

    /** The elements of all parameters. */
    private static long paramCount(Graph g) {
        long n = 0;
        for (Node p : g.params()) n = Sizes.plus(n, p.type().elementCount());
        return n;
    }

    /** 1234567 as "1.23 M", 512 as "512". */
    static String human(long v) {
        if (v < 10_000) return String.valueOf(v);
        String[] units = {"k", "M", "G", "T", "P"};
        double x = v;
        int u = -1;
        while (x >= 1000 && u < units.length - 1) {
            x /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, x >= 100 ? "%.0f %s" : x >= 10 ? "%.1f %s" : "%.2f %s", x, units[u]);
    }

    private void params(StringBuilder b, Graph g) {
        List<Node> ps = g.params();
        if (ps.isEmpty()) return;
        b.append("<h2 id=\"parameters\">Parameters</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>path</th><th>shape</th>"
                + "<th class=\"num\">count</th><th>initializer</th></tr></thead>\n<tbody>\n");
        for (Node p : ps) {
            Attr.Param a = (Attr.Param) p.attr();
            long n = p.type().elementCount();
            b.append("<tr><td><code>").append(esc(a.name())).append("</code></td><td><code>").append(esc(Labels.shape(p.type())))
                    .append("</code></td><td class=\"num\">").append(n).append("</td><td><code>").append(esc(Labels.initText(a)))
                    .append("</code></td></tr>\n");
        }
        b.append("</tbody><tfoot><tr><td>total</td><td></td><td class=\"num\">").append(paramCount(g)).append("</td><td></td></tr></tfoot></table></div>\n");
    }

    private void states(StringBuilder b, Graph g) {
        if (g.states().isEmpty()) return;
        b.append("<h2 id=\"state\">State</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>state</th><th>type</th></tr></thead>\n<tbody>\n");
        for (State s : g.states()) {
            b.append("<tr><td><code>").append(esc(s.name())).append("</code></td><td><code>").append(esc(g.typeText(s.type())))
                    .append("</code></td></tr>\n");
        }
        b.append("</tbody></table></div>\n");
    }

    private void laws(StringBuilder b, Module m, Entry e, Map<String, String> files) {
        List<Entry> related = new ArrayList<>();
        if (e.law()) {
            for (Entry c : m.circuits()) if (mentions(e.declaration(), c.name())) related.add(c);
        } else {
            for (Entry l : m.laws()) if (mentions(l.declaration(), e.name())) related.add(l);
        }
        b.append("<h2 id=\"laws\">").append(e.law() ? "Circuits it checks" : "Laws").append("</h2>\n");
        if (related.isEmpty()) {
            b.append("<p class=\"muted\">").append(e.law() ? "None of this module's circuits." : "No law of this module mentions it.")
                    .append("</p>\n");
            return;
        }
        b.append("<ul class=\"entries\">\n");
        for (Entry r : related) {
            b.append("<li><a href=\"").append(esc(files.get(r.name()))).append("\"><code>").append(esc(r.name())).append("</code></a>")
                    .append("<pre class=\"sig\">").append(esc(signature(r))).append("</pre></li>\n");
        }
        b.append("</ul>\n");
    }

    // ---- pieces -------------------------------------------------------------------------------------------------

    /** What a declaration says about its interface: up to the body for circuits, everything for laws and compositions. */
    static String signature(Entry e) {
        String d = e.declaration().strip();
        if (e.law()) return d;
        int depth = 0;
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            if (c == '(' || c == '[' || c == '<') depth++;
            else if (c == ')' || c == ']' || c == '>' && i > 0 && d.charAt(i - 1) != '-') depth--;
            else if (c == '{' && depth <= 0) return d.substring(0, i).strip();
        }
        return d;
    }

    static boolean mentions(String text, String name) {
        return Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(name) + "(?![A-Za-z0-9_])").matcher(text).find();
    }

    /** One page per entry: its name, or name_2 ... where names differ only in case (case-insensitive file systems). */
    static Map<String, String> fileNames(Module m) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        List<Entry> all = new ArrayList<>(m.circuits());
        all.addAll(m.laws());
        for (Entry e : all) {
            String f = e.name();
            for (int k = 2; !taken.add(f.toLowerCase(Locale.ROOT)); k++) f = e.name() + "_" + k;
            out.put(e.name(), f + ".html");
        }
        return out;
    }

    private static String source(String text, int firstLine) {
        StringBuilder b = new StringBuilder("<pre class=\"source\"><code>");
        String[] lines = text.split("\n", -1);
        int n = lines.length;
        while (n > 0 && lines[n - 1].isBlank()) n--;
        int width = String.valueOf(firstLine + n - 1).length();
        for (int i = 0; i < n; i++) {
            b.append("<span class=\"ln\">").append(String.format(Locale.ROOT, "%" + width + "d", firstLine + i)).append("</span>")
                    .append(esc(lines[i])).append('\n');
        }
        return b.append("</code></pre>\n").toString();
    }

    private static String count(int n, String what) { return n + " " + what + (n == 1 ? "" : "s"); }

    private static String firstSentence(String s) {
        if (s == null) return "";
        Matcher m = Pattern.compile("^(.*?\\.)(\\s|$)", Pattern.DOTALL).matcher(s.strip());
        String t = m.find() ? m.group(1) : s.strip();
        return t.length() > 160 ? t.substring(0, 157) + "..." : t;
    }

    private void head(StringBuilder b, String pageTitle, String up) {
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(pageTitle)).append("</title>\n")
                .append("<link rel=\"stylesheet\" href=\"").append(up).append("style.css\">\n</head>\n<body>\n");
    }

    private static void foot(StringBuilder b) {
        b.append("<footer>Generated by <code>ncdc doc</code>. Diagrams are drawn from the checked IR.</footer>\n</body>\n</html>\n");
    }

    private void file(String rel, String text) throws IOException {
        Path p = out.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        written.add(p);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String CSS = String.join("\n",
            ":root { --fg: #1d232b; --muted: #5b6673; --line: #d9dee4; --accent: #2f5d9b; --bg: #ffffff; --code: #f4f6f8; }",
            "* { box-sizing: border-box; }",
            "html { -webkit-text-size-adjust: 100%; }",
            "body { margin: 0; color: var(--fg); background: var(--bg); font: 16px/1.5 system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif; }",
            "header { border-bottom: 1px solid var(--line); background: #f7f9fb; }",
            ".crumbs { max-width: 75rem; margin: 0 auto; padding: .6rem 1rem; font-size: .95rem; }",
            ".crumbs a { color: var(--accent); text-decoration: none; }",
            ".crumbs a:hover { text-decoration: underline; }",
            "main { max-width: 75rem; margin: 0 auto; padding: 1rem 1rem 3rem; }",
            "h1 { font-size: 1.7rem; margin: .8rem 0 .4rem; overflow-wrap: anywhere; }",
            "h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }",
            "a { color: var(--accent); }",
            "code, pre { font-family: ui-monospace, \"DejaVu Sans Mono\", Menlo, Consolas, monospace; font-size: .9em; }",
            "p code, td code { background: var(--code); padding: 0 .2em; border-radius: 3px; }",
            ".lead { font-size: 1.05rem; }",
            ".muted { color: var(--muted); font-size: .92rem; }",
            ".problem { color: #b00020; }",
            "pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; overflow-x: auto; }",
            "pre.sig { margin: .3rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }",
            "pre.source .ln { display: inline-block; color: #9aa4ae; margin-right: 1em; user-select: none; text-align: right; }",
            ".table-wrap { overflow-x: auto; }",
            "table { border-collapse: collapse; margin: .4rem 0; min-width: 50%; }",
            "th, td { text-align: left; padding: .3rem .7rem .3rem 0; border-bottom: 1px solid var(--line); vertical-align: top; }",
            "td.num, th.num { text-align: right; }",
            "tfoot td { font-weight: 600; border-bottom: none; }",
            "ul.entries { list-style: none; padding: 0; }",
            "ul.entries li { margin: 0 0 1.1rem; }",
            "ul.entries li > p { margin: .2rem 0; }",
            ".diagram { overflow: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; padding: .4rem; "
                    + "margin: .4rem 0 .8rem; max-height: 80vh; -webkit-overflow-scrolling: touch; }",
            ".diagram svg { display: block; max-width: none; height: auto; }",
            ".diagram.fit svg { max-width: 100%; }",
            "dl.cost { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem; margin: .4rem 0; }",
            "dl.cost dt { color: var(--muted); }",
            "dl.cost dd { margin: 0; font-variant-numeric: tabular-nums; }",
            "footer { max-width: 75rem; margin: 0 auto; padding: 1rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); }",
            "@media (max-width: 40rem) {",
            "  body { font-size: 15px; }",
            "  main { padding: .6rem .7rem 2rem; }",
            "  h1 { font-size: 1.35rem; }",
            "  th, td { padding-right: .5rem; }",
            "}",
            "");
}
