package ncd.diagrams;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.IrPrinter;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a diagram writes on its boxes and wires: the text of one op (a symbol, then its axis details), of a wire
 * (one line per axis, {@code name:size}), and the names of operand slots whose order matters. Pure functions of the
 * IR, so the same graph always gives the same words.
 */
public final class Labels {
    private Labels() {}

    /** {@code seq:32}, one per axis, in the type's order; a scalar has none. */
    public static List<String> axisLines(TensorType t) {
        List<String> out = new ArrayList<>();
        for (Axis a : t.axes()) out.add(a.name() + ":" + a.size());
        return out;
    }

    /** {@code seq:32 × d_model:64}, or {@code scalar}. */
    public static String shape(TensorType t) {
        if (t.axes().isEmpty()) return "scalar";
        return t.axes().stream().map(a -> a.name() + ":" + a.size()).collect(Collectors.joining(" × "));
    }

    /** The lines a wire carrying {@code t} is labelled with: one per axis, then the dtype when it is not f32. */
    public static List<String> wireLines(TensorType t) {
        List<String> out = axisLines(t);
        if (t.dtype() != DType.F32) out.add(t.dtype().word());
        return out;
    }

    /** Comma-separated axis names (the {@code ncd_axes} attribute). */
    public static String axisNames(TensorType t) { return String.join(",", t.axisNames()); }

    /** The name of a parameter without the instance path of the scope it is drawn in. */
    public static String paramShortName(Node n) {
        String path = ((Attr.Param) n.attr()).name();
        String scope = n.scope();
        if (!scope.isEmpty() && path.startsWith(scope + ".")) return path.substring(scope.length() + 1);
        return path;
    }

    /** {@code glorot}, {@code const(0)}, {@code uniform(0, 1)}, with a bound when there is one. */
    public static String initText(Attr.Param p) {
        String s = p.init().kind().name().toLowerCase(Locale.ROOT);
        if (!p.init().args().isEmpty()) {
            s += "(" + p.init().args().stream().map(IrPrinter::number).collect(Collectors.joining(", ")) + ")";
        }
        if (p.bound() != null) s += (p.bound().lower() ? ", ≥ " : ", ≤ ") + IrPrinter.number(p.bound().value());
        return s;
    }

    /** The op's name as `ncdc ir` prints it: {@code contract}, {@code exp}, {@code reduce.sum}. */
    public static String opName(Node n) {
        Attr a = n.attr();
        if (a instanceof Attr.Unary) return ((Attr.Unary) a).fn().word();
        if (a instanceof Attr.Binary) return ((Attr.Binary) a).fn().word();
        if (a instanceof Attr.Reduce) return "reduce." + ((Attr.Reduce) a).fn().word();
        if (a instanceof Attr.ArgReduce) return ((Attr.ArgReduce) a).fn().word();
        if (a instanceof Attr.Random) return "random." + ((Attr.Random) a).dist().name().toLowerCase(Locale.ROOT);
        return n.op().name().toLowerCase(Locale.ROOT);
    }

    /** Whether the op owns learned weights: a parameter, or an op with a parameter operand (drawn bold). */
    public static boolean learned(Node n) {
        if (n.op() == Op.PARAM) return true;
        for (Node i : n.inputs()) if (i.op() == Op.PARAM) return true;
        return false;
    }

    /** Whether {@code n} draws as a small round symbol (+, ×, ...) rather than a box. */
    public static boolean isSymbol(Node n) {
        if (n.op() != Op.BINARY || learned(n)) return false;
        return symbol((Attr.Binary) n.attr()) != null;
    }

    private static String symbol(Attr.Binary b) {
        switch (b.fn()) {
            case ADD: return "+";
            case SUB: return "−";
            case MUL: return "×";
            case DIV: return "÷";
            default: return null;
        }
    }

