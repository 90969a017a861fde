package ncd.diagrams;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.IrPrinter;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.State;
import ncd.ir.TensorType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static ncd.diagrams.DotText.attrs;
import static ncd.diagrams.DotText.boldFirst;
import static ncd.diagrams.DotText.map;
import static ncd.diagrams.DotText.q;
import static ncd.diagrams.DotText.style;

/**
 * Draws one IR graph as a neural circuit diagram in Graphviz DOT (docs/diagrams.md has the notation). The steps:
 * <ol>
 *   <li>Number the nodes in graph order, as {@code ncdc ir} does: IR node {@code %12} is DOT node {@code n12}.</li>
 *   <li>Place every node in the cluster of its scope (the instance path of the call it came from). Scopes nested
 *       deeper than {@link Options#depth()} collapse: every node below scope prefix P (of depth + 1 parts) is
 *       drawn by one 3-D box for P, which lists the ids it hides ({@code ncd_hides}).</li>
 *   <li>Emit the clusters and nodes, depth first, in order of first appearance; inputs are ranked first
 *       (left), outputs last (right).</li>
 *   <li>Emit one edge per (source node, drawn target): every input wire of the IR, labelled with the source's
 *       axes, one line per axis, drawn as that many parallel lines; wires inside one collapsed box are hidden by
 *       it. Then an edge to each output, and for each state a one-step delay marker (z⁻¹) fed by its {@code next}
 *       node (and, dashed, its {@code init} node) that feeds back to its {@code state_read} nodes.</li>
 * </ol>
 * Every DOT node and edge carries the IR ids and axis names it draws ({@code id}, {@code ncd_src},
 * {@code ncd_wires}, {@code ncd_axes}, ...), which {@link DotRoundTrip} reads back. Output depends on the graph
 * alone: same graph, same bytes.
 */
public final class DotWriter {
    /**
     * How to draw: {@code depth} nested sub-circuit levels expanded (0: only the top level; deeper calls are
     * boxes), and besides those the scopes in {@code open} (with their enclosing scopes: the view of one
     * sub-circuit); {@code highlightNodes} and {@code highlightWires} (IR node ids, and "dst.slot" wires) drawn in
     * red; {@code note} an extra line under the title; {@code topDown} flow from top to bottom rather than left to
     * right (for long chains); {@code foldConstants} constant subgraphs and state initializers as one box each
     * ({@link Folds}); {@code link} the address of a collapsed sub-circuit's own diagram, by scope (null: none).
     */
    public record Options(int depth, Set<Integer> highlightNodes, Set<String> highlightWires, String note,
                          boolean topDown, boolean foldConstants, Set<String> open, Function<String, String> link) {
        public Options {
            if (depth < 0) throw new IllegalArgumentException("depth must be >= 0");
            highlightNodes = Set.copyOf(highlightNodes);
            highlightWires = Set.copyOf(highlightWires);
            open = Set.copyOf(open);
        }

        public Options(int depth, Set<Integer> highlightNodes, Set<String> highlightWires, String note) {
            this(depth, highlightNodes, highlightWires, note, false, true, Set.of(), null);
        }

        public static Options defaults() { return new Options(Integer.MAX_VALUE, Set.of(), Set.of(), null); }

        public Options withDepth(int d) { return new Options(d, highlightNodes, highlightWires, note, topDown, foldConstants, open, link); }

        public Options withTopDown(boolean t) { return new Options(depth, highlightNodes, highlightWires, note, t, foldConstants, open, link); }

        public Options withFoldConstants(boolean f) { return new Options(depth, highlightNodes, highlightWires, note, topDown, f, open, link); }

        /** Also expand {@code scope} and the scopes enclosing it, whatever the depth. */
        public Options withOpen(String scope) {
            Set<String> o = new LinkedHashSet<>(open);
            String[] parts = scope.split("\\.");
            for (int k = 1; k <= parts.length; k++) o.add(String.join(".", java.util.Arrays.copyOf(parts, k)));
            return new Options(depth, highlightNodes, highlightWires, note, topDown, foldConstants, o, link);
        }

        public Options withLink(Function<String, String> l) { return new Options(depth, highlightNodes, highlightWires, note, topDown, foldConstants, open, l); }

        public Options withNote(String n) { return new Options(depth, highlightNodes, highlightWires, n, topDown, foldConstants, open, link); }
    }

