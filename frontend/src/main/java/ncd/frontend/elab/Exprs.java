package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.SourceSpan;
import ncd.frontend.TypeSink;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.OpArg;
import ncd.frontend.ast.Stmt;
import ncd.frontend.resolve.ModuleScope;
import ncd.frontend.resolve.UnitTable;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Op;
import ncd.ir.OpSpecs;
import ncd.ir.Scalars;
import ncd.ir.TensorType;
import ncd.ir.TypeRuleException;
import ncd.ir.Unit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Expressions. Number literals stay "weak" (a value, no node) and fold with each other, so {@code -65 mV} or
 * {@code tau / 2} cost nothing; a weak value becomes a constant node of the right dtype where it meets a tensor.
 */
final class Exprs {
    private final Elaborator el;

    Exprs(Elaborator el) { this.el = el; }

    /**
     * @param letName    the name a `let` binds the result to: names the instance when the expression is a call
     * @param tupleOk    whether a tuple may result (a `let (a, b) =` or a `for` body's return)
     */
    Value eval(Expr e, Env env, String letName, boolean tupleOk) {
        if (e instanceof Expr.Tuple t) {
            if (!tupleOk) {
                el.diags.error(t.span(), DiagCode.E0105, "a tuple here", "tuples appear only in `return (a, b)` and `let (a, b) = ...`");
                return Value.ERROR;
            }
            List<Value> items = new ArrayList<>();
            for (Expr x : t.items()) items.add(eval(x, env, null, false));
            return new Value.Tuple(items);
        }
        Value v = evalInner(e, env, letName);
        if (v instanceof Value.Tensor t && el.types != TypeSink.NONE) el.types.type(e.span(), t.type(), el.units.display(t.type().unit()));
        if (!tupleOk && v instanceof Value.Tuple tu) {
            el.diags.error(e.span(), DiagCode.E0602, "this gives " + tu.items().size() + " values where one is needed",
                    "bind them first: let (a, b) = ...");
            return Value.ERROR;
        }
        return v;
    }

    private Value evalInner(Expr e, Env env, String letName) {
        if (e instanceof Expr.Num n) return number(n, env);
        if (e instanceof Expr.Bool b) {
            return el.emit(Op.CONST, new Attr.Scalar(b.value() ? 1 : 0), List.of(), TensorType.scalar(DType.BOOL), b.span(), env, 0);
        }
        if (e instanceof Expr.Ref r) return ref(r, env, letName, null);
        if (e instanceof Expr.Inst i) return instance(i, env, letName);
        if (e instanceof Expr.Unary u) return unary(u, env);
        if (e instanceof Expr.Binary b) return binary(b, env);
        if (e instanceof Expr.Contract c) return contract(c, env);
        if (e instanceof Expr.Call c) return call(c, env, letName);
        if (e instanceof Expr.AxisOp a) return el.builtins.axisOp(a, env);
        if (e instanceof Expr.Cast c) return cast(c, env);
        if (e instanceof Expr.Rename r) return rename(r, env);
        if (e instanceof Expr.IndexVar iv) return indexVar(iv, env);
        if (e instanceof Expr.Select s) return select(s, env);
        if (e instanceof Expr.For f) return forMap(f, env);
        if (e instanceof Expr.Scan s) return el.scans.scan(s, env);
        throw new IllegalStateException("unhandled expression " + e.getClass().getSimpleName());
    }

    Value.Tensor tensor(Expr e, Env env) {
        Value v = eval(e, env, null, false);
        if (v instanceof Value.Tensor t) return t;
        if (!(v instanceof Value.Error)) {
            el.diags.error(e.span(), DiagCode.E0603, "a tensor is needed here, got " + Elaborator.describe(v),
                    v instanceof Value.Instance ? "call it: " + ((Value.Instance) v).circuit().name().text() + "(...)" : null);
        }
        return null;
    }

    // ---- leaves

    private Value number(Expr.Num n, Env env) {
        double scale = 1;
        Unit unit = Unit.NONE;
        if (n.unit() != null) {
            UnitTable.Resolved r = el.units.lookup(n.unit(), env.module);
            if (r == null) return Value.ERROR;
            scale = r.scale();
            unit = r.dimension();
        }
        DType d = n.integral() && n.unit() == null ? DType.I32 : DType.F32;
        return Elaborator.weak(n.value() * scale, d, unit);
    }

