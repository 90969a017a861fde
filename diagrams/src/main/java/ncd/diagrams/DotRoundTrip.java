package ncd.diagrams;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.Graph;
import ncd.ir.IrPrinter;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.ScanRuns;
import ncd.ir.State;
import ncd.ir.TensorType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The check that a diagram shows what runs. It parses the emitted DOT with {@link DotParser} (not trusting the
 * writer's data structures), rebuilds the graph's structure from the ids and attributes the picture carries, and
 * compares it with the IR graph:
 * <ol>
 *   <li>every IR node is drawn exactly once: by its own DOT node ({@code id="nK"}, with the right op and axes)
 *       or inside exactly one collapsed sub-circuit box ({@code ncd_hides}) whose scope encloses it (a scan's
 *       later-runs box encloses the runs after its first); a drawn
 *       node sits in the cluster of its own scope;</li>
 *   <li>every input wire of every node ({@code consumer.slot}) is drawn exactly once, from the element that draws
 *       its source to the element that draws its consumer, with the source's axes both in {@code ncd_axes} and
 *       as {@code name:size} in the visible label; only a wire whose two ends are hidden in one box is left
 *       out, and then it must be;</li>
 *   <li>every output has its node and its wire; every state has its delay marker, its {@code next} and
 *       {@code init} wires, and a feedback wire to each of its {@code state_read} nodes;</li>
 *   <li>the picture has nothing else: no edge that matches none of the above.</li>
 * </ol>
 */
public final class DotRoundTrip {
    private DotRoundTrip() {}

    /** What was compared and what differed; {@link #ok()} when nothing did. */
    public record Result(int nodes, int wires, int axes, int hiddenWires, List<String> problems) {
        public boolean ok() { return problems.isEmpty(); }

        @Override public String toString() {
            return (ok() ? "ok" : problems.size() + " problems") + ": " + nodes + " nodes, " + wires + " wires ("
                    + hiddenWires + " inside collapsed boxes), " + axes + " wire axes"
                    + (ok() ? "" : "\n  " + String.join("\n  ", problems));
        }
    }

    public static Result check(Graph g, String dot) {
        List<String> bad = new ArrayList<>();
        DotParser.DotGraph d;
        try {
            d = DotParser.parse(dot);
        } catch (DotParser.DotSyntaxException e) {
            return new Result(0, 0, 0, 0, List.of("the DOT does not parse: " + e.getMessage()));
        }
        List<Node> nodes = g.nodes();
        Map<Node, Integer> num = new HashMap<>();
        for (Node n : nodes) num.put(n, num.size());

        // 1. coverage: which DOT element draws each IR node
        Map<Integer, String> cover = new HashMap<>();
        Set<String> boxes = new HashSet<>();
        for (DotParser.DotNode dn : d.nodes().values()) {
            Map<String, String> a = dn.attrs();
            if (a.containsKey("ncd_op")) {
                Integer k = idOf(a.get("id"), bad, dn.name());
                if (k == null) continue;
                if (k >= nodes.size()) {
                    bad.add("DOT node " + dn.name() + " draws n" + k + ", which the graph does not have");
                    continue;
                }
                Node n = nodes.get(k);
                if (!dn.name().equals(a.get("id"))) bad.add("DOT node " + dn.name() + " has id " + a.get("id"));
                if (!IrPrinter.opText(n).equals(a.get("ncd_op"))) {
                    bad.add("n" + k + " is drawn as " + a.get("ncd_op") + " but is " + IrPrinter.opText(n));
                }
                if (!Labels.axisNames(n.type()).equals(a.get("ncd_axes"))) {
                    bad.add("n" + k + " is drawn with axes [" + a.get("ncd_axes") + "] but has " + n.type().axesText());
                }
                String inCluster = dn.cluster() == null ? "" : dn.cluster().attrs().getOrDefault("ncd_scope", "?");
                if (!inCluster.equals(n.scope())) {
                    bad.add("n" + k + " of scope '" + n.scope() + "' is drawn in cluster '" + inCluster + "'");
                }
                if (n.op() == Op.PARAM) {
                    String text = DotParser.labelText(a.get("label"));
                    for (Axis x : n.type().axes()) {
                        if (!text.contains(x.name() + ":" + x.size())) bad.add("parameter n" + k + " does not show " + x);
                    }
                }
                claim(cover, k, dn.name(), bad);
            } else if (a.containsKey("ncd_hides")) {
                boxes.add(dn.name());
                String scope = a.getOrDefault("ncd_scope", "");
                for (String id : a.get("ncd_hides").split(" ")) {
                    Integer k = idOf(id, bad, dn.name());
                    if (k == null) continue;
                    if (k >= nodes.size()) {
                        bad.add("box " + dn.name() + " hides n" + k + ", which the graph does not have");
                        continue;
                    }
                    String s = nodes.get(k).scope();
                    if (!(s.equals(scope) || s.startsWith(scope + ".") || inLaterRun(s, scope))) {
                        bad.add("box " + dn.name() + " for scope '" + scope + "' hides n" + k + " of scope '" + s + "'");
                    }
                    claim(cover, k, dn.name(), bad);
                }
            }
        }
        for (int k = 0; k < nodes.size(); k++) {
            if (!cover.containsKey(k)) bad.add("IR node %" + k + " (" + IrPrinter.opText(nodes.get(k)) + ") is not drawn");
        }

        // 2-4. edges
        Map<String, DotParser.DotEdge> wireSeen = new LinkedHashMap<>();
        int axes = 0;
        boolean[] outputDrawn = new boolean[g.outputs().size()];
        Map<String, Integer> stateIndex = new HashMap<>();
        Map<String, String> markerOf = new HashMap<>();
        for (DotParser.DotNode dn : d.nodes().values()) {
            String st = dn.attrs().get("ncd_state");
            if (st != null) markerOf.put(st, dn.name());
        }
        for (int k = 0; k < g.states().size(); k++) stateIndex.put(g.states().get(k).name(), k);
        Set<String> nextSeen = new HashSet<>();
        Set<String> initSeen = new HashSet<>();
        Set<String> readSeen = new HashSet<>();
        for (DotParser.DotEdge e : d.edges()) {
            Map<String, String> a = e.attrs();
            String role = a.getOrDefault("ncd_role", "");
            String where = "edge " + e.tail() + " -> " + e.head();
            switch (role) {
                case "wire": {
                    Integer u = idOf(a.get("ncd_src"), bad, where);
                    if (u == null || u >= nodes.size()) {
                        bad.add(where + " comes from no node of the graph");
                        continue;
                    }
                    Node src = nodes.get(u);
                    if (!e.tail().equals(cover.get(u))) bad.add(where + " starts at " + e.tail() + " but n" + u + " is drawn by " + cover.get(u));
                    axes += checkAxes(src.type(), a, where, bad);
                    for (String w : a.getOrDefault("ncd_wires", "").split(" ")) {
                        int sep = w.indexOf('.');
                        Integer v = sep < 0 ? null : idOf(w.substring(0, sep), bad, where);
                        if (v == null || v >= nodes.size()) {
                            bad.add(where + " names wire '" + w + "' of no node");
                            continue;
                        }
                        int slot = Integer.parseInt(w.substring(sep + 1));
                        Node dst = nodes.get(v);
                        if (slot >= dst.inputs().size() || dst.input(slot) != src) {
                            bad.add(where + " draws wire n" + u + " -> " + w + ", which the graph does not have");
                            continue;
                        }
                        if (!e.head().equals(cover.get(v))) bad.add(where + " ends at " + e.head() + " but n" + v + " is drawn by " + cover.get(v));
                        if (wireSeen.put(w, e) != null) bad.add("wire " + w + " is drawn twice");
                    }
                    break;
                }
                case "output": {
                    int j = -1;
                    for (int k = 0; k < g.outputs().size(); k++) if (("out" + k).equals(a.get("ncd_dst"))) j = k;
                    if (j < 0) {
                        bad.add(where + " goes to no output");
                        continue;
                    }
                    Graph.Output o = g.outputs().get(j);
                    DotParser.DotNode on = d.nodes().get(e.head());
                    if (on == null || !o.name().equals(on.attrs().get("ncd_output"))) bad.add(where + " does not end at output " + o.name());
                    int u = num.get(o.node());
                    if (!("n" + u).equals(a.get("ncd_src")) || !e.tail().equals(cover.get(u))) {
                        bad.add("output " + o.name() + " is drawn from " + a.get("ncd_src") + " but is n" + u);
                    }
                    axes += checkAxes(o.node().type(), a, where, bad);
                    if (outputDrawn[j]) bad.add("output " + o.name() + " is drawn twice");
                    outputDrawn[j] = true;
                    break;
                }
                case "next": case "init": case "read": {
                    DotParser.DotNode marker = d.nodes().get(role.equals("read") ? e.tail() : e.head());
                    String st = marker == null ? null : marker.attrs().get("ncd_state");
                    Integer k = st == null ? null : stateIndex.get(st);
                    if (k == null) {
                        bad.add(where + " (" + role + ") touches no state's delay marker");
                        continue;
                    }
                    State s = g.states().get(k);
                    if (role.equals("read")) {
                        Integer r = idOf(a.get("ncd_dst"), bad, where);
                        if (r == null || r >= nodes.size() || nodes.get(r).op() != Op.STATE_READ
                                || !((Attr.Named) nodes.get(r).attr()).name().equals(s.name())) {
                            bad.add(where + " feeds state " + s.name() + " back to " + a.get("ncd_dst") + ", which does not read it");
                            continue;
                        }
                        if (!e.head().equals(cover.get(r))) bad.add(where + " ends at " + e.head() + " but n" + r + " is drawn by " + cover.get(r));
                        axes += checkAxes(s.type(), a, where, bad);
                        if (!readSeen.add(s.name() + ">" + r)) bad.add("state " + s.name() + " is fed back to n" + r + " twice");
                    } else {
                        Node from = role.equals("next") ? s.next() : s.init();
                        int u = num.get(from);
                        if (!("n" + u).equals(a.get("ncd_src")) || !e.tail().equals(cover.get(u))) {
                            bad.add("the " + role + " of state " + s.name() + " is drawn from " + a.get("ncd_src") + " but is n" + u);
                        }
                        if (role.equals("next")) axes += checkAxes(s.type(), a, where, bad);
                        if (!(role.equals("next") ? nextSeen : initSeen).add(s.name())) bad.add("the " + role + " of state " + s.name() + " is drawn twice");
                    }
                    break;
                }
                default:
                    bad.add(where + " has no ncd_role: the picture shows a wire the graph does not have");
            }
        }
        int wires = 0;
        int hidden = 0;
        for (Node v : nodes) {
            for (int s = 0; s < v.inputs().size(); s++) {
                wires++;
                String w = "n" + num.get(v) + "." + s;
                String cu = cover.get(num.get(v.input(s)));
                boolean inside = cu != null && cu.equals(cover.get(num.get(v))) && boxes.contains(cu);
                if (inside) {
                    hidden++;
                    if (wireSeen.containsKey(w)) bad.add("wire " + w + " is drawn although box " + cu + " hides both its ends");
                } else if (!wireSeen.containsKey(w)) {
                    bad.add("wire %" + num.get(v.input(s)) + " -> %" + num.get(v) + " (input " + s + ") is not drawn");
                }
            }
        }
        for (int j = 0; j < outputDrawn.length; j++) if (!outputDrawn[j]) bad.add("output " + g.outputs().get(j).name() + " is not drawn");
        for (State s : g.states()) {
            if (!markerOf.containsKey(s.name())) bad.add("state " + s.name() + " has no delay marker");
            if (!nextSeen.contains(s.name())) bad.add("state " + s.name() + ": no wire from its next value into the delay");
            if (!initSeen.contains(s.name())) bad.add("state " + s.name() + ": no wire from its initial value");
            for (Node n : nodes) {
                if (n.op() == Op.STATE_READ && ((Attr.Named) n.attr()).name().equals(s.name())
                        && !readSeen.contains(s.name() + ">" + num.get(n))) {
                    bad.add("state " + s.name() + " is not fed back to its read n" + num.get(n));
                }
            }
        }
        return new Result(nodes.size(), wires, axes, hidden, bad);
    }

    /** The wire's axes must be named in {@code ncd_axes} and shown, name:size, in its label. */
    private static int checkAxes(TensorType t, Map<String, String> a, String where, List<String> bad) {
        if (!Labels.axisNames(t).equals(a.get("ncd_axes"))) {
            bad.add(where + " carries axes [" + a.get("ncd_axes") + "] but the value has " + t.axesText());
        }
        String text = DotParser.labelText(a.get("label"));
        for (Axis x : t.axes()) {
            if (!text.lines().anyMatch(l -> l.equals(x.name() + ":" + x.size()))) bad.add(where + " does not show axis " + x);
        }
        return t.rank();
    }

    private static void claim(Map<Integer, String> cover, int k, String by, List<String> bad) {
        String prev = cover.put(k, by);
        if (prev != null) bad.add("n" + k + " is drawn twice: by " + prev + " and " + by);
    }

    private static Integer idOf(String id, List<String> bad, String where) {
        if (id == null || !id.matches("n\\d+")) {
            bad.add(where + ": '" + id + "' is not an IR node id (nK)");
            return null;
        }
        return Integer.parseInt(id.substring(1));
    }

    /** Whether scope {@code s} lies in a run after the first of the scan whose later-runs box has scope {@code box}. */
    private static boolean inLaterRun(String s, String box) {
        String suffix = "." + Placement.LATER_RUNS;
        if (!box.endsWith(suffix)) return false;
        String scan = box.substring(0, box.length() - suffix.length()) + ".";
        if (!s.startsWith(scan)) return false;
        String rest = s.substring(scan.length());
        int dot = rest.indexOf('.');
        return ScanRuns.isLaterRun(dot < 0 ? rest : rest.substring(0, dot));
    }
}
