package ncd.cuda;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.runtime.Strides;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of a node at given coordinates, as C: each op's meaning (docs/semantics.md; interp/Kernels.java is the
 * spec this mirrors) written per element. Coordinates are C int expressions by axis name; an operand is read at the
 * coordinates of its own axes, which is how broadcasting by name works. A value with a buffer is loaded; one without
 * (fused into this kernel by {@code fuse}, or a constant or iota) is computed here, once per element and coordinates
 * (memoised in the {@link Scope}). Every value is rounded to its node's dtype, as the interpreter rounds it.
 *
 * <p>C types: f32 {@code float}, f64 {@code double}, i32 {@code int}, bool {@code int} 0/1 ({@code unsigned char}
 * in memory). f32 arithmetic is done in float, which is the correctly rounded double result rounded to float (so it
 * is exact); transcendental functions use the float library (within the op table's 2 ulps).
 */
final class Expr {
    private final KernelWriter w;
    private final Map<String, String> pointers = new LinkedHashMap<>();
    private int temps;

    Expr(KernelWriter w) { this.w = w; }

    /** Statements at one loop depth, with the values already computed there (and in enclosing scopes). */
    final class Scope {
        private final Scope parent;
        private final String indent;
        private final StringBuilder text = new StringBuilder();
        private final Map<String, String> memo = new HashMap<>();

        Scope(Scope parent, String indent) {
            this.parent = parent;
            this.indent = indent;
        }

        Scope child(String indent) { return new Scope(this, indent); }

        String text() { return text.toString(); }

        void line(String s) { text.append(indent).append(s).append('\n'); }

        /** A new local holding {@code e}; its name. */
        String declare(String ctype, String e) {
            String v = "t" + temps++;
            line(ctype + " " + v + " = " + e + ";");
            return v;
        }

        String find(String key) {
            for (Scope s = this; s != null; s = s.parent) {
                String v = s.memo.get(key);
                if (v != null) return v;
            }
            return null;
        }
    }

    Scope root(String indent) { return new Scope(null, indent); }

    /** Declarations of the typed pointers into the allocation that the kernel used. */
    void declarePointers(StringBuilder sb, String indent) {
        for (Map.Entry<String, String> p : pointers.entrySet()) sb.append(indent).append(p.getValue()).append('\n');
    }

    /** The pointer to {@code n}'s buffer (declared by {@link #declarePointers}). */
    String pointer(Node n) {
        Long off = w.offset(n);
        if (off == null) throw new IllegalStateException(n + " has no buffer");
        String t = memType(n.type().dtype());
        String name = "p" + off + "_" + n.type().dtype().word();
        pointers.putIfAbsent(name, t + "* " + name + " = (" + t + "*)(base + " + off + "LL);");
        return name;
    }

    /** {@code n}'s value at {@code c} (which names at least its axes): loaded, inline, or already computed here. */
    String value(Node n, Map<String, String> c, Scope s) {
        if (n.op() == Op.CONST) return literal(n.type().dtype(), ((Attr.Scalar) n.attr()).value());
        if (n.op() == Op.IOTA) return "(" + flat(n.type(), c) + ")";
        StringBuilder key = new StringBuilder().append(n.id());
        for (String a : n.type().axisNames()) key.append(',').append(at(c, a));
        String hit = s.find(key.toString());
        if (hit != null) return hit;
        String e = w.offset(n) != null ? pointer(n) + "[" + flat(n.type(), c) + "]" : compute(n, c, s);
        String v = s.declare(ctype(n.type().dtype()), e);
        s.memo.put(key.toString(), v);
        return v;
    }

    /** {@code n}'s value at {@code c}, computed from its inputs (never loaded from its own buffer). */
    String compute(Node n, Map<String, String> c, Scope s) {
        TensorType t = n.type();
        DType d = t.dtype();
        return switch (n.op()) {
            case INPUT, PARAM, STATE_READ -> throw new IllegalStateException(n + " is bound, not computed, and has no buffer");
            case CONST -> literal(d, ((Attr.Scalar) n.attr()).value());
            case IOTA -> "(" + flat(t, c) + ")";
            case RANDOM -> random(n, c, s);
            case UNARY -> unary((Attr.Unary) n.attr(), d, value(n.input(0), c, s));
            case BINARY -> binary(((Attr.Binary) n.attr()).fn(), n.input(0).type().dtype(), d, value(n.input(0), c, s), value(n.input(1), c, s));
            case WHERE -> "(" + value(n.input(0), c, s) + " ? " + value(n.input(1), c, s) + " : " + value(n.input(2), c, s) + ")";
            case EXPAND, TRANSPOSE -> value(n.input(0), c, s);
            case CAST -> cast(n.input(0).type().dtype(), ((Attr.Cast) n.attr()).to(), value(n.input(0), c, s));
            case REDUCE -> reduce(n, c, s);
            case ARG_REDUCE -> argReduce(n, c, s);
            case CONTRACT -> contract(n, c, s);
            case RENAME -> {
                Map<String, String> ci = new LinkedHashMap<>(c);
                for (Map.Entry<String, Axis> r : ((Attr.Rename) n.attr()).map().entrySet()) ci.put(r.getKey(), at(c, r.getValue().name()));
                yield value(n.input(0), ci, s);
            }
            case SPLIT -> {
                Attr.Split sp = (Attr.Split) n.attr();
                StringBuilder e = new StringBuilder("(0");
                long stride = 1;
                for (int p = sp.parts().size() - 1; p >= 0; p--) {
                    e.append(" + ").append(at(c, sp.parts().get(p).name())).append(" * ").append(stride);
                    stride *= sp.parts().get(p).size();
                }
                yield value(n.input(0), with(c, sp.axis(), e.append(")").toString()), s);
            }
            case MERGE -> {
                Attr.Merge m = (Attr.Merge) n.attr();
                TensorType in = n.input(0).type();
                Map<String, String> ci = new LinkedHashMap<>(c);
                long stride = 1;
                for (int p = m.parts().size() - 1; p >= 0; p--) {
                    int size = in.axis(m.parts().get(p)).size();
                    ci.put(m.parts().get(p), "((" + at(c, m.into().name()) + " / " + stride + ") % " + size + ")");
                    stride *= size;
                }
                yield value(n.input(0), ci, s);
            }
            case SLICE -> {
                Attr.Slice sl = (Attr.Slice) n.attr();
                yield value(n.input(0), with(c, sl.axis(), "(" + sl.start() + " + " + at(c, sl.into().name()) + ")"), s);
            }
            case SELECT -> {
                Attr.Select se = (Attr.Select) n.attr();
                yield value(n.input(0), with(c, se.axis(), Integer.toString(se.index())), s);
            }
            case ROLL -> {
                Attr.Roll r = (Attr.Roll) n.attr();
                int size = n.input(0).type().axis(r.axis()).size();
                int k = r.shift() % size;
                yield value(n.input(0), with(c, r.axis(), "(((" + at(c, r.axis()) + " - " + k + ") % " + size + " + " + size + ") % " + size + ")"), s);
            }
            case SHIFT -> {
                Attr.Shift sh = (Attr.Shift) n.attr();
                int size = n.input(0).type().axis(sh.axis()).size();
                String src = s.declare("int", at(c, sh.axis()) + " - (" + sh.shift() + ")");
                String v = value(n.input(0), with(c, sh.axis(), clamp(src, size)), s);
                yield "((" + src + " >= 0 && " + src + " < " + size + ") ? " + v + " : " + literal(d, sh.fill()) + ")";
            }
            case WINDOW -> window(n, c, s);
            case CONCAT -> concat(n, c, s);
            case REPEAT -> {
                Attr.Repeat r = (Attr.Repeat) n.attr();
                int factor = r.into().size() / n.input(0).type().axis(r.axis()).size();
                yield value(n.input(0), with(c, r.axis(), "(" + at(c, r.into().name()) + " / " + factor + ")"), s);
            }
            case ONEHOT -> {
                Attr.OneHot o = (Attr.OneHot) n.attr();
                String k = value(n.input(0), c, s);
                yield "(" + ctype(d) + ")((int)(" + k + ") == " + at(c, o.axis().name()) + " ? 1 : 0)";
            }
            case GATHER -> gather(n, c, s);
            case ARGSORT -> argsort(n, c, s);
            case LINALG -> linalg(n, c, s);
            case SYNAPSES -> throw new IllegalStateException("SYNAPSES reached the cuda generator: CudaBackend.accepts refuses it (E0723)");
            case DELAY -> throw new IllegalStateException("DELAY reached the cuda generator: CudaBackend.accepts refuses it (E0731)");
            case FFT -> throw new IllegalStateException("an FFT reached the CUDA generator: CudaBackend.accepts refuses it (E0407)");
        };
    }

    // ---- elementwise

    private String random(Node n, Map<String, String> c, Scope s) {
        Attr.Random r = (Attr.Random) n.attr();
        String seed = Long.toUnsignedString(KernelWriter.seed(n)) + "ULL";
        String idx = "(long long)(" + flat(n.type(), c) + ")";
        String a = "(double)" + value(n.input(0), c, s);
        String b = n.inputs().size() > 1 ? "(double)" + value(n.input(1), c, s) : null;
        String v = switch (r.dist()) {
            case UNIFORM -> a + " + (" + b + " - " + a + ") * ncd_uniform(" + seed + ", step, " + idx + ")";
            case NORMAL -> a + " + " + b + " * ncd_normal(" + seed + ", step, " + idx + ")";
            case BERNOULLI -> "(ncd_uniform(" + seed + ", step, " + idx + ") < " + a + " ? 1.0 : 0.0)";
        };
        return round(n.type().dtype(), v);
    }

    static String unary(Attr.Unary u, DType d, String x) {
        boolean f = d == DType.F32, i = d == DType.I32;
        String sfx = f ? "f" : "";
        return switch (u.fn()) {
            case NEG -> i ? "ncd_ineg(" + x + ")" : "(-" + x + ")";
            case ABS -> i ? "ncd_iabs(" + x + ")" : "fabs" + sfx + "(" + x + ")";
            case SIGN -> i ? "ncd_isign(" + x + ")" : (f ? "ncd_signf(" : "ncd_sign(") + x + ")";
            case EXP -> "exp" + sfx + "(" + x + ")";
            case LOG -> "log" + sfx + "(" + x + ")";
            case SQRT -> "sqrt" + sfx + "(" + x + ")";
            case TANH -> "tanh" + sfx + "(" + x + ")";
            case SIGMOID -> f ? "(1.0f / (1.0f + expf(-" + x + ")))" : "(1.0 / (1.0 + exp(-" + x + ")))";
            case RELU -> "((" + x + " > 0 || " + x + " != " + x + ") ? " + x + " : " + literal(d, 0) + ")";
            case SIN -> "sin" + sfx + "(" + x + ")";
            case COS -> "cos" + sfx + "(" + x + ")";
            case FLOOR -> "floor" + sfx + "(" + x + ")";
            case CEIL -> "ceil" + sfx + "(" + x + ")";
            case ROUND -> "rint" + sfx + "(" + x + ")";
            case NOT -> "(" + x + " == 0)";
            case POW_CONST -> u.exponent() == 0 ? literal(d, 1) : u.exponent() == 1 ? x : u.exponent() == 2 ? "(" + x + " * " + x + ")"
                    : round(d, "pow((double)" + x + ", " + Double.toHexString(u.exponent()) + ")");
            case STOP_GRADIENT -> x;
            case SPIKE -> "(" + x + " > 0 ? " + literal(d, 1) + " : " + literal(d, 0) + ")";
        };
    }

    /** {@code fn} of operands of dtype {@code in} with a result of dtype {@code out}. */
    static String binary(Attr.BinaryFn fn, DType in, DType out, String x, String y) {
        boolean i = in == DType.I32, f = in == DType.F32;
        return switch (fn) {
            case ADD -> i ? "ncd_iadd(" + x + ", " + y + ")" : "(" + x + " + " + y + ")";
            case SUB -> i ? "ncd_isub(" + x + ", " + y + ")" : "(" + x + " - " + y + ")";
            case MUL -> i ? "ncd_imul(" + x + ", " + y + ")" : "(" + x + " * " + y + ")";
            case DIV -> i ? "ncd_idiv(" + x + ", " + y + ")" : "(" + x + " / " + y + ")";
            case MOD -> i ? "ncd_imod(" + x + ", " + y + ")" : round(out, "ncd_fmod((double)" + x + ", (double)" + y + ")");
            case POW -> round(out, "pow((double)" + x + ", (double)" + y + ")");
            case MAX -> i ? "max(" + x + ", " + y + ")" : (f ? "ncd_maxf(" : "ncd_max(") + x + ", " + y + ")";
            case MIN -> i ? "min(" + x + ", " + y + ")" : (f ? "ncd_minf(" : "ncd_min(") + x + ", " + y + ")";
            case EQ -> "(" + x + " == " + y + ")";
            case NE -> "(" + x + " != " + y + ")";
            case LT -> "(" + x + " < " + y + ")";
            case LE -> "(" + x + " <= " + y + ")";
            case GT -> "(" + x + " > " + y + ")";
            case GE -> "(" + x + " >= " + y + ")";
            case AND -> "((" + x + ") != 0 && (" + y + ") != 0)";
            case OR -> "((" + x + ") != 0 || (" + y + ") != 0)";
            case XOR -> "(((" + x + ") != 0) != ((" + y + ") != 0))";
            case ATAN2 -> round(out, "atan2((double)" + x + ", (double)" + y + ")");
        };
    }

    /** Scalars.cast: to bool, nonzero; to i32, Java's saturating (int); to a float, the nearest. */
    static String cast(DType from, DType to, String x) {
        return switch (to) {
            case BOOL -> "(" + x + " != 0)";
            case I32 -> from.isFloat() ? "ncd_jint((double)" + x + ")" : "(int)(" + x + ")";
            case F32 -> "(float)(" + x + ")";
            case F64 -> "(double)(" + x + ")";
        };
    }

    /** A double expression rounded to {@code d} as Scalars.round does. */
    static String round(DType d, String v) {
        return switch (d) {
            case F32 -> "(float)(" + v + ")";
            case F64 -> "(" + v + ")";
            case I32 -> "ncd_to_i32((double)(" + v + "))";
            case BOOL -> "((" + v + ") != 0)";
        };
    }

    // ---- reductions and contraction: loops over the summed axes, row-major in the input's (a's) order

    private String reduce(Node n, Map<String, String> c, Scope s) {
        Attr.Reduce r = (Attr.Reduce) n.attr();
        Node in = n.input(0);
        List<Axis> axes = new ArrayList<>();
        for (Axis a : in.type().axes()) if (r.axes().contains(a.name())) axes.add(a);
        long count = 1;
        for (Axis a : axes) count *= a.size();
        Reductions.Acc acc = Reductions.acc(r.fn(), in.type().dtype());
        String v = s.declare(acc.ctype(), acc.start());
        Loops body = loops(axes, c, s);
        String x = value(in, body.coords, body.scope);
        body.scope.line(v + " = " + acc.step(v, x) + ";");
        close(body, s);
        return round(n.type().dtype(), acc.end(v, count));
    }

    private String argReduce(Node n, Map<String, String> c, Scope s) {
        Attr.ArgReduce r = (Attr.ArgReduce) n.attr();
        Node in = n.input(0);
        Axis axis = in.type().axis(r.axis());
        String best = s.declare("double", "0.0"), at = s.declare("int", "0");
        Loops body = loops(List.of(axis), c, s);
        String x = value(in, body.coords, body.scope);
        String k = body.coords.get(axis.name());
        String replaces = r.fn() == Attr.ReduceFn.ARGMAX ? "ncd_argmax_replaces" : "ncd_argmin_replaces";
        body.scope.line("if (" + k + " == 0 || " + replaces + "(" + best + ", (double)" + x + ")) { " + best + " = (double)" + x + "; " + at + " = " + k + "; }");
        close(body, s);
        return at;
    }

    /**
     * The index at sorted position {@code c[axis]}: the element whose rank is that position, where an element's rank
     * counts the elements that go before it (strictly before in value, or equal and at a lower index: stable).
     * Quadratic in the axis length, one output element per thread.
     */
    private String argsort(Node n, Map<String, String> c, Scope s) {
        Attr.ArgSort a = (Attr.ArgSort) n.attr();
        Node in = n.input(0);
        Axis axis = in.type().axis(a.axis());
        String desc = a.descending() ? "true" : "false";
        String pos = at(c, axis.name()), res = s.declare("int", "0");
        Loops outer = loops(List.of(axis), c, s);
        String i = outer.coords.get(axis.name());
        String xi = outer.scope.declare("double", "(double)" + value(in, outer.coords, outer.scope));
        String rank = outer.scope.declare("int", "0");
        Loops inner = loops(List.of(axis), outer.coords, outer.scope);
        String k = inner.coords.get(axis.name());
        String xk = inner.scope.declare("double", "(double)" + value(in, inner.coords, inner.scope));
        inner.scope.line("if (ncd_sorts_before(" + xk + ", " + xi + ", " + desc + ") || (!ncd_sorts_before(" + xi + ", " + xk + ", "
                + desc + ") && " + k + " < " + i + ")) ++" + rank + ";");
        close(inner, outer.scope);
        outer.scope.line("if (" + rank + " == " + pos + ") " + res + " = " + i + ";");
        close(outer, s);
        return res;
    }

    /**
     * LINALG: the element's own matrix (and, for solve, vector) copied into local double arrays, the prelude's
     * ncd_la_* function run on them (the algorithms of ncd.runtime.Linalg, step by step), the element picked. Each
     * output element recomputes its matrix: one thread per element, for small matrices. A singular matrix reports
     * the op's number in the error word.
     */
    private String linalg(Node n, Map<String, String> c, Scope s) {
        Attr.Linalg l = (Attr.Linalg) n.attr();
        Node a = n.input(0);
        TensorType at = a.type();
        Axis row = at.axis(l.row()), col = at.axis(l.col());
        int size = row.size(), sq = size * size;
        String m = "t" + temps++, w2 = "t" + temps++, v = "t" + temps++, g = "t" + temps++;
        // only the scratch arrays the function uses (nvcc warns of unused locals)
        Attr.LinalgFn fn = l.fn();
        boolean needW = fn != Attr.LinalgFn.SOLVE && fn != Attr.LinalgFn.CHOLESKY;
        boolean needV = fn == Attr.LinalgFn.SOLVE || fn == Attr.LinalgFn.EIGH_VALUES || fn == Attr.LinalgFn.EIGH_VECTORS
                || fn == Attr.LinalgFn.SPECTRAL_NORM;
        s.line("double " + m + "[" + sq + "]" + (needW ? ", " + w2 + "[" + sq + "]" : "") + (needV ? ", " + v + "[" + size + "]" : "")
                + (fn == Attr.LinalgFn.SPECTRAL_NORM ? ", " + g + "[" + sq + "]" : "") + ";");
        Loops body = loops(List.of(row, col), c, s);
        body.scope.line(m + "[" + body.coords.get(row.name()) + " * " + size + " + " + body.coords.get(col.name()) + "] = (double)"
                + value(a, body.coords, body.scope) + ";");
        close(body, s);
        String ok = s.declare("int", "1");
        String r;
        switch (l.fn()) {
            case SOLVE -> {
                Loops bl = loops(List.of(row), c, s);
                bl.scope.line(v + "[" + bl.coords.get(row.name()) + "] = (double)" + value(n.input(1), bl.coords, bl.scope) + ";");
                close(bl, s);
                s.line(ok + " = ncd_la_solve(" + m + ", " + v + ", " + size + ");");
                r = v + "[" + at(c, col.name()) + "]";
            }
            case INVERSE -> {
                s.line(ok + " = ncd_la_inverse(" + m + ", " + w2 + ", " + size + ");");
                r = w2 + "[" + at(c, row.name()) + " * " + size + " + " + at(c, col.name()) + "]";
            }
            case CHOLESKY -> {
                s.line(ok + " = ncd_la_cholesky(" + m + ", " + size + ");");
                r = m + "[" + at(c, row.name()) + " * " + size + " + " + at(c, col.name()) + "]";
            }
            case EIGH_VALUES -> {
                s.line("ncd_la_eigh(" + m + ", " + w2 + ", " + v + ", " + size + ");");
                r = v + "[" + at(c, l.into().name()) + "]";
            }
            case EIGH_VECTORS -> {
                s.line("ncd_la_eigh(" + m + ", " + w2 + ", " + v + ", " + size + ");");
                r = w2 + "[" + at(c, row.name()) + " * " + size + " + " + at(c, l.into().name()) + "]";
            }
            case SPECTRAL_NORM -> r = s.declare("double", "ncd_la_spectral_norm(" + m + ", " + w2 + ", " + v + ", " + g + ", " + size + ")");
            case SPECTRAL_RADIUS -> r = s.declare("double", "ncd_la_spectral_radius(" + m + ", " + w2 + ", " + size + ")");
            default -> throw new IllegalStateException();
        }
        // the failing matrix's number: row-major over the result's axes other than its matrix axes (Linalg.Plan's order)
        StringBuilder q = new StringBuilder("0");
        for (Axis ax : n.type().axes()) {
            String name = ax.name();
            boolean matrix = switch (l.fn()) {
                case SOLVE -> name.equals(l.col());
                case INVERSE, CHOLESKY -> name.equals(l.row()) || name.equals(l.col());
                case EIGH_VALUES -> name.equals(l.into().name());
                case EIGH_VECTORS -> name.equals(l.row()) || name.equals(l.into().name());
                case SPECTRAL_RADIUS, SPECTRAL_NORM -> false;
            };
            if (!matrix) q.insert(0, "(").append(") * ").append(ax.size()).append(" + ").append(at(c, name));
        }
        s.line("if (!" + ok + ") ncd_fail(base, " + w.gatherNumber(n) + ", (int)(" + flat(n.type(), c) + "), " + q + ");");
        return round(n.type().dtype(), r);
    }

    private String contract(Node n, Map<String, String> c, Scope s) {
        TensorType ta = n.input(0).type();
        List<Axis> axes = new ArrayList<>();
        for (Axis a : ta.axes()) if (((Attr.Contract) n.attr()).axes().contains(a.name())) axes.add(a);
        String acc = s.declare("double", "0.0");
        Loops body = loops(axes, c, s);
        String a = value(n.input(0), body.coords, body.scope), b = value(n.input(1), body.coords, body.scope);
        body.scope.line(acc + " += (double)" + a + " * (double)" + b + ";");
        close(body, s);
        return round(n.type().dtype(), acc);
    }

    /** Nested loops over {@code axes} (outermost first), opened in {@code s}; the body's scope and coordinates. */
    private Loops loops(List<Axis> axes, Map<String, String> c, Scope s) {
        Map<String, String> ci = new LinkedHashMap<>(c);
        StringBuilder head = new StringBuilder();
        for (Axis a : axes) {
            String k = "r" + temps++;
            head.append("for (int ").append(k).append(" = 0; ").append(k).append(" < ").append(a.size()).append("; ++").append(k).append(") ");
            ci.put(a.name(), k);
        }
        s.line(head + "{");
        return new Loops(s.child(s.indent + "    "), ci);
    }

    private static void close(Loops body, Scope s) {
        s.text.append(body.scope.text());
        s.line("}");
    }

    private record Loops(Scope scope, Map<String, String> coords) {}

    // ---- data movement with a boundary: operands are read at a clamped index, so no read leaves the buffer

    private String window(Node n, Map<String, String> c, Scope s) {
        Attr.Window w = (Attr.Window) n.attr();
        TensorType in = n.input(0).type();
        Map<String, String> ci = new LinkedHashMap<>(c);
        List<String> inside = new ArrayList<>();
        for (Attr.WindowDim wd : w.dims()) {
            int size = in.axis(wd.axis()).size(), half = wd.offset().size() / 2;
            String p = s.declare("int", at(c, wd.axis()) + " + " + at(c, wd.offset().name()) + " - " + half);
            if (w.boundary() == Attr.Boundary.WRAP) {
                ci.put(wd.axis(), "(((" + p + ") % " + size + " + " + size + ") % " + size + ")");
            } else {
                inside.add("(" + p + " >= 0 && " + p + " < " + size + ")");
                ci.put(wd.axis(), clamp(p, size));
            }
        }
        String v = value(n.input(0), ci, s);
        return inside.isEmpty() ? v : "((" + String.join(" && ", inside) + ") ? " + v + " : " + literal(n.type().dtype(), 0) + ")";
    }

    private String concat(Node n, Map<String, String> c, Scope s) {
        Attr.Concat cat = (Attr.Concat) n.attr();
        String j = at(c, cat.into().name());
        List<String> parts = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        int start = 0;
        for (int p = 0; p < n.inputs().size(); p++) {
            int len = n.input(p).type().axis(cat.parts().get(p)).size();
            String k = s.declare("int", j + " - " + start);
            parts.add(value(n.input(p), with(c, cat.parts().get(p), clamp(k, len)), s));
            start += len;
            ends.add(start);
        }
        StringBuilder e = new StringBuilder("(");
        for (int p = 0; p < parts.size() - 1; p++) e.append(j).append(" < ").append(ends.get(p)).append(" ? ").append(parts.get(p)).append(" : ");
        return e.append(parts.get(parts.size() - 1)).append(")").toString();
    }

    private String gather(Node n, Map<String, String> c, Scope s) {
        String axis = ((Attr.AxisRef) n.attr()).axis();
        int len = n.input(0).type().axis(axis).size();
        String k = s.declare("int", "(int)" + value(n.input(1), c, s));
        s.line("if (" + k + " < 0 || " + k + " >= " + len + ") ncd_fail(base, " + w.gatherNumber(n) + ", (int)(" + flat(n.type(), c) + "), " + k + ");");
        return value(n.input(0), with(c, axis, clamp(k, len)), s);
    }

    // ---- helpers

    /** Row-major flat index of {@code c} in {@code t}. */
    static String flat(TensorType t, Map<String, String> c) {
        if (t.rank() == 0) return "0";
        int[] st = Strides.of(t);
        StringBuilder e = new StringBuilder();
        for (int d = 0; d < t.rank(); d++) {
            if (d > 0) e.append(" + ");
            String x = at(c, t.axes().get(d).name());
            e.append(st[d] == 1 ? x : x + " * " + st[d]);
        }
        return e.toString();
    }

    private static String at(Map<String, String> c, String axis) {
        String x = c.get(axis);
        if (x == null) throw new IllegalStateException("no coordinate for axis " + axis + " in " + c.keySet());
        return x;
    }

    private static Map<String, String> with(Map<String, String> c, String axis, String e) {
        Map<String, String> out = new LinkedHashMap<>(c);
        out.put(axis, e);
        return out;
    }

    private static String clamp(String k, int size) { return "min(max(" + k + ", 0), " + (size - 1) + ")"; }

    static String ctype(DType d) {
        return switch (d) {
            case F32 -> "float";
            case F64 -> "double";
            case I32, BOOL -> "int";
        };
    }

    static String memType(DType d) { return d == DType.BOOL ? "unsigned char" : ctype(d); }

    /** An exact C literal of {@code v} rounded to {@code d}. */
    static String literal(DType d, double v) {
        return switch (d) {
            case F32 -> {
                float f = (float) v;
                yield Float.isNaN(f) ? "NAN" : Float.isInfinite(f) ? (f > 0 ? "INFINITY" : "(-INFINITY)") : "(" + Float.toHexString(f) + "f)";
            }
            case F64 -> Double.isNaN(v) ? "(double)NAN" : Double.isInfinite(v) ? (v > 0 ? "(double)INFINITY" : "(-(double)INFINITY)") : "(" + Double.toHexString(v) + ")";
            case I32 -> {
                int i = (int) ncd.ir.Scalars.round(DType.I32, v);
                yield i == Integer.MIN_VALUE ? "(-2147483647 - 1)" : "(" + i + ")";
            }
            case BOOL -> v != 0 ? "1" : "0";
        };
    }

}
