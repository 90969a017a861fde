package ncd.frontend.resolve;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Module;
import ncd.frontend.ast.Name;
import ncd.ir.Attr;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names one module declares, and the names it sees: its own, then those it imports. Values (constants,
 * circuits, laws), axes and units are separate namespaces. A name imported from two modules is ambiguous only
 * when it is used.
 */
public final class ModuleScope {
    /**
     * Builtin functions: the unary functions the IR names as builtins ({@link Attr.UnaryFn#builtin()}) and the others
     * the elaborator knows. Circuits may not take these names, so a call means one thing everywhere.
     */
    public static final Set<String> BUILTIN_FUNCTIONS = builtinFunctions();

    private static Set<String> builtinFunctions() {
        Set<String> names = new HashSet<>(List.of("where", "max", "min", "clip", "pow", "size",
                "complex", "c64", "re", "im", "conj", "angle", "atan2"));
        for (Attr.UnaryFn f : Attr.UnaryFn.values()) if (f.builtin()) names.add(f.word());
        return Set.copyOf(names);
    }

    private final String name;
    private final Module ast;
    final Map<String, Decl.AxisDef> axes = new LinkedHashMap<>();
    final Map<String, Decl.UnitDef> units = new LinkedHashMap<>();
    final Map<String, Decl.ConstDef> consts = new LinkedHashMap<>();
    final Map<String, Decl.Circuit> circuits = new LinkedHashMap<>();
    final Map<String, Decl.Law> laws = new LinkedHashMap<>();
    /** Checked train declarations; each also declares a circuit of its name ({@link TrainDecls}). */
    final Map<String, ncd.frontend.TrainSpec> trains = new LinkedHashMap<>();
    /** Modules whose every name is visible here (full imports and the prelude). */
    final List<ModuleScope> openImports = new ArrayList<>();
    /** Names imported one by one: name to the module that declares it. */
    final Map<String, ModuleScope> namedImports = new LinkedHashMap<>();
    /** Whether an `import a.b` (every name) failed: the module is missing or does not parse. */
    boolean failedOpenImport;
    /** Names of `import a.b.{x, y}` that failed: the module is missing, does not parse, or declares no such name. */
    final Set<String> failedNamedImports = new HashSet<>();

    ModuleScope(String name, Module ast) {
        this.name = name;
        this.ast = ast;
    }

    public String name() { return name; }
    public Module ast() { return ast; }
    public Map<String, Decl.Circuit> circuits() { return circuits; }
    public Map<String, Decl.Law> laws() { return laws; }
    public Map<String, Decl.AxisDef> axes() { return axes; }
    public Map<String, ncd.frontend.TrainSpec> trains() { return trains; }

    /**
     * Whether {@code n} might have come from an import that failed. An unknown-name error about it would repeat that
     * import's error (one root cause, one error), so callers report nothing.
     */
    public boolean mayComeFromFailedImport(String n) { return failedOpenImport || failedNamedImports.contains(n); }

    /** The value names (constants, circuits, laws) visible here: its own and its imports'. */
    public Set<String> visibleValues() {
        Set<String> out = new LinkedHashSet<>(ownValueNames());
        out.addAll(namedImports.keySet());
        for (ModuleScope m : openImports) out.addAll(m.ownValueNames());
        return out;
    }

    /** The axis names visible here: its own and its imports'. */
    public Set<String> visibleAxes() {
        Set<String> out = new LinkedHashSet<>(axes.keySet());
        namedImports.forEach((n, m) -> { if (m.axes.containsKey(n)) out.add(n); });
        for (ModuleScope m : openImports) out.addAll(m.axes.keySet());
        return out;
    }

    /** The unit names visible here: its own and its imports' (the prelude's among them). */
    public Set<String> visibleUnits() {
        Set<String> out = new LinkedHashSet<>(units.keySet());
        for (ModuleScope m : openImports) out.addAll(m.units.keySet());
        return out;
    }

    private List<String> ownValueNames() {
        List<String> out = new ArrayList<>(consts.keySet());
        out.addAll(circuits.keySet());
        out.addAll(laws.keySet());
        return out;
    }

