package ncd.frontend.elab;

import ncd.diag.SourceSpan;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Stmt;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The linearity analysis of {@link Dynamics}, on the AST: a right side as an affine form in chosen states,
 * {@code sum of coef[x] * x + rest}, with coefficients and rest free of those states (null when it is not one), after
 * the `let`s that read states are written out in place.
 */
final class Linearity {
    private final Env env;
    /** The states with equations. */
    private final Set<String> states;

    Linearity(Env env, Set<String> states) {
        this.env = env;
        this.states = states;
    }


    record Affine(Map<String, Expr> coef, Expr rest) {}

    Affine affine(Expr e, Set<String> xs) {
        if (!mentions(e, xs)) return new Affine(Map.of(), e);
        SourceSpan sp = e.span();
        if (e instanceof Expr.Ref r && xs.contains(r.name().text())) return new Affine(Map.of(r.name().text(), num(sp, 1)), null);
        if (e instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG) {
            Affine a = affine(u.operand(), xs);
            return a == null ? null : map(a, x -> new Expr.Unary(sp, Expr.UnOp.NEG, x));
        }
        if (e instanceof Expr.Binary b) {
            switch (b.op()) {
                case ADD, SUB -> {
                    Affine l = affine(b.left(), xs), r = affine(b.right(), xs);
                    if (l == null || r == null) return null;
                    Map<String, Expr> c = new LinkedHashMap<>(l.coef);
                    for (Map.Entry<String, Expr> rc : r.coef.entrySet()) {
                        Expr have = c.get(rc.getKey());
                        c.put(rc.getKey(), have == null ? (b.op() == Expr.BinOp.ADD ? rc.getValue() : new Expr.Unary(sp, Expr.UnOp.NEG, rc.getValue()))
                                : bin(b.op(), have, rc.getValue()));
                    }
                    Expr rest = l.rest == null ? (r.rest == null ? null : b.op() == Expr.BinOp.ADD ? r.rest : new Expr.Unary(sp, Expr.UnOp.NEG, r.rest))
                            : r.rest == null ? l.rest : new Expr.Binary(sp, b.op(), l.rest, r.rest);
                    return new Affine(c, rest);
                }
                case MUL -> {
                    if (!mentions(b.left(), xs)) {
                        Affine r = affine(b.right(), xs);
                        return r == null ? null : map(r, x -> new Expr.Binary(sp, Expr.BinOp.MUL, b.left(), x));
                    }
                    if (!mentions(b.right(), xs)) {
                        Affine l = affine(b.left(), xs);
                        return l == null ? null : map(l, x -> new Expr.Binary(sp, Expr.BinOp.MUL, x, b.right()));
                    }
                    return null;
                }
                case DIV -> {
                    if (mentions(b.right(), xs)) return null;
                    Affine l = affine(b.left(), xs);
                    return l == null ? null : map(l, x -> new Expr.Binary(sp, Expr.BinOp.DIV, x, b.right()));
                }
                default -> { return null; }
            }
        }
        return null;
    }

    private static Affine map(Affine a, java.util.function.UnaryOperator<Expr> f) {
        Map<String, Expr> c = new LinkedHashMap<>();
        for (Map.Entry<String, Expr> e : a.coef.entrySet()) c.put(e.getKey(), f.apply(e.getValue()));
        return new Affine(c, a.rest == null ? null : f.apply(a.rest));
    }

    static boolean mentions(Expr e, Set<String> xs) {
        boolean[] hit = {false};
        Exprs.walk(e, x -> { if (x instanceof Expr.Ref r && xs.contains(r.name().text())) hit[0] = true; });
        return hit[0];
    }

    /**
     * The right side with every `let` that reads a state with an equation written out in place, so that the analysis
     * sees the states and the Runge-Kutta stages recompute them.
     */
    Expr inline(Expr e) { return inline(e, new HashSet<>()); }

    private Expr inline(Expr e, Set<String> visiting) {
        if (e instanceof Expr.Ref r) {
            Env.Binding b = env.bindings.get(r.name().text());
            if (b != null && b.stmt instanceof Stmt.Let l && l.type() == null && !visiting.contains(b.name) && readsStates(l.value(), new HashSet<>())) {
                visiting.add(b.name);
                Expr in = inline(l.value(), visiting);
                visiting.remove(b.name);
                return in;
            }
            return e;
        }
        // a subtree that reads no such let is returned as it is (calls keep their identity, which numbers instances)
        if (!readsStates(e, new HashSet<>()) || !readsLet(e)) return e;
        SourceSpan sp = e.span();
        if (e instanceof Expr.Unary u) return new Expr.Unary(sp, u.op(), inline(u.operand(), visiting));
        if (e instanceof Expr.Binary b) return new Expr.Binary(sp, b.op(), inline(b.left(), visiting), inline(b.right(), visiting));
        if (e instanceof Expr.Call c) return new Expr.Call(sp, c.callee(), c.generics(), c.args().stream().map(a -> inline(a, visiting)).toList());
        if (e instanceof Expr.Cast c) return new Expr.Cast(sp, c.to(), inline(c.operand(), visiting));
        if (e instanceof Expr.Contract c) return new Expr.Contract(sp, c.axes(), inline(c.left(), visiting), inline(c.right(), visiting));
        return e;
    }

    /** Whether {@code e} names a `let` of this body. */
    private boolean readsLet(Expr e) {
        boolean[] hit = {false};
        Exprs.walk(e, x -> {
            if (x instanceof Expr.Ref r && env.bindings.get(r.name().text()) != null && env.bindings.get(r.name().text()).stmt instanceof Stmt.Let) hit[0] = true;
        });
        return hit[0];
    }

    private boolean readsStates(Expr e, Set<String> visiting) {
        boolean[] hit = {false};
        Exprs.walk(e, x -> {
            if (hit[0] || !(x instanceof Expr.Ref r)) return;
            String n = r.name().text();
            if (states.contains(n)) hit[0] = true;
            Env.Binding b = env.bindings.get(n);
            if (b != null && b.stmt instanceof Stmt.Let l && visiting.add(n) && readsStates(l.value(), visiting)) hit[0] = true;
        });
        return hit[0];
    }

    private static Expr num(SourceSpan sp, double v) { return new Expr.Num(sp, v, false, null); }
    private static Expr bin(Expr.BinOp op, Expr a, Expr b) { return new Expr.Binary(a.span(), op, a, b); }
}
