package ncd.frontend.parse;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceFile;
import ncd.diag.SourceSpan;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Module;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.OpArg;
import ncd.frontend.ast.Stmt;
import ncd.frontend.ast.TypeExpr;
import ncd.frontend.ast.UnitExpr;
import ncd.grammar.NcdLexer;
import ncd.grammar.NcdParser;
import ncd.grammar.NcdParser.*;
import ncd.ir.DType;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Parse tree to AST. After a syntax error the parser recovers with partial trees; this builder skips what is
 * missing (null children) rather than failing, and the caller discards the AST of a file with syntax errors.
 */
final class AstBuilder {
    private final SourceFile file;
    private final Diagnostics diags;

    AstBuilder(SourceFile file, Diagnostics diags) {
        this.file = file;
        this.diags = diags;
    }

    Module module(FileContext ctx) {
        List<Name> name = ctx.moduleDecl() == null ? null : qualified(ctx.moduleDecl().qualifiedName());
        List<Module.Import> imports = new ArrayList<>();
        for (ImportDeclContext i : ctx.importDecl()) {
            List<Name> names = null;
            if (i.ID() != null && !i.ID().isEmpty()) names = i.ID().stream().map(this::name).toList();
            imports.add(new Module.Import(span(i), qualified(i.qualifiedName()), names));
        }
        List<Decl> decls = new ArrayList<>();
        for (TopDeclContext t : ctx.topDecl()) {
            Decl d = topDecl(t);
            if (d != null) decls.add(d);
        }
        return new Module(file, name, imports, decls);
    }

    /** A module path's segments; a keyword or dtype among them (the grammar lets it parse) is reported here. */
    private List<Name> qualified(QualifiedNameContext q) {
        if (q == null) return List.of();
        List<ParserRuleContext> parts = new ArrayList<>();
        parts.add(q.pathStart());
        parts.addAll(q.pathSegment());
        List<Name> out = new ArrayList<>();
        for (ParserRuleContext p : parts) {
            Token t = p.getStart();
            if (t.getType() != NcdLexer.ID) {
                String[] why = SyntaxErrors.reservedInModulePath(t);
                diags.error(span(t), DiagCode.E0101, why[0], why[1]);
            }
            out.add(new Name(t.getText(), span(t)));
        }
        return out;
    }

    private Decl topDecl(TopDeclContext t) {
        if (t.axisDecl() != null) return axes(t.axisDecl());
        if (t.unitDecl() != null) return unit(t.unitDecl());
        if (t.constDecl() != null) return consts(t.constDecl());
        if (t.circuitDecl() != null) return circuit(t.circuitDecl());
        if (t.lawDecl() != null) return law(t.lawDecl());
        if (t.trainDecl() != null) return train(t.trainDecl());
        return null;
    }

    Decl.Axes axes(AxisDeclContext c) {
        List<Decl.AxisDef> defs = new ArrayList<>();
        for (AxisDefContext d : c.axisDef()) {
            Integer size = null;
            if (d.NUMBER() != null) {
                size = positiveInt(d.NUMBER().getSymbol(), "an axis size");
            }
            defs.add(new Decl.AxisDef(name(d.ID(0)), size, d.sign == null ? null : new Name(d.sign.getText(), span(d.sign))));
        }
        return new Decl.Axes(span(c), defs);
    }

    private Decl.UnitDef unit(UnitDeclContext c) {
        double scale = c.NUMBER() == null ? 1.0 : number(c.NUMBER().getSymbol());
        UnitExpr def = c.unitExpr() == null ? null : unitExpr(c.unitExpr());
        if (c.NUMBER() != null && def == null) def = new UnitExpr(span(c), List.of());
        return new Decl.UnitDef(span(c), name(c.ID()), scale, def);
    }

    UnitExpr unitExpr(UnitExprContext c) {
        List<UnitExpr.Term> terms = new ArrayList<>();
        for (int i = 0; i < c.unitFactor().size(); i++) {
            int sign = i > 0 && c.unitOp.get(i - 1).getText().equals("/") ? -1 : 1;
            unitFactor(c.unitFactor(i), sign, terms);
        }
        return new UnitExpr(span(c), terms);
    }