    /** A name: a binding of this body (or an enclosing one), a module constant, or a circuit (as an instance). */
    Value ref(Expr.Ref r, Env env, String letName, Axis indexedBy) {
        String name = r.name().text();
        Env.Owned o = env.lookup(name);
        if (o != null) {
            Value v = el.bodies.value(o.binding(), o.owner());
            if (v instanceof Value.Tensor t && !t.weak()) {
                // a tensor from outside a `for` with the mapped axis must be indexed by the for's variable
                for (Env e = env; e != null && e != o.owner(); e = e.parent) {
                    for (Map.Entry<String, Axis> iv : e.indexVars.entrySet()) {
                        Axis a = iv.getValue();
                        if (t.type().hasAxis(a.name()) && (indexedBy == null || !indexedBy.name().equals(a.name()))) {
                            el.diags.error(r.span(), DiagCode.E0310, "`" + name + "` has axis " + a.name() + ", which the enclosing `for "
                                    + iv.getKey() + " in " + a.name() + "` maps", "index it: " + name + "[" + iv.getKey() + "]");
                            return Value.ERROR;
                        }
                    }
                }
            }
            return v;
        }
        ModuleScope.Found<Object> f = env.module.value(name);
        if (f != null) {
            if (f.alsoIn() != null) {
                el.diags.error(r.span(), DiagCode.E0207, "`" + name + "` is declared by both " + f.module().name() + " and " + f.alsoIn().name(),
                        "import just one: import " + f.module().name() + ".{" + name + "}");
                return Value.ERROR;
            }
            if (f.decl() instanceof Decl.ConstDef c) return el.bodies.moduleConstant(c, f.module(), env);
            if (f.decl() instanceof Decl.Circuit c) {
                String path = env.path(letName != null ? letName : name);
                return new Value.Instance(c, new CircuitRef(c, f.module()), path, List.of());
            }
            el.diags.error(r.span(), DiagCode.E0603, "`" + name + "` is a law, not a value", null);
            return Value.ERROR;
        }
        if (env.module.axis(name) != null || env.axes.containsKey(name)) {
            el.diags.error(r.span(), DiagCode.E0201, "`" + name + "` is an axis, not a value", "its size as a number is size(" + name + ")");
            return Value.ERROR;
        }
        el.unknown.value(r.name(), env);
        return Value.ERROR;
    }

    /** {@code EncoderBlock<seq, d>} as a value: an instance of a generic circuit with its generic axes given. */
    private Value instance(Expr.Inst i, Env env, String letName) {
        Value v = ref(new Expr.Ref(i.span(), i.name()), env, letName, null);
        if (v instanceof Value.Error) return v;
        if (!(v instanceof Value.Instance inst) || env.lookup(i.name().text()) != null) {
            el.diags.error(i.span(), DiagCode.E0307, "`" + i.name().text() + "` is not a circuit, so it takes no generic axes", null);
            return Value.ERROR;
        }
        return new Value.Instance(inst.circuit(), inst.ref(), inst.path(), i.generics());
    }

    // ---- operators

    private Value unary(Expr.Unary u, Env env) {
        Value.Tensor x = tensor(u.operand(), env);
        if (x == null) return Value.ERROR;
        if (u.op() == Expr.UnOp.NEG) {
            if (x.weak()) return new Value.Tensor(x.type(), null, 0, true, Scalars.unary(new Attr.Unary(Attr.UnaryFn.NEG), x.constant()));
            return el.emit(Op.UNARY, new Attr.Unary(Attr.UnaryFn.NEG), List.of(x), null, u.span(), env, 0);
        }
        if (x.weak()) {
            el.diags.error(u.span(), DiagCode.E0402, "`not` needs bool, got a number", null);
            return Value.ERROR;
        }
        return el.emit(Op.UNARY, new Attr.Unary(Attr.UnaryFn.NOT), List.of(x), null, u.span(), env, 0);
    }

