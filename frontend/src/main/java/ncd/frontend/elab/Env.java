package ncd.frontend.elab;

import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Stmt;
import ncd.frontend.ast.TypeExpr;
import ncd.frontend.resolve.ModuleScope;
import ncd.ir.Axis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The environment of one circuit body (or `for` body, which nests in its circuit's): the axes in scope, the
 * axes being mapped over, and the bindings, which are evaluated lazily so that lets may come in any order.
 */
final class Env {
    /** A name in a body: evaluated on first use; {@code evaluating} catches cycles. */
    static final class Binding {
        final String name;
        final Stmt stmt;
        final int tupleIndex;
        Value value;
        boolean evaluating;
        /** Calls made through this binding when it holds an instance: a stateful instance may be called once. */
        int calls;

        /** The declared type of an input (which has no statement); null for the other bindings. */
        private final TypeExpr inputType;

        Binding(String name, Stmt stmt, int tupleIndex, Value value) {
            this(name, stmt, tupleIndex, value, null);
        }

        private Binding(String name, Stmt stmt, int tupleIndex, Value value, TypeExpr inputType) {
            this.name = name;
            this.stmt = stmt;
            this.tupleIndex = tupleIndex;
            this.value = value;
            this.inputType = inputType;
        }

        /** An input of a circuit or law, bound to {@code value}. */
        static Binding input(Decl.ParamDecl p, Value value) { return new Binding(p.name().text(), null, -1, value, p.type()); }

        /** The type written where the name is declared (an input, state, parameter, or a let or const with one), or null. */
        TypeExpr writtenType() {
            if (stmt == null) return inputType;
            if (stmt instanceof Stmt.State s) return s.type();
            if (stmt instanceof Stmt.Param p) return p.type();
            if (stmt instanceof Stmt.Let l) return l.type();
            if (stmt instanceof Stmt.Const c) return c.def().type();
            return null;
        }
    }

    final ModuleScope module;
    final Env parent;
    /** Axis names as this body sees them (generic parameters bound to the caller's axes). */
    final Map<String, Axis> axes;
    /** Axes of enclosing `for`s: parameters and states here get them. */
    final List<Axis> forAxes;
    /** Axes a call is broadcast over: states and random sources get them, parameters do not. */
    final List<Axis> mapAxes;
    /** `for` index variables visible here: variable to axis. */
    final Map<String, Axis> indexVars;
    /** The instance path: "" at the top, "block.attn" inside calls. */
    final String scope;
    final Map<String, Binding> bindings = new LinkedHashMap<>();
    /**
     * Names that a `next` advances but no `state` declares (E0703 reports that once): a use of one is not reported
     * again as an unknown name.
     */
    final Set<String> nextWithoutState = new HashSet<>();
    /** The state names declared in this body, to their full paths. */
    final Map<String, String> statePaths = new HashMap<>();
    /** Scan variables visible here (only in a scan body's env): variable to the axis and this run's index. */
    final Map<String, ScanIndex> scanVars = new HashMap<>();
    /**
     * The scope the nodes made here are drawn in: {@link #scope} with a segment per enclosing scan (`scan t in
     * time (h)`), so that a diagram draws a scan as one box; instance paths (parameters, states) leave scans out.
     */
    String drawScope;
    /** The equations and events of this body, when it has any. */
    Dynamics dynamics;
    /** Instance numbers of unnamed calls, by callee, in source order. */
    final Map<Object, Integer> callNumbers;

    Env(ModuleScope module, Env parent, Map<String, Axis> axes, List<Axis> forAxes, List<Axis> mapAxes,
        Map<String, Axis> indexVars, String scope, Map<Object, Integer> callNumbers) {
        this.module = module;
        this.parent = parent;
        this.axes = axes;
        this.forAxes = List.copyOf(forAxes);
        this.mapAxes = List.copyOf(mapAxes);
        this.indexVars = indexVars;
        this.scope = scope;
        this.callNumbers = callNumbers;
        this.drawScope = parent != null && parent.scope.equals(scope) ? parent.drawScope : scope;
    }

    record ScanIndex(Axis axis, int index) {}

    /** Whether this env is (inside) a scan body of the same circuit body. */
    boolean inScan() {
        for (Env e = this; e != null; e = e.parent) if (!e.scanVars.isEmpty() || e.scanBody) return true;
        return false;
    }

    /** Set on a scan body's env. */
    boolean scanBody;

    /** The draw scope of a callee's env at instance path {@code path}, called from here. */
    String drawScopeOf(String path) {
        if (drawScope.equals(scope)) return path;
        if (scope.isEmpty()) return drawScope + "." + path;
        if (path.startsWith(scope + ".")) return drawScope + path.substring(scope.length());
        return path;
    }

    /** Every mapped axis: the for axes, then the call-broadcast axes. */
    List<Axis> mapped() {
        List<Axis> all = new ArrayList<>(forAxes);
        for (Axis a : mapAxes) if (all.stream().noneMatch(b -> b.name().equals(a.name()))) all.add(a);
        return all;
    }

    boolean isMapped(String axis) { return mapped().stream().anyMatch(a -> a.name().equals(axis)); }

    /** A binding here or in an enclosing body, with the env that owns it. */
    Owned lookup(String name) {
        for (Env e = this; e != null; e = e.parent) {
            Binding b = e.bindings.get(name);
            if (b != null) return new Owned(b, e);
        }
        return null;
    }

    record Owned(Binding binding, Env owner) {}

    /** Whether a `next` here or in an enclosing body advances {@code name} with no `state` declaring it. */
    boolean isNextWithoutState(String name) {
        for (Env e = this; e != null; e = e.parent) if (e.nextWithoutState.contains(name)) return true;
        return false;
    }

    String path(String name) { return scope.isEmpty() ? name : scope + "." + name; }
}
