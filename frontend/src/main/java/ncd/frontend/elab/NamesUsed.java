package ncd.frontend.elab;

import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.OpArg;
import ncd.frontend.ast.Stmt;
import ncd.frontend.ast.TypeExpr;
import ncd.frontend.resolve.ModuleScope;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every identifier a circuit (and the circuits of the same module it calls) writes: in types, axis operations,
 * renames, contractions and names. The driver uses it to find which sized-later axes a circuit needs before
 * lowering it — over-approximate (a local named like an axis counts), never missing one.
 */
final class NamesUsed {
    private NamesUsed() {}

    static void ofCircuit(Decl.Circuit c, ModuleScope m, Set<String> into, Set<Decl.Circuit> seen) {
        if (!seen.add(c)) return;
        for (Decl.ParamDecl p : c.params()) type(p.type(), into);
        for (Decl.OutputDecl o : c.outputs()) type(o.type(), into);
        List<Expr> roots = new ArrayList<>();
        if (c.body() != null) {
            for (Stmt s : c.body()) {
                roots.addAll(Bodies.exprsOf(s));
                if (s instanceof Stmt.Let l && l.type() != null) type(l.type(), into);
                if (s instanceof Stmt.Param p) type(p.type(), into);
                if (s instanceof Stmt.State st) type(st.type(), into);
                if (s instanceof Stmt.Const k && k.def().type() != null) type(k.def().type(), into);
            }
        } else {
            comp(c.comp(), m, into, seen);
        }
        for (Expr e : roots) expr(e, m, into, seen);
    }

    static void ofLaw(Decl.Law l, ModuleScope m, Set<String> into) {
        for (Decl.ParamDecl p : l.params()) type(p.type(), into);
        Set<Decl.Circuit> seen = new java.util.HashSet<>();
        expr(l.lhs(), m, into, seen);
        expr(l.rhs(), m, into, seen);
    }

    private static void comp(Decl.Comp c, ModuleScope m, Set<String> into, Set<Decl.Circuit> seen) {
        if (c instanceof Decl.Seq s) { comp(s.first(), m, into, seen); comp(s.then(), m, into, seen); }
        else if (c instanceof Decl.Par p) { comp(p.left(), m, into, seen); comp(p.right(), m, into, seen); }
        else if (c instanceof Decl.CompRef r) {
            for (Expr.GenericArg g : r.generics()) into.add(g.value().text());
            callee(r.circuit().text(), m, into, seen);
        }
    }

    private static void type(TypeExpr t, Set<String> into) {
        for (Name n : t.axes()) into.add(n.text());
    }

    private static void expr(Expr root, ModuleScope m, Set<String> into, Set<Decl.Circuit> seen) {
        List<Expr> all = new ArrayList<>();
        Exprs.walk(root, all::add);
        for (Expr e : all) {
            if (e instanceof Expr.Ref r) into.add(r.name().text());
            else if (e instanceof Expr.Contract k) k.axes().forEach(n -> into.add(n.text()));
            else if (e instanceof Expr.Rename r) r.pairs().forEach(p -> { into.add(p.from().text()); into.add(p.to().text()); });
            else if (e instanceof Expr.Select s) into.add(s.axis().text());
            else if (e instanceof Expr.For f) {
                into.add(f.axis().text());
                for (Stmt s : f.body()) {
                    if (s instanceof Stmt.Param p) type(p.type(), into);
                    if (s instanceof Stmt.State st) type(st.type(), into);
                }
            } else if (e instanceof Expr.Scan sc) {
                if (sc.axis() != null) into.add(sc.axis().text());
                for (Expr.Carry c : sc.carries()) if (c.type() != null) type(c.type(), into);
            } else if (e instanceof Expr.AxisOp a) {
                for (OpArg o : a.opArgs()) {
                    if (o instanceof OpArg.By b) { into.add(b.axis().text()); if (b.into() != null) into.add(b.into().text()); }
                    else if (o instanceof OpArg.SplitInto sp) { into.add(sp.axis().text()); sp.parts().forEach(n -> into.add(n.text())); }
                    else if (o instanceof OpArg.MergeInto mi) { mi.parts().forEach(n -> into.add(n.text())); into.add(mi.into().text()); }
                    else if (o instanceof OpArg.MapTo mt) { into.add(mt.from().text()); into.add(mt.to().text()); }
                    else if (o instanceof OpArg.Range rg) { into.add(rg.axis().text()); if (rg.into() != null) into.add(rg.into().text()); }
                }
            } else if (e instanceof Expr.Call c) {
                c.generics().forEach(g -> into.add(g.value().text()));
                callee(c.callee().text(), m, into, seen);
            } else if (e instanceof Expr.Inst i) {
                i.generics().forEach(g -> into.add(g.value().text()));
                callee(i.name().text(), m, into, seen);
            }
        }
    }

    /** Circuits of the same module are followed: a sized-later axis of the module may appear only in a callee. */
    private static void callee(String name, ModuleScope m, Set<String> into, Set<Decl.Circuit> seen) {
        Decl.Circuit c = m.circuits().get(name);
        if (c != null) ofCircuit(c, m, into, seen);
    }
}
