package ncd.frontend.ast;

import ncd.diag.SourceSpan;

import java.util.List;

/** Statements of a circuit body. Lets may appear in any order: the checker orders them by use and rejects cycles. */
public sealed interface Stmt {
    SourceSpan span();

    /** {@code let x: T = e} (the type is optional and checked when given). */
    record Let(SourceSpan span, Name name, TypeExpr type, Expr value) implements Stmt {}
    /** {@code let (a, b) = f(x)}. */
    record LetTuple(SourceSpan span, List<Name> names, Expr value) implements Stmt {
        public LetTuple { names = List.copyOf(names); }
    }
    /** {@code param W, b: f32[o, i] >= 0 ~ glorot}. */
    record Param(SourceSpan span, List<Name> names, TypeExpr type, Bound bound, Init init) implements Stmt {
        public Param { names = List.copyOf(names); }
    }
    /** {@code const tau = 20 ms} inside a circuit. */
    record Const(SourceSpan span, Decl.ConstDef def) implements Stmt {}
    /** {@code state v: f32[N] in mV = -65 mV}. */
    record State(SourceSpan span, Name name, TypeExpr type, Expr init) implements Stmt {}
    /** {@code next v = e}. */
    record Next(SourceSpan span, Name name, Expr value) implements Stmt {}
    /** {@code return e} or {@code return (a, b)}. */
    record Return(SourceSpan span, Expr value) implements Stmt {}

    /** {@code yield y} or {@code yield (a, b)} inside a scan: this run's outputs, stacked over the scanned axis. */
    record Yield(SourceSpan span, Expr value) implements Stmt {}
    /** {@code until done} inside a scan: once it holds, the carries stop changing. */
    record Until(SourceSpan span, Expr cond) implements Stmt {}
    /**
     * {@code dv/dt = (v_rest - v) / tau}, optionally {@code : euler}: the derivative of a declared state. {@code method}
     * is null when the compiler chooses the integrator (docs/language.md, "Equations and events"). {@code dt} is the
     * {@code dt} of {@code dv/dt}, a use of the time step.
     */
    record Equation(SourceSpan span, Name state, Name dt, Expr rhs, Name method) implements Stmt {}
    /**
     * {@code on spike = v > v_th: v = v_reset, refractory 2 ms}: an event, true where {@code condition} holds after
     * the step's integration; it resets states and may hold them for a refractory period ({@code refractory} null:
     * none). {@code name} is bound to the event, a bool tensor.
     */
    record Event(SourceSpan span, Name name, Expr condition, List<Reset> resets, Expr refractory) implements Stmt {
        public Event { resets = List.copyOf(resets); }
    }
    /** {@code v = v_reset} in an event. */
    record Reset(SourceSpan span, Name state, Expr value) {}
    /** {@code ge += we * f32(spike)}: added to a state with an equation after the step's integration. */
    record Jump(SourceSpan span, Name state, Expr value) implements Stmt {}

    /** {@code >= 0} / {@code <= 1}. */
    record Bound(SourceSpan span, boolean lower, Expr value) {}

    /** How a parameter starts: {@code ~ normal(0, 0.02)} or {@code = 0}. */
    sealed interface Init {
        SourceSpan span();
    }
    /** A named initializer with arguments. */
    record NamedInit(SourceSpan span, Name kind, List<Expr> args) implements Init {
        public NamedInit { args = List.copyOf(args); }
    }
    /** A constant expression. */
    record ExprInit(SourceSpan span, Expr value) implements Init {}
}