    private void unitFactor(UnitFactorContext f, int sign, List<UnitExpr.Term> out) {
        if (f.unitExpr() != null) {
            for (UnitExpr.Term t : unitExpr(f.unitExpr()).terms()) out.add(new UnitExpr.Term(t.unit(), t.exponent() * sign));
            return;
        }
        if (f.ID() == null) return;
        int exp = 1;
        if (f.NUMBER() != null) {
            Integer e = integer(f.NUMBER().getSymbol(), "a unit exponent");
            exp = e == null ? 1 : e;
            if (f.sign != null) exp = -exp;
        }
        out.add(new UnitExpr.Term(name(f.ID()), exp * sign));
    }

    Decl.Consts consts(ConstDeclContext c) {
        List<Decl.ConstDef> defs = new ArrayList<>();
        for (ConstDefContext d : c.constDef()) {
            if (d.ID() == null || d.expr() == null) continue;
            defs.add(new Decl.ConstDef(span(d), name(d.ID()), d.type() == null ? null : type(d.type()), expr(d.expr())));
        }
        return new Decl.Consts(span(c), defs);
    }

    private Decl.Circuit circuit(CircuitDeclContext c) {
        if (c instanceof CircuitBodyContext b) {
            List<Decl.OutputDecl> outs = new ArrayList<>();
            boolean tuple = false;
            if (b.outputs() instanceof SingleOutputContext s) {
                if (s.type() != null) outs.add(new Decl.OutputDecl(null, type(s.type())));
            } else if (b.outputs() instanceof TupleOutputContext t) {
                tuple = true;
                for (OutputContext o : t.output()) {
                    if (o.type() != null) outs.add(new Decl.OutputDecl(o.ID() == null ? null : name(o.ID()), type(o.type())));
                }
            }
            List<Stmt> body = b.block() == null ? List.of() : body(b.block());
            return new Decl.Circuit(span(c), name(b.ID()), generics(b.genericParams()), params(b.paramList()), outs, tuple, body, null);
        }
        CircuitComposedContext k = (CircuitComposedContext) c;
        return new Decl.Circuit(span(c), name(k.ID()), generics(k.genericParams()), List.of(), List.of(), false, null, comp(k.comp()));
    }

    private Decl.Comp comp(CompContext c) {
        if (c instanceof ParCompContext p) return new Decl.Par(span(c), comp(p.comp(0)), comp(p.comp(1)));
        if (c instanceof SeqCompContext s) return new Decl.Seq(span(c), comp(s.comp(0)), comp(s.comp(1)));
        if (c instanceof ParenCompContext p) return comp(p.comp());
        RefCompContext r = (RefCompContext) c;
        return new Decl.CompRef(span(c), name(r.ID()), genericArgs(r.genericArgs()));
    }

    private Decl.Law law(LawDeclContext c) {
        double tol = c.tol == null ? 0.0 : number(c.tol);
        Expr e = c.expr() == null ? null : expr(c.expr());
        if (!(e instanceof Expr.Binary b) || b.op() != Expr.BinOp.EQ) {
            diags.error(e == null ? span(c) : e.span(), DiagCode.E0104, "the body of " + c.kind.getText() + " " + text(c.ID(0)) + " is not an equation",
                    "write `law name(x: f32[A]): lhs == rhs within 1e-6`");
            return null;
        }
        int steps = 0;
        if (c.count != null) {
            Integer k = integer(c.count, "a step count");
            String word = c.word == null ? "" : c.word.getText();
            if (!word.equals("steps") && !word.equals("step")) {
                diags.error(span(c.word == null ? c.count : c.word), DiagCode.E0101, "expected `after " + c.count.getText() + " steps`, found `" + word + "`", null);
                return null;
            }
            steps = k == null ? 0 : Math.max(0, k);
        }
        return new Decl.Law(span(c), name(c.ID(0)), generics(c.genericParams()), params(c.paramList()), b.left(), b.right(), tol,
                c.kind.getText().equals("expect"), steps);
    }

