package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.Plural;
import ncd.diag.SourceSpan;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Name;
import ncd.frontend.resolve.ModuleScope;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Circuit composition: {@code f >> g} feeds f's outputs to g's inputs, {@code f || g} runs both side by side on
 * their own inputs. A composition's inputs are those of its leftmost parts; its outputs are what its rightmost
 * parts produce. Each part is a call, so broadcasting, generics and instances work as in a body.
 */
final class Compose {
    private Compose() {}

    static List<Signature.Param> inputs(Elaborator el, CircuitRef owner, Decl.Comp comp) {
        if (comp instanceof Decl.Seq s) return inputs(el, owner, s.first());
        if (comp instanceof Decl.Par p) {
            List<Signature.Param> l = inputs(el, owner, p.left()), r = inputs(el, owner, p.right());
            if (l == null || r == null) return null;
            List<Signature.Param> all = new ArrayList<>(l);
            all.addAll(r);
            return all;
        }
        Decl.CompRef ref = (Decl.CompRef) comp;
        CircuitRef part = resolve(el, owner.module(), ref);
        if (part == null) return null;
        if (part.decl() == owner.decl()) {
            el.diags.error(ref.span(), DiagCode.E0209, "composition " + owner.decl().name().text() + " contains itself", null);
            return null;
        }
        List<Signature.Param> inner = Signature.inputs(part, el, null);
        if (inner == null) return null;
        Map<String, Name> map = genericMap(el, part, ref, true);
        if (map == null) return null;
        List<Signature.Param> out = new ArrayList<>();
        for (Signature.Param p : inner) out.add(new Signature.Param(p.name(), Signature.renamed(p.type(), map)));
        return out;
    }

    /**
     * Maps the part's generic parameters to the axes its reference names. For the inputs of a composition every
     * generic axis appearing in them must be named (there is nothing to infer from).
     */
    private static Map<String, Name> genericMap(Elaborator el, CircuitRef part, Decl.CompRef ref, boolean forInputs) {
        List<String> generics = part.decl().generics().stream().map(Name::text).toList();
        Map<String, Name> map = new HashMap<>();
        int pos = 0;
        for (Expr.GenericArg g : ref.generics()) {
            String key = g.key() != null ? g.key().text() : pos < generics.size() ? generics.get(pos++) : null;
            if (key == null || !generics.contains(key)) {
                el.diags.error(g.value().span(), DiagCode.E0307, part.decl().name().text() + " has no generic axis " + (key == null ? "at this position" : "`" + key + "`"), null);
                return null;
            }
            map.put(key, g.value());
        }
        if (forInputs) {
            for (String g : generics) {
                if (!map.containsKey(g) && usedInInputs(part, g)) {
                    el.diags.error(ref.span(), DiagCode.E0306, "the composition's inputs come from " + part.decl().name().text()
                            + ", whose generic axis `" + g + "` is not given", "write " + part.decl().name().text() + "<" + g + " = ...>");
                    return null;
                }
            }
        }
        return map;
    }

    private static boolean usedInInputs(CircuitRef part, String g) {
        if (part.decl().isComposed()) return true;
        return part.decl().params().stream().anyMatch(p -> p.type().axes().stream().anyMatch(n -> n.text().equals(g)));
    }

    static CircuitRef resolve(Elaborator el, ModuleScope module, Decl.CompRef ref) {
        ModuleScope.Found<Object> f = module.value(ref.circuit().text());
        if (f == null) {
            el.unknown.circuit(ref.circuit(), module, "circuit");
            return null;
        }
        if (!(f.decl() instanceof Decl.Circuit c)) {
            el.diags.error(ref.circuit().span(), DiagCode.E0203, "unknown circuit `" + ref.circuit().text() + "`", null);
            return null;
        }
        if (f.alsoIn() != null) {
            el.diags.error(ref.circuit().span(), DiagCode.E0207, "`" + ref.circuit().text() + "` is declared by both " + f.module().name()
                    + " and " + f.alsoIn().name(), null);
            return null;
        }
        return new CircuitRef(c, f.module());
    }

    /** Applies a composition to its inputs; returns one tensor or a tuple. */
    static Value apply(Elaborator el, CircuitRef owner, Decl.Comp comp, Env env, List<Value> args) {
        Map<String, Integer> counter = new HashMap<>();
        List<Value> outs = run(el, owner, comp, env, args, counter);
        if (outs == null) return Value.ERROR;
        return outs.size() == 1 ? outs.get(0) : new Value.Tuple(outs);
    }

    private static List<Value> run(Elaborator el, CircuitRef owner, Decl.Comp comp, Env env, List<Value> args, Map<String, Integer> counter) {
        if (comp instanceof Decl.Seq s) {
            List<Value> mid = run(el, owner, s.first(), env, args, counter);
            if (mid == null) return null;
            List<Signature.Param> next = inputs(el, owner, s.then());
            if (next != null && next.size() != mid.size()) {
                el.diags.error(s.span(), DiagCode.E0606, "in `>>`, the left side gives " + mid.size() + " output(s) but the right side takes "
                        + next.size() + " input(s)", null);
                return null;
            }
            return run(el, owner, s.then(), env, mid, counter);
        }
        if (comp instanceof Decl.Par p) {
            List<Signature.Param> l = inputs(el, owner, p.left());
            if (l == null) return null;
            if (l.size() > args.size()) {
                el.diags.error(p.span(), DiagCode.E0606, "in `||`, the left side takes " + Plural.of(l.size(), "input") + " but only " + args.size() + (args.size() == 1 ? " arrives" : " arrive"), null);
                return null;
            }
            List<Value> a = run(el, owner, p.left(), env, args.subList(0, l.size()), counter);
            List<Value> b = run(el, owner, p.right(), env, args.subList(l.size(), args.size()), counter);
            if (a == null || b == null) return null;
            List<Value> all = new ArrayList<>(a);
            all.addAll(b);
            return all;
        }
        Decl.CompRef ref = (Decl.CompRef) comp;
        CircuitRef part = resolve(el, owner.module(), ref);
        if (part == null) return null;
        List<SourceSpan> spans = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) spans.add(ref.span());
        // instances are numbered per circuit, in order of appearance: Linear_0, Relu_0, Linear_1
        int k = counter.merge(ref.circuit().text(), 1, Integer::sum) - 1;
        String path = env.path(ref.circuit().text() + "_" + k);
        Value v = el.calls.call(part, path, ref.generics(), args, spans, ref.span(), env);
        if (v instanceof Value.Error) return null;
        if (v instanceof Value.Tuple t) return t.items();
        return List.of(v);
    }
}