    private Value binary(Expr.Binary b, Env env) {
        Value.Tensor l = tensor(b.left(), env), r = tensor(b.right(), env);
        if (l == null || r == null) return Value.ERROR;
        Attr.BinaryFn fn = switch (b.op()) {
            case ADD -> Attr.BinaryFn.ADD;
            case SUB -> Attr.BinaryFn.SUB;
            case MUL -> Attr.BinaryFn.MUL;
            case DIV -> Attr.BinaryFn.DIV;
            case MOD -> Attr.BinaryFn.MOD;
            case POW -> Attr.BinaryFn.POW;
            case EQ -> Attr.BinaryFn.EQ;
            case NE -> Attr.BinaryFn.NE;
            case LT -> Attr.BinaryFn.LT;
            case LE -> Attr.BinaryFn.LE;
            case GT -> Attr.BinaryFn.GT;
            case GE -> Attr.BinaryFn.GE;
            case AND -> Attr.BinaryFn.AND;
            case OR -> Attr.BinaryFn.OR;
        };
        return apply(fn, l, r, b.span(), env, (span, e) -> el.operators.report(b, fn, l, r, span, e, env));
    }

    /** A binary function of two values: folds weak operands, materializes a weak one against a tensor. */
    Value apply(Attr.BinaryFn fn, Value.Tensor l, Value.Tensor r, SourceSpan span, Env env) {
        return apply(fn, l, r, span, env, el::report);
    }

    private Value apply(Attr.BinaryFn fn, Value.Tensor l, Value.Tensor r, SourceSpan span, Env env, Elaborator.Refusal refusal) {
        if (ncd.ir.Complex.is(l.type()) || ncd.ir.Complex.is(r.type())) return el.complexes.binary(fn, l, r, span, env);
        if (fn == Attr.BinaryFn.POW && r.weak() && !l.weak()) {
            return el.emit(Op.UNARY, new Attr.Unary(Attr.UnaryFn.POW_CONST, r.constant()), List.of(l), null, span, env, 0, refusal);
        }
        if (l.weak() && r.weak()) return fold(fn, l, r, span, env, refusal);
        // `h * where(h >= 0, 1, -1)`: the literals' choice takes h's dtype, as a literal would
        if (!l.weak() && !r.weak() && l.type().dtype() != r.type().dtype()) {
            if (el.retyped(r, l.type().dtype()) instanceof Value.Tensor rr) r = rr; else return Value.ERROR;
            if (el.retyped(l, r.type().dtype()) instanceof Value.Tensor ll) l = ll; else return Value.ERROR;
        }
        Value a = l.weak() ? el.materialize(l, r.type().dtype(), span, env) : l;
        Value c = r.weak() ? el.materialize(r, l.type().dtype(), span, env) : r;
        return el.emit(Op.BINARY, new Attr.Binary(fn), List.of(a, c), null, span, env, 0, refusal);
    }

    private Value fold(Attr.BinaryFn fn, Value.Tensor l, Value.Tensor r, SourceSpan span, Env env, Elaborator.Refusal refusal) {
        // the unit rule is the op's own; check it on scalar stand-ins
        DType d = l.type().dtype() == DType.F32 || r.type().dtype() == DType.F32 || fn == Attr.BinaryFn.DIV ? DType.F32 : DType.I32;
        TensorType lt = new TensorType(d, List.of(), l.type().unit()), rt = new TensorType(d, List.of(), r.type().unit());
        TensorType out;
        try {
            out = OpSpecs.infer(Op.BINARY, new Attr.Binary(fn), List.of(lt, rt), null);
        } catch (TypeRuleException e) {
            refusal.report(span, e);
            return Value.ERROR;
        }
        // weak numbers are exact until materialized: computed in double, as a float op computes
        double v = Scalars.binary(fn, false, l.constant(), r.constant());
        if (out.dtype() == DType.BOOL) {
            return el.emit(Op.CONST, new Attr.Scalar(Double.isNaN(v) ? 0 : v), List.of(), TensorType.scalar(DType.BOOL), span, env, 0);
        }
        if (fn == Attr.BinaryFn.POW && !out.unit().isNone()) d = DType.F32;
        return new Value.Tensor(out.withDType(d), null, 0, true, v);
    }

