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

    /** Whether the op owns learned weights: a parameter, or an op with a parameter operand (drawn bold). */
    public static boolean learned(Node n) {
        if (n.op() == Op.PARAM) return true;
        for (Node i : n.inputs()) if (i.op() == Op.PARAM) return true;
        return false;
    }

    /** Whether {@code n} draws as a small round symbol (+, ×, ...) rather than a box. */
    public static boolean isSymbol(Node n) {
        return n.op() == Op.BINARY && !learned(n) && isArithmetic(((Attr.Binary) n.attr()).fn());
    }

    /** The four arithmetic operators, drawn as round symbols. */
    private static boolean isArithmetic(Attr.BinaryFn fn) {
        return switch (fn) {
            case ADD, SUB, MUL, DIV -> true;
            case MOD, POW, MAX, MIN, EQ, NE, LT, LE, GT, GE, AND, OR, XOR, ATAN2 -> false;
        };
    }

    private static String binaryWord(Attr.BinaryFn fn) {
        return switch (fn) {
            case ADD -> "+";
            case SUB -> "−";
            case MUL -> "×";
            case DIV -> "÷";
            case LT -> "<";
            case LE -> "≤";
            case GT -> ">";
            case GE -> "≥";
            case EQ -> "=";
            case NE -> "≠";
            case MOD, POW, MAX, MIN, AND, OR, XOR, ATAN2 -> fn.word();
        };
    }

    /** Glyphs for the unary functions that have one; the others are drawn by name. */
    private static final Map<Attr.UnaryFn, String> UNARY_GLYPHS = Map.of(Attr.UnaryFn.NEG, "negate", Attr.UnaryFn.SQRT, "√",
            Attr.UnaryFn.ABS, "|x|");

    private static String unaryWord(Attr.Unary u) {
        if (u.fn() == Attr.UnaryFn.POW_CONST) return "x^" + IrPrinter.number(u.exponent());
        return UNARY_GLYPHS.getOrDefault(u.fn(), u.fn().word());
    }

    /**
     * The lines of an op's box: a symbol or name first, then what the op does to axes (summed, kept, renamed,
     * introduced).
     */
    public static List<String> opLines(Node n) {
        Attr a = n.attr();
        return switch (n.op()) {
            case INPUT -> List.of(((Attr.Named) a).name());
            case PARAM -> List.of(paramShortName(n), shape(n.type()), initText((Attr.Param) a));
            case CONST -> List.of(compact(((Attr.Scalar) a).value()));
            case IOTA -> List.of("iota " + ((Attr.AxisRef) a).axis());
            case RANDOM -> {
                Attr.Random r = (Attr.Random) a;
                yield List.of(r.dist().name().toLowerCase(Locale.ROOT) + " ~", "seed " + r.seed());
            }
            case STATE_READ -> List.of(((Attr.Named) a).name(), "state");
            case UNARY -> List.of(unaryWord((Attr.Unary) a));
            case BINARY -> List.of(binaryWord(((Attr.Binary) a).fn()));
            case WHERE -> List.of("where");
            case EXPAND -> {
                List<String> added = new ArrayList<>();
                for (Axis x : n.type().axes()) if (!n.input(0).type().hasAxis(x.name())) added.add(x.name() + ":" + x.size());
                yield List.of("expand", "+ " + String.join(", ", added));
            }
            case CAST -> List.of("→ " + ((Attr.Cast) a).to().word());
            case REDUCE -> {
                Attr.Reduce r = (Attr.Reduce) a;
                String f = r.fn() == Attr.ReduceFn.SUM ? "Σ" : r.fn().word();
                yield List.of(f + " " + sized(n.input(0).type(), r.axes()));
            }
            case ARG_REDUCE -> {
                Attr.ArgReduce r = (Attr.ArgReduce) a;
                yield List.of(r.fn().word() + " " + sized(n.input(0).type(), List.of(r.axis())));
            }
            case CONTRACT -> {
                Attr.Contract c = (Attr.Contract) a;
                List<String> l = new ArrayList<>();
                String head = "⊗";
                for (Node i : n.inputs()) if (i.op() == Op.PARAM) head = "⊗ " + paramShortName(i);
                l.add(head);
                l.add(c.axes().isEmpty() ? "outer product" : "Σ " + sized(n.input(0).type(), c.axes()));
                List<String> batch = batchAxes(n);
                if (!batch.isEmpty()) l.add("batch " + sized(n.type(), batch));
                yield l;
            }
            case RENAME -> List.of(((Attr.Rename) a).map().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + " → " + e.getValue().name()).collect(Collectors.joining(", ")));
            case TRANSPOSE -> List.of("transpose", String.join(", ", n.type().axisNames()));
            case SPLIT -> {
                Attr.Split s = (Attr.Split) a;
                yield List.of("split " + s.axis(), "→ " + s.parts().stream().map(x -> x.name() + ":" + x.size()).collect(Collectors.joining(", ")));
            }
            case MERGE -> {
                Attr.Merge m = (Attr.Merge) a;
                yield List.of("merge " + String.join(", ", m.parts()), "→ " + m.into().name() + ":" + m.into().size());
            }
            case SLICE -> {
                Attr.Slice s = (Attr.Slice) a;
                yield List.of(s.axis() + "[" + s.start() + ".." + s.stop() + "]", "→ " + s.into().name() + ":" + s.into().size());
            }
            case SELECT -> {
                Attr.Select s = (Attr.Select) a;
                yield List.of(s.axis() + " = " + s.index());
            }
            case ROLL -> {
                Attr.Roll r = (Attr.Roll) a;
                yield List.of("roll " + r.axis() + " " + signed(r.shift()));
            }
            case SHIFT -> {
                Attr.Shift s = (Attr.Shift) a;
                yield List.of("shift " + s.axis() + " " + signed(s.shift()), "fill " + IrPrinter.number(s.fill()));
            }
            case WINDOW -> {
                Attr.Window w = (Attr.Window) a;
                List<String> l = new ArrayList<>();
                l.add("window, " + w.boundary().name().toLowerCase(Locale.ROOT));
                for (Attr.WindowDim d : w.dims()) l.add(d.axis() + " → " + d.offset().name() + ":" + d.offset().size());
                yield l;
            }
            case CONCAT -> {
                Attr.Concat c = (Attr.Concat) a;
                yield List.of("concat " + String.join(", ", c.parts()), "→ " + c.into().name() + ":" + c.into().size());
            }
            case REPEAT -> {
                Attr.Repeat r = (Attr.Repeat) a;
                yield List.of("repeat " + r.axis(), "→ " + r.into().name() + ":" + r.into().size());
            }
            case ONEHOT -> List.of("onehot", "+ " + ((Attr.OneHot) a).axis().name() + ":" + ((Attr.OneHot) a).axis().size());
            case GATHER -> List.of("gather " + ((Attr.AxisRef) a).axis());
            case ARGSORT -> {
                Attr.ArgSort r = (Attr.ArgSort) a;
                yield List.of("argsort " + sized(n.input(0).type(), List.of(r.axis())) + (r.descending() ? " ↓" : ""));
            }
            case FFT -> {
                Attr.Fft f = (Attr.Fft) a;
                yield List.of(f.kind().word() + " " + sized(n.input(0).type(), List.of(f.axis()))
                        + (f.into() == null ? "" : " → " + f.into().name() + ":" + f.into().size()));
            }
            case LINALG -> {
                Attr.Linalg l = (Attr.Linalg) a;
                String what = switch (l.fn()) {
                    case EIGH_VALUES -> "eigh values";
                    case EIGH_VECTORS -> "eigh vectors";
                    default -> l.fn().word();
                };
                yield List.of(what + " " + sized(n.input(0).type(), List.of(l.row(), l.col()))
                        + (l.into() == null ? "" : " → " + l.into().name()));
            }
            case SYNAPSES -> {
                Attr.Synapses s = (Attr.Synapses) a;
                long nPre = n.input(0).type().axes().get(0).size();
                yield List.of("synapses " + sized(n.input(0).type(), List.of(s.pre())) + " → " + s.post().name() + ":" + s.post().size(),
                        ncd.ir.SynapseChoice.ruleText(s) + " · " + ncd.ir.SynapseChoice.storage(s, nPre, s.post().size()).word());
            }
            case DELAY -> {
                // the ring buffer: its rows, and the delays; a synaptic one names its connectivity as a synapse box does
                Attr.Delay d = (Attr.Delay) a;
                String ring = "delay ring " + d.lag().name() + ":" + d.lag().size() + " · " + ncd.ir.DelaySpec.delayText(d);
                if (d.syn() == null) yield List.of(ring);
                Attr.Synapses s = d.syn();
                long nPre = n.input(2).type().axes().get(0).size();
                yield List.of(ring, "synapses " + s.pre() + ":" + nPre + " → " + s.post().name() + ":" + s.post().size(),
                        ncd.ir.SynapseChoice.ruleText(s) + " · " + ncd.ir.SynapseChoice.storage(s, nPre, s.post().size()).word());
            }
        };
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
        return switch (n.op()) {
            case WHERE -> new String[] {"if", "then", "else"}[slot];
            case GATHER -> slot == 0 ? "table" : "index";
            case CONCAT -> ((Attr.Concat) n.attr()).parts().get(slot);
            case RANDOM -> n.inputs().size() == 1 ? null : (slot == 0 ? "p1" : "p2");
            case BINARY -> switch (((Attr.Binary) n.attr()).fn()) {
                case ADD, MUL, MAX, MIN, EQ, NE, AND, OR, XOR -> null;
                case SUB, DIV, MOD, POW, LT, LE, GT, GE -> slot == 0 ? "a" : "b";
                case ATAN2 -> slot == 0 ? "y" : "x";
            };
            case INPUT, PARAM, CONST, IOTA, STATE_READ, UNARY, EXPAND, CAST, REDUCE, ARG_REDUCE, CONTRACT, RENAME, TRANSPOSE,
                 SPLIT, MERGE, SLICE, SELECT, ROLL, SHIFT, WINDOW, REPEAT, ONEHOT, ARGSORT, LINALG, SYNAPSES, FFT -> null;
            case DELAY -> new String[] {"ring", "head", "in"}[slot];
        };
    }

    /**
     * The axes of the result that operand {@code slot} lacks, for ops that broadcast their operands by name: the axes
     * it is broadcast (repeated) along. Scalars are left out: every elementwise op lifts a scalar over every wire.
     */
    public static List<String> broadcastAxes(Node n, int slot) {
        boolean broadcasts = switch (n.op()) {
            case BINARY, WHERE, RANDOM -> true;
            case INPUT, PARAM, CONST, IOTA, STATE_READ, UNARY, EXPAND, CAST, REDUCE, ARG_REDUCE, CONTRACT, RENAME, TRANSPOSE,
                 SPLIT, MERGE, SLICE, SELECT, ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> false;
        };
        TensorType in = n.input(slot).type();
        if (!broadcasts || in.axes().isEmpty()) return List.of();
        List<String> out = new ArrayList<>();
        for (String x : n.type().axisNames()) if (!in.hasAxis(x)) out.add(x);
        return out;
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
        java.math.BigDecimal r = new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros();
        // 99.99999999 rounds to 1E+2: plain digits while they are short
        if (r.abs().compareTo(java.math.BigDecimal.valueOf(1e6)) < 0 && r.abs().compareTo(java.math.BigDecimal.valueOf(1e-3)) >= 0) {
            return r.toPlainString();
        }
        return r.toString().replace("E+", "e").replace("E", "e");
    }

    /** SI prefixes from pico to giga, by power of ten. */
    private static final String[] PREFIXES = {"p", "n", "µ", "m", "", "k", "M", "G"};

    /**
     * A constant as a reader writes it: in the unit the program names its dimension by ({@code names}, the graph's
     * unit table), with the SI prefix that puts the mantissa in [1, 1000): 1e7 in ohm is {@code 10 Mohm}, -0.065 V is
     * {@code −65 mV}, 0.02 s is {@code 20 ms}. The IR stores base units and forgets how the source spelled a value,
     * so the prefix is chosen by this rule, not copied from the source. A dimension without a plain name (kg, a
     * product) keeps its base-unit number and names the unit as the type prints it; a dimensionless value is the
     * number alone. Negative values get a real minus sign.
     */
    public static String constText(double v, ncd.ir.Unit unit, Map<ncd.ir.Unit, String> names) {
        if (unit.isNone()) return minus(compact(v));
        String name = names.get(unit);
        if (name == null) return minus(compact(v)) + " " + unit;
        boolean prefixable = name.matches("[A-Za-z]+") && !name.equals("kg") && !name.equals("cd") && !name.equals("mol");
        if (!prefixable || v == 0 || Double.isNaN(v) || Double.isInfinite(v)) return minus(compact(v)) + " " + name;
        int e3 = (int) Math.floor(Math.log10(Math.abs(v)) / 3);
        e3 = Math.max(-4, Math.min(3, e3));
        double m = v / Math.pow(10, 3 * e3);
        // rounding may carry the mantissa to 1000 (999.9999 mV): move up one prefix
        if (Math.abs(Double.parseDouble(compact(m))) >= 1000 && e3 < 3) {
            e3++;
            m = v / Math.pow(10, 3 * e3);
        }
        return minus(compact(m)) + " " + PREFIXES[e3 + 4] + name;
    }

    private static String minus(String s) { return s.startsWith("-") ? "−" + s.substring(1) : s; }

    private static String signed(int k) { return k >= 0 ? "+" + k : String.valueOf(k); }
}
