package ncd.diagrams;

import ncd.ir.Graph;
import ncd.ir.Node;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks how to draw a circuit, or one sub-circuit of it, so that the drawing reads at 100% zoom: the most detail
 * (sub-circuit levels expanded) whose laid-out drawing has an aspect ratio of at most {@link #MAX_ASPECT} and no
 * side longer than {@link #MAX_SIDE_PT}, flowing
 * left to right or, when that is too wide, top to bottom. Deeper calls become boxes that link to their own view
 * (see {@link #views}). It lays each candidate out with the renderer and measures it: the size of a Graphviz
 * layout cannot be told from the graph (labels, clusters and parallel wires all take room).
 */
public final class Readable {
    private Readable() {}

    /** Width over height (or height over width) a drawing may have: a page or a screen, not a strip. */
    public static final double MAX_ASPECT = 3.0;

    /**
     * The longest side (pt) a drawing may have, 2000 px at 100% zoom: about two screens. Larger, a reader scrolls
     * to follow a wire; the calls are better read one per view.
     */
    public static final double MAX_SIDE_PT = 1500;

    /** The options chosen and the size (pt) of the drawing they give. */
    /** {@code svg} is the drawing as laid out while choosing (null once links are added: the caller lays it out). */
    public record Choice(DotWriter.Options options, String dot, String svg, double width, double height) {
        public double aspect() { return Math.max(width / height, height / width); }

        /** Within the aspect and the size a reader takes in at 100% zoom. */
        public boolean readable() { return aspect() <= MAX_ASPECT && Math.max(width, height) <= MAX_SIDE_PT; }
    }

    private static final Pattern SIZE = Pattern.compile("<svg[^>]*?width=\"([0-9.]+)pt\"[^>]*?height=\"([0-9.]+)pt\"", Pattern.DOTALL);

    /** The width and height in pt of an SVG that Graphviz wrote. */
    public static double[] size(String svg) {
        Matcher m = SIZE.matcher(svg);
        if (!m.find()) throw new IllegalArgumentException("no width and height in pt in the SVG");
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    /**
     * A scope as a file name or HTML id: instance paths are names already, a scan's segment (`scan t in time (h)`)
     * has spaces and brackets, which become {@code _} ({@code scan_t_in_time_h}).
     */
    public static String slug(String scope) {
        return scope.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("_(?=\\.|$)", "");
    }

    /** The number of dot-separated parts of a scope ("" has none). */
    static int level(String scope) { return scope.isEmpty() ? 0 : scope.split("\\.").length; }

    /** The scopes of {@code g} (every prefix of every node's scope), in order of first appearance. */
    static List<String> scopes(Graph g) {
        Set<String> out = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            if (n.scope().isEmpty()) continue;
            String[] parts = n.scope().split("\\.");
            for (int k = 1; k <= parts.length; k++) out.add(String.join(".", java.util.Arrays.copyOf(parts, k)));
        }
        return new ArrayList<>(out);
    }

    /**
     * The view of {@code scope} ("" for the whole circuit): {@code base} with the scope opened and its calls
     * expanded as many levels deep as stays {@link Choice#readable()} and within {@link DotWriter#DRAWN_LIMIT} elements,
     * left to right when that fits, else top to bottom; when even the scope's own level does not fit, its least
     * elongated drawing.
     * The whole circuit's view uses {@code base.depth()} as the most levels to expand; a sub-circuit's view keeps
     * the other calls as {@code base} has them.
     */
    public static Choice choose(Graph g, DotWriter.Options base, String scope, DocSite.SvgRenderer r) throws Render.RenderException {
        int top = level(scope);
        int deepest = top;
        for (String s : scopes(g)) if (s.equals(scope) || s.startsWith(scope + ".") || scope.isEmpty()) deepest = Math.max(deepest, level(s));
        if (scope.isEmpty()) deepest = Math.min(deepest, base.depth());
        // shallow to deep, stopping at the first depth that reads in neither direction: drawings grow with depth, and
        // the deep candidates are the slow layouts (a fully expanded transformer block takes V8 seconds)
        Choice last = null;
        Choice best = null;
        for (int d = top; d <= deepest; d++) {
            DotWriter.Options o = open(g, base, scope, d);
            if (d > top && elements(g, o) > DotWriter.DRAWN_LIMIT) break;
            // a view that is one box (Block is one call of EncoderBlock) says nothing: look inside, whatever its shape
            if (d < deepest && steps(g, o) <= 1) continue;
            Choice fits = null;
            for (boolean topDown : new boolean[] {false, true}) {
                DotWriter.Options t = o.withTopDown(topDown);
                String dot = DotWriter.write(g, t);
                String svg = r.svg(dot);
                double[] wh = size(svg);
                Choice c = new Choice(t, dot, svg, wh[0], wh[1]);
                if (c.readable()) {
                    fits = c;
                    break;
                }
                if (last == null && (best == null || c.aspect() < best.aspect() - 0.5)) best = c;
            }
            if (fits == null) break;
            last = fits;
        }
        return last != null ? last : best;
    }

    /** {@code base} with {@code scope} open and the calls under it expanded down to level {@code d}. */
    private static DotWriter.Options open(Graph g, DotWriter.Options base, String scope, int d) {
        if (scope.isEmpty()) return base.withDepth(d);
        DotWriter.Options o = base.withOpen(scope);
        for (String s : scopes(g)) if (s.startsWith(scope + ".") && level(s) <= d) o = o.withOpen(s);
        return o;
    }

    /** How many nodes and boxes a drawing with {@code o} has (before constant folding). */
    static int elements(Graph g, DotWriter.Options o) {
        Set<String> boxes = new java.util.HashSet<>();
        int nodes = 0;
        for (Node n : g.nodes()) {
            String[] parts = n.scope().isEmpty() ? new String[0] : n.scope().split("\\.");
            int k = Placement.expandedParts(parts, o);
            if (k == parts.length) nodes++;
            else boxes.add(String.join(".", java.util.Arrays.copyOf(parts, k + 1)));
        }
        return nodes + boxes.size();
    }

    /** How many ops and boxes a drawing with {@code o} shows (inputs, parameters and constants not counted). */
    static int steps(Graph g, DotWriter.Options o) {
        Placement p = new Placement(g, o);
        int k = 0;
        Set<String> boxes = new java.util.HashSet<>();
        for (Node n : g.nodes()) {
            String e = p.element.get(n);
            if (p.boxByName.containsKey(e)) boxes.add(e);
            else if (n.op() != ncd.ir.Op.INPUT && n.op() != ncd.ir.Op.PARAM && n.op() != ncd.ir.Op.CONST) k++;
        }
        return k + boxes.size();
    }

    /** A view: the scope it opens ("" for the whole circuit) and how it is drawn. */
    public record View(String scope, Choice choice) {}

    /**
     * The whole circuit's view and one view per sub-circuit that some view draws as a box, each box linked to
     * its own view by {@code link} (scope to address): a reader starts at the overview and clicks into calls.
     * At most {@code maxViews} views; boxes beyond are left unlinked.
     */
    public static List<View> views(Graph g, DotWriter.Options base, java.util.function.Function<String, String> link,
                                   DocSite.SvgRenderer r, int maxViews) throws Render.RenderException {
        List<View> out = new ArrayList<>();
        List<String> todo = new ArrayList<>(List.of(""));
        Set<String> planned = new LinkedHashSet<>(todo);
        // the views are found breadth first; each links only to views that are planned, so no link dangles
        List<Choice> unlinked = new ArrayList<>();
        DotWriter.Options sub = base;
        for (int i = 0; i < todo.size(); i++) {
            String scope = todo.get(i);
            Choice c = choose(g, i == 0 ? base : sub, scope, r);
            // a sub-circuit's view keeps the other calls collapsed as the overview has them
            if (i == 0) sub = base.withDepth(c.options().depth());
            unlinked.add(c);
            for (String s : boxedScopes(c.dot())) {
                if (planned.size() < maxViews && planned.add(s)) todo.add(s);
            }
        }
        java.util.function.Function<String, String> only = s -> planned.contains(s) ? link.apply(s) : null;
        for (int i = 0; i < todo.size(); i++) {
            DotWriter.Options o = unlinked.get(i).options().withLink(only);
            String dot = DotWriter.write(g, o);
            Choice c = unlinked.get(i);
            // without a link in it, the drawing is the one measured
            boolean linked = dot.contains("URL=");
            out.add(new View(todo.get(i), new Choice(o, dot, linked ? null : c.svg(), c.width(), c.height())));
        }
        return out;
    }

    /** The scopes drawn as collapsed sub-circuit boxes in {@code dot}, in order. */
    static List<String> boxedScopes(String dot) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("id=\"box_([^\"]+)\"").matcher(dot);
        while (m.find()) out.add(m.group(1));
        return out;
    }
}