    private Value contract(Expr.Contract c, Env env) {
        Value.Tensor l = tensor(c.left(), env), r = tensor(c.right(), env);
        if (l == null || r == null) return Value.ERROR;
        List<String> axes = new ArrayList<>();
        for (Name n : c.axes()) {
            Axis a = logicalAxis(n, env);
            if (a == null) return Value.ERROR;
            axes.add(a.name());
        }
        if (ncd.ir.Complex.is(l.type()) || ncd.ir.Complex.is(r.type())) return el.complexes.contract(l, r, axes, c.span(), env);
        Value a = el.materialize(l, r.weak() ? DType.F32 : r.type().dtype(), c.span(), env);
        Value b = el.materialize(r, l.weak() ? DType.F32 : l.type().dtype(), c.span(), env);
        Value out = el.emit(Op.CONTRACT, new Attr.Contract(axes), List.of(a, b), null, c.span(), env, 0);
        if (out instanceof Value.Tensor t && a instanceof Value.Tensor at && b instanceof Value.Tensor bt) {
            el.contractions.put(t, new Elaborator.Contraction(c, Elaborator.logical(at.type(), env), Elaborator.logical(bt.type(), env)));
        }
        return out;
    }

    /** An axis named by the user in an operation: known here and not one of the axes being mapped over. */
    Axis logicalAxis(Name n, Env env) {
        Axis a = el.axis(n, env);
        if (a == null) return null;
        if (env.isMapped(a.name())) {
            el.diags.error(n.span(), DiagCode.E0302, "axis " + a.name() + " is mapped over here, so operations cannot name it",
                    "inside a `for` or a broadcast call each index is handled separately");
            return null;
        }
        return a;
    }

    private Value cast(Expr.Cast c, Env env) {
        Value.Tensor x = tensor(c.operand(), env);
        if (x == null) return Value.ERROR;
        if (ncd.ir.Complex.is(x.type())) {
            el.diags.error(c.span(), DiagCode.E0405, c.to().word() + "(z) of a c64 value: a complex number has no single real value",
                    "take a real part: re(z), im(z), abs(z) or angle(z)");
            return Value.ERROR;
        }
        if (x.weak()) {
            double v = Scalars.cast(c.to(), x.constant());
            if (c.to() == DType.BOOL) return el.emit(Op.CONST, new Attr.Scalar(v), List.of(), TensorType.scalar(DType.BOOL), c.span(), env, 0);
            return new Value.Tensor(x.type().withDType(c.to()), null, 0, true, v);
        }
        if (x.type().dtype() == c.to()) return x;
        return el.emit(Op.CAST, new Attr.Cast(c.to()), List.of(x), null, c.span(), env, 0);
    }

    private Value rename(Expr.Rename r, Env env) {
        Value.Tensor x = tensor(r.operand(), env);
        if (x == null) return Value.ERROR;
        if (x.weak()) {
            el.diags.error(r.span(), DiagCode.E0302, "a number has no axes to rename", null);
            return Value.ERROR;
        }
        Map<String, Axis> map = new LinkedHashMap<>();
        for (Expr.RenamePair p : r.pairs()) {
            Axis from = logicalAxis(p.from(), env);
            Axis to = logicalAxis(p.to(), env);
            if (from == null || to == null) return Value.ERROR;
            if (map.put(from.name(), to) != null) {
                el.diags.error(p.from().span(), DiagCode.E0303, "axis " + from.name() + " is renamed twice", null);
                return Value.ERROR;
            }
        }
        return el.emit(Op.RENAME, new Attr.Rename(map), List.of(x), null, r.span(), env, 0);
    }

