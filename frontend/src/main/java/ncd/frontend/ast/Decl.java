package ncd.frontend.ast;

import ncd.diag.SourceSpan;

import java.util.List;

/** Top-level declarations of a module. */
public sealed interface Decl {
    SourceSpan span();

    /** {@code axis d = 64, seq}: sizes may be left for later. */
    record Axes(SourceSpan span, List<AxisDef> defs) implements Decl {
        public Axes { defs = List.copyOf(defs); }
    }
    /**
     * One axis: its size (null: sized later) and the sign of the population it is ({@code excitatory} or
     * {@code inhibitory}, as written; null when none is written): Dale's law, docs/language.md.
     */
    record AxisDef(Name name, Integer size, Name sign) {
        public AxisDef(Name name, Integer size) { this(name, size, null); }
    }

    /** {@code unit s} (a base dimension) or {@code unit mV = 1e-3 V}. */
    record UnitDef(SourceSpan span, Name name, double scale, UnitExpr definition) implements Decl {
        public boolean isBase() { return definition == null; }
    }

    /** {@code const a = 1, b = 2 ms}. */
    record Consts(SourceSpan span, List<ConstDef> defs) implements Decl {
        public Consts { defs = List.copyOf(defs); }
    }
    /** One constant. */
    record ConstDef(SourceSpan span, Name name, TypeExpr type, Expr value) {}

    /** A circuit, either with a body or as a composition ({@code body} null, {@code comp} set). */
    record Circuit(SourceSpan span, Name name, List<Name> generics, List<ParamDecl> params, List<OutputDecl> outputs,
                   boolean tupleOutput, List<Stmt> body, Comp comp) implements Decl {
        public Circuit {
            generics = List.copyOf(generics);
            params = List.copyOf(params);
            outputs = List.copyOf(outputs);
            body = body == null ? null : List.copyOf(body);
        }
        public boolean isComposed() { return comp != null; }
    }
    /** {@code x: f32[A]}. */
    record ParamDecl(Name name, TypeExpr type) {}
    /** An output type, optionally named. */
    record OutputDecl(Name name, TypeExpr type) {}

    /**
     * {@code law name<A>(x: f32[A]): lhs == rhs within 1e-6}, or an expectation about one run,
     * {@code expect name after 4 steps: lhs == rhs}: both sides compared after {@code steps} state updates.
     */
    record Law(SourceSpan span, Name name, List<Name> generics, List<ParamDecl> params, Expr lhs, Expr rhs,
               double tolerance, boolean expect, int steps) implements Decl {
        public Law { generics = List.copyOf(generics); params = List.copyOf(params); }
    }

    /**
     * {@code train Fit = Objective { optimizer = adam, lr = 1e-3, batch = 64 }}: how to fit the parameters of the
     * circuit {@code objective} (scalar outputs: a loss and metrics, per sample) to data. Settings are checked, and
     * the declaration is made into a batched circuit, by {@link ncd.frontend.resolve.TrainDecls}.
     */
    record Train(SourceSpan span, Name name, Name objective, List<Setting> settings) implements Decl {
        public Train { settings = List.copyOf(settings); }
    }
    /** {@code key = value} or {@code key = [path, path]} ({@code list}): a number (with its sign) or dotted paths. */
    record Setting(SourceSpan span, Name key, List<SettingValue> values, boolean list) {
        public Setting { values = List.copyOf(values); }
    }
    /** One value of a setting: {@code number} when written as one, else {@code path}. */
    record SettingValue(SourceSpan span, Double number, boolean integral, String path) {}

    /** Circuit composition. */
    sealed interface Comp {
        SourceSpan span();
    }
    /** {@code f >> g}. */
    record Seq(SourceSpan span, Comp first, Comp then) implements Comp {}
    /** {@code f || g}. */
    record Par(SourceSpan span, Comp left, Comp right) implements Comp {}
    /** A circuit named in a composition, with generic arguments. */
    record CompRef(SourceSpan span, Name circuit, List<Expr.GenericArg> generics) implements Comp {
        public CompRef { generics = List.copyOf(generics); }
    }
}