    static final String FONT = "Helvetica";
    private static final String WIRE = "#4d4d4d";
    private static final String SCALAR_WIRE = "#9a9a9a";
    private static final String RED = "#d62728";
    private static final String IO_FILL = "#dde8f6";
    private static final String STATE_FILL = "#fde6cc";
    private static final String PARAM_FILL = "#fff3c4";
    private static final String SYNAPSE_FILL = "#e3eefa";
    private static final String LINK = "#2b5d9c";
    private static final String TUBE = "#6baed6a0";

    /** One drawn edge: the wires (consumer "n7.0" ids) of one source node into one drawn element. */
    private static final class Edge {
        final Node src;
        final String head;
        final List<Node> dsts = new ArrayList<>();
        final List<Integer> slots = new ArrayList<>();

        Edge(Node src, String head) {
            this.src = src;
            this.head = head;
        }
    }

    private final Graph g;
    private final Options opt;
    private final Placement placed;
    private final Map<Node, Integer> num;
    private final Map<Node, String> element;
    private final Map<String, Placement.Box> boxByName;
    private final StringBuilder sb = new StringBuilder();

    private DotWriter(Graph g, Options opt) {
        this.g = g;
        this.opt = opt;
        placed = new Placement(g, opt);
        num = placed.num;
        element = placed.element;
        boxByName = placed.boxByName;
    }

    /** The diagram of {@code g} with every sub-circuit expanded. */
    public static String write(Graph g) { return write(g, Options.defaults()); }

    public static String write(Graph g, Options opt) {
        return new DotWriter(g, opt).emit();
    }

    /**
     * The most nodes and boxes a drawing gets unless the user asks for more ({@code ncdc diagram --depth}, the doc
     * site): an earlier LifeGPT's 10-generation rollout (ten model calls in one circuit), 754 nodes, took dot over 120 s and the embedded engine longer.
     */
    public static final int DRAWN_LIMIT = 300;

    /** How many nodes and boxes a drawing of {@code g} at {@code depth} has (each collapsed sub-circuit one box). */
    public static int drawnElements(Graph g, int depth) {
        Set<String> boxes = new java.util.HashSet<>();
        int nodes = 0;
        for (Node n : g.nodes()) {
            String[] parts = n.scope().isEmpty() ? new String[0] : n.scope().split("\\.");
            if (parts.length <= depth) nodes++;
            else boxes.add(String.join(".", java.util.Arrays.copyOf(parts, depth + 1)));
        }
        return nodes + boxes.size();
    }

    /**
     * The deepest depth at which a drawing of {@code g} has at most {@code limit} elements ({@link Integer#MAX_VALUE}
     * when the whole graph has; 0 when even the top level has more). A layout engine takes minutes over a few
     * thousand clustered nodes, and such a drawing is unreadable anyway.
     */
    public static int depthFitting(Graph g, int limit) {
        if (g.nodes().size() <= limit) return Integer.MAX_VALUE;
        int deepest = 0;
        for (Node n : g.nodes()) deepest = Math.max(deepest, n.scope().isEmpty() ? 0 : n.scope().split("\\.").length);
        for (int d = deepest; d > 0; d--) if (drawnElements(g, d) <= limit) return d;
        return 0;
    }

    /** The DOT name (and id) of IR node {@code i}. */
    public static String nodeId(int i) { return "n" + i; }

    // ---- 3-4: emission ------------------------------------------------------------------------------------------

