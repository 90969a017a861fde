package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.OpArg;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.Op;
import ncd.ir.SynapseData;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code synapses[pre -> post, RULE, seed = n, storage = S](x)}, one {@link Op#SYNAPSES} (docs/language.md, "Sparse
 * synapses"): RULE is {@code p = 0.02}, {@code out_degree = 80}, {@code in_degree = 80}, {@code one_to_one}, the
 * distance rule {@code p = 0.3, sigma = 2, grid = (20, 20)} (or {@code pre_grid = ..., post_grid = ...}; {@code wrap}
 * for a torus) or {@code pairs = "conn.npy"} (no seed: nothing is drawn); S is {@code dense}, {@code csr} or
 * {@code procedural} (absent: the compiler chooses). With {@code delay = ...} the synapses deliver through a
 * ring buffer ({@link DelayBuiltin#synaptic}).
 */
final class SynapseBuiltin {
    private static final String EXAMPLE = "synapses[exc -> neuron, p = 0.02, seed = 1](spikes)";
    private static final String RULES = "one of: p = 0.02, out_degree = 80, in_degree = 80, one_to_one, p = 0.3 with sigma = 2 and grid = (20, 20), "
            + "pairs = \"conn.npy\"";
    private static final String DISTANCE = "the distance rule: p = 0.3, sigma = 2, grid = (20, 20)";
    private final Elaborator el;

    SynapseBuiltin(Elaborator el) { this.el = el; }

    Value apply(Expr.AxisOp a, Env env) {
        String pre = null;
        Axis post = null;
        Attr.SynRule rule = null;
        double p = 0;
        int k = 0;
        Long seed = null;
        Attr.SynStorage storage = Attr.SynStorage.AUTO;
        Double sigma = null;
        List<Integer> grid = null, preGrid = null, postGrid = null;
        OpArg distanceArg = null, wrapArg = null;
        OpArg.Text pairs = null;
        OpArg.Named delay = null;
        for (OpArg o : a.opArgs()) {
            if (o instanceof OpArg.MapTo m && pre == null) {
                Axis from = el.exprs.logicalAxis(m.from(), env), to = el.exprs.logicalAxis(m.to(), env);
                if (from == null || to == null) return Value.ERROR;
                pre = from.name();
                post = to;
            } else if (o instanceof OpArg.Plain pl && pl.value() instanceof Expr.Ref r && r.name().text().equals("one_to_one")) {
                if (rule != null) return twoRules(o);
                rule = Attr.SynRule.ONE_TO_ONE;
            } else if (o instanceof OpArg.Plain pl && pl.value() instanceof Expr.Ref r && r.name().text().equals("wrap")) {
                wrapArg = o;
                if (distanceArg == null) distanceArg = o;
            } else if (o instanceof OpArg.Text t && t.key().text().equals("pairs")) {
                if (rule != null) return twoRules(o);
                rule = Attr.SynRule.PAIRS;
                pairs = t;
            } else if (o instanceof OpArg.Text t) {
                el.diags.error(t.span(), DiagCode.E0720, "synapses takes a file name only as pairs = \"...\", not as `" + t.key().text() + "`",
                        "e.g. synapses[pre -> post, pairs = \"conn.npy\"](spikes)");
                return Value.ERROR;
            } else if (o instanceof OpArg.Named n) {
                String key = n.key().text();
                switch (key) {
                    case "p" -> {
                        if (rule != null) return twoRules(o);
                        Double v = constant(n.value(), env, "a connection probability");
                        if (v == null) return Value.ERROR;
                        rule = Attr.SynRule.PROBABILITY;
                        p = v;
                    }
                    case "sigma" -> {
                        if (sigma != null) return twice(n, "sigma");
                        sigma = constant(n.value(), env, "sigma (in grid spacings)");
                        if (sigma == null) return Value.ERROR;
                        if (distanceArg == null) distanceArg = o;
                    }
                    case "grid", "pre_grid", "post_grid" -> {
                        if ((key.equals("grid") ? grid : key.equals("pre_grid") ? preGrid : postGrid) != null) return twice(n, key);
                        List<Integer> g = sizes(n.value(), env, key);
                        if (g == null) return Value.ERROR;
                        if (key.equals("grid")) grid = g;
                        else if (key.equals("pre_grid")) preGrid = g;
                        else postGrid = g;
                        if (distanceArg == null) distanceArg = o;
                    }
                    case "out_degree", "in_degree" -> {
                        if (rule != null) return twoRules(o);
                        Integer v = el.builtins.constInt(n.value(), env, key);
                        if (v == null) return Value.ERROR;
                        rule = key.equals("out_degree") ? Attr.SynRule.OUT_DEGREE : Attr.SynRule.IN_DEGREE;
                        k = v;
                    }
                    case "seed" -> {
                        if (seed != null) return twice(n, "seed");
                        Integer v = el.builtins.constInt(n.value(), env, "a seed");
                        if (v == null) return Value.ERROR;
                        seed = (long) v;
                    }
                    case "storage" -> {
                        String word = n.value() instanceof Expr.Ref r ? r.name().text() : "";
                        switch (word) {
                            case "dense" -> storage = Attr.SynStorage.DENSE;
                            case "csr" -> storage = Attr.SynStorage.CSR;
                            case "procedural" -> storage = Attr.SynStorage.PROCEDURAL;
                            default -> {
                                el.diags.error(n.value().span(), DiagCode.E0720, "unknown synapse storage", "storage = dense, csr or procedural "
                                        + "(leave it out and the compiler chooses)");
                                return Value.ERROR;
                            }
                        }
                    }
                    case "delay" -> delay = n;
                    default -> {
                        el.diags.error(n.key().span(), DiagCode.E0720, "synapses has no option `" + key + "`",
                                "its options: p, out_degree, in_degree, one_to_one, sigma, grid, pre_grid, post_grid, wrap, pairs, seed, storage, delay");
                        return Value.ERROR;
                    }
                }
            } else {
                el.diags.error(o.span(), DiagCode.E0720, "synapses takes `pre -> post`, one connection rule, a seed and optionally a storage",
                        "e.g. " + EXAMPLE);
                return Value.ERROR;
            }
        }
        if (pre == null) {
            el.diags.error(a.span(), DiagCode.E0720, "synapses needs its presynaptic and postsynaptic axes", "e.g. " + EXAMPLE);
            return Value.ERROR;
        }
        if (rule == null) {
            el.diags.error(a.span(), DiagCode.E0720, "synapses needs a connection rule", RULES);
            return Value.ERROR;
        }
        SynapseData.Grid layout = null;
        if (distanceArg != null) {
            if (rule != Attr.SynRule.PROBABILITY) {
                el.diags.error(distanceArg.span(), DiagCode.E0720, "sigma, grid, pre_grid, post_grid and wrap belong to the distance rule, not to "
                        + rule.word(), DISTANCE);
                return Value.ERROR;
            }
            layout = layout(a, sigma, grid, preGrid, postGrid, wrapArg != null);
            if (layout == null) return Value.ERROR;
            rule = Attr.SynRule.DISTANCE;
        }
        if (rule == Attr.SynRule.PAIRS && seed != null) {
            el.diags.error(a.span(), DiagCode.E0720, "a list of pairs draws nothing at random: it takes no seed", "leave out the seed");
            return Value.ERROR;
        }
        if (seed == null && rule != Attr.SynRule.PAIRS) {
            el.diags.error(a.span(), DiagCode.E0709, "synapses has no seed",
                    "every random source names its seed, so runs repeat: synapses[..., seed = 1](...)");
            return Value.ERROR;
        }
        if (a.args().size() != 1) {
            el.diags.error(a.span(), DiagCode.E0601, "synapses[...] takes one tensor (the presynaptic spikes or values), got " + a.args().size(),
                    "e.g. " + EXAMPLE);
            return Value.ERROR;
        }
        Value.Tensor x = el.exprs.tensor(a.args().get(0), env);
        if (x == null) return Value.ERROR;
        if (x.weak()) {
            el.diags.error(a.args().get(0).span(), DiagCode.E0720, "synapses[...] needs a vector on the presynaptic axis " + pre + ", got a number",
                    "e.g. " + EXAMPLE);
            return Value.ERROR;
        }
        if (delay != null && rule == Attr.SynRule.PAIRS) {
            // the JVM backend hands a list's columns to the product as buffers of their own, which the ring buffer's
            // code (ncd.runtime.Delays) does not take yet
            el.diags.error(delay.span(), DiagCode.E0730, "a delay on synapses from a list of pairs is not supported yet",
                    "delay the input instead: synapses[..., pairs = \"...\"](delay[1.5 ms](spikes))");
            return Value.ERROR;
        }
        SynapseData data = layout;
        if (rule == Attr.SynRule.PAIRS) {
            Axis preAxis = x.type().rank() == 1 ? x.type().axes().get(0) : null;
            int nPre = preAxis != null && preAxis.name().equals(pre) && preAxis.isSized() ? preAxis.size() : -1;
            data = SynapsePairsFile.read(el.diags, pairs, pre, nPre, post.name(), post.isSized() ? post.size() : -1);
            if (data == null) return Value.ERROR;
        }
        Attr.Synapses syn = new Attr.Synapses(pre, post, rule, p, k, seed == null ? 0 : seed, storage, data);
        if (delay != null) return el.builtins.delays.synaptic(syn, x, delay, a, env);
        return el.emit(Op.SYNAPSES, syn, List.of(x), null, a.span(), env, 0);
    }

    private Value twoRules(OpArg o) {
        el.diags.error(o.span(), DiagCode.E0720, "synapses takes one connection rule", RULES);
        return Value.ERROR;
    }

    private Value twice(OpArg.Named n, String what) {
        el.diags.error(n.key().span(), DiagCode.E0720, "synapses names its " + what + " twice", null);
        return Value.ERROR;
    }

    /** The distance rule's layout: sigma, and one grid for both axes or one for each. Null after an error. */
    private SynapseData.Grid layout(Expr.AxisOp a, Double sigma, List<Integer> grid, List<Integer> preGrid, List<Integer> postGrid, boolean wrap) {
        if (sigma == null) {
            el.diags.error(a.span(), DiagCode.E0720, "the distance rule needs sigma, the width of its Gaussian in grid spacings", DISTANCE);
            return null;
        }
        if (grid != null && (preGrid != null || postGrid != null)) {
            el.diags.error(a.span(), DiagCode.E0720, "synapses takes grid = (one layout for both axes) or pre_grid and post_grid, not both",
                    "grid = (20, 20) when the axes have one size; pre_grid = (40, 40), post_grid = (20, 20) otherwise");
            return null;
        }
        if (grid == null && (preGrid == null || postGrid == null)) {
            el.diags.error(a.span(), DiagCode.E0720, "the distance rule needs the layout of both axes on grids",
                    "grid = (20, 20) when the axes have one size; pre_grid = (40, 40), post_grid = (20, 20) otherwise");
            return null;
        }
        List<Integer> from = grid != null ? grid : preGrid, to = grid != null ? grid : postGrid;
        if (from.size() != to.size()) {
            el.diags.error(a.span(), DiagCode.E0724, "pre_grid has " + from.size() + " dimensions and post_grid " + to.size()
                    + ": both axes lie on grids of one rank", "e.g. pre_grid = (40, 40), post_grid = (20, 20)");
            return null;
        }
        return new SynapseData.Grid(from, to, sigma, wrap);
    }

    /** Grid sizes: {@code (20, 20)}, or one number for a line. Null after an error. */
    private List<Integer> sizes(Expr e, Env env, String key) {
        List<Expr> items = e instanceof Expr.Tuple t ? t.items() : List.of(e);
        List<Integer> out = new ArrayList<>();
        for (Expr item : items) {
            Integer v = el.builtins.constInt(item, env, "a size of " + key);
            if (v == null) return null;
            out.add(v);
        }
        return out;
    }

    /** A dimensionless compile-time number. */
    private Double constant(Expr e, Env env, String what) {
        Value v = el.exprs.eval(e, env, null, false);
        if (v instanceof Value.Error) return null;
        if (!(v instanceof Value.Tensor t) || !t.weak()) {
            el.diags.error(e.span(), DiagCode.E0705, what + " must be a constant number", "e.g. p = 0.02");
            return null;
        }
        if (!t.type().unit().isNone()) {
            el.diags.error(e.span(), DiagCode.E0502, what + " is dimensionless, got a quantity in " + el.unit(t.type().unit()), null);
            return null;
        }
        return t.constant();
    }
}