    private Decl.Train train(TrainDeclContext c) {
        List<Decl.Setting> settings = new ArrayList<>();
        for (SettingContext s : c.setting()) {
            List<Decl.SettingValue> values = new ArrayList<>();
            SettingValueContext v = s.settingValue();
            if (v instanceof NumberSettingContext n) {
                double x = number(n.NUMBER().getSymbol());
                String text = n.NUMBER().getText();
                boolean integral = !text.contains(".") && !text.contains("e") && !text.contains("E");
                values.add(new Decl.SettingValue(span(v), n.sign != null ? -x : x, integral, null));
            } else if (v instanceof ListSettingContext l) {
                // the paths between the brackets: IDs joined by the dots that follow them
                StringBuilder path = new StringBuilder();
                Token first = null;
                for (int i = 1; i < l.getChildCount() - 1; i++) {
                    String t = l.getChild(i).getText();
                    if (t.equals(",")) {
                        values.add(new Decl.SettingValue(span(first), null, false, path.toString()));
                        path.setLength(0);
                        first = null;
                    } else {
                        if (first == null && l.getChild(i) instanceof TerminalNode tn) first = tn.getSymbol();
                        path.append(t);
                    }
                }
                if (first != null) values.add(new Decl.SettingValue(span(first), null, false, path.toString()));
            } else {
                values.add(new Decl.SettingValue(span(v), null, false, v.getText()));
            }
            settings.add(new Decl.Setting(span(s), name(s.ID()), values, v instanceof ListSettingContext));
        }
        return new Decl.Train(span(c), name(c.ID(0)), name(c.ID(1)), settings);
    }

    private List<Name> generics(GenericParamsContext g) {
        return g == null ? List.of() : g.ID().stream().map(this::name).toList();
    }

    private List<Decl.ParamDecl> params(ParamListContext p) {
        if (p == null) return List.of();
        List<Decl.ParamDecl> out = new ArrayList<>();
        for (ParamContext x : p.param()) {
            if (x.ID() != null && x.type() != null) out.add(new Decl.ParamDecl(name(x.ID()), type(x.type())));
        }
        return out;
    }

    TypeExpr type(TypeContext t) {
        boolean complex = t.DTYPE().getText().equals(ncd.ir.Complex.AXIS);
        DType d = complex ? DType.F32 : DType.fromWord(t.DTYPE().getText());
        List<Name> axes = t.ID().stream().map(this::name).toList();
        return new TypeExpr(span(t), d, axes, t.unitExpr() == null ? null : unitExpr(t.unitExpr()), complex);
    }

    // ---- statements

    private void addStmt(StmtContext s, List<Stmt> out) {
        if (s instanceof ConstStmtContext c) {
            // `const a = 1, b = 2` is one statement per constant
            for (Decl.ConstDef d : consts(c.constDecl()).defs()) out.add(new Stmt.Const(d.span(), d));
            return;
        }
        Stmt st = stmt(s);
        if (st != null) out.add(st);
    }

    private Stmt stmt(StmtContext s) {
        if (s instanceof LetStmtContext l) {
            if (l.ID() == null || l.expr() == null) return null;
            return new Stmt.Let(span(s), name(l.ID()), l.type() == null ? null : type(l.type()), expr(l.expr()));
        }
        if (s instanceof LetTupleStmtContext l) {
            if (l.expr() == null) return null;
            return new Stmt.LetTuple(span(s), l.ID().stream().map(this::name).toList(), expr(l.expr()));
        }
        if (s instanceof ParamStmtContext p) {
            if (p.type() == null || p.init() == null) return null;
            Stmt.Bound bound = null;
            if (p.bound() != null && p.bound().expr() != null) {
                bound = new Stmt.Bound(span(p.bound()), p.bound().op.getText().equals(">="), expr(p.bound().expr()));
            }
            return new Stmt.Param(span(s), p.ID().stream().map(this::name).toList(), type(p.type()), bound, init(p.init()));
        }
        if (s instanceof StateStmtContext st) {
            if (st.ID() == null || st.type() == null || st.expr() == null) return null;
            return new Stmt.State(span(s), name(st.ID()), type(st.type()), expr(st.expr()));
        }
        if (s instanceof NextStmtContext n) {
            if (n.ID() == null || n.expr() == null) return null;
            return new Stmt.Next(span(s), name(n.ID()), expr(n.expr()));
        }
        if (s instanceof ReturnStmtContext r) {
            if (r.expr() == null) return null;
            return new Stmt.Return(span(s), expr(r.expr()));
        }
        if (s instanceof YieldStmtContext y) return y.expr() == null ? null : new Stmt.Yield(span(s), expr(y.expr()));
        if (s instanceof UntilStmtContext u) return u.expr() == null ? null : new Stmt.Until(span(s), expr(u.expr()));
        if (s instanceof EquationStmtContext e) return equation(e.equation());
        if (s instanceof EventStmtContext e) return event(e.event());
        if (s instanceof JumpStmtContext j) {
            if (j.jump().ID() == null || j.jump().expr() == null) return null;
            return new Stmt.Jump(span(s), name(j.jump().ID()), expr(j.jump().expr()));
        }
        return null;
    }