    private Value indexVar(Expr.IndexVar iv, Env env) {
        Axis a = null;
        Env.ScanIndex si = null;
        for (Env e = env; e != null && a == null && si == null; e = e.parent) {
            a = e.indexVars.get(iv.var().text());
            if (a == null) si = e.scanVars.get(iv.var().text());
        }
        if (si != null) return el.scans.element(iv, si, env);
        if (a == null) {
            el.diags.error(iv.var().span(), DiagCode.E0311, "`" + iv.var().text() + "` is not the variable of an enclosing `for`",
                    "index an axis by position with x[axis = i]; x[n] is for `for n in axis { ... }`");
            return Value.ERROR;
        }
        Value v = iv.operand() instanceof Expr.Ref r ? ref(r, env, null, a) : eval(iv.operand(), env, null, false);
        if (v instanceof Value.Tensor t && !t.type().hasAxis(a.name())) {
            el.diags.error(iv.span(), DiagCode.E0311, "indexing by `" + iv.var().text() + "` needs axis " + a.name() + ", but the tensor has "
                    + (t.weak() ? "no axes" : t.type().axesText()), null);
            return Value.ERROR;
        }
        return v;
    }

    private Value select(Expr.Select s, Env env) {
        Value.Tensor x = tensor(s.operand(), env);
        Axis a = logicalAxis(s.axis(), env);
        if (x == null || a == null) return Value.ERROR;
        // an index known only at run time (a step counter, an input) selects with gather, which takes a tensor of indices
        Integer i = el.builtins.constInt(s.index(), env, "an index", "to pick a slice with an index computed at run time, gather it: gather["
                + a.name() + "](" + OperatorErrors.text(s.operand()) + ", " + OperatorErrors.text(s.index()) + ")");
        if (i == null) return Value.ERROR;
        if (x.weak()) {
            el.diags.error(s.span(), DiagCode.E0302, "a number has no axis " + a.name(), null);
            return Value.ERROR;
        }
        return el.emit(Op.SELECT, new Attr.Select(a.name(), i), List.of(x), null, s.span(), env, 0);
    }

    // ---- calls and maps

    private Value call(Expr.Call c, Env env, String letName) {
        String name = c.callee().text();
        Env.Owned o = env.lookup(name);
        if (o == null && ModuleScopeBuiltins.isBuiltin(name)) return el.builtins.function(c, env);
        List<Value> args = new ArrayList<>();
        List<SourceSpan> spans = new ArrayList<>();
        for (Expr a : c.args()) {
            args.add(eval(a, env, null, false));
            spans.add(a.span());
        }
        CircuitRef target;
        String path;
        if (o != null) {
            Value v = el.bodies.value(o.binding(), o.owner());
            if (v instanceof Value.Error) return v;
            if (!(v instanceof Value.Instance inst)) {
                el.diags.error(c.callee().span(), DiagCode.E0607, "`" + name + "` is " + Elaborator.describe(v) + ", not a circuit", null);
                return Value.ERROR;
            }
            target = inst.ref();
            path = inst.path();
            if (++o.binding().calls > 1 && el.isStateful(target)) {
                el.diags.error(c.span(), DiagCode.E0702, "instance `" + name + "` of " + target.decl().name().text()
                        + " has state and is called a second time: its state would advance twice in one step",
                        "call it once per step, or make two instances: let a = " + target.decl().name().text() + ", b = ...");
                return Value.ERROR;
            }
            if (el.scans.refuseStateful(target, c, env)) return Value.ERROR;
            if (!inst.generics().isEmpty()) {
                if (!c.generics().isEmpty()) {
                    el.diags.error(c.span(), DiagCode.E0307, "`" + name + "` is an instance whose generic axes are already given", null);
                    return Value.ERROR;
                }
                return el.calls.call(target, path, inst.generics(), args, spans, c.span(), env);
            }
        } else {
            ModuleScope.Found<Object> f = env.module.value(name);
            if (f == null) {
                el.unknown.circuit(c.callee(), env.module, "circuit or function");
                return Value.ERROR;
            }
            if (f.alsoIn() != null) {
                el.diags.error(c.callee().span(), DiagCode.E0207, "`" + name + "` is declared by both " + f.module().name() + " and " + f.alsoIn().name(),
                        "import just one: import " + f.module().name() + ".{" + name + "}");
                return Value.ERROR;
            }
            if (!(f.decl() instanceof Decl.Circuit decl)) {
                el.diags.error(c.callee().span(), DiagCode.E0607, "`" + name + "` is a " + (f.decl() instanceof Decl.Law ? "law" : "constant") + ", not a circuit", null);
                return Value.ERROR;
            }
            target = new CircuitRef(decl, f.module());
            if (el.scans.refuseStateful(target, c, env)) return Value.ERROR;
            Integer k = env.callNumbers.get(c);
            path = env.path(letName != null ? letName : name + "_" + (k == null ? 0 : k));
        }
        return el.calls.call(target, path, c.generics(), args, spans, c.span(), env);
    }

