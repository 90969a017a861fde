package ncd.passes;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Scalars;
import ncd.ir.TensorType;
import ncd.ir.TypeRuleException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Algebraic simplification: a list of local rewrite rules, tried on every node in graph order, in list order,
 * the whole graph swept again until no rule fires (at most {@value #MAX_SWEEPS} sweeps). Every rule is an exact
 * identity under docs/semantics.md, bit for bit, NaN, infinities and the sign of zero included; so {@code x * 0},
 * {@code x - x} and, for floats, {@code x + 0} (which turns -0 into +0) are not rules. Where the kept operand has
 * fewer axes than the node (x * 1 with a 1 over more axes), the result is that operand expanded to the node's
 * type; where its axes are in another order, a transpose. Replaced nodes stay for {@link DcePass}.
 */
public final class SimplifyPass implements Pass {
    static final int MAX_SWEEPS = 16;

    /** A rewrite: the node's replacement (built in {@code b} or an earlier node), or null when it does not apply. */
    @FunctionalInterface
    interface Rewrite {
        Node apply(Node old, List<Node> ins, Graph.Builder b);
    }

    /** A named rule, so tests and docs can refer to it. */
    record Rule(String name, Rewrite rewrite) {}

    /** The rules, in the order they are tried. */
    static final List<Rule> RULES = List.of(
            new Rule("x*1", (n, in, b) -> binaryWithConst(n, in, b, Attr.BinaryFn.MUL, true, SimplifyPass::isOne)),
            new Rule("x+0", (n, in, b) -> binaryWithConst(n, in, b, Attr.BinaryFn.ADD, true, SimplifyPass::isAdditiveIdentity)),
            new Rule("x-0", (n, in, b) -> binaryWithConst(n, in, b, Attr.BinaryFn.SUB, false, SimplifyPass::isPositiveZero)),
            new Rule("x/1", (n, in, b) -> binaryWithConst(n, in, b, Attr.BinaryFn.DIV, false, SimplifyPass::isOne)),
            new Rule("neg(neg x)", SimplifyPass::negNeg),
            new Rule("transpose(transpose x)", SimplifyPass::transposeTranspose),
            // autodiff's adjoint of a reduction broadcasts then transposes into the input's order (layer norm, softmax):
            // an expand may produce any order, so one expand does both and fuses into its consumer, where the
            // transpose was a copy of its own
            new Rule("transpose(expand x)", (n, in, b) -> n.op() == Op.TRANSPOSE && in.get(0).op() == Op.EXPAND
                    ? asType(in.get(0).input(0), n, b) : null),
            new Rule("transpose to the same order", (n, in, b) -> n.op() == Op.TRANSPOSE && in.get(0).type().equals(n.type()) ? in.get(0) : null),
            new Rule("rename(rename x)", SimplifyPass::renameRename),
            new Rule("expand of a full tensor", (n, in, b) -> n.op() == Op.EXPAND && in.get(0).type().equals(n.type()) ? in.get(0) : null),
            new Rule("cast to the same dtype", (n, in, b) -> n.op() == Op.CAST && in.get(0).type().equals(n.type()) ? in.get(0) : null),
            new Rule("where(c, x, x)", (n, in, b) -> n.op() == Op.WHERE && in.get(1) == in.get(2) ? asType(in.get(1), n, b) : null),
            new Rule("where(true, x, y)", SimplifyPass::whereConst),
            new Rule("not(not x)", (n, in, b) -> isUnary(n, Attr.UnaryFn.NOT) && isUnary(in.get(0), Attr.UnaryFn.NOT)
                    ? asType(in.get(0).input(0), n, b) : null),
            // the passes run after autodiff (the driver's order), where stop_gradient has done its work
            new Rule("stop_gradient(x)", (n, in, b) -> isUnary(n, Attr.UnaryFn.STOP_GRADIENT) ? in.get(0) : null));

    @Override public String name() { return "simplify"; }

    @Override public Graph run(Graph g, PassContext ctx) {
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            int[] fired = {0};
            g = Rebuild.run(g, n -> true, (old, ins, b) -> {
                for (Rule r : RULES) {
                    Node out = r.rewrite().apply(old, ins, b);
                    if (out != null) {
                        fired[0]++;
                        return out;
                    }
                }
                return Rebuild.copy(old, ins, b);
            });
            if (fired[0] == 0) break;
        }
        return g;
    }

    // ---- the rules

    /** The value a const node holds, as read (rounded to its dtype); null for other nodes. */
    static Double constValue(Node n) {
        if (n.op() != Op.CONST) return null;
        return Scalars.round(n.type().dtype(), ((Attr.Scalar) n.attr()).value());
    }

    static boolean isOne(Node c) {
        Double v = constValue(c);
        return v != null && v == 1.0 && c.type().unit().isNone();
    }

    /** 0 for integers; for floats only -0, since +0 + -0 is +0, not -0. */
    static boolean isAdditiveIdentity(Node c) {
        Double v = constValue(c);
        if (v == null) return false;
        return c.type().dtype().isFloat() ? Double.compare(v, -0.0) == 0 : v == 0;
    }

    /** x - (+0) is x for every x (also -0); x - (-0) is x + 0, which is not. */
    static boolean isPositiveZero(Node c) {
        Double v = constValue(c);
        return v != null && Double.compare(v, 0.0) == 0;
    }

    /** {@code x fn c} (or {@code c fn x} when {@code commutes}) with {@code c} an identity, to x. */
    static Node binaryWithConst(Node n, List<Node> in, Graph.Builder b, Attr.BinaryFn fn, boolean commutes,
                                java.util.function.Predicate<Node> identity) {
        if (n.op() != Op.BINARY || ((Attr.Binary) n.attr()).fn() != fn || n.type().dtype() == DType.BOOL) return null;
        if (identity.test(in.get(1))) return asType(in.get(0), n, b);
        if (commutes && identity.test(in.get(0))) return asType(in.get(1), n, b);
        return null;
    }

    /** where with a constant condition (after fold, an always-true mask): the branch it picks. */
    static Node whereConst(Node n, List<Node> in, Graph.Builder b) {
        if (n.op() != Op.WHERE) return null;
        Double c = constValue(in.get(0));
        if (c == null) return null;
        return asType(in.get(c != 0 ? 1 : 2), n, b);
    }

    static Node negNeg(Node n, List<Node> in, Graph.Builder b) {
        if (!isUnary(n, Attr.UnaryFn.NEG) || !isUnary(in.get(0), Attr.UnaryFn.NEG)) return null;
        return asType(in.get(0).input(0), n, b);
    }

    static boolean isUnary(Node n, Attr.UnaryFn fn) {
        return n.op() == Op.UNARY && ((Attr.Unary) n.attr()).fn() == fn;
    }

    static Node transposeTranspose(Node n, List<Node> in, Graph.Builder b) {
        if (n.op() != Op.TRANSPOSE || in.get(0).op() != Op.TRANSPOSE) return null;
        return asType(in.get(0).input(0), n, b);
    }

    /** rename(rename(x, m1), m2) to one rename of x by m2 after m1 (or to x when the two cancel). */
    static Node renameRename(Node n, List<Node> in, Graph.Builder b) {
        if (n.op() != Op.RENAME || in.get(0).op() != Op.RENAME) return null;
        Node inner = in.get(0), x = inner.input(0);
        Map<String, Axis> m1 = ((Attr.Rename) inner.attr()).map(), m2 = ((Attr.Rename) n.attr()).map();
        Map<String, Axis> m = new HashMap<>();
        for (Axis a : x.type().axes()) {
            Axis mid = m1.getOrDefault(a.name(), a);
            Axis end = m2.getOrDefault(mid.name(), mid);
            if (!end.name().equals(a.name())) m.put(a.name(), new Axis(end.name(), a.size()));
        }
        if (m.isEmpty()) return asType(x, n, b);
        try {
            Node r = b.add(Op.RENAME, new Attr.Rename(m), List.of(x), n.type(), n.span(), n.scope());
            return r.type().equals(n.type()) ? r : null;
        } catch (TypeRuleException e) {
            return null;
        }
    }

    /**
     * {@code x} as a value of {@code n}'s type: x itself when the types are equal, else x transposed (same axes in
     * another order) or expanded (fewer axes); null when dtype or unit differ.
     */
    static Node asType(Node x, Node n, Graph.Builder b) {
        TensorType t = n.type(), xt = x.type();
        if (xt.equals(t)) return x;
        if (xt.dtype() != t.dtype() || !xt.unit().equals(t.unit()) || !t.axisNameSet().containsAll(xt.axisNameSet())) return null;
        Op op = xt.axisNameSet().equals(t.axisNameSet()) ? Op.TRANSPOSE : Op.EXPAND;
        try {
            return b.add(op, new Attr.None(), List.of(x), t, n.span(), n.scope());
        } catch (TypeRuleException | IllegalArgumentException e) {
            return null;
        }
    }
}