    private String emit() {
        boolean law = g.kind() == Graph.Kind.LAW;
        sb.append("digraph ").append(q(g.name())).append(" {\n");
        line(1, "graph [" + attrs(map(
                "rankdir", opt.topDown() ? "TB" : "LR", "newrank", "true", "compound", "true", "nodesep", "0.22", "ranksep", opt.topDown() ? "0.16" : "0.32",
                "fontname", FONT, "fontsize", "12", "forcelabels", "true", "labelloc", "t", "labeljust", "l",
                "label", title(law), "id", "graph_" + g.name(),
                "ncd_kind", law ? "law" : "circuit", "ncd_name", g.name(),
                "ncd_depth", opt.depth() == Integer.MAX_VALUE ? "all" : String.valueOf(opt.depth()))) + "];");
        line(1, "node [" + attrs(map("fontname", FONT, "fontsize", "10", "shape", "box", "style", "rounded",
                "height", "0.3", "margin", "0.1,0.04")) + "];");
        line(1, "edge [" + attrs(map("fontname", FONT, "fontsize", "8", "fontcolor", "#404040", "arrowsize", "0.5",
                "color", WIRE)) + "];");
        emitMembers(placed.root, 1);
        for (int j = 0; j < g.outputs().size(); j++) {
            Graph.Output o = g.outputs().get(j);
            line(1, "out" + j + " [" + attrs(map("id", "out" + j, "label", o.name(), "style", "rounded,filled",
                    "fillcolor", IO_FILL, "color", "#4a6fa5", "tooltip", "output " + o.name() + " : " + g.typeText(o.node().type()),
                    "ncd_output", o.name(), "ncd_axes", Labels.axisNames(o.node().type()))) + "];");
        }
        List<String> ins = new ArrayList<>();
        for (Node n : g.inputs()) if (element.get(n).equals(nodeId(num.get(n)))) ins.add(element.get(n));
        if (!ins.isEmpty()) line(1, "{ rank=source; " + String.join("; ", ins) + "; }");
        if (!g.outputs().isEmpty()) {
            List<String> outs = new ArrayList<>();
            for (int j = 0; j < g.outputs().size(); j++) outs.add("out" + j);
            line(1, "{ rank=sink; " + String.join("; ", outs) + "; }");
        }
        emitWires();
        for (int j = 0; j < g.outputs().size(); j++) {
            Node n = g.outputs().get(j).node();
            String src = nodeId(num.get(n));
            Map<String, String> a = wireAttrs(n.type(), opt.highlightNodes().contains(num.get(n)));
            a.put("id", "e" + num.get(n) + "_out" + j);
            a.put("ncd_role", "output");
            a.put("ncd_src", src);
            a.put("ncd_dst", "out" + j);
            a.put("ncd_axes", Labels.axisNames(n.type()));
            line(1, element.get(n) + " -> out" + j + " [" + attrs(a) + "];");
        }
        for (int k = 0; k < g.states().size(); k++) emitStateEdges(k, g.states().get(k));
        sb.append("}\n");
        return sb.toString();
    }

    private String title(boolean law) {
        StringBuilder t = new StringBuilder(law ? "law " : "circuit ").append(g.name());
        if (law) {
            t.append(":  lhs == rhs");
            if (g.tolerance() > 0) t.append(" within ").append(IrPrinter.number(g.tolerance()));
            if (g.steps() > 0) t.append(" after ").append(g.steps()).append(" steps");
        }
        if (opt.note() != null) t.append('\n').append(opt.note());
        return t.toString();
    }

    private void emitMembers(Placement.Cluster c, int indent) {
        for (Object m : c.members) {
            if (m instanceof Node) {
                emitNode((Node) m, indent);
            } else if (m instanceof Placement.Box) {
                emitBox((Placement.Box) m, indent);
            } else if (m instanceof Placement.Marker) {
                emitDelay((Placement.Marker) m, indent);
            } else {
                Placement.Cluster child = (Placement.Cluster) m;
                String last = child.scope.substring(child.scope.lastIndexOf('.') + 1);
                line(indent, "subgraph " + q("cluster_" + child.scope) + " {");
                line(indent + 1, "graph [" + attrs(map("id", "scope_" + child.scope, "label", last,
                        "tooltip", child.scope, "style", "dotted,rounded", "color", "#707070", "fontsize", "10",
                        "labeljust", "l", "ncd_scope", child.scope)) + "];");
                emitMembers(child, indent + 1);
                line(indent, "}");
            }
        }
    }