    /**
     * {@code for n in axis { ... return e }}: the body runs once per index of {@code axis}, as a map: tensors
     * from outside are indexed by {@code n}, parameters declared inside get the axis, and so does the result.
     */
    private Value forMap(Expr.For f, Env env) {
        Axis a = logicalAxis(f.axis(), env);
        if (a == null) return Value.ERROR;
        List<Axis> forAxes = new ArrayList<>(env.forAxes);
        forAxes.add(a);
        Map<String, Axis> vars = new HashMap<>();
        vars.put(f.var().text(), a);
        Env inner = new Env(env.module, env, env.axes, forAxes, env.mapAxes, vars, env.scope, env.callNumbers);
        for (Stmt s : f.body()) {
            if (s instanceof Stmt.State st) {
                el.diags.warning(st.span(), DiagCode.E0713, "state `" + st.name().text() + "` inside `for " + f.var().text() + " in " + a.name()
                        + "` is one state per index of " + a.name() + ", each advancing once per step: not a recurrence along " + a.name(),
                        "to carry a value from one index of " + a.name() + " to the next, use scan " + f.var().text() + " in " + a.name()
                                + " (h = h0) { ...; next h = ...; yield y }; declare the state outside the `for` to keep one per step");
            }
        }
        Value v = el.bodies.body(f.body(), inner, null, null, f.span(), "the `for` body");
        if (!(v instanceof Value.Tensor t)) return v instanceof Value.Error ? v : Value.ERROR;
        Value m = el.materialize(t, f.span(), inner);
        if (m instanceof Value.Tensor mt && !mt.type().hasAxis(a.name())) {
            m = el.emit(Op.EXPAND, new Attr.None(), List.of(mt), mt.type().withLeadingAxes(List.of(a)), f.span(), inner, 0);
        }
        return m;
    }

    // ---- traversal

    /** Visits {@code e} and every expression inside it (for bodies included). */
    static void walk(Expr e, Consumer<Expr> f) {
        f.accept(e);
        if (e instanceof Expr.Unary u) walk(u.operand(), f);
        else if (e instanceof Expr.Binary b) { walk(b.left(), f); walk(b.right(), f); }
        else if (e instanceof Expr.Contract c) { walk(c.left(), f); walk(c.right(), f); }
        else if (e instanceof Expr.Call c) c.args().forEach(a -> walk(a, f));
        else if (e instanceof Expr.AxisOp a) {
            a.args().forEach(x -> walk(x, f));
            for (OpArg o : a.opArgs()) {
                if (o instanceof OpArg.Named n) walk(n.value(), f);
                else if (o instanceof OpArg.Plain p) walk(p.value(), f);
            }
        }
        else if (e instanceof Expr.Cast c) walk(c.operand(), f);
        else if (e instanceof Expr.Inst) { }
        else if (e instanceof Expr.Rename r) walk(r.operand(), f);
        else if (e instanceof Expr.IndexVar iv) walk(iv.operand(), f);
        else if (e instanceof Expr.Select s) { walk(s.operand(), f); walk(s.index(), f); }
        else if (e instanceof Expr.Tuple t) t.items().forEach(x -> walk(x, f));
        else if (e instanceof Expr.For fo) {
            for (Stmt s : fo.body()) for (Expr x : Bodies.exprsOf(s)) walk(x, f);
        }
        else if (e instanceof Expr.Scan sc) {
            for (Expr.Carry c : sc.carries()) walk(c.init(), f);
            for (Stmt s : sc.body()) for (Expr x : Bodies.exprsOf(s)) walk(x, f);
        }
    }

    /** Builtin names, in one place for the call rule. */
    static final class ModuleScopeBuiltins {
        static boolean isBuiltin(String n) { return ModuleScope.BUILTIN_FUNCTIONS.contains(n); }
    }
}
