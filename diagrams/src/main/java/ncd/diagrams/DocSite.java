package ncd.diagrams;

import ncd.diagrams.site.CallGraph;
import ncd.diagrams.site.Highlighter;
import ncd.diagrams.site.Html;
import ncd.diagrams.site.Layout;
import ncd.diagrams.site.Markdown;
import ncd.diagrams.site.SearchIndex;
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
import java.util.regex.Pattern;

/**
 * A static HTML site about the circuits of some modules, read like rustdoc's: every page has a sidebar (the page's
 * sections, the current module's circuits and laws, the guide, the modules) and a search box over a static index;
 * a page per module (its circuits with what they call and what calls them, its highlighted source), a page per
 * circuit and law with its diagram (inline SVG, zoom and pan), signature, parameter table, cost of a step
 * ({@link Cost}), the laws that mention it, and its source, and optionally the guide (the Markdown files of docs/).
 * Doc comments are Markdown. Calls link to the callee's page, across modules. No external resources: it opens
 * from the file system, and on a phone the sidebar folds away behind a toggle.
 *
 * <p>The caller (the {@code ncdc doc} command) checks and lowers the programs; this class only lays out pages.
 * Chrome, search, highlighting and Markdown live in {@code ncd.diagrams.site}.
 */
public final class DocSite {
    /**
     * A circuit or law: its declaration as written, the comment above it (Markdown), its first line, the graph it
     * lowers to with the axis sizes used (null graph and a {@code problem} when it could not be lowered).
     */
    public record Entry(String name, boolean law, String declaration, String doc, int line, Graph graph,
                        Map<String, Integer> sizes, String problem, List<Export> exports) {
        public Entry {
            exports = List.copyOf(exports);
        }

        /** An entry with no interchange files. */
        public Entry(String name, boolean law, String declaration, String doc, int line, Graph graph, Map<String, Integer> sizes, String problem) {
            this(name, law, declaration, doc, line, graph, sizes, problem, List.of());
        }
    }

    /**
     * A circuit as an interchange file ({@code ncdc export}): {@code format} ("ONNX"), the file's {@code suffix}
     * ("onnx"), its bytes, and a line on what it holds; or, with {@code bytes} null, why the circuit does not export to
     * that format.
     */
    public record Export(String format, String suffix, byte[] bytes, String what) {}

    /** A module: its name, the file it came from (as shown), its source, its header comment, circuits, laws. */
    public record Module(String name, String file, String source, String doc, List<Entry> circuits, List<Entry> laws) {}

    /**
     * A page of the guide: its file name without .md ("language"), its Markdown, and the images it shows, by the
     * relative path it gives them ("showcase/lif-driven.png"), written beside the page.
     */
    public record GuidePage(String name, String markdown, Map<String, byte[]> images) {
        public GuidePage(String name, String markdown) { this(name, markdown, Map.of()); }
    }

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
    private final SearchIndex search = new SearchIndex();
    private final Map<String, Map<String, String>> files = new LinkedHashMap<>();
    private CallGraph calls;
    private Layout.Nav nav;
    private int diagramCount;

    private DocSite(Path out, SvgRenderer renderer, String title) {
        this.out = out;
        this.renderer = renderer;
        this.title = title;
    }

    /** Writes the site into {@code out}; returns the files written (index.html first). */
    public static List<Path> write(Path out, String title, List<Module> modules, SvgRenderer renderer)
            throws IOException, Render.RenderException {
        return write(out, title, modules, List.of(), renderer);
    }

