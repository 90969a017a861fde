package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.OpArg;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.Op;

import java.util.List;

/**
 * {@code synapses[pre -> post, RULE, seed = n, storage = S](x)}, one {@link Op#SYNAPSES} (docs/language.md, "Sparse
 * synapses"): RULE is {@code p = 0.02}, {@code out_degree = 80}, {@code in_degree = 80} or {@code one_to_one}; S is
 * {@code dense}, {@code csr} or {@code procedural} (absent: the compiler chooses). With {@code delay = ...} the synapses
 * deliver through a ring buffer ({@link DelayBuiltin#synaptic}).
 */
final class SynapseBuiltin {
    private static final String EXAMPLE = "synapses[exc -> neuron, p = 0.02, seed = 1](spikes)";
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
            } else if (o instanceof OpArg.Named n) {
                String key = n.key().text();
                switch (key) {
                    case "p" -> {
                        if (rule != null) return twoRules(o);
                        Double v = constant(n.value(), env);
                        if (v == null) return Value.ERROR;
                        rule = Attr.SynRule.PROBABILITY;
                        p = v;
                    }
                    case "out_degree", "in_degree" -> {
                        if (rule != null) return twoRules(o);
                        Integer v = el.builtins.constInt(n.value(), env, key);
                        if (v == null) return Value.ERROR;
                        rule = key.equals("out_degree") ? Attr.SynRule.OUT_DEGREE : Attr.SynRule.IN_DEGREE;
                        k = v;
                    }
                    case "seed" -> {
                        if (seed != null) {
                            el.diags.error(n.key().span(), DiagCode.E0720, "synapses names its seed twice", null);
                            return Value.ERROR;
                        }
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
                                "its options: p, out_degree, in_degree, one_to_one, seed, storage, delay");
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
            el.diags.error(a.span(), DiagCode.E0720, "synapses needs a connection rule",
                    "one of: p = 0.02, out_degree = 80, in_degree = 80, one_to_one");
            return Value.ERROR;
        }
        if (seed == null) {
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
        Attr.Synapses syn = new Attr.Synapses(pre, post, rule, p, k, seed, storage);
        if (delay != null) return el.builtins.delays.synaptic(syn, x, delay, a, env);
        return el.emit(Op.SYNAPSES, syn, List.of(x), null, a.span(), env, 0);
    }

    private Value twoRules(OpArg o) {
        el.diags.error(o.span(), DiagCode.E0720, "synapses takes one connection rule", "one of: p = 0.02, out_degree = 80, in_degree = 80, one_to_one");
        return Value.ERROR;
    }

    /** A dimensionless compile-time number. */
    private Double constant(Expr e, Env env) {
        Value v = el.exprs.eval(e, env, null, false);
        if (v instanceof Value.Error) return null;
        if (!(v instanceof Value.Tensor t) || !t.weak()) {
            el.diags.error(e.span(), DiagCode.E0705, "a connection probability must be a constant number", "e.g. p = 0.02");
            return null;
        }
        if (!t.type().unit().isNone()) {
            el.diags.error(e.span(), DiagCode.E0502, "a connection probability is dimensionless, got a quantity in " + el.unit(t.type().unit()), null);
            return null;
        }
        return t.constant();
    }
}
