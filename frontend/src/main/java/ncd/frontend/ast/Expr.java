package ncd.frontend.ast;

import ncd.diag.SourceSpan;
import ncd.ir.DType;

import java.util.List;

/** Expressions: every form carries its span. */
public sealed interface Expr {
    SourceSpan span();

    /** A number, with an optional unit: {@code 20 ms}. {@code integral} when written without a fraction or exponent. */
    record Num(SourceSpan span, double value, boolean integral, Name unit) implements Expr {}
    /** {@code true} or {@code false}. */
    record Bool(SourceSpan span, boolean value) implements Expr {}
    /** A name: a value, a circuit (as an instance), or an axis where one is expected. */
    record Ref(SourceSpan span, Name name) implements Expr {}
    /** A generic circuit named with its generic arguments, as an instance: {@code let blk = EncoderBlock<seq, d>}. */
    record Inst(SourceSpan span, Name name, List<GenericArg> generics) implements Expr {
        public Inst { generics = List.copyOf(generics); }
    }
    /** {@code -x}, {@code not x}. */
    record Unary(SourceSpan span, UnOp op, Expr operand) implements Expr {}
    /** Infix arithmetic, comparison and logic. */
    record Binary(SourceSpan span, BinOp op, Expr left, Expr right) implements Expr {}
    /** {@code a @[k, l] b}: multiply and sum over k, l. */
    record Contract(SourceSpan span, List<Name> axes, Expr left, Expr right) implements Expr {
        public Contract { axes = List.copyOf(axes); }
    }
    /** {@code f(x)}, {@code f<A>(x)}, {@code exp(x)}: a circuit or a builtin function. */
    record Call(SourceSpan span, Name callee, List<GenericArg> generics, List<Expr> args) implements Expr {
        public Call { generics = List.copyOf(generics); args = List.copyOf(args); }
    }
    /** {@code sum[A](x)}, {@code roll[col, 1](x)}: a builtin parameterised by axes and options. */
    record AxisOp(SourceSpan span, Name op, List<OpArg> opArgs, List<Expr> args) implements Expr {
        public AxisOp { opArgs = List.copyOf(opArgs); args = List.copyOf(args); }
    }
    /** {@code f32(x)}. */
    record Cast(SourceSpan span, DType to, Expr operand) implements Expr {}
    /** {@code x{seq -> key}}. */
    record Rename(SourceSpan span, Expr operand, List<RenamePair> pairs) implements Expr {
        public Rename { pairs = List.copyOf(pairs); }
    }
    /** {@code x[n]} inside {@code for n in axis}. */
    record IndexVar(SourceSpan span, Expr operand, Name var) implements Expr {}
    /** {@code x[seq = 0]}: one index of an axis. */
    record Select(SourceSpan span, Expr operand, Name axis, Expr index) implements Expr {}
    /** {@code (a, b)}. */
    record Tuple(SourceSpan span, List<Expr> items) implements Expr {
        public Tuple { items = List.copyOf(items); }
    }
    /** {@code for n in neuron { ... return e }}: an explicit map over an axis, with per-index parameters. */
    record For(SourceSpan span, Name var, Name axis, List<Stmt> body) implements Expr {
        public For { body = List.copyOf(body); }
    }

    /**
     * {@code scan t in time (h = h0) { ...; next h = ...; yield y }}: the body runs once per index of {@code axis}
     * in order, each run seeing the carries as the previous run's {@code next} left them; or {@code scan for 50
     * (s = s0) { ...; until done }}, at most {@code count} runs, stopping once {@code until} holds. Gives the
     * yields stacked over the axis, then the final carries, then (with {@code until}) the runs made.
     * {@code var} and {@code axis} are null in the {@code for N} form, {@code count} is -1 in the axis form.
     */
    record Scan(SourceSpan span, Name var, Name axis, int count, SourceSpan countSpan, List<Carry> carries, List<Stmt> body) implements Expr {
        public Scan { carries = List.copyOf(carries); body = List.copyOf(body); }
    }
    /** One carried value of a scan: {@code h = h0} or {@code h: f32[hid] = 0}. */
    record Carry(Name name, TypeExpr type, Expr init) {}

    /** A generic argument: positional {@code <key>} or named {@code <O = hidden>}. */
    record GenericArg(Name key, Name value) {}
    /** {@code old -> new}. */
    record RenamePair(Name from, Name to) {}

    enum UnOp { NEG, NOT }

    enum BinOp {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%"), POW("^"),
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), AND("and"), OR("or");

        private final String symbol;
        BinOp(String symbol) { this.symbol = symbol; }
        public String symbol() { return symbol; }
    }
}
