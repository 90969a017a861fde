package ncd.frontend.elab;

import ncd.diag.CloseNames;
import ncd.diag.DiagCode;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Name;
import ncd.frontend.resolve.ModuleScope;
import ncd.frontend.resolve.Stdlib;

import java.util.ArrayList;
import java.util.List;

/**
 * Names that resolve to nothing: E0201 (a value), E0202 (an axis), E0203 (a circuit or function). The hint is a
 * close name in scope ({@link CloseNames}) or the stdlib module that declares the name, and nothing when neither
 * exists. A name an error already accounts for (a failed import might have declared it; a `next` without its
 * `state`, E0703) is not reported again: one root cause, one error.
 */
final class UnknownNames {
    private final Elaborator el;

    UnknownNames(Elaborator el) { this.el = el; }

    /** E0201 for a value {@code name} used in {@code env}. */
    void value(Name name, Env env) {
        String n = name.text();
        if (env.isNextWithoutState(n) || env.module.mayComeFromFailedImport(n)) return;
        List<String> known = new ArrayList<>();
        for (Env e = env; e != null; e = e.parent) known.addAll(e.bindings.keySet());
        known.addAll(env.module.visibleValues());
        String hint = CloseNames.didYouMean(n, known);
        if (hint == null) hint = importHint(n, Decl.ConstDef.class, "constant");
        if (hint == null) hint = "names are bound by inputs, let, param, const and state";
        el.diags.error(name.span(), DiagCode.E0201, "unknown name `" + n + "`", hint);
    }

    /** E0203 for a call of (or a composition with) {@code name}, which no circuit or builtin function has. */
    void circuit(Name name, ModuleScope module, String what) {
        String n = name.text();
        if (module.mayComeFromFailedImport(n)) return;
        String hint = importHint(n, Decl.Circuit.class, "circuit");
        if (hint == null) {
            List<String> known = new ArrayList<>(module.visibleValues());
            known.addAll(ModuleScope.BUILTIN_FUNCTIONS.stream().sorted().toList());
            hint = CloseNames.didYouMean(n, known);
        }
        if (hint == null) {
            String close = CloseNames.closest(n, Stdlib.names(Decl.Circuit.class));
            if (close != null) {
                List<String> modules = Stdlib.declaring(close, Decl.Circuit.class);
                hint = "did you mean `" + close + "`? It is a circuit of " + String.join(" and ", modules)
                        + ": import it with `import " + modules.get(0) + ".{" + close + "}`";
            }
        }
        el.diags.error(name.span(), DiagCode.E0203, "unknown " + what + " `" + n + "`", hint);
    }

    /** E0202 for an axis {@code name} that is neither a generic parameter here nor declared in the module or its imports. */
    void axis(Name name, Env env) {
        String n = name.text();
        if (env.module.mayComeFromFailedImport(n)) return;
        List<String> known = new ArrayList<>(env.axes.keySet());
        known.addAll(env.module.visibleAxes());
        String hint = CloseNames.didYouMean(n, known);
        if (hint == null) hint = importHint(n, Decl.AxisDef.class, "axis");
        if (hint == null) hint = "declare it (`axis " + n + " = N`) or make it a generic parameter of the circuit: `circuit C<" + n + ">(...)`";
        el.diags.error(name.span(), DiagCode.E0202, "unknown axis `" + n + "`", hint);
    }

    /** Where the stdlib declares {@code n} as a {@code kind}, as an import to write; null when it does not. */
    private static String importHint(String n, Class<?> kind, String kindWord) {
        List<String> modules = Stdlib.declaring(n, kind);
        if (modules.isEmpty()) return null;
        return "the " + kindWord + " `" + n + "` is declared in " + String.join(" and ", modules)
                + ": import it with `import " + modules.get(0) + ".{" + n + "}`";
    }
}