    /** Writes the site with the guide's pages under {@code guide/}; returns the files written (index.html first). */
    public static List<Path> write(Path out, String title, List<Module> modules, List<GuidePage> guide, SvgRenderer renderer)
            throws IOException, Render.RenderException {
        DocSite s = new DocSite(out, renderer, title);
        Files.createDirectories(out);
        List<Markdown.Rendered> pages = new ArrayList<>();
        for (GuidePage p : guide) pages.add(Markdown.render(p.markdown(), guideLinks(guide)));
        s.plan(modules, guide, pages);
        s.index(modules, guide, pages);
        for (Layout.Link a : Layout.assets()) s.file(a.text(), a.href());
        for (int i = 0; i < guide.size(); i++) s.guide(guide.get(i), pages.get(i));
        for (Module m : modules) {
            s.module(m);
            for (Entry e : m.circuits()) s.entry(m, e);
            for (Entry e : m.laws()) s.entry(m, e);
        }
        s.file("search-index.js", s.search.script());
        return s.written;
    }

    /** File names, the sidebar, the call graph and the search index, before any page is written. */
    private void plan(List<Module> modules, List<GuidePage> guide, List<Markdown.Rendered> pages) {
        List<Layout.Link> guideLinks = new ArrayList<>();
        for (int i = 0; i < guide.size(); i++) {
            String href = "guide/" + guide.get(i).name() + ".html";
            String t = pageTitle(guide.get(i), pages.get(i));
            guideLinks.add(new Layout.Link(t, href));
            search.add(t, "guide", "", SearchIndex.summary(firstParagraph(guide.get(i).markdown())), href);
            for (Markdown.Heading2 h : pages.get(i).headings()) search.add(h.text(), "section", t, "", href + "#" + h.id());
        }
        List<Layout.NavModule> navModules = new ArrayList<>();
        Map<String, Map<String, String>> circuitHrefs = new LinkedHashMap<>();
        for (Module m : modules) {
            Map<String, String> f = fileNames(m);
            files.put(m.name(), f);
            List<Layout.Link> cs = new ArrayList<>();
            List<Layout.Link> ls = new ArrayList<>();
            Map<String, String> hrefs = new LinkedHashMap<>();
            for (Entry e : m.circuits()) {
                String href = m.name() + "/" + f.get(e.name());
                cs.add(new Layout.Link(e.name(), href));
                hrefs.put(e.name(), href);
            }
            for (Entry e : m.laws()) ls.add(new Layout.Link(e.name(), m.name() + "/" + f.get(e.name())));
            circuitHrefs.put(m.name(), hrefs);
            navModules.add(new Layout.NavModule(m.name(), m.name() + ".html", cs, ls));
            search.add(m.name(), "module", "", SearchIndex.summary(m.doc()), m.name() + ".html");
            for (Entry e : m.circuits()) search.add(e.name(), "circuit", m.name(), SearchIndex.summary(e.doc()), hrefs.get(e.name()));
            for (Entry e : m.laws()) search.add(e.name(), "law", m.name(), SearchIndex.summary(e.doc()), m.name() + "/" + f.get(e.name()));
        }
        nav = new Layout.Nav(title, guideLinks, navModules);
        calls = new CallGraph(circuitHrefs);
        for (Module m : modules) {
            Map<String, String> f = files.get(m.name());
            for (Entry e : m.circuits()) calls.add(m.name(), m.source(), e.name(), m.name() + "/" + f.get(e.name()), e.declaration());
            for (Entry e : m.laws()) calls.add(m.name(), m.source(), e.name(), m.name() + "/" + f.get(e.name()), e.declaration());
        }
    }

    // ---- pages --------------------------------------------------------------------------------------------------