    private void emitNode(Node n, int indent) {
        int i = num.get(n);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", nodeId(i));
        boolean learned = Labels.learned(n);
        List<String> lines = Labels.opLines(n);
        if (n.op() == Op.CONST) lines = List.of(Labels.constText(((Attr.Scalar) n.attr()).value(), n.type().unit(), g.unitNames()));
        if (n.op() == Op.STATE_READ && g.integrators().containsKey(((Attr.Named) n.attr()).name())) {
            // a state written as an equation: its integrator, as ncdc check --explain names it
            lines = List.of(lines.get(0), "state · " + g.integrators().get(((Attr.Named) n.attr()).name()));
        }
        a.put("label", learned ? boldFirst(lines, n.op() == Op.PARAM ? 1 : 0) : String.join("\n", lines));
        a.putAll(switch (n.op()) {
            case INPUT -> style("style", "rounded,filled", "fillcolor", IO_FILL, "color", "#4a6fa5");
            case PARAM -> style("style", "filled", "fillcolor", PARAM_FILL);
            case CONST -> style("shape", "plaintext", "fontsize", "9", "height", "0.2");
            case STATE_READ -> style("style", "rounded,filled", "fillcolor", STATE_FILL);
            case SELECT -> style("shape", "cds", "style", "solid");
            case RANDOM -> style("style", "rounded,dashed");
            case BINARY -> Labels.isSymbol(n) ? style("shape", "circle", "width", "0.3", "fixedsize", "true", "fontsize", "13") : style();
            // a synapse box: the connectivity between two populations, drawn as a double-bordered box
            case SYNAPSES -> style("shape", "box", "peripheries", "2", "style", "filled", "fillcolor", SYNAPSE_FILL);
            // a ring buffer is state: a state's rounded box, double-bordered when it holds synapses' connectivity too
            case DELAY -> ((Attr.Delay) n.attr()).syn() != null
                    ? style("shape", "box", "peripheries", "2", "style", "rounded,filled", "fillcolor", SYNAPSE_FILL)
                    : style("style", "rounded,filled", "fillcolor", STATE_FILL);
            case IOTA, UNARY, WHERE, EXPAND, CAST, REDUCE, ARG_REDUCE, CONTRACT, RENAME, TRANSPOSE, SPLIT, MERGE, SLICE, ROLL, SHIFT,
                 WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, FFT -> style();
        });
        if (learned) a.put("penwidth", "2");
        if (junction(n)) {
            // the paper's contraction: the operands' wires meet at a dot; the summed (and batch) axes beside it
            a.putAll(style("shape", "point", "width", "0.13", "height", "0.13", "style", "filled", "color", WIRE, "fillcolor", WIRE,
                    "label", ""));
            a.put("xlabel", String.join("\n", lines.subList(1, lines.size())));
        }
        if (opt.highlightNodes().contains(i)) {
            a.put("color", RED);
            a.put("fontcolor", RED);
            a.put("penwidth", "3");
        }
        a.put("tooltip", tooltip(n));
        a.put("ncd_op", IrPrinter.opText(n));
        a.put("ncd_axes", Labels.axisNames(n.type()));
        if (n.op() == Op.PARAM) a.put("ncd_param", ((Attr.Param) n.attr()).name());
        line(indent, nodeId(i) + " [" + attrs(a) + "];");
    }

    /** Whether {@code n} is drawn as a junction where wires meet: a contraction without learned weights. */
    static boolean junction(Node n) { return n.op() == Op.CONTRACT && !Labels.learned(n); }

    /** "t = 1 … 5" for runs 1 to 5 of a scan over t, "t = 1, 3" when a view has opened run 2. */
    static String runsTitle(List<String> runs) {
        String first = runs.get(0);
        String head = first.substring(0, first.lastIndexOf(' ') + 1);
        List<Integer> k = runs.stream().map(r -> Integer.parseInt(r.substring(r.lastIndexOf(' ') + 1))).toList();
        if (k.size() == 1) return first;
        boolean contiguous = k.get(k.size() - 1) - k.get(0) == k.size() - 1;
        return contiguous ? first + " … " + k.get(k.size() - 1)
                : head + String.join(", ", k.stream().map(String::valueOf).toList());
    }

