package ncd.lsp;

import ncd.diag.SourceSpan;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Module;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.OpArg;
import ncd.frontend.ast.Stmt;
import ncd.frontend.ast.TypeExpr;
import ncd.frontend.ast.UnitExpr;
import ncd.frontend.resolve.ModuleScope;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every name the root module writes, each with the declaration it means: what go to definition, find references and
 * rename read. Names a module declares at its top level (circuits, laws, trains, constants, axes, units) resolve through
 * the checker's own {@link ModuleScope}, imports and the stdlib included; names a body declares (inputs, lets,
 * parameters, states, constants, generic axes, {@code for} variables) resolve lexically, as the elaborator's
 * {@code Env} does: a body's names are visible anywhere in it (lets may come in any order), a {@code for} body's
 * inside it. A name that resolves to nothing (an error the checker reports, an operation's new axis) has no entry.
 */
final class Occurrences {
    enum Kind { CIRCUIT, LAW, TRAIN, CONST, AXIS, UNIT, INPUT, OUTPUT, LET, PARAM, STATE, INDEX }

    /**
     * A declared name: its kind, where the name is written in its declaration (maybe another module's file), and
     * whether a module declares it at its top level ({@code global}: circuits, laws, trains, constants, axes and units
     * other modules can import) rather than in a body or a signature.
     */
    record Declaration(Kind kind, String name, SourceSpan at, boolean global) {}

    /** A name written at ncd offsets [start, end) of the root file, meaning {@code declaration} (or declaring it). */
    record Occurrence(int start, int end, Declaration declaration, boolean declares) {}

    private final List<Occurrence> list;
    /** The expression each let and constant of this file binds its name to: what its name's hover shows the type of. */
    private final Map<Declaration, SourceSpan> values;

    private Occurrences(List<Occurrence> list, Map<Declaration, SourceSpan> values) {
        list.sort(Comparator.comparingInt(Occurrence::start));
        this.list = List.copyOf(list);
        this.values = Map.copyOf(values);
    }

    /** The names of {@code root} (the AST of {@code scope}'s module) with what each means. */
    static Occurrences of(ModuleScope scope) {
        Walker w = new Walker(scope);
        w.module(scope.ast());
        return new Occurrences(w.found, w.values);
    }

    List<Occurrence> all() { return list; }

    /** The name at {@code offset}, its end included (a cursor just after a name is on it). */
    Optional<Occurrence> at(int offset) {
        Occurrence touching = null;
        for (Occurrence o : list) {
            if (o.start() <= offset && offset < o.end()) return Optional.of(o);
            if (o.end() == offset) touching = o;
        }
        return Optional.ofNullable(touching);
    }

    /** The expression a let or constant of this file binds, if {@code d} is one. */
    Optional<SourceSpan> valueOf(Declaration d) { return Optional.ofNullable(values.get(d)); }

    /** Every occurrence in the root file of {@code d}, its declaration among them when it is in this file. */
    List<Occurrence> of(Declaration d) { return list.stream().filter(o -> o.declaration().equals(d)).toList(); }

    /** The names declared in a body: lexical, innermost first, falling back to the module's scope. */
    private static final class Scope {
        final Scope parent;
        final Map<String, Declaration> values = new HashMap<>();
        final Map<String, Declaration> axes = new HashMap<>();

        Scope(Scope parent) { this.parent = parent; }

        Declaration value(String n) {
            for (Scope s = this; s != null; s = s.parent) if (s.values.containsKey(n)) return s.values.get(n);
            return null;
        }

        Declaration axis(String n) {
            for (Scope s = this; s != null; s = s.parent) if (s.axes.containsKey(n)) return s.axes.get(n);
            return null;
        }
    }

    private static final class Walker {
        final ModuleScope module;
        final String path;
        final List<Occurrence> found = new ArrayList<>();
        final Map<Declaration, SourceSpan> values = new HashMap<>();

        Walker(ModuleScope module) {
            this.module = module;
            this.path = module.ast().file().path();
        }

        void module(Module m) {
            for (Module.Import imp : m.imports()) {
                if (imp.names() == null) continue;
                for (Name n : imp.names()) {
                    Declaration d = moduleValue(n.text());
                    if (d == null) d = moduleAxis(n.text());
                    if (d == null) d = moduleUnit(n.text());
                    use(n, d);
                }
            }
            Scope top = new Scope(null);
            for (Decl d : m.decls()) decl(d, top);
        }

        private void decl(Decl d, Scope top) {
            if (d instanceof Decl.Axes a) {
                for (Decl.AxisDef def : a.defs()) declare(def.name(), Kind.AXIS, null);
            } else if (d instanceof Decl.UnitDef u) {
                declare(u.name(), Kind.UNIT, null);
                if (u.definition() != null) unit(u.definition());
            } else if (d instanceof Decl.Consts cs) {
                for (Decl.ConstDef c : cs.defs()) {
                    bound(declare(c.name(), Kind.CONST, null), c.value());
                    if (c.type() != null) type(c.type(), top);
                    if (c.value() != null) expr(c.value(), top);
                }
            } else if (d instanceof Decl.Circuit c) {
                circuit(c, top);
            } else if (d instanceof Decl.Law l) {
                declare(l.name(), Kind.LAW, null);
                Scope s = new Scope(top);
                for (Name g : l.generics()) declare(g, Kind.AXIS, s.axes);
                for (Decl.ParamDecl p : l.params()) input(p, s);
                expr(l.lhs(), s);
                expr(l.rhs(), s);
            } else if (d instanceof Decl.Train t) {
                declare(t.name(), Kind.TRAIN, null);
                use(t.objective(), moduleValue(t.objective().text()));
            }
        }

        private void circuit(Decl.Circuit c, Scope top) {
            declare(c.name(), Kind.CIRCUIT, null);
            Scope s = new Scope(top);
            for (Name g : c.generics()) declare(g, Kind.AXIS, s.axes);
            for (Decl.ParamDecl p : c.params()) input(p, s);
            for (Decl.OutputDecl o : c.outputs()) {
                if (o.name() != null) declare(o.name(), Kind.OUTPUT, null);
                type(o.type(), s);
            }
            if (c.body() != null) body(c.body(), s);
            if (c.comp() != null) comp(c.comp(), s);
        }

        private void input(Decl.ParamDecl p, Scope s) {
            declare(p.name(), Kind.INPUT, s.values);
            type(p.type(), s);
        }

        /** A body's statements: its names first (a let may be used above it), then what each statement says. */
        private void body(List<Stmt> stmts, Scope s) {
            for (Stmt st : stmts) {
                if (st instanceof Stmt.Let l) bound(declare(l.name(), Kind.LET, s.values), l.value());
                else if (st instanceof Stmt.LetTuple lt) for (Name n : lt.names()) declare(n, Kind.LET, s.values);
                else if (st instanceof Stmt.Param p) for (Name n : p.names()) declare(n, Kind.PARAM, s.values);
                else if (st instanceof Stmt.Const c) bound(declare(c.def().name(), Kind.CONST, s.values), c.def().value());
                else if (st instanceof Stmt.State st2) declare(st2.name(), Kind.STATE, s.values);
                else if (st instanceof Stmt.Event ev) declare(ev.name(), Kind.LET, s.values);
            }
            for (Stmt st : stmts) {
                if (st instanceof Stmt.Let l) {
                    if (l.type() != null) type(l.type(), s);
                    expr(l.value(), s);
                } else if (st instanceof Stmt.LetTuple lt) {
                    expr(lt.value(), s);
                } else if (st instanceof Stmt.Param p) {
                    type(p.type(), s);
                    if (p.bound() != null) expr(p.bound().value(), s);
                    if (p.init() instanceof Stmt.NamedInit ni) for (Expr a : ni.args()) expr(a, s);
                    else if (p.init() instanceof Stmt.ExprInit ei) expr(ei.value(), s);
                } else if (st instanceof Stmt.Const c) {
                    if (c.def().type() != null) type(c.def().type(), s);
                    expr(c.def().value(), s);
                } else if (st instanceof Stmt.State st2) {
                    type(st2.type(), s);
                    if (st2.init() != null) expr(st2.init(), s);
                } else if (st instanceof Stmt.Next n) {
                    use(n.name(), s.value(n.name().text()));
                    expr(n.value(), s);
                } else if (st instanceof Stmt.Return r) {
                    expr(r.value(), s);
                } else if (st instanceof Stmt.Yield y) {
                    expr(y.value(), s);
                } else if (st instanceof Stmt.Until u) {
                    expr(u.cond(), s);
                } else if (st instanceof Stmt.Equation eq) {
                    use(eq.state(), s.value(eq.state().text()));
                    use(eq.dt(), value("dt", s));
                    expr(eq.rhs(), s);
                } else if (st instanceof Stmt.Event ev) {
                    expr(ev.condition(), s);
                    for (Stmt.Reset r : ev.resets()) {
                        use(r.state(), s.value(r.state().text()));
                        expr(r.value(), s);
                    }
                    if (ev.refractory() != null) expr(ev.refractory(), s);
                } else if (st instanceof Stmt.Jump j) {
                    use(j.state(), s.value(j.state().text()));
                    expr(j.value(), s);
                }
            }
        }

        private void comp(Decl.Comp c, Scope s) {
            if (c instanceof Decl.Seq q) {
                comp(q.first(), s);
                comp(q.then(), s);
            } else if (c instanceof Decl.Par p) {
                comp(p.left(), s);
                comp(p.right(), s);
            } else if (c instanceof Decl.CompRef r) {
                use(r.circuit(), moduleValue(r.circuit().text()));
                generics(r.generics(), s);
            }
        }

        private void expr(Expr e, Scope s) {
            if (e == null) return;
            if (e instanceof Expr.Num n) {
                if (n.unit() != null) use(n.unit(), moduleUnit(n.unit().text()));
            } else if (e instanceof Expr.Ref r) {
                // a value, else an axis where a builtin takes one (size(neuron))
                Declaration d = value(r.name().text(), s);
                use(r.name(), d != null ? d : axis(r.name().text(), s));
            } else if (e instanceof Expr.Inst i) {
                use(i.name(), value(i.name().text(), s));
                generics(i.generics(), s);
            } else if (e instanceof Expr.Unary u) {
                expr(u.operand(), s);
            } else if (e instanceof Expr.Binary b) {
                expr(b.left(), s);
                expr(b.right(), s);
            } else if (e instanceof Expr.Contract c) {
                for (Name a : c.axes()) use(a, axis(a.text(), s));
                expr(c.left(), s);
                expr(c.right(), s);
            } else if (e instanceof Expr.Call c) {
                use(c.callee(), value(c.callee().text(), s));
                generics(c.generics(), s);
                for (Expr a : c.args()) expr(a, s);
            } else if (e instanceof Expr.AxisOp a) {
                for (OpArg o : a.opArgs()) opArg(o, s);
                for (Expr x : a.args()) expr(x, s);
            } else if (e instanceof Expr.Cast c) {
                expr(c.operand(), s);
            } else if (e instanceof Expr.Rename r) {
                expr(r.operand(), s);
                for (Expr.RenamePair p : r.pairs()) {
                    use(p.from(), axis(p.from().text(), s));
                    use(p.to(), axis(p.to().text(), s));
                }
            } else if (e instanceof Expr.IndexVar iv) {
                expr(iv.operand(), s);
                use(iv.var(), s.value(iv.var().text()));
            } else if (e instanceof Expr.Select sel) {
                expr(sel.operand(), s);
                use(sel.axis(), axis(sel.axis().text(), s));
                expr(sel.index(), s);
            } else if (e instanceof Expr.Tuple t) {
                for (Expr x : t.items()) expr(x, s);
            } else if (e instanceof Expr.For f) {
                use(f.axis(), axis(f.axis().text(), s));
                Scope inner = new Scope(s);
                declare(f.var(), Kind.INDEX, inner.values);
                body(f.body(), inner);
            } else if (e instanceof Expr.Scan sc) {
                // the carries start from the enclosing body's values; inside, they and the scan variable are names
                for (Expr.Carry c : sc.carries()) {
                    if (c.type() != null) type(c.type(), s);
                    expr(c.init(), s);
                }
                Scope inner = new Scope(s);
                if (sc.axis() != null) {
                    use(sc.axis(), axis(sc.axis().text(), s));
                    declare(sc.var(), Kind.INDEX, inner.values);
                }
                for (Expr.Carry c : sc.carries()) declare(c.name(), Kind.LET, inner.values);
                body(sc.body(), inner);
            }
            // Bool: no names
        }

        /** An operation's bracketed argument: axes it reads resolve; the new axes it makes ({@code -> kh}) do if declared. */
        private void opArg(OpArg o, Scope s) {
            if (o instanceof OpArg.By b) {
                use(b.axis(), axis(b.axis().text(), s));
                if (b.into() != null) use(b.into(), axis(b.into().text(), s));
            } else if (o instanceof OpArg.SplitInto sp) {
                use(sp.axis(), axis(sp.axis().text(), s));
                for (Name p : sp.parts()) use(p, axis(p.text(), s));
            } else if (o instanceof OpArg.MergeInto m) {
                for (Name p : m.parts()) use(p, axis(p.text(), s));
                use(m.into(), axis(m.into().text(), s));
            } else if (o instanceof OpArg.MapTo mt) {
                use(mt.from(), axis(mt.from().text(), s));
                use(mt.to(), axis(mt.to().text(), s));
            } else if (o instanceof OpArg.Range r) {
                use(r.axis(), axis(r.axis().text(), s));
                if (r.into() != null) use(r.into(), axis(r.into().text(), s));
            } else if (o instanceof OpArg.Named n) {
                expr(n.value(), s);
            } else if (o instanceof OpArg.Plain p) {
                // an axis where one is expected (sum[neuron]), else a value (a number, a constant)
                if (p.value() instanceof Expr.Ref r) {
                    Declaration d = axis(r.name().text(), s);
                    use(r.name(), d != null ? d : value(r.name().text(), s));
                } else {
                    expr(p.value(), s);
                }
            }
        }

        private void generics(List<Expr.GenericArg> args, Scope s) {
            for (Expr.GenericArg g : args) if (g.value() != null) use(g.value(), axis(g.value().text(), s));
        }

        private void type(TypeExpr t, Scope s) {
            for (Name a : t.axes()) use(a, axis(a.text(), s));
            if (t.unit() != null) unit(t.unit());
        }

        private void unit(UnitExpr u) {
            for (UnitExpr.Term term : u.terms()) use(term.unit(), moduleUnit(term.unit().text()));
        }

        // ---- resolution

        private Declaration value(String n, Scope s) {
            Declaration local = s.value(n);
            return local != null ? local : moduleValue(n);
        }

        private Declaration axis(String n, Scope s) {
            Declaration local = s.axis(n);
            return local != null ? local : moduleAxis(n);
        }

        private Declaration moduleValue(String n) {
            ModuleScope.Found<Object> f = module.value(n);
            if (f == null || f.alsoIn() != null) return null;
            if (f.decl() instanceof Decl.ConstDef c) return new Declaration(Kind.CONST, n, c.name().span(), true);
            if (f.decl() instanceof Decl.Law l) return new Declaration(Kind.LAW, n, l.name().span(), true);
            if (f.decl() instanceof Decl.Circuit c) {
                return new Declaration(f.module().trains().containsKey(n) ? Kind.TRAIN : Kind.CIRCUIT, n, c.name().span(), true);
            }
            return null;
        }

        private Declaration moduleAxis(String n) {
            ModuleScope.Found<Decl.AxisDef> f = module.axis(n);
            return f == null || f.alsoIn() != null ? null : new Declaration(Kind.AXIS, n, f.decl().name().span(), true);
        }

        private Declaration moduleUnit(String n) {
            ModuleScope.Found<Decl.UnitDef> f = module.unit(n);
            return f == null || f.alsoIn() != null ? null : new Declaration(Kind.UNIT, n, f.decl().name().span(), true);
        }

        // ---- recording

        /** {@code n} declares a name of {@code kind} here; {@code into} is the body scope that sees it (null: the module's). */
        private Declaration declare(Name n, Kind kind, Map<String, Declaration> into) {
            Declaration d = new Declaration(kind, n.text(), n.span(), into == null && kind != Kind.OUTPUT);
            if (into != null) into.putIfAbsent(n.text(), d);
            record(n, d, true);
            return d;
        }

        private void bound(Declaration d, Expr value) {
            if (value != null) values.put(d, value.span());
        }

        private void use(Name n, Declaration d) {
            if (n == null || d == null) return;
            record(n, d, false);
        }

        private void record(Name n, Declaration d, boolean declares) {
            SourceSpan at = n.span();
            // names from a train declaration's made circuits are not written in this file
            if (!at.isKnown() || !at.path().equals(path)) return;
            found.add(new Occurrence(at.start(), at.end(), d, declares));
        }
    }
}