    /** {@code dv/dt = e}: the left side must be d + a state name over dt. */
    private Stmt equation(EquationContext e) {
        if (e.d == null || e.dt == null || e.expr() == null) return null;
        String d = e.d.getText();
        if (!d.startsWith("d") || d.length() < 2 || !e.dt.getText().equals("dt")) {
            diags.error(span(e.d).to(span(e.dt)), DiagCode.E0714, "`" + d + "/" + e.dt.getText() + "` is not a derivative in time",
                    "an equation's left side is d, the state's name, then /dt: `dv/dt = ...` for `state v`");
            return null;
        }
        Token t = e.d;
        SourceSpan sp = span(t);
        Name state = new Name(d.substring(1), new SourceSpan(sp.file(), sp.start() + 1, sp.end()));
        Name method = e.method == null ? null : new Name(e.method.getText(), span(e.method));
        return new Stmt.Equation(span(e), state, new Name("dt", span(e.dt)), expr(e.expr()), method);
    }

    /** {@code on name = cond: v = e, refractory 2 ms}. */
    private Stmt event(EventContext e) {
        if (e.ID() == null || e.expr() == null) return null;
        List<Stmt.Reset> resets = new ArrayList<>();
        Expr refractory = null;
        for (EventActionContext a : e.eventAction()) {
            if (a instanceof ResetActionContext r) {
                if (r.ID() == null || r.expr() == null) return null;
                resets.add(new Stmt.Reset(span(a), name(r.ID()), expr(r.expr())));
            } else if (a instanceof RefractoryActionContext r) {
                if (r.ID() == null || r.expr() == null) return null;
                if (!r.ID().getText().equals("refractory") || refractory != null) {
                    diags.error(span(a), DiagCode.E0718, refractory != null ? "a second refractory period in one event"
                                    : "`" + r.ID().getText() + " ...` is not an event action",
                            "an event resets states (`v = v_reset`) and may name one refractory period (`refractory 2 ms`)");
                    return null;
                }
                refractory = expr(r.expr());
            }
        }
        return new Stmt.Event(span(e), name(e.ID()), expr(e.expr()), resets, refractory);
    }

    private Stmt.Init init(InitContext c) {
        if (c instanceof RandomInitContext r) {
            List<Expr> args = r.args() == null ? List.of() : r.args().expr().stream().map(this::expr).toList();
            return new Stmt.NamedInit(span(c), name(r.ID()), args);
        }
        return new Stmt.ExprInit(span(c), expr(((ExprInitContext) c).expr()));
    }

    // ---- expressions

    Expr expr(ExprContext c) {
        if (c == null) return new Expr.Num(SourceSpan.NONE, 0, true, null);
        SourceSpan sp = span(c);
        if (c instanceof PrimaryExprContext p) return primary(p.primary());
        if (c instanceof PostfixExprContext p) return postfix(sp, expr(p.expr()), p.postfix());
        if (c instanceof PowExprContext p) return new Expr.Binary(sp, Expr.BinOp.POW, expr(p.expr(0)), expr(p.expr(1)));
        if (c instanceof UnaryExprContext u) {
            return new Expr.Unary(sp, u.op.getText().equals("-") ? Expr.UnOp.NEG : Expr.UnOp.NOT, expr(u.expr()));
        }
        if (c instanceof ContractExprContext k) {
            return new Expr.Contract(sp, k.ID().stream().map(this::name).toList(), expr(k.expr(0)), expr(k.expr(1)));
        }
        if (c instanceof MulExprContext m) return new Expr.Binary(sp, binOp(m.op.getText()), expr(m.expr(0)), expr(m.expr(1)));
        if (c instanceof AddExprContext m) return new Expr.Binary(sp, binOp(m.op.getText()), expr(m.expr(0)), expr(m.expr(1)));
        if (c instanceof CmpExprContext m) return new Expr.Binary(sp, binOp(m.op.getText()), expr(m.expr(0)), expr(m.expr(1)));
        if (c instanceof AndExprContext m) return new Expr.Binary(sp, Expr.BinOp.AND, expr(m.expr(0)), expr(m.expr(1)));
        if (c instanceof OrExprContext m) return new Expr.Binary(sp, Expr.BinOp.OR, expr(m.expr(0)), expr(m.expr(1)));
        throw new IllegalStateException("unhandled expression form " + c.getClass().getSimpleName());
    }