    /**
     * The lines of an op's box: a symbol or name first, then what the op does to axes (summed, kept, renamed,
     * introduced).
     */
    public static List<String> opLines(Node n) {
        List<String> l = new ArrayList<>();
        Attr a = n.attr();
        switch (n.op()) {
            case INPUT:
                l.add(((Attr.Named) a).name());
                break;
            case PARAM: {
                Attr.Param p = (Attr.Param) a;
                l.add(paramShortName(n));
                l.add(shape(n.type()));
                l.add(initText(p));
                break;
            }
            case CONST:
                l.add(compact(((Attr.Scalar) a).value()));
                break;
            case IOTA:
                l.add("iota " + ((Attr.AxisRef) a).axis());
                break;
            case RANDOM: {
                Attr.Random r = (Attr.Random) a;
                l.add(r.dist().name().toLowerCase(Locale.ROOT) + " ~");
                l.add("seed " + r.seed());
                break;
            }
            case STATE_READ:
                l.add(((Attr.Named) a).name());
                l.add("state");
                break;
            case UNARY: {
                Attr.Unary u = (Attr.Unary) a;
                switch (u.fn()) {
                    case NEG: l.add("negate"); break;
                    case SQRT: l.add("√"); break;
                    case ABS: l.add("|x|"); break;
                    case POW_CONST: l.add("x^" + IrPrinter.number(u.exponent())); break;
                    default: l.add(u.fn().word());
                }
                break;
            }
            case BINARY: {
                Attr.Binary b = (Attr.Binary) a;
                String s = symbol(b);
                l.add(s != null ? s : binaryWord(b));
                break;
            }
            case WHERE:
                l.add("where");
                break;
            case EXPAND: {
                List<String> added = new ArrayList<>();
                for (Axis x : n.type().axes()) if (!n.input(0).type().hasAxis(x.name())) added.add(x.name() + ":" + x.size());
                l.add("expand");
                l.add("+ " + String.join(", ", added));
                break;
            }
            case CAST:
                l.add("→ " + ((Attr.Cast) a).to().word());
                break;
            case REDUCE: {
                Attr.Reduce r = (Attr.Reduce) a;
                String f = r.fn() == Attr.ReduceFn.SUM ? "Σ" : r.fn().word();
                l.add(f + " " + sized(n.input(0).type(), r.axes()));
                break;
            }
            case ARG_REDUCE: {
                Attr.ArgReduce r = (Attr.ArgReduce) a;
                l.add(r.fn().word() + " " + sized(n.input(0).type(), List.of(r.axis())));
                break;
            }
            case CONTRACT: {
                Attr.Contract c = (Attr.Contract) a;
                String head = "⊗";
                for (Node i : n.inputs()) if (i.op() == Op.PARAM) head = "⊗ " + paramShortName(i);
                l.add(head);
                l.add(c.axes().isEmpty() ? "outer product" : "Σ " + sized(n.input(0).type(), c.axes()));
                List<String> batch = batchAxes(n);
                if (!batch.isEmpty()) l.add("batch " + sized(n.type(), batch));
                break;
            }
            case RENAME: {
                Attr.Rename r = (Attr.Rename) a;
                l.add(r.map().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + " → " + e.getValue().name()).collect(Collectors.joining(", ")));
                break;
            }
            case TRANSPOSE:
                l.add("transpose");
                l.add(String.join(", ", n.type().axisNames()));
                break;
            case SPLIT: {
                Attr.Split s = (Attr.Split) a;
                l.add("split " + s.axis());
                l.add("→ " + s.parts().stream().map(x -> x.name() + ":" + x.size()).collect(Collectors.joining(", ")));
                break;
            }
            case MERGE: {
                Attr.Merge m = (Attr.Merge) a;
                l.add("merge " + String.join(", ", m.parts()));
                l.add("→ " + m.into().name() + ":" + m.into().size());
                break;
            }
            case SLICE: {
                Attr.Slice s = (Attr.Slice) a;
                l.add(s.axis() + "[" + s.start() + ".." + s.stop() + "]");
                l.add("→ " + s.into().name() + ":" + s.into().size());
                break;
            }
            case SELECT: {
                Attr.Select s = (Attr.Select) a;
                l.add(s.axis() + " = " + s.index());
                break;
            }
            case ROLL: {
                Attr.Roll r = (Attr.Roll) a;
                l.add("roll " + r.axis() + " " + signed(r.shift()));
                break;
            }
            case SHIFT: {
                Attr.Shift s = (Attr.Shift) a;
                l.add("shift " + s.axis() + " " + signed(s.shift()));
                l.add("fill " + IrPrinter.number(s.fill()));
                break;
            }
            case WINDOW: {
                Attr.Window w = (Attr.Window) a;
                l.add("window, " + w.boundary().name().toLowerCase(Locale.ROOT));
                for (Attr.WindowDim d : w.dims()) l.add(d.axis() + " → " + d.offset().name() + ":" + d.offset().size());
                break;
            }
            case CONCAT: {
                Attr.Concat c = (Attr.Concat) a;
                l.add("concat " + String.join(", ", c.parts()));
                l.add("→ " + c.into().name() + ":" + c.into().size());
                break;
            }
            case REPEAT: {
                Attr.Repeat r = (Attr.Repeat) a;
                l.add("repeat " + r.axis());
                l.add("→ " + r.into().name() + ":" + r.into().size());
                break;
            }
            case ONEHOT:
                l.add("onehot");
                l.add("+ " + ((Attr.OneHot) a).axis().name() + ":" + ((Attr.OneHot) a).axis().size());
                break;
            case GATHER:
                l.add("gather " + ((Attr.AxisRef) a).axis());
                break;
            default:
                throw new AssertionError(n.op());
        }
        return l;
    }

    /** The axes both operands of a contraction have and keep: its batch axes. */
    public static List<String> batchAxes(Node contract) {
        Set<String> summed = new LinkedHashSet<>(((Attr.Contract) contract.attr()).axes());
        List<String> out = new ArrayList<>();
        for (String x : contract.input(0).type().axisNames()) {
            if (!summed.contains(x) && contract.input(1).type().hasAxis(x)) out.add(x);
        }
        return out;
    }

    /**
     * The names of an op's operand slots where the order matters ({@code a − b}, {@code where(c, a, b)}); null when
     * it does not (commutative ops, one-input ops, contractions by name).
     */
    public static String slotName(Node n, int slot) {
        switch (n.op()) {
            case WHERE: return new String[] {"if", "then", "else"}[slot];
            case GATHER: return slot == 0 ? "table" : "index";
            case CONCAT: return ((Attr.Concat) n.attr()).parts().get(slot);
            case RANDOM: return n.inputs().size() == 1 ? null : (slot == 0 ? "p1" : "p2");
            case BINARY: {
                switch (((Attr.Binary) n.attr()).fn()) {
                    case ADD: case MUL: case MAX: case MIN: case EQ: case NE: case AND: case OR: case XOR:
                        return null;
                    default:
                        return slot == 0 ? "a" : "b";
                }
            }
            default: return null;
        }
    }

    /**
     * The axes of the result that operand {@code slot} lacks, for elementwise ops: the axes it is broadcast
     * (repeated) along. Scalars are left out: every elementwise op lifts a scalar over every wire.
     */
    public static List<String> broadcastAxes(Node n, int slot) {
        if (n.op() != Op.BINARY && n.op() != Op.WHERE && n.op() != Op.RANDOM) return List.of();
        TensorType in = n.input(slot).type();
        if (in.axes().isEmpty()) return List.of();
        List<String> out = new ArrayList<>();
        for (String x : n.type().axisNames()) if (!in.hasAxis(x)) out.add(x);
        return out;
    }

    private static String binaryWord(Attr.Binary b) {
        switch (b.fn()) {
            case LT: return "<";
            case LE: return "≤";
            case GT: return ">";
            case GE: return "≥";
            case EQ: return "=";
            case NE: return "≠";
            case MOD: return "mod";
            case POW: return "pow";
            default: return b.fn().word();
        }
    }

    private static String sized(TensorType t, List<String> axes) {
        return axes.stream().map(x -> {
            Axis ax = t.axis(x);
            return ax == null ? x : x + ":" + ax.size();
        }).collect(Collectors.joining(", "));
    }

    /** A number to 6 significant digits, as short as it goes: 1.73205, 1e-9, 1e7, 0.065. */
    public static String compact(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return String.valueOf(v);
        if (v == Math.rint(v) && Math.abs(v) < 1e6) return String.valueOf((long) v);
        String s = new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toString();
        return s.replace("E+", "e").replace("E", "e");
    }

    private static String signed(int k) { return k >= 0 ? "+" + k : String.valueOf(k); }
}
