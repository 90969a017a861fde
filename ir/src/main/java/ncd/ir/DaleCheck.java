package ncd.ir;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dale's law, proved on a lowered graph: every weight of a projection from an excitatory population is {@code >= 0},
 * from an inhibitory one {@code <= 0}. A population is an axis declared with a sign ({@code axis exc = 3200
 * excitatory}); a projection from it is
 * <ul>
 *   <li>a contraction over its axis, {@code W @[exc] f32(s)} (or {@code sum[exc](W * s)}): the weight is the operand
 *       that keeps an axis of its own, the postsynaptic one (W here; the left one when both do); a sum without such
 *       an axis (a population rate) is no projection;</li>
 *   <li>{@code synapses[exc -> post, ...](s)}, whose connections are 0 or 1.</li>
 * </ul>
 * The weight of a projection is the weight inside it times the factor its result is multiplied by where it is used
 * ({@code we * synapses[...](s)}, {@code wi * (C @[inh] f32(s))} with a 0/1 mask C), or the weight inside alone where
 * the result is used unscaled (a synapses op's is then 1).
 * The weight's sign comes from {@link Signs}. A weight that is a state ({@code next w = ...}) is proved by induction:
 * its initial value has the sign, and its next value has it whenever the state has it at the start of the step. What
 * the analysis cannot prove is E0732, at the projection (or at the state's initial or next value); a weight whose
 * every value has the wrong sign (a negative constant on an excitatory projection) is E0733. Both are errors: the
 * user stated the law, and the cure (a bound, or a clip) is one word.
 */
public final class DaleCheck {
    private DaleCheck() {}

    /** The sign of a population's outgoing weights. */
    public enum Population {
        EXCITATORY(Signs.NONNEG, Signs.NEG, ">= 0", "max", ">= 0"),
        INHIBITORY(Signs.NONPOS, Signs.POS, "<= 0", "min", "<= 0");

        final int allowed, wrong;
        final String rule, clip, bound;

        Population(int allowed, int wrong, String rule, String clip, String bound) {
            this.allowed = allowed;
            this.wrong = wrong;
            this.rule = rule;
            this.clip = clip;
            this.bound = bound;
        }

        /** The word an axis declaration writes. */
        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }

        /** The population a word names, or null. */
        public static Population named(String word) {
            for (Population p : values()) if (p.word().equals(word)) return p;
            return null;
        }
    }

    /** Reports into {@code diags} every projection of {@code g} from a population in {@code populations} (axis name to sign) whose weight is not proved. */
    public static void check(Graph g, Map<String, Population> populations, Diagnostics diags) {
        if (populations.isEmpty() || !projects(g, populations)) return;
        new Run(g, populations, diags).run();
    }

    private static boolean projects(Graph g, Map<String, Population> populations) {
        for (Node n : g.nodes()) {
            if (n.op() == Op.CONTRACT || n.op() == Op.REDUCE || n.op() == Op.SYNAPSES || n.op() == Op.DELAY) {
                for (String a : projectedAxes(n)) if (populations.containsKey(a)) return true;
            }
            if (n.attr() instanceof Attr.Concat c) for (String a : c.parts()) if (populations.containsKey(a)) return true;
        }
        return false;
    }

    /** The axes a node sums over as a projection: a contraction's, a sum's or mean's, a synapses op's (delayed or not) presynaptic axis. */
    private static List<String> projectedAxes(Node n) {
        if (n.attr() instanceof Attr.Contract c) return c.axes();
        if (n.attr() instanceof Attr.Reduce r && (r.fn() == Attr.ReduceFn.SUM || r.fn() == Attr.ReduceFn.MEAN)) return r.axes();
        if (n.attr() instanceof Attr.Synapses s) return List.of(s.pre());
        if (n.attr() instanceof Attr.Delay d && d.syn() != null) return List.of(d.syn().pre());
        return List.of();
    }

    private static final class Run {
        final Graph g;
        final Map<String, Population> populations;
        final Diagnostics diags;
        final Map<Node, Integer> signs;
        final Map<Node, List<Node>> users = new HashMap<>();
        final Set<String> statesReported = new HashSet<>();

        Run(Graph g, Map<String, Population> populations, Diagnostics diags) {
            this.g = g;
            this.populations = populations;
            this.diags = diags;
            this.signs = Signs.of(g);
            for (Node n : g.nodes()) for (Node i : n.inputs()) users.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
        }

        void run() {
            for (Node n : g.nodes()) {
                for (String axis : projectedAxes(n)) {
                    Population p = populations.get(axis);
                    if (p == null) {
                        Node w = n.op() == Op.CONTRACT ? weightOf(n.input(0), n.input(1), n) : null;
                        if (w != null) concatenated(n, w, Signs.POS, axis);
                        continue;
                    }
                    if (n.op() == Op.CONTRACT) {
                        Node w = weightOf(n.input(0), n.input(1), n);
                        if (w != null) projection(n, w, p, axis);
                    } else if (n.op() == Op.REDUCE && n.input(0).op() == Op.BINARY
                            && ((Attr.Binary) n.input(0).attr()).fn() == Attr.BinaryFn.MUL) {
                        Node m = n.input(0);
                        Node w = weightOf(m.input(0), m.input(1), n);
                        if (w != null) projection(n, w, p, axis);
                    } else if (n.op() == Op.SYNAPSES) {
                        projection(n, null, p, axis);
                    } else if (n.op() == Op.DELAY) {
                        // delayed synapses: what arrives is the ring's head row, read by a gather of the op's result
                        for (Node u : users.getOrDefault(n, List.of())) if (u.op() == Op.GATHER) projection(u, null, p, axis);
                    }
                }
            }
        }

        /**
         * A contraction over an axis that is no population, whose weight is populations' weights joined along it,
         * {@code concat[(exc, inh) -> pre](W_E, W_I)}, perhaps scaled by values without that axis
         * ({@code W * 0.9 / spectral_radius[post, pre](W)}): each part is a projection from its population.
         */
        private void concatenated(Node proj, Node w, int scale, String axis) {
            Node n = w;
            while (n.op() == Op.RENAME || n.op() == Op.TRANSPOSE || n.op() == Op.EXPAND
                    || (n.op() == Op.CAST && n.type().dtype().isFloat())) n = n.input(0);
            if (n.op() == Op.BINARY) {
                Attr.BinaryFn fn = ((Attr.Binary) n.attr()).fn();
                Node a = n.input(0), b = n.input(1);
                if (fn == Attr.BinaryFn.MUL && a.type().hasAxis(axis) != b.type().hasAxis(axis)) {
                    Node inner = a.type().hasAxis(axis) ? a : b, by = inner == a ? b : a;
                    concatenated(proj, inner, Signs.times(scale, signs.getOrDefault(by, Signs.ANY)), axis);
                } else if (fn == Attr.BinaryFn.DIV && a.type().hasAxis(axis) && !b.type().hasAxis(axis)) {
                    int d = signs.getOrDefault(b, Signs.ANY);
                    // x / 0 is an infinity of x's sign: dividing by a set with 0 in it scales as a positive would
                    int by = (d & Signs.NONZERO) | ((d & Signs.ZERO) != 0 ? Signs.POS : Signs.NONE);
                    concatenated(proj, a, Signs.times(scale, by), axis);
                }
                return;
            }
            if (!(n.attr() instanceof Attr.Concat c) || !c.into().name().equals(axis)) return;
            for (int i = 0; i < c.parts().size(); i++) {
                Population p = populations.get(c.parts().get(i));
                if (p == null) continue;
                Node part = n.input(i);
                int s = Signs.times(signs.getOrDefault(part, Signs.ANY), scale);
                if (Signs.within(s, p.allowed)) continue;
                Node root = source(part);
                String what = root.op() == Op.PARAM ? " (`" + lastPart(((Attr.Param) root.attr()).name()) + "`)" : "";
                boolean wrong = s != Signs.NONE && Signs.within(s, p.wrong);
                diags.error(proj.span(), wrong ? DiagCode.E0733 : DiagCode.E0732, "Dale's law " + (wrong ? "broken" : "not proved") + ": "
                        + "the weights from the " + p.word() + " population `" + c.parts().get(i) + "`" + what + ", joined into `" + axis
                        + "` and projected here, must be " + p.rule + (wrong ? ", and they are " + Signs.text(s) : ", and they may be " + Signs.text(s & ~p.allowed)),
                        root.op() == Op.PARAM ? "give the parameter its sign: param " + lastPart(((Attr.Param) root.attr()).name()) + ": ... " + p.rule
                                : "clip it: " + p.clip + "(w, 0)");
            }
        }

        /** Where a projection's result is scaled: the product (or quotient) and the factor; factor null: used unscaled. */
        private record Use(Node at, Node factor) {}

        /** The uses of a projection's result, followed through casts, renames and broadcasts to what scales it. */
        private void uses(Node at, List<Use> into) {
            List<Node> us = users.getOrDefault(at, List.of());
            if (us.isEmpty()) into.add(new Use(at, null));
            for (Node u : us) {
                switch (u.op()) {
                    case CAST, RENAME, TRANSPOSE, EXPAND -> uses(u, into);
                    case BINARY -> {
                        Attr.BinaryFn fn = ((Attr.Binary) u.attr()).fn();
                        if (fn == Attr.BinaryFn.MUL) into.add(new Use(u, u.input(0) == at ? u.input(1) : u.input(0)));
                        else if (fn == Attr.BinaryFn.DIV && u.input(0) == at) into.add(new Use(u, u.input(1)));
                        else into.add(new Use(u, null));
                    }
                    default -> into.add(new Use(u, null));
                }
            }
        }

        /**
         * Checks a projection: its weight is the weight inside it ({@code w}; null for a synapses op, whose connection
         * matrix is 0 or 1) times the factor its result is multiplied by where it is used, if any.
         */
        private void projection(Node proj, Node w, Population p, String axis) {
            int inner = w == null ? Signs.NONNEG : signs.getOrDefault(w, Signs.ANY);
            List<Use> uses = new ArrayList<>();
            uses(proj, uses);
            for (Use u : uses) {
                if (u.factor() == null) {
                    if (w == null) unscaled(proj, p, axis);
                    else weight(proj, w, p, axis);
                    continue;
                }
                int factor = signs.getOrDefault(u.factor(), Signs.ANY);
                if (Signs.within(Signs.times(inner, factor), p.allowed)) continue;
                if (Signs.within(factor, Signs.POS) && w != null) {
                    weight(proj, w, p, axis);  // a positive scale: the weight inside must have the sign itself
                } else if (Signs.within(inner, Signs.NONNEG)) {
                    weight(u.at(), u.factor(), p, axis);  // a magnitude (or a connection) scaled: the factor is the weight
                } else {
                    int s = Signs.times(inner, factor);
                    diags.error(u.at().span(), DiagCode.E0732, "Dale's law not proved: the weight of this projection from the " + p.word()
                            + " population `" + axis + "`, the weight inside it times this factor, must be " + p.rule + ", and it may be "
                            + Signs.text(s & ~p.allowed), "keep the weight inside " + Population.EXCITATORY.rule + " (a magnitude) and give the factor the "
                            + "population's sign, or clip the weight: " + p.clip + "(w, 0)");
                }
            }
        }

        /**
         * The weight: the operand that keeps an axis the other lacks and the projection does not sum over (the
         * postsynaptic one), the left one when both do; null when neither does: a sum over the population without a
         * postsynaptic axis ({@code mean[inh](f32(s) * k)}, a population rate) projects nowhere.
         */
        private Node weightOf(Node a, Node b, Node projection) {
            boolean aOwn = ownAxis(a, b, projection), bOwn = ownAxis(b, a, projection);
            if (!aOwn && !bOwn) return null;
            return bOwn && !aOwn ? b : a;
        }

        private static boolean ownAxis(Node x, Node other, Node projection) {
            List<String> summed = projectedAxes(projection);
            for (Axis ax : x.type().axes()) if (!other.type().hasAxis(ax.name()) && !summed.contains(ax.name())) return true;
            return false;
        }

        private void unscaled(Node syn, Population p, String axis) {
            if (Signs.within(Signs.NONNEG, p.allowed)) return;
            diags.error(syn.span(), DiagCode.E0733, "Dale's law broken: this projection from the " + p.word() + " population `" + axis
                    + "` is used unscaled, with weight 1, and its weights must be " + p.rule,
                    "scale it by its (negative) weight where it is used: wi * synapses[" + axis + " -> ...](...)");
        }

        /** Checks that {@code w}, the weight of {@code projection} from population {@code p}, has the population's sign. */
        private void weight(Node projection, Node w, Population p, String axis) {
            int s = signs.getOrDefault(w, Signs.ANY);
            if (Signs.within(s, p.allowed)) return;
            String from = "the " + p.word() + " population `" + axis + "`";
            Node root = source(w);
            if (root.op() == Op.STATE_READ && state(root, projection, p, from)) return;
            String what = root.op() == Op.PARAM ? "the weight `" + lastPart(((Attr.Param) root.attr()).name()) + "`"
                    : root.op() == Op.STATE_READ ? "the weight `" + ((Attr.Named) root.attr()).name() + "`" : "the weight";
            if (s != Signs.NONE && Signs.within(s, p.wrong)) {
                diags.error(projection.span(), DiagCode.E0733, "Dale's law broken: " + what + " of this projection from " + from + " is "
                        + Signs.text(s) + ", and it must be " + p.rule,
                        "an " + p.word() + " neuron's outgoing weights are " + p.rule + ": flip the weight's sign, or declare `" + axis
                                + "` " + (p == Population.EXCITATORY ? "inhibitory" : "excitatory"));
                return;
            }
            String hint;
            if (root.op() == Op.PARAM) {
                String name = lastPart(((Attr.Param) root.attr()).name());
                hint = "give the parameter its sign: param " + name + ": ... " + p.bound + " (a loaded file is checked against it, E0804)";
            } else {
                hint = "clip it: " + p.clip + "(w, 0), or build it from weights declared " + p.bound + " (param W: ... " + p.bound + ")";
            }
            diags.error(projection.span(), DiagCode.E0732, "Dale's law not proved: " + what + " of this projection from " + from
                    + " must be " + p.rule + ", and it may be " + Signs.text(s & ~p.allowed), hint);
        }

        /**
         * A weight that is a state: reports its initial value or its next value where either is not proved (once per
         * state); false when both are, so that the caller reports the projection itself.
         */
        private boolean state(Node read, Node projection, Population p, String from) {
            String name = ((Attr.Named) read.attr()).name();
            State st = null;
            for (State s : g.states()) if (s.name().equals(name)) st = s;
            if (st == null) return false;
            if (!statesReported.add(name)) return true;
            String shown = name;  // a called circuit's state by its instance path
            String use = "; `" + shown + "` is the weight of the projection from " + from + " at line " + projection.span().line();
            boolean reported = false;
            int init = signs.getOrDefault(st.init(), Signs.ANY);
            if (!Signs.within(init, p.allowed)) {
                boolean wrong = init != Signs.NONE && Signs.within(init, p.wrong);
                diags.error(at(st.init(), projection), wrong ? DiagCode.E0733 : DiagCode.E0732, "Dale's law " + (wrong ? "broken" : "not proved")
                        + ": the initial value of state `" + shown + "` " + (wrong ? "is " + Signs.text(init) : "may be " + Signs.text(init & ~p.allowed))
                        + ", and it must be " + p.rule + use,
                        "start it " + p.rule + ", e.g. " + p.clip + "(..., 0)");
                reported = true;
            }
            int next = Signs.of(g, Map.of(name, p.allowed)).getOrDefault(st.next(), Signs.ANY);
            if (!Signs.within(next, p.allowed)) {
                diags.error(at(st.next(), projection), DiagCode.E0732, "Dale's law not proved: `next " + shown + "` may be " + Signs.text(next & ~p.allowed)
                        + " even when " + shown + " is " + p.rule + " at the start of the step" + use,
                        "clip the update: next " + shown + " = " + p.clip + "(..., 0)"
                                + (p == Population.EXCITATORY ? ", or clip(..., 0, w_max)" : ", or clip(..., -w_max, 0)"));
                reported = true;
            }
            return reported;
        }

        private static SourceSpan at(Node n, Node fallback) { return n.span().isKnown() ? n.span() : fallback.span(); }

        /** The node a weight's value comes from unchanged: through renames, transposes, broadcasts and float casts. */
        private static Node source(Node w) {
            Node n = w;
            while (n.op() == Op.RENAME || n.op() == Op.TRANSPOSE || n.op() == Op.EXPAND
                    || (n.op() == Op.CAST && n.type().dtype().isFloat())) n = n.input(0);
            return n;
        }

        private static String lastPart(String path) { return path.substring(path.lastIndexOf('.') + 1); }
    }
}
