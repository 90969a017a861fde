package ncd.diagrams;

import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.ScanRuns;
import ncd.ir.State;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where {@link DotWriter} draws each IR node: numbered in graph order ({@code %12} is {@code n12}), placed in the
 * cluster of its scope, or inside the box of a collapsed sub-circuit (scopes deeper than the depth and not open) or of
 * a folded constant subgraph ({@link Folds}); and where each state's delay marker goes.
 */
final class Placement {
    /**
     * A collapsed sub-circuit: one box for everything under {@code scope}; or, with {@code fold} set, a folded
     * constant subgraph of that scope.
     */
    static final class Box {
        final String name;
        final String scope;
        final Folds.Fold fold;
        final List<Node> nodes = new ArrayList<>();
        /** For the box of a scan's later runs: the segments of the runs it hides, in order; else empty. */
        final List<String> runs = new ArrayList<>();

        Box(String name, String scope, Folds.Fold fold) {
            this.name = name;
            this.scope = scope;
            this.fold = fold;
        }

        /** Whether this box draws the runs of a scan after its first (not a scope of its own: it has no view). */
        boolean laterRuns() { return !runs.isEmpty(); }
    }

    /** An expanded scope: its own nodes, collapsed boxes and sub-clusters, in order of first appearance. */
    static final class Cluster {
        final String scope;
        final List<Object> members = new ArrayList<>();
        final Map<String, Cluster> children = new LinkedHashMap<>();

        Cluster(String scope) { this.scope = scope; }
    }

    /** The one-step delay of state number {@code k}, drawn in the cluster of the scope the state belongs to. */
    record Marker(int k, State state, String scope) {}

    /** The last scope segment of the box that draws a scan's later runs (a space: no instance path has one). */
    static final String LATER_RUNS = "later runs";

    private final Graph g;
    private final DotWriter.Options opt;
    final Map<Node, Integer> num = new HashMap<>();
    /** The DOT name of the element that draws each node: its own {@code nK}, or a box's {@code bK}. */
    final Map<Node, String> element = new HashMap<>();
    final Map<String, Box> boxes = new LinkedHashMap<>();
    final Map<String, Box> boxByName = new HashMap<>();
    final Cluster root = new Cluster("");

    Placement(Graph g, DotWriter.Options opt) {
        this.g = g;
        this.opt = opt;
        for (Node n : g.nodes()) num.put(n, num.size());
        for (Node n : g.nodes()) {
            String[] parts = n.scope().isEmpty() ? new String[0] : n.scope().split("\\.");
            int shown = expandedParts(parts);
            if (shown == parts.length) {
                cluster(parts, parts.length).members.add(n);
                element.put(n, DotWriter.nodeId(num.get(n)));
            } else {
                // a scan's later runs share one box: the body is drawn once, in the first run, however long the scan
                boolean later = ScanRuns.isLaterRun(parts[shown]);
                String prefix = later ? String.join(".", java.util.Arrays.copyOf(parts, shown)) + "." + LATER_RUNS
                        : String.join(".", java.util.Arrays.copyOf(parts, shown + 1));
                Box b = boxes.get(prefix);
                if (b == null) {
                    b = new Box("b" + boxByName.size(), prefix, null);
                    boxes.put(prefix, b);
                    boxByName.put(b.name, b);
                    cluster(parts, shown).members.add(b);
                }
                if (later && !b.runs.contains(parts[shown])) b.runs.add(parts[shown]);
                b.nodes.add(n);
                element.put(n, b.name);
            }
        }
        if (opt.foldConstants()) {
            for (Folds.Fold f : Folds.find(g, n -> element.get(n).equals(DotWriter.nodeId(num.get(n))))) {
                Box b = new Box("b" + boxByName.size(), f.scope(), f);
                boxByName.put(b.name, b);
                b.nodes.addAll(f.nodes());
                List<Object> members = cluster(f.scope().isEmpty() ? new String[0] : f.scope().split("\\."), f.scope().isEmpty() ? 0
                        : f.scope().split("\\.").length).members;
                members.set(members.indexOf(f.nodes().get(0)), b);
                members.removeAll(f.nodes());
                for (Node n : f.nodes()) element.put(n, b.name);
            }
        }
        for (int k = 0; k < g.states().size(); k++) {
            State st = g.states().get(k);
            int dot = st.name().lastIndexOf('.');
            String[] parts = dot < 0 ? new String[0] : st.name().substring(0, dot).split("\\.");
            int depth = expandedParts(parts);
            String scope = String.join(".", java.util.Arrays.copyOf(parts, depth));
            cluster(parts, depth).members.add(new Marker(k, st, scope));
        }
    }

    /**
     * How many leading parts of a scope are drawn expanded: all up to the depth, and past it those whose prefix is
     * open. The next part, if any, is the collapsed box that draws the rest. A scan's runs after its first are not
     * opened by depth, only when open ({@link ScanRuns}): the body is drawn once.
     */
    private int expandedParts(String[] parts) { return expandedParts(parts, opt); }

    static int expandedParts(String[] parts, DotWriter.Options opt) {
        int limit = Math.min(parts.length, opt.depth());
        int k = 0;
        while (k < limit && !ScanRuns.isLaterRun(parts[k])) k++;
        while (k < parts.length && opt.open().contains(String.join(".", java.util.Arrays.copyOf(parts, k + 1)))) k++;
        return k;
    }

    /** The cluster for the first {@code k} parts of a scope, created (with its parents) on first use. */
    private Cluster cluster(String[] parts, int k) {
        Cluster c = root;
        for (int i = 0; i < k; i++) {
            String path = String.join(".", java.util.Arrays.copyOf(parts, i + 1));
            Cluster child = c.children.get(path);
            if (child == null) {
                child = new Cluster(path);
                c.children.put(path, child);
                c.members.add(child);
            }
            c = child;
        }
        return c;
    }
}