    private void emitBox(Placement.Box b, int indent) {
        if (b.fold != null) {
            emitFold(b, indent);
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(b.laterRuns() ? runsTitle(b.runs) : b.scope.substring(b.scope.lastIndexOf('.') + 1));
        int ops = 0;
        List<Node> params = new ArrayList<>();
        Set<String> states = new LinkedHashSet<>();
        for (Node n : b.nodes) {
            if (n.op() == Op.PARAM) params.add(n); else if (n.op() != Op.CONST) ops++;
            if (n.op() == Op.STATE_READ) states.add(((Attr.Named) n.attr()).name());
        }
        lines.add(ops + (ops == 1 ? " op" : " ops") + (states.isEmpty() ? "" : ", state " + String.join(", ", states)));
        int shown = Math.min(params.size(), 3);
        for (int k = 0; k < shown; k++) {
            Node p = params.get(k);
            String path = ((Attr.Param) p.attr()).name();
            String name = path.startsWith(b.scope + ".") ? path.substring(b.scope.length() + 1) : path;
            lines.add(name + ": " + Labels.shape(p.type()));
        }
        if (params.size() > shown) lines.add("+ " + (params.size() - shown) + " more parameters");
        List<String> hides = new ArrayList<>();
        for (Node n : b.nodes) hides.add(nodeId(num.get(n)));
        boolean hot = highlighted(b.nodes);
        Map<String, Object> a = new LinkedHashMap<>();
        // the later runs of a scan are the first run's body again: no view of their own (Readable.boxedScopes)
        a.put("id", (b.laterRuns() ? "runs_" : "box_") + b.scope);
        a.put("label", boldFirst(lines, 0));
        a.put("shape", "box3d");
        a.put("margin", "0.16,0.08");
        a.put("style", "filled");
        a.put("fillcolor", "#f2f2f2");
        if (!params.isEmpty()) a.put("penwidth", "2");
        if (hot) {
            a.put("color", RED);
            a.put("fontcolor", RED);
            a.put("penwidth", "3");
        }
        String url = opt.link() == null || b.laterRuns() ? null : opt.link().apply(b.scope);
        a.put("tooltip", b.scope + " (" + b.nodes.size() + " IR nodes)" + (url == null ? "" : ": click for its diagram"));
        if (url != null) {
            a.put("URL", url);
            a.put("color", hot ? RED : LINK);
        }
        a.put("ncd_scope", b.scope);
        a.put("ncd_hides", String.join(" ", hides));
        line(indent, b.name + " [" + attrs(a) + "];");
    }

    /**
     * A folded constant subgraph ({@link Folds}): one box naming what it computes, e.g. {@code board (initial)},
     * {@code bool[row:16 × col:16]}, {@code 15 ops folded}. It hides its nodes ({@code ncd_hides}) as a collapsed
     * sub-circuit does; {@code ncdc diagram --unfold} draws them.
     */
    private void emitFold(Placement.Box b, int indent) {
        Folds.Fold f = b.fold;
        List<String> lines = new ArrayList<>();
        if (f.initOf().isEmpty()) {
            lines.add("constant");
        } else {
            List<String> names = new ArrayList<>();
            for (State s : f.initOf()) {
                String n = s.name();
                names.add(!b.scope.isEmpty() && n.startsWith(b.scope + ".") ? n.substring(b.scope.length() + 1) : n);
            }
            lines.add(String.join(", ", new LinkedHashSet<>(names)) + " (initial)");
        }
        if (f.result() != null) {
            TensorType t = f.result().type();
            String unit = g.typeText(t);
            int in = unit.lastIndexOf(" in ");
            lines.add((t.dtype() == ncd.ir.DType.F32 ? "" : t.dtype().word() + " ") + "[" + (t.rank() == 0 ? "" : Labels.shape(t)) + "]"
                    + (in < 0 ? "" : unit.substring(in)));
        }
        lines.add(f.ops() + " ops folded");
        List<String> hides = new ArrayList<>();
        for (Node n : b.nodes) hides.add(nodeId(num.get(n)));
        boolean hot = highlighted(b.nodes);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", "fold_" + nodeId(num.get(b.nodes.get(0))));
        a.put("label", boldFirst(lines, 1));
        a.put("style", f.initOf().isEmpty() ? "rounded,filled" : "rounded,filled,dashed");
        a.put("fillcolor", f.initOf().isEmpty() ? "#f2f2f2" : STATE_FILL);
        if (hot) {
            a.put("color", RED);
            a.put("fontcolor", RED);
            a.put("penwidth", "3");
        }
        StringBuilder tip = new StringBuilder(f.initOf().isEmpty() ? "constant subgraph" : "initial value");
        tip.append(", computed once: ");
        for (int k = 0; k < b.nodes.size(); k++) tip.append(k == 0 ? "" : ", ").append('%').append(num.get(b.nodes.get(k))).append(' ')
                .append(IrPrinter.opText(b.nodes.get(k)));
        a.put("tooltip", tip.toString());
        a.put("ncd_scope", b.scope);
        a.put("ncd_fold", f.initOf().isEmpty() ? "constant" : "initial");
        a.put("ncd_hides", String.join(" ", hides));
        line(indent, b.name + " [" + attrs(a) + "];");
    }

    private void emitWires() {
        Map<String, Edge> edges = new LinkedHashMap<>();
        for (Node v : g.nodes()) {
            String head = element.get(v);
            for (int s = 0; s < v.inputs().size(); s++) {
                Node u = v.input(s);
                String tail = element.get(u);
                if (tail.equals(head)) continue;          // inside one collapsed box: the box draws it
                Edge e = edges.computeIfAbsent(num.get(u) + ">" + head, k -> new Edge(u, head));
                e.dsts.add(v);
                e.slots.add(s);
            }
        }
        for (Edge e : edges.values()) {
            int src = num.get(e.src);
            boolean direct = !boxByName.containsKey(e.head);
            boolean hot = false;
            List<String> wires = new ArrayList<>();
            Set<String> slotNames = new LinkedHashSet<>();
            Set<String> bcast = new LinkedHashSet<>();
            for (int k = 0; k < e.dsts.size(); k++) {
                Node v = e.dsts.get(k);
                int s = e.slots.get(k);
                String w = nodeId(num.get(v)) + "." + s;
                wires.add(w);
                hot |= opt.highlightWires().contains(num.get(v) + "." + s);
                if (direct) {
                    String sn = Labels.slotName(v, s);
                    if (sn != null) slotNames.add(sn);
                    bcast.addAll(Labels.broadcastAxes(v, s));
                }
            }
            Map<String, String> a = wireAttrs(e.src.type(), hot);
            String label = a.get("label");
            if (!bcast.isEmpty()) {
                // a tube: the operand's lines inside a pale band, repeated along the axes it lacks
                a.put("label", (label.isEmpty() ? "" : label + "\n") + "⇉ " + String.join(", ", bcast));
                a.put("color", TUBE + ":" + a.get("color") + ":" + TUBE);
                a.put("penwidth", hot ? "2.5" : "2");
                a.put("ncd_bcast", String.join(",", bcast));
            }
            if (direct && e.dsts.stream().allMatch(DotWriter::junction)) a.put("arrowhead", "none");
            if (!slotNames.isEmpty()) a.put("headlabel", String.join(",", slotNames));
            a.put("id", "e" + src + "_" + e.head);
            a.put("ncd_role", "wire");
            a.put("ncd_src", nodeId(src));
            a.put("ncd_wires", String.join(" ", wires));
            a.put("ncd_axes", Labels.axisNames(e.src.type()));
            line(1, element.get(e.src) + " -> " + e.head + " [" + attrs(a) + "];");
        }
    }

    /** Label (one line per axis), parallel lines (one per axis) and highlight of a wire of type {@code t}. */
    /** Whether one of the nodes a box or fold hides is highlighted (the refused operation of `ncdc check --diagram`). */
    private boolean highlighted(List<Node> nodes) {
        for (Node n : nodes) if (opt.highlightNodes().contains(num.get(n))) return true;
        return false;
    }

    private static Map<String, String> wireAttrs(TensorType t, boolean hot) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("label", String.join("\n", Labels.wireLines(t)));
        String c = hot ? RED : t.rank() == 0 ? SCALAR_WIRE : WIRE;
        List<String> cs = new ArrayList<>();
        for (int k = 0; k < Math.max(1, t.rank()); k++) cs.add(c);
        a.put("color", String.join(":", cs));
        if (hot) {
            a.put("penwidth", "2.5");
            a.put("fontcolor", RED);
        }
        return a;
    }