    private static Expr.BinOp binOp(String s) {
        for (Expr.BinOp b : Expr.BinOp.values()) if (b.symbol().equals(s)) return b;
        throw new IllegalStateException("operator " + s);
    }

    private Expr postfix(SourceSpan sp, Expr x, PostfixContext p) {
        if (p instanceof RenamePostContext r) {
            List<Expr.RenamePair> pairs = new ArrayList<>();
            List<TerminalNode> ids = r.ID();
            for (int i = 0; i + 1 < ids.size(); i += 2) pairs.add(new Expr.RenamePair(name(ids.get(i)), name(ids.get(i + 1))));
            return new Expr.Rename(sp, x, pairs);
        }
        if (p instanceof IndexVarPostContext v) return new Expr.IndexVar(sp, x, name(v.ID()));
        SelectPostContext s = (SelectPostContext) p;
        return new Expr.Select(sp, x, name(s.ID()), expr(s.expr()));
    }

    private Expr primary(PrimaryContext c) {
        SourceSpan sp = span(c);
        if (c instanceof NumberLitContext n) {
            Token t = n.NUMBER().getSymbol();
            String txt = t.getText();
            boolean integral = !txt.contains(".") && !txt.contains("e") && !txt.contains("E");
            return new Expr.Num(sp, number(t), integral, n.ID() == null ? null : name(n.ID()));
        }
        if (c instanceof BoolLitContext) return new Expr.Bool(sp, c.getText().equals("true"));
        if (c instanceof CastExprContext k && k.DTYPE().getText().equals(ncd.ir.Complex.AXIS)) {
            // c64(x) is the builtin that makes a complex number of a real one (Complexes), not a cast
            return new Expr.Call(sp, new Name(ncd.ir.Complex.AXIS, span(k.DTYPE().getSymbol())), List.of(), List.of(expr(k.expr())));
        }
        if (c instanceof CastExprContext k) return new Expr.Cast(sp, DType.fromWord(k.DTYPE().getText()), expr(k.expr()));
        if (c instanceof CallExprContext k) {
            List<Expr> args = k.args() == null ? List.of() : k.args().expr().stream().map(this::expr).toList();
            return new Expr.Call(sp, name(k.ID()), genericArgs(k.genericArgs()), args);
        }
        if (c instanceof AxisOpExprContext k) {
            List<OpArg> opArgs = k.opArg().stream().map(this::opArg).toList();
            List<Expr> args = k.args() == null ? List.of() : k.args().expr().stream().map(this::expr).toList();
            return new Expr.AxisOp(sp, name(k.ID()), opArgs, args);
        }
        if (c instanceof InstExprContext k) return new Expr.Inst(sp, name(k.ID()), genericArgs(k.genericArgs()));
        if (c instanceof NameExprContext k) return new Expr.Ref(sp, name(k.ID()));
        if (c instanceof ParenExprContext k) return expr(k.expr());
        if (c instanceof TupleExprContext k) return new Expr.Tuple(sp, k.expr().stream().map(this::expr).toList());
        if (c instanceof ScanExprContext k) return scan(k.scan(), sp);
        ForExprContext f = (ForExprContext) c;
        List<Stmt> body = new ArrayList<>();
        if (f.block() != null) body = body(f.block());
        return new Expr.For(sp, name(f.ID(0)), name(f.ID(1)), body);
    }

    private Expr scan(ScanContext k, SourceSpan sp) {
        List<Expr.Carry> carries = new ArrayList<>();
        for (ScanCarryContext c : k.scanCarry()) {
            if (c.ID() == null || c.expr() == null) continue;
            carries.add(new Expr.Carry(name(c.ID()), c.type() == null ? null : type(c.type()), expr(c.expr())));
        }
        List<Stmt> body = k.block() == null ? List.of() : body(k.block());
        if (k.NUMBER() != null) {
            Token t = k.NUMBER().getSymbol();
            double n = number(t);
            int count = n == Math.rint(n) && n >= 0 && n <= Integer.MAX_VALUE ? (int) n : -2;
            return new Expr.Scan(sp, null, null, count, span(t), carries, body);
        }
        return new Expr.Scan(sp, name(k.ID(0)), name(k.ID(1)), -1, null, carries, body);
    }

