package ncd.frontend.elab;

import ncd.diag.SourceSpan;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.TypeExpr;
import ncd.ir.Axis;
import ncd.ir.TensorType;

import java.util.ArrayList;
import java.util.List;

/** A circuit's inputs as written, and its outputs as a call sees them while checking. */
final class Signature {
    private Signature() {}

    /** An input: its name and written type (axis names as the callee's generic parameters spell them). */
    record Param(String name, TypeExpr type) {}

    /** The inputs of a circuit with a body, or of a composition (those of its leftmost parts); null after an error. */
    static List<Param> inputs(CircuitRef c, Elaborator el, Env at) {
        if (c.decl().isComposed()) return Compose.inputs(el, c, c.decl().comp());
        List<Param> out = new ArrayList<>();
        for (Decl.ParamDecl p : c.decl().params()) out.add(new Param(p.name().text(), p.type()));
        return out;
    }

    /**
     * While checking, a call's outputs come from the signature, not the body: the declared types with the
     * generic axes bound, and the caller's mapped axes plus the call's own broadcast axes in front.
     */
    static ncd.frontend.elab.Value outputs(CircuitRef c, Elaborator el, Env calleeAxes, Env caller, List<Axis> newMap, SourceSpan span) {
        List<Axis> front = new ArrayList<>(caller.mapped());
        for (Axis a : newMap) if (front.stream().noneMatch(b -> b.name().equals(a.name()))) front.add(a);
        if (c.decl().isComposed()) {
            // a composition's outputs are whatever its parts produce: check it through its parts
            // a composition that contains itself is reported once, as a cycle of the call graph
            if (el.expanding.contains(c.decl())) return Value.ERROR;
            el.expanding.push(c.decl());
            Decl.Circuit outer = el.calls.currentCircuit;
            el.calls.currentCircuit = c.decl();
            try {
                return composedOutputs(c, el, calleeAxes, caller, front);
            } finally {
                el.expanding.pop();
                el.calls.currentCircuit = outer;
            }
        }
        List<Value> outs = new ArrayList<>();
        for (Decl.OutputDecl o : c.decl().outputs()) {
            Elaborator.Typed t = el.type(o.type(), calleeAxes);
            if (t == null) return Value.ERROR;
            TensorType phys = t.type().withLeadingAxes(front);
            outs.add(Value.Tensor.strong(phys, null, Value.DEP_INPUT));
        }
        return outs.size() == 1 ? outs.get(0) : new Value.Tuple(outs);
    }

    private static Value composedOutputs(CircuitRef c, Elaborator el, Env calleeAxes, Env caller, List<Axis> front) {
        List<Param> ins = inputs(c, el, caller);
        if (ins == null) return Value.ERROR;
        List<Value> args = new ArrayList<>();
        for (Param p : ins) {
            Elaborator.Typed t = el.type(p.type(), calleeAxes);
            if (t == null) return Value.ERROR;
            args.add(Value.Tensor.strong(t.type().withLeadingAxes(front), null, Value.DEP_INPUT));
        }
        Env env = new Env(c.module(), null, calleeAxes.axes, caller.forAxes, front, java.util.Map.of(), "", new java.util.HashMap<>());
        return Compose.apply(el, c, c.decl().comp(), env, args);
    }

    /** {@code t} with axis names renamed by {@code map} (a composition's generic arguments). */
    static TypeExpr renamed(TypeExpr t, java.util.Map<String, Name> map) {
        List<Name> axes = new ArrayList<>();
        for (Name n : t.axes()) axes.add(map.getOrDefault(n.text(), n));
        return new TypeExpr(t.span(), t.dtype(), axes, t.unit(), t.complex());
    }
}