    private void emitDelay(Placement.Marker m, int indent) {
        State s = m.state();
        String shown = !m.scope().isEmpty() && s.name().startsWith(m.scope() + ".") ? s.name().substring(m.scope().length() + 1) : s.name();
        line(indent, "z" + m.k() + " [" + attrs(map("id", "z" + m.k(), "label", "z⁻¹\n" + shown, "shape", "square",
                "style", "filled", "fillcolor", STATE_FILL, "fontsize", "9", "width", "0.45", "fixedsize", "false",
                "tooltip", "state " + s.name() + " : " + g.typeText(s.type()) + ", one step delay",
                "ncd_state", s.name(), "ncd_axes", Labels.axisNames(s.type()))) + "];");
    }

    private void emitStateEdges(int k, State s) {
        int next = num.get(s.next());
        Map<String, String> a = wireAttrs(s.type(), false);
        a.put("id", "next" + k);
        a.put("ncd_role", "next");
        a.put("ncd_src", nodeId(next));
        a.put("ncd_dst", "z" + k);
        a.put("ncd_axes", Labels.axisNames(s.type()));
        line(1, element.get(s.next()) + " -> z" + k + " [" + attrs(a) + "];");
        int init = num.get(s.init());
        // an initial value used for nothing else is laid out next to its delay, so its dashed wire stays short
        // (through the whole step, it crossed every wire of LIF Driven)
        line(1, element.get(s.init()) + " -> z" + k + " [" + attrs(map("id", "init" + k, "label", "init",
                "style", "dashed", "constraint", initOnly(s.init()) ? "true" : "false", "color", SCALAR_WIRE,
                "ncd_role", "init", "ncd_src", nodeId(init), "ncd_dst", "z" + k,
                "ncd_axes", Labels.axisNames(s.init().type()))) + "];");
        for (Node n : g.nodes()) {
            if (n.op() != Op.STATE_READ || !((Attr.Named) n.attr()).name().equals(s.name())) continue;
            int r = num.get(n);
            Map<String, String> b = wireAttrs(s.type(), false);
            b.put("id", "read" + k + "_" + r);
            b.put("constraint", "false");
            b.put("style", "bold");
            b.put("ncd_role", "read");
            b.put("ncd_src", "z" + k);
            b.put("ncd_dst", nodeId(r));
            b.put("ncd_axes", Labels.axisNames(s.type()));
            line(1, "z" + k + " -> " + element.get(n) + " [" + attrs(b) + "];");
        }
    }