    private List<Stmt> body(BlockContext b) {
        List<Stmt> out = new ArrayList<>();
        for (StmtContext s : b.stmt()) addStmt(s, out);
        return out;
    }

    private List<Expr.GenericArg> genericArgs(GenericArgsContext g) {
        if (g == null) return List.of();
        List<Expr.GenericArg> out = new ArrayList<>();
        for (GenericArgContext a : g.genericArg()) {
            if (a.ID().size() == 2) out.add(new Expr.GenericArg(name(a.ID(0)), name(a.ID(1))));
            else if (a.ID().size() == 1) out.add(new Expr.GenericArg(null, name(a.ID(0))));
        }
        return out;
    }

    private OpArg opArg(OpArgContext c) {
        SourceSpan sp = span(c);
        if (c instanceof ByArgContext b) {
            Integer size = positiveInt(b.NUMBER().getSymbol(), "a window size");
            return new OpArg.By(sp, name(b.ID(0)), size == null ? 1 : size, b.ID().size() > 1 ? name(b.ID(1)) : null);
        }
        if (c instanceof SplitArgContext s) {
            List<Name> ids = s.ID().stream().map(this::name).toList();
            return new OpArg.SplitInto(sp, ids.get(0), ids.subList(1, ids.size()));
        }
        if (c instanceof MergeArgContext m) {
            List<Name> ids = m.ID().stream().map(this::name).toList();
            return new OpArg.MergeInto(sp, ids.subList(0, ids.size() - 1), ids.get(ids.size() - 1));
        }
        if (c instanceof MapArgContext m) return new OpArg.MapTo(sp, name(m.ID(0)), name(m.ID(1)));
        if (c instanceof RangeArgContext r) {
            Integer a = integer(r.NUMBER(0).getSymbol(), "a range start");
            Integer b = integer(r.NUMBER(1).getSymbol(), "a range end");
            int start = (a == null ? 0 : a) * (r.sign1 != null ? -1 : 1);
            int stop = (b == null ? 0 : b) * (r.sign2 != null ? -1 : 1);
            return new OpArg.Range(sp, name(r.ID(0)), start, stop, r.ID().size() > 1 ? name(r.ID(1)) : null);
        }
        if (c instanceof TextArgContext t) {
            String q = t.STRING().getText();
            return new OpArg.Text(sp, name(t.ID()), q.substring(1, q.length() - 1), span(t.STRING().getSymbol()));
        }
        if (c instanceof NamedArgContext n) return new OpArg.Named(sp, name(n.ID()), expr(n.expr()));
        return new OpArg.Plain(sp, expr(((ExprArgContext) c).expr()));
    }

    // ---- tokens

    private Name name(TerminalNode id) {
        if (id == null) return new Name("<missing>", SourceSpan.NONE);
        Token t = id.getSymbol();
        return new Name(t.getText(), span(t));
    }

    private static String text(TerminalNode n) { return n == null ? "?" : n.getText(); }

    double number(Token t) {
        try {
            return Double.parseDouble(t.getText().replace("_", ""));
        } catch (NumberFormatException e) {
            diags.error(span(t), DiagCode.E0103, "malformed number `" + t.getText() + "`", null);
            return 0;
        }
    }

    private Integer integer(Token t, String what) {
        double v = number(t);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE || t.getText().contains(".")) {
            diags.error(span(t), DiagCode.E0103, what + " must be a whole number, got `" + t.getText() + "`", null);
            return null;
        }
        return (int) v;
    }

    private Integer positiveInt(Token t, String what) {
        Integer v = integer(t, what);
        if (v != null && v < 1) {
            diags.error(span(t), DiagCode.E0103, what + " must be at least 1, got " + v, null);
            return null;
        }
        return v;
    }

    SourceSpan span(ParserRuleContext c) {
        Token a = c.getStart(), b = c.getStop();
        int start = a == null ? 0 : Math.max(0, a.getStartIndex());
        int stop = b == null || b.getStopIndex() < b.getStartIndex() ? start : b.getStopIndex() + 1;
        return new SourceSpan(file, start, Math.max(start, stop));
    }

    SourceSpan span(Token t) {
        int start = Math.max(0, t.getStartIndex());
        return new SourceSpan(file, start, Math.max(start, t.getStopIndex() + 1));
    }
}
