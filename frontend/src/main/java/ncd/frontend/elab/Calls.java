package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.Plural;
import ncd.diag.SourceSpan;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Name;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.Op;
import ncd.ir.TensorType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Circuit calls. A call binds the callee's generic axes (explicitly or inferred from the arguments; two bound to one
 * axis become an alias for the call), finds the axes it is broadcast over, checks each argument, and — when lowering —
 * expands the callee inline by entering its body ({@link Bodies}) with its inputs bound to the arguments.
 */
final class Calls {
    private final Elaborator el;

    Calls(Elaborator el) { this.el = el; }

    /** Numbers the unnamed calls in these expressions (a law's two sides, a body's statements) in source order. */
    void numberCallsIn(List<Expr> roots, Env env) {
        List<Expr.Call> calls = new ArrayList<>();
        for (Expr e : roots) Elaborator.collectCalls(e, calls);
        calls.sort(Comparator.comparingInt(c -> c.span().start()));
        Map<String, Integer> counters = new HashMap<>();
        for (Expr.Call c : calls) {
            int k = counters.merge(c.callee().text(), 1, Integer::sum) - 1;
            env.callNumbers.put(c, k);
        }
    }

    /**
     * A call of {@code callee} on {@code args} from {@code caller}. Binds generic axes (explicit first, then by
     * inference from the arguments), finds the axes the call is broadcast over, checks each argument, and
     * computes the outputs — by the signature while checking, by expanding the body while lowering.
     */
    Value call(CircuitRef callee, String path, List<Expr.GenericArg> gargs, List<Value> args, List<SourceSpan> argSpans,
               SourceSpan span, Env caller) {
        Decl.Circuit c = callee.decl();
        if (!el.lowering) {
            el.callGraph.computeIfAbsent(currentCircuit, k -> new ArrayList<>()).add(new Elaborator.CallEdge(c, span));
        }
        List<Signature.Param> params = Signature.inputs(callee, el, caller);
        if (params == null) return Value.ERROR;
        if (args.size() != params.size()) {
            el.diags.error(span, DiagCode.E0601, c.name().text() + " takes " + Plural.of(params.size(), "argument") + ", got " + args.size(),
                    "its inputs: " + params.stream().map(Signature.Param::name).toList());
            return Value.ERROR;
        }
        for (Value a : args) if (a instanceof Value.Error) return a;
        aliases.clear();
        Map<String, Axis> binding = bindGenerics(callee, gargs, params, args, argSpans, span, caller);
        if (binding == null) return Value.ERROR;
        Map<String, Axis> aliasOf = new LinkedHashMap<>(aliases);
        // the callee's view of axis names: its generic bindings
        Env calleeAxesEnv = new Env(callee.module(), null, binding, List.of(), List.of(), Map.of(), "", new HashMap<>());
        List<Axis> newMap = new ArrayList<>();
        List<Value> bound = new ArrayList<>();
        List<Elaborator.Typed> paramTypes = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Elaborator.Typed want = el.type(params.get(i).type(), calleeAxesEnv);
            if (want == null) return Value.ERROR;
            paramTypes.add(want);
            Value a = args.get(i);
            if (!(a instanceof Value.Tensor t)) {
                el.diags.error(argSpans.get(i), DiagCode.E0603, "argument " + params.get(i).name() + " of " + c.name().text()
                        + " must be a tensor, got " + Elaborator.describe(a), null);
                return Value.ERROR;
            }
            if (t.weak()) {
                Value m = el.conform(t, want.type(), argSpans.get(i), caller, "argument " + params.get(i).name() + " of " + c.name().text());
                if (m instanceof Value.Error) return m;
                bound.add(m);
                continue;
            }
            // an argument whose axis d meets the alias d' of a generic axis is renamed on the way in
            Map<String, Axis> toAlias = new LinkedHashMap<>();
            for (Axis w : want.type().axes()) {
                Axis orig = aliasOf.get(w.name());
                if (orig != null && !want.type().hasAxis(orig.name()) && t.type().hasAxis(orig.name())) toAlias.put(orig.name(), w);
            }
            if (!toAlias.isEmpty()) {
                Value r = el.emit(Op.RENAME, new Attr.Rename(toAlias), List.of(t), null, argSpans.get(i), caller, 0);
                if (!(r instanceof Value.Tensor rt)) return Value.ERROR;
                t = rt;
            }
            TensorType have = Elaborator.logical(t.type(), caller);
            String what = "argument " + params.get(i).name() + " of " + c.name().text();
            for (Axis w : want.type().axes()) {
                Axis h = have.axis(w.name());
                if (h == null) {
                    el.diags.error(argSpans.get(i), DiagCode.E0301, "axes differ: " + what + " needs " + want.type().axesText() + ", got " + have.axesText(),
                            "rename an axis with x{a -> b}, or pass the generic axes explicitly: " + c.name().text() + "<...>(...)");
                    return Value.ERROR;
                }
                if (w.isSized() && h.isSized() && w.size() != h.size()) {
                    el.diags.error(argSpans.get(i), DiagCode.E0304, "axis " + w.name() + " of " + what + " has size " + h.size() + ", " + w.size() + " expected", null);
                    return Value.ERROR;
                }
            }
            if (have.dtype() != want.type().dtype()) {
                el.diags.error(argSpans.get(i), DiagCode.E0401, "dtypes differ: " + what + " is " + want.type().dtype().word() + ", got " + have.dtype().word(),
                        "convert explicitly: " + want.type().dtype().word() + "(x)");
                return Value.ERROR;
            }
            if (!have.unit().equals(want.type().unit())) {
                el.diags.error(argSpans.get(i), DiagCode.E0501, "units differ: " + what + " is in " + el.unit(want.type().unit()) + ", got " + el.unit(have.unit()), null);
                return Value.ERROR;
            }
            for (Axis h : have.axes()) {
                if (!want.type().hasAxis(h.name()) && newMap.stream().noneMatch(x -> x.name().equals(h.name()))) newMap.add(h);
            }
            bound.add(t);
        }
        for (Axis m : newMap) {
            if (binding.values().stream().anyMatch(b -> b.name().equals(m.name()))) {
                el.diags.error(span, DiagCode.E0308, "the call is broadcast over axis " + m.name() + ", which the callee also uses", null);
                return Value.ERROR;
            }
        }
        List<Axis> map = new ArrayList<>(caller.mapAxes);
        for (Axis m : newMap) if (map.stream().noneMatch(x -> x.name().equals(m.name()))) map.add(m);
        Value result = !el.lowering ? Signature.outputs(callee, el, calleeAxesEnv, caller, newMap, span)
                : expand(callee, path, binding, bound, map, caller, span);
        return unalias(result, aliasOf, span, caller);
    }

    /** The circuit whose body is being checked (for the call graph). */
    Decl.Circuit currentCircuit;

    private Map<String, Axis> bindGenerics(CircuitRef callee, List<Expr.GenericArg> gargs, List<Signature.Param> params, List<Value> args,
                                           List<SourceSpan> argSpans, SourceSpan span, Env caller) {
        Decl.Circuit c = callee.decl();
        List<String> generics = c.generics().stream().map(Name::text).toList();
        Map<String, Axis> binding = new LinkedHashMap<>();
        if (gargs.size() > generics.size()) {
            el.diags.error(span, DiagCode.E0307, c.name().text() + " takes " + Plural.of(generics.size(), "generic axis", "generic axes") + ", got " + gargs.size(),
                    generics.isEmpty() ? "it is not generic" : "its generic axes: " + generics);
            return null;
        }
        int pos = 0;
        for (Expr.GenericArg g : gargs) {
            String key;
            if (g.key() != null) {
                key = g.key().text();
                if (!generics.contains(key)) {
                    el.diags.error(g.key().span(), DiagCode.E0307, c.name().text() + " has no generic axis `" + key + "`", "its generic axes: " + generics);
                    return null;
                }
            } else {
                key = generics.get(pos++);
            }
            Axis a = el.axis(g.value(), caller);
            if (a == null) return null;
            if (caller.isMapped(a.name())) {
                el.diags.error(g.value().span(), DiagCode.E0308, "axis " + a.name() + " is mapped here and cannot bind a generic axis", null);
                return null;
            }
            if (binding.put(key, a) != null) {
                el.diags.error(g.value().span(), DiagCode.E0307, "generic axis `" + key + "` is bound twice", null);
                return null;
            }
        }
        // infer the rest from the arguments
        for (int i = 0; i < params.size() && binding.size() < generics.size(); i++) {
            if (!(args.get(i) instanceof Value.Tensor t) || t.weak()) continue;
            List<String> unbound = new ArrayList<>();
            Set<String> concrete = new HashSet<>();
            for (Name n : params.get(i).type().axes()) {
                if (generics.contains(n.text())) {
                    if (!binding.containsKey(n.text()) && !unbound.contains(n.text())) unbound.add(n.text());
                    else if (binding.containsKey(n.text())) concrete.add(binding.get(n.text()).name());
                } else {
                    concrete.add(n.text());
                }
            }
            if (unbound.isEmpty()) continue;
            List<Axis> candidates = new ArrayList<>();
            for (Axis a : Elaborator.logical(t.type(), caller).axes()) if (!concrete.contains(a.name())) candidates.add(a);
            if (candidates.size() != unbound.size()) {
                el.diags.error(argSpans.get(i), DiagCode.E0306, "cannot infer generic axis " + String.join(", ", unbound) + " of " + c.name().text()
                        + " from an argument with axes " + Elaborator.logical(t.type(), caller).axesText()
                        + (candidates.size() > unbound.size() ? " (more axes than generic parameters: which are mapped?)" : ""),
                        "write them: " + c.name().text() + "<" + String.join(", ", generics) + ">(...)  or  " + c.name().text() + "<" + unbound.get(0) + " = ...>(...)");
                return null;
            }
            // in the argument's order, which is the order the user wrote or computed
            for (int k = 0; k < unbound.size(); k++) binding.put(unbound.get(k), candidates.get(k));
        }
        for (String g : generics) {
            if (!binding.containsKey(g)) {
                el.diags.error(span, DiagCode.E0306, "cannot infer generic axis `" + g + "` of " + c.name().text() + " from the arguments",
                        "name it: " + c.name().text() + "<" + g + " = some_axis>(...)");
                return null;
            }
        }
        // Two generic axes bound to one axis (MLP<d, h, d>): inside the callee they must stay distinct, so the
        // second one becomes an alias d' for the duration of the call, renamed at the boundary.
        Set<String> used = new HashSet<>();
        for (Axis a : binding.values()) used.add(a.name());
        for (Value a : args) if (a instanceof Value.Tensor t) used.addAll(t.type().axisNames());
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, Axis> e : binding.entrySet()) {
            Axis a = e.getValue();
            if (seen.add(a.name())) continue;
            String alias = a.name() + "'";
            while (used.contains(alias)) alias += "'";
            used.add(alias);
            e.setValue(new Axis(alias, a.size()));
            aliases.put(alias, a);
        }
        return binding;
    }

    /** Alias axes of the call being bound (see {@link #bindGenerics}): alias name to the caller's axis. */
    private final Map<String, Axis> aliases = new HashMap<>();

    /** Renames alias axes (d') in a call's result back to the caller's axes (d). */
    private Value unalias(Value v, Map<String, Axis> aliasOf, SourceSpan span, Env caller) {
        if (aliasOf.isEmpty()) return v;
        if (v instanceof Value.Tuple tu) {
            List<Value> items = new ArrayList<>();
            for (Value x : tu.items()) items.add(unalias(x, aliasOf, span, caller));
            return new Value.Tuple(items);
        }
        if (!(v instanceof Value.Tensor t) || t.weak()) return v;
        Map<String, Axis> back = new LinkedHashMap<>();
        for (Axis a : t.type().axes()) if (aliasOf.containsKey(a.name())) back.put(a.name(), aliasOf.get(a.name()));
        if (back.isEmpty()) return v;
        return el.emit(Op.RENAME, new Attr.Rename(back), List.of(t), null, span, caller, 0);
    }

    /** Lowering: the callee's body, inline, with its inputs bound to the arguments. */
    private Value expand(CircuitRef callee, String path, Map<String, Axis> binding, List<Value> args, List<Axis> map, Env caller, SourceSpan span) {
        Decl.Circuit c = callee.decl();
        if (el.expanding.contains(c)) {
            el.diags.error(span, DiagCode.E0209, "circuit " + c.name().text() + " calls itself", "circuits are expanded at compile time; use state for recurrence");
            return Value.ERROR;
        }
        el.expanding.push(c);
        try {
            Env env = new Env(callee.module(), null, new HashMap<>(binding), caller.forAxes, map, Map.of(), path, new HashMap<>());
            env.drawScope = caller.drawScopeOf(path);
            return enter(callee, env, args);
        } finally {
            el.expanding.pop();
        }
    }

    /** Binds {@code args} as the inputs of {@code callee} in {@code env} and elaborates its body (or composition). */
    Value enter(CircuitRef callee, Env env, List<Value> args) {
        Decl.Circuit c = callee.decl();
        if (c.isComposed()) return Compose.apply(el, callee, c.comp(), env, args);
        for (int i = 0; i < c.params().size(); i++) {
            Decl.ParamDecl p = c.params().get(i);
            if (env.bindings.containsKey(p.name().text())) {
                el.diags.error(p.name().span(), DiagCode.E0206, "input `" + p.name().text() + "` is declared twice", null);
                continue;
            }
            env.bindings.put(p.name().text(), Env.Binding.input(p, args.get(i)));
        }
        List<TensorType> outs = new ArrayList<>();
        for (Decl.OutputDecl o : c.outputs()) {
            Elaborator.Typed t = el.type(o.type(), env);
            if (t == null) return Value.ERROR;
            outs.add(t.type());
        }
        return el.bodies.body(c.body(), env, outs, outputNames(c), c.name().span(), "circuit " + c.name().text());
    }

    static List<String> outputNames(Decl.Circuit c) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < c.outputs().size(); i++) {
            Decl.OutputDecl o = c.outputs().get(i);
            names.add(o.name() != null ? o.name().text() : c.outputs().size() == 1 ? "out" : "out" + i);
        }
        return names;
    }
}