    /**
     * Whether {@code n} is only a state's initial value: no op, output or next value uses it, and it is drawn by
     * itself or by a folded initializer (not by a sub-circuit box, which has other wires).
     */
    private boolean initOnly(Node n) {
        for (Node v : g.nodes()) if (v.inputs().contains(n)) return false;
        for (Graph.Output o : g.outputs()) if (o.node() == n) return false;
        for (State st : g.states()) if (st.next() == n) return false;
        Placement.Box b = boxByName.get(element.get(n));
        return b == null || b.fold != null;
    }

    private String tooltip(Node n) {
        StringBuilder t = new StringBuilder("%").append(num.get(n)).append(" = ").append(IrPrinter.opText(n));
        if (!n.inputs().isEmpty()) {
            t.append(' ');
            for (int k = 0; k < n.inputs().size(); k++) t.append(k == 0 ? "%" : ", %").append(num.get(n.input(k)));
        }
        t.append(" : ").append(g.typeText(n.type()));
        if (n.span().isKnown()) {
            Path p = Path.of(n.span().path()).getFileName();
            t.append("  (").append(p == null ? n.span().path() : p.toString()).append(':').append(n.span().line()).append(')');
        }
        if (!n.scope().isEmpty()) t.append("  in ").append(n.scope());
        return t.toString();
    }

    private void line(int indent, String s) {
        for (int k = 0; k < indent; k++) sb.append("  ");
        sb.append(s).append('\n');
    }
}