    private void index(List<Module> modules, List<GuidePage> guide, List<Markdown.Rendered> pages) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        b.append("<p class=\"lead\">Neural circuit diagrams drawn from the compiler's IR: every picture shows exactly "
                + "what runs. Wires carry named axes with their sizes; bold boxes are learned; dotted frames are "
                + "sub-circuits; z⁻¹ marks state fed back to the next step. Press <kbd>/</kbd> to search.</p>\n");
        List<Layout.Toc> toc = new ArrayList<>();
        if (!guide.isEmpty()) {
            toc.add(new Layout.Toc("guide", "Guide", 2));
            b.append("<h2 id=\"guide\">Guide</h2>\n<ul class=\"entries\">\n");
            for (int i = 0; i < guide.size(); i++) {
                b.append("<li><a href=\"guide/").append(esc(guide.get(i).name())).append(".html\">")
                        .append(esc(pageTitle(guide.get(i), pages.get(i)))).append("</a>");
                String about = SearchIndex.summary(firstParagraph(guide.get(i).markdown()));
                if (!about.isEmpty()) b.append("<p>").append(esc(about)).append("</p>");
                b.append("</li>\n");
            }
            b.append("</ul>\n");
        }
        toc.add(new Layout.Toc("modules", "Modules", 2));
        b.append("<h2 id=\"modules\">Modules</h2>\n<ul class=\"entries\">\n");
        for (Module m : modules) {
            b.append("<li><a href=\"").append(esc(m.name())).append(".html\"><code>").append(esc(m.name()))
                    .append("</code></a> <span class=\"muted\">").append(count(m.circuits().size(), "circuit")).append(" · ")
                    .append(count(m.laws().size(), "law")).append("</span>");
            String about = SearchIndex.summary(m.doc());
            if (!about.isEmpty()) b.append("<p>").append(esc(about)).append("</p>");
            b.append("</li>\n");
        }
        b.append("</ul>\n");
        file("index.html", Layout.page(nav, title, "index.html", null, "<span>" + esc(title) + "</span>", toc, b.toString()));
    }

    private void guide(GuidePage p, Markdown.Rendered r) throws IOException {
        for (Map.Entry<String, byte[]> img : p.images().entrySet()) {
            Path f = out.resolve("guide").resolve(img.getKey()).normalize();
            if (!f.startsWith(out.resolve("guide"))) continue;   // only paths below the guide (the caller checks too)
            Files.createDirectories(f.getParent());
            Files.write(f, img.getValue());
            written.add(f);
        }
        String here = "guide/" + p.name() + ".html";
        List<Layout.Toc> toc = new ArrayList<>();
        for (Markdown.Heading2 h : r.headings()) toc.add(new Layout.Toc(h.id(), h.text(), h.level()));
        String crumbs = "<a href=\"../index.html\">" + esc(title) + "</a> › <span>" + esc(pageTitle(p, r)) + "</span>";
        file(here, Layout.page(nav, pageTitle(p, r) + " — " + title, here, null, crumbs, toc,
                "<article class=\"guide\">\n" + r.html() + "</article>\n"));
    }

    private void module(Module m) throws IOException {
        Map<String, String> f = files.get(m.name());
        StringBuilder b = new StringBuilder();
        List<Layout.Toc> toc = new ArrayList<>();
        b.append("<h1>module <code>").append(esc(m.name())).append("</code></h1>\n");
        if (!m.doc().isBlank()) b.append("<div class=\"doc lead\">").append(Markdown.comment(m.doc())).append("</div>\n");
        b.append("<p class=\"muted\">").append(esc(m.file())).append("</p>\n");
        for (int pass = 0; pass < 2; pass++) {
            List<Entry> es = pass == 0 ? m.circuits() : m.laws();
            if (es.isEmpty()) continue;
            String id = pass == 0 ? "circuits" : "laws";
            toc.add(new Layout.Toc(id, pass == 0 ? "Circuits" : "Laws", 2));
            b.append("<h2 id=\"").append(id).append("\">").append(pass == 0 ? "Circuits" : "Laws").append("</h2>\n<ul class=\"entries\">\n");
            for (Entry e : es) {
                b.append("<li id=\"").append(esc(anchor(e))).append("\"><a href=\"").append(esc(m.name())).append('/')
                        .append(esc(f.get(e.name()))).append("\"><code>").append(esc(e.name())).append("</code></a>");
                b.append("<pre class=\"sig\">").append(esc(signature(e))).append("</pre>");
                if (!e.doc().isBlank()) b.append("<div class=\"doc\">").append(Markdown.comment(e.doc())).append("</div>");
                if (e.graph() != null && !e.law()) {
                    b.append("<p class=\"muted\">").append(human(paramCount(e.graph()))).append(" parameters · ")
                            .append(human(Cost.step(e.graph()).flops())).append(" FLOPs per call</p>");
                }
                relations(b, m, e, "", true);
                b.append("</li>\n");
            }
            b.append("</ul>\n");
        }
        toc.add(new Layout.Toc("source", "Source", 2));
        b.append("<h2 id=\"source\">Source</h2>\n").append(Highlighter.html(m.source(), 1, linker(m, "")));
        String crumbs = "<a href=\"index.html\">" + esc(title) + "</a> › <span>" + esc(m.name()) + "</span>";
        file(m.name() + ".html", Layout.page(nav, m.name() + " — " + title, m.name() + ".html", m.name(), crumbs, toc, b.toString()));
    }

    private void entry(Module m, Entry e) throws IOException, Render.RenderException {
        Map<String, String> f = files.get(m.name());
        StringBuilder b = new StringBuilder();
        String kind = e.law() ? "law" : "circuit";
        b.append("<h1>").append(kind).append(" <code>").append(esc(e.name())).append("</code></h1>\n");
        if (!e.doc().isBlank()) b.append("<div class=\"doc lead\">").append(Markdown.comment(e.doc())).append("</div>\n");
        b.append("<pre class=\"sig\">").append(esc(signature(e))).append("</pre>\n");
        relations(b, m, e, "../", false);
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
        exports(b, m, e, f.get(e.name()));
        laws(b, m, e, f);
        b.append("<h2 id=\"source\">Source</h2>\n<p class=\"muted\">").append(esc(m.file())).append(", <a href=\"../")
                .append(esc(m.name())).append(".html#L").append(e.line()).append("\">line ").append(e.line()).append("</a></p>\n")
                .append(Highlighter.html(e.declaration(), e.line(), linker(m, "../")));
        String body = b.toString();
        List<Layout.Toc> toc = new ArrayList<>();
        for (String[] s : SECTIONS) if (body.contains("<h2 id=\"" + s[0] + "\">")) toc.add(new Layout.Toc(s[0], s[1], 2));
        String crumbs = "<a href=\"../index.html\">" + esc(title) + "</a> › <a href=\"../" + esc(m.name()) + ".html\">"
                + esc(m.name()) + "</a> › <span>" + esc(e.name()) + "</span>";
        String here = m.name() + "/" + f.get(e.name());
        file(here, Layout.page(nav, e.name() + " — " + m.name(), here, m.name(), crumbs, toc, body));
    }

    /** The sections an entry page may have, in order, for its table of contents. */
    private static final String[][] SECTIONS = {{"diagram", "Diagram"}, {"cost", "Cost per call"}, {"parameters", "Parameters"},
            {"state", "State"}, {"export", "Export"}, {"laws", "Laws"}, {"source", "Source"}};

    /** The entry's interchange files, written beside its page and linked; a format it does not export to says why. */
    private void exports(StringBuilder b, Module m, Entry e, String page) throws IOException {
        if (e.exports().isEmpty()) return;
        b.append("<h2 id=\"export\">Export</h2>\n<ul class=\"entries\">\n");
        String base = page.endsWith(".html") ? page.substring(0, page.length() - ".html".length()) : page;
        for (Export x : e.exports()) {
            if (x.bytes() == null) {
                b.append("<li>").append(esc(x.format())).append(": <span class=\"muted\">not exported: ").append(esc(x.what())).append("</span></li>\n");
                continue;
            }
            String rel = base + "." + x.suffix();
            Path p = out.resolve(m.name()).resolve(rel);
            Files.createDirectories(p.getParent());
            Files.write(p, x.bytes());
            written.add(p);
            b.append("<li><a href=\"").append(esc(rel)).append("\" download>").append(esc(x.format())).append(": <code>")
                    .append(esc(rel)).append("</code></a> <span class=\"muted\">").append(esc(x.what())).append(" · ")
                    .append(Sizes.humanBytes(x.bytes().length)).append("</span></li>\n");
        }
        b.append("</ul>\n<p class=\"muted\">Written by <code>ncdc export</code> with the parameters drawn from seed 0 and the "
                + "sizes above (docs/interop.md).</p>\n");
    }

    /** What a circuit calls and what calls it, as links ({@code up} leads from the page to the root). */
    private void relations(StringBuilder b, Module m, Entry e, String up, boolean compact) {
        List<CallGraph.Ref> callees = calls.callees(m.name(), e.name());
        List<CallGraph.Ref> callers = calls.callers(m.name(), e.name());
        if (!callees.isEmpty()) refs(b, e.law() ? "Checks" : "Calls", callees, m, up);
        if (!callers.isEmpty()) refs(b, "Called by", callers, m, up);
        if (!compact && callees.isEmpty() && callers.isEmpty() && !e.law()) {
            b.append("<p class=\"rel\">Calls no other documented circuit, and none calls it.</p>\n");
        }
    }

    private static void refs(StringBuilder b, String what, List<CallGraph.Ref> refs, Module m, String up) {
        b.append("<p class=\"rel\">").append(what).append(": ");
        for (int i = 0; i < refs.size(); i++) {
            CallGraph.Ref r = refs.get(i);
            b.append(i == 0 ? "" : ", ").append("<a href=\"").append(esc(up + r.href())).append("\"><code>")
                    .append(esc(r.module().equals(m.name()) ? r.name() : r.module() + "." + r.name())).append("</code></a>");
        }
        b.append("</p>\n");
    }

    /** Links a listing's names: circuits in scope in module {@code m}, and module paths of the site. */
    private Highlighter.Linker linker(Module m, String up) {
        return new Highlighter.Linker() {
            @Override public String circuit(String name) {
                String href = calls.resolve(m.name(), name);
                return href == null ? null : up + href;
            }

            @Override public String module(String qualifiedName) {
                return files.containsKey(qualifiedName) ? up + qualifiedName + ".html" : null;
            }
        };
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
        List<Readable.View> views = Readable.views(g, DotWriter.Options.defaults().withDepth(fits), s -> "#view-" + Readable.slug(s),
                renderer::svg, MAX_VIEWS);
        if (views.size() > 1) {
            b.append("<p class=\"muted\">Overview: sub-circuits are boxes; click one for its own diagram below.</p>\n");
        }
        for (int i = 0; i < views.size(); i++) {
            String scope = views.get(i).scope();
            if (i > 0) b.append("<h3 id=\"view-").append(esc(Readable.slug(scope))).append("\">sub-circuit <code>").append(esc(scope)).append("</code></h3>\n");
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

    /** The id of an entry's item on its module page. */
    private static String anchor(Entry e) { return (e.law() ? "law." : "circuit.") + e.name(); }

    /** Guide links: another guide page's .md becomes its .html; the web stays; other files are not in the site. */
    private static java.util.function.UnaryOperator<String> guideLinks(List<GuidePage> guide) {
        Set<String> names = new HashSet<>();
        for (GuidePage p : guide) names.add(p.name());
        return to -> {
            if (to.startsWith("#") || to.matches("(?i)(https?|mailto):.*")) return to;
            java.util.regex.Matcher x = Pattern.compile("(?:\\./)?([\\w-]+)\\.md(#.*)?").matcher(to);
            if (x.matches() && names.contains(x.group(1))) return x.group(1) + ".html" + (x.group(2) == null ? "" : x.group(2));
            return null;
        };
    }

    private static String pageTitle(GuidePage p, Markdown.Rendered r) {
        return r.title() != null ? r.title() : p.name();
    }

    private static String firstParagraph(String markdown) {
        for (String para : markdown.split("\n\\s*\n")) {
            String t = para.strip();
            if (!t.isEmpty() && !t.startsWith("#") && !t.startsWith("```") && !t.startsWith("|")) return t;
        }
        return "";
    }

    private static String count(int n, String what) { return n + " " + what + (n == 1 ? "" : "s"); }

    private void file(String rel, String text) throws IOException {
        Path p = out.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        written.add(p);
    }

    static String esc(String s) { return Html.esc(s); }
}