    /** Collects this module's declarations, reporting names defined twice. */
    void declare(Diagnostics diags) {
        Map<String, SourceSpan> values = new LinkedHashMap<>();
        for (Decl d : ast.decls()) {
            if (d instanceof Decl.Axes a) {
                for (Decl.AxisDef def : a.defs()) {
                    if (axes.putIfAbsent(def.name().text(), def) != null) dup(diags, def.name(), "axis");
                }
            } else if (d instanceof Decl.UnitDef u) {
                if (units.putIfAbsent(u.name().text(), u) != null) dup(diags, u.name(), "unit");
            } else if (d instanceof Decl.Consts c) {
                for (Decl.ConstDef def : c.defs()) {
                    if (values.putIfAbsent(def.name().text(), def.name().span()) != null) dup(diags, def.name(), "name");
                    else consts.put(def.name().text(), def);
                }
            } else if (d instanceof Decl.Circuit c) {
                if (BUILTIN_FUNCTIONS.contains(c.name().text())) {
                    diags.error(c.name().span(), DiagCode.E0206, "`" + c.name().text() + "` is a builtin function; a circuit cannot take its name",
                            "choose another name, e.g. " + c.name().text() + "_");
                } else if (values.putIfAbsent(c.name().text(), c.name().span()) != null) {
                    dup(diags, c.name(), "name");
                } else {
                    circuits.put(c.name().text(), c);
                }
            } else if (d instanceof Decl.Law l) {
                if (values.putIfAbsent(l.name().text(), l.name().span()) != null) dup(diags, l.name(), "name");
                else laws.put(l.name().text(), l);
            }
        }
        // after every circuit is known: a train declaration names its objective anywhere in the module
        for (Decl d : ast.decls()) {
            if (!(d instanceof Decl.Train t)) continue;
            if (values.putIfAbsent(t.name().text(), t.name().span()) != null) {
                dup(diags, t.name(), "name");
                continue;
            }
            List<Decl.Circuit> made = new ArrayList<>();
            ncd.frontend.TrainSpec spec = TrainDecls.check(t, circuits, axes, diags, made);
            if (spec == null) continue;
            trains.put(spec.name(), spec);
            for (Decl.Circuit c : made) circuits.put(c.name().text(), c);
        }
    }

    private static void dup(Diagnostics diags, Name n, String what) {
        diags.error(n.span(), DiagCode.E0206, what + " `" + n.text() + "` is defined twice in this module", "rename one of them");
    }

    /** A value-namespace declaration (constant, circuit or law) visible here, or null. */
    public Found<Object> value(String n) {
        Object own = ownValue(n);
        if (own != null) return new Found<>(own, this, null);
        ModuleScope named = namedImports.get(n);
        if (named != null) return new Found<>(named.ownValue(n), named, null);
        return fromOpen(n, ModuleScope::ownValue);
    }

    public Found<Decl.AxisDef> axis(String n) {
        Decl.AxisDef own = axes.get(n);
        if (own != null) return new Found<>(own, this, null);
        ModuleScope named = namedImports.get(n);
        if (named != null && named.axes.containsKey(n)) return new Found<>(named.axes.get(n), named, null);
        return fromOpen(n, (m, x) -> m.axes.get(x));
    }

    public Found<Decl.UnitDef> unit(String n) {
        Decl.UnitDef own = units.get(n);
        if (own != null) return new Found<>(own, this, null);
        return fromOpen(n, (m, x) -> m.units.get(x));
    }

    private Object ownValue(String n) {
        if (consts.containsKey(n)) return consts.get(n);
        if (circuits.containsKey(n)) return circuits.get(n);
        return laws.get(n);
    }

    private <T> Found<T> fromOpen(String n, java.util.function.BiFunction<ModuleScope, String, T> get) {
        Found<T> hit = null;
        for (ModuleScope m : openImports) {
            T t = get.apply(m, n);
            if (t == null) continue;
            if (hit != null && hit.module() != m) return new Found<>(hit.decl(), hit.module(), m);
            hit = new Found<>(t, m, null);
        }
        return hit;
    }

    /**
     * A name found in a module. {@code alsoIn} is non-null when a second open import declares the same name
     * (the use is ambiguous).
     */
    public record Found<T>(T decl, ModuleScope module, ModuleScope alsoIn) {}
}
