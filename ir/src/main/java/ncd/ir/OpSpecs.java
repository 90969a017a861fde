package ncd.ir;

import ncd.diag.DiagCode;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static ncd.ir.Attr.BinaryFn;
import static ncd.ir.Attr.ReduceFn;
import static ncd.ir.Attr.UnaryFn;

/** The op table: one {@link OpSpec} per {@link Op}, and the type rules they share (broadcasting by name). */
public final class OpSpecs {
    private static final Map<Op, OpSpec> TABLE = new EnumMap<>(Op.class);
    private static final int MANY = Integer.MAX_VALUE;

    static {
        for (Op op : Op.values()) TABLE.put(op, spec(op));
    }

    /** The table itself: an exhaustive switch, so an op without a spec does not compile. */
    private static OpSpec spec(Op op) {
        return switch (op) {
            case INPUT -> new OpSpec(0, 0, Attr.Named.class, true, (a, in, d) -> d, OpSpec.Tolerance::exact);
            case PARAM -> new OpSpec(0, 0, Attr.Param.class, true, (a, in, d) -> d, OpSpec.Tolerance::exact);
            case STATE_READ -> new OpSpec(0, 0, Attr.Named.class, true, (a, in, d) -> d, OpSpec.Tolerance::exact);
            case CONST -> new OpSpec(0, 0, Attr.Scalar.class, true, (a, in, d) -> d, OpSpec.Tolerance::exact);
            case IOTA -> new OpSpec(0, 0, Attr.AxisRef.class, true, OpSpecs::iota, OpSpec.Tolerance::exact);
            case RANDOM -> new OpSpec(0, 2, Attr.Random.class, true, OpSpecs::random, OpSpec.Tolerance::exact);
            case UNARY -> new OpSpec(1, 1, Attr.Unary.class, false, OpSpecs::unary, OpSpec.Tolerance::unary);
            case BINARY -> new OpSpec(2, 2, Attr.Binary.class, false, OpSpecs::binary, OpSpec.Tolerance::binary);
            case WHERE -> new OpSpec(3, 3, Attr.None.class, false, OpSpecs::where, OpSpec.Tolerance::exact);
            case EXPAND -> new OpSpec(1, 1, Attr.None.class, true, OpSpecs::expand, OpSpec.Tolerance::exact);
            case CAST -> new OpSpec(1, 1, Attr.Cast.class, false, (a, in, d) -> cast((Attr.Cast) a, in.get(0)), OpSpec.Tolerance::exact);
            case REDUCE -> new OpSpec(1, 1, Attr.Reduce.class, false, OpSpecs::reduce, OpSpec.Tolerance::reduce);
            case ARG_REDUCE -> new OpSpec(1, 1, Attr.ArgReduce.class, false, OpSpecs::argReduce, OpSpec.Tolerance::exact);
            case CONTRACT -> new OpSpec(2, 2, Attr.Contract.class, false, OpSpecs::contract, OpSpec.Tolerance::contract);
            case RENAME -> new OpSpec(1, 1, Attr.Rename.class, false, OpSpecs::rename, OpSpec.Tolerance::exact);
            case TRANSPOSE -> new OpSpec(1, 1, Attr.None.class, true, OpSpecs::transpose, OpSpec.Tolerance::exact);
            case SPLIT -> new OpSpec(1, 1, Attr.Split.class, false, OpSpecs::split, OpSpec.Tolerance::exact);
            case MERGE -> new OpSpec(1, 1, Attr.Merge.class, false, OpSpecs::merge, OpSpec.Tolerance::exact);
            case SLICE -> new OpSpec(1, 1, Attr.Slice.class, false, OpSpecs::slice, OpSpec.Tolerance::exact);
            case SELECT -> new OpSpec(1, 1, Attr.Select.class, false, OpSpecs::select, OpSpec.Tolerance::exact);
            case ROLL -> new OpSpec(1, 1, Attr.Roll.class, false, (a, in, d) -> keepAxis(in.get(0), ((Attr.Roll) a).axis()), OpSpec.Tolerance::exact);
            case SHIFT -> new OpSpec(1, 1, Attr.Shift.class, false, (a, in, d) -> keepAxis(in.get(0), ((Attr.Shift) a).axis()), OpSpec.Tolerance::exact);
            case WINDOW -> new OpSpec(1, 1, Attr.Window.class, false, OpSpecs::window, OpSpec.Tolerance::exact);
            case CONCAT -> new OpSpec(1, MANY, Attr.Concat.class, false, OpSpecs::concat, OpSpec.Tolerance::exact);
            case REPEAT -> new OpSpec(1, 1, Attr.Repeat.class, false, OpSpecs::repeat, OpSpec.Tolerance::exact);
            case ONEHOT -> new OpSpec(1, 1, Attr.OneHot.class, false, OpSpecs::onehot, OpSpec.Tolerance::exact);
            case GATHER -> new OpSpec(2, 2, Attr.AxisRef.class, false, OpSpecs::gather, OpSpec.Tolerance::exact);
            case ARGSORT -> new OpSpec(1, 1, Attr.ArgSort.class, false, OpSpecs::argsort, OpSpec.Tolerance::exact);
            case LINALG -> new OpSpec(1, 2, Attr.Linalg.class, false, LinalgSpec::type, OpSpec.Tolerance::linalg);
            // every backend adds a target's contributions in presynaptic order (SynapseChoice.order): bit for bit
            case SYNAPSES -> new OpSpec(1, 1, Attr.Synapses.class, false, SynapseSpec::type, OpSpec.Tolerance::exact);
            // the ring's rows add a target's contributions in the order of their steps, then presynaptic order
            // (ncd.runtime.Delays, run by every backend that has the op): bit for bit
            case DELAY -> new OpSpec(3, 3, Attr.Delay.class, false, DelaySpec::type, OpSpec.Tolerance::exact);
            case FFT -> new OpSpec(1, 1, Attr.Fft.class, false, FftSpec::type, OpSpec.Tolerance::fft);
        };
    }

    private OpSpecs() {}

    public static OpSpec of(Op op) { return TABLE.get(op); }

    /** How far a backend's value of {@code n} may stray from the interpreter's on the same operands (its op's rule). */
    public static OpSpec.Tolerance tolerance(Node n) {
        return TABLE.get(n.op()).tolerance().of(n.attr(), n.inputs().stream().map(Node::type).toList(), n.type());
    }

    /** Checks arity and attribute kind, then applies the op's type rule. */
    public static TensorType infer(Op op, Attr attr, List<TensorType> ins, TensorType declared) throws TypeRuleException {
        OpSpec spec = TABLE.get(op);
        if (ins.size() < spec.minInputs() || ins.size() > spec.maxInputs()) {
            throw new TypeRuleException(DiagCode.E0601, op + " takes " + arity(spec) + " inputs, got " + ins.size(), null);
        }
        if (!spec.attrKind().isInstance(attr)) {
            throw new IllegalArgumentException(op + " needs attribute " + spec.attrKind().getSimpleName() + ", got " + attr);
        }
        if (spec.declared() && declared == null) throw new IllegalArgumentException(op + " needs a declared type");
        TensorType t = spec.rule().apply(attr, ins, declared);
        checkDistinct(t);
        return t;
    }

    private static String arity(OpSpec s) {
        if (s.minInputs() == s.maxInputs()) return String.valueOf(s.minInputs());
        return s.maxInputs() == MANY ? "at least " + s.minInputs() : s.minInputs() + " to " + s.maxInputs();
    }

    // ---- shared rules

    static TypeRuleException err(DiagCode c, String msg, String hint) { return new TypeRuleException(c, msg, hint); }

    /**
     * Broadcasting by name: the axes of one operand must be a subset of the other's; the result has the larger
     * operand's axes in its order. Same-named axes must agree in size.
     */
    public static List<Axis> broadcastAxes(TensorType a, TensorType b) throws TypeRuleException {
        checkSameSizes(a, b);
        if (b.axisNameSet().containsAll(a.axisNameSet())) return b.axes();
        if (a.axisNameSet().containsAll(b.axisNameSet())) return a.axes();
        Set<String> onlyA = new HashSet<>(a.axisNames()); onlyA.removeAll(b.axisNameSet());
        Set<String> onlyB = new HashSet<>(b.axisNames()); onlyB.removeAll(a.axisNameSet());
        throw err(DiagCode.E0301, "axes differ: " + a.axesText() + " vs " + b.axesText()
                        + " (neither contains the other: " + sortedText(onlyA) + " only left, " + sortedText(onlyB) + " only right)",
                "elementwise operations broadcast one operand over axes the other has; for an outer product write `a @[] b`,"
                        + " or rename an axis with x{old -> new}");
    }

    static String sortedText(Set<String> s) { return new java.util.TreeSet<>(s).toString(); }

    static void checkSameSizes(TensorType a, TensorType b) throws TypeRuleException {
        for (Axis x : a.axes()) {
            Axis y = b.axis(x.name());
            if (y != null && x.isSized() && y.isSized() && x.size() != y.size()) {
                throw err(DiagCode.E0304, "axis " + x.name() + " has size " + x.size() + " on one side and " + y.size() + " on the other",
                        "an axis name means one size everywhere; rename one of them");
            }
        }
    }

    static void checkDistinct(TensorType t) throws TypeRuleException {
        Set<String> seen = new HashSet<>();
        for (Axis a : t.axes()) {
            if (!seen.add(a.name())) {
                throw err(DiagCode.E0303, "axis " + a.name() + " appears twice in " + t.axesText(),
                        "give one of them another name with x{" + a.name() + " -> other}");
            }
        }
    }

    static void sameUnit(TensorType a, TensorType b, String what) throws TypeRuleException {
        if (!a.unit().equals(b.unit())) {
            throw err(DiagCode.E0501, "units differ in " + what + ": " + a.unit() + " vs " + b.unit(),
                    "both sides of " + what + " need the same physical dimension");
        }
    }

    static void sameDType(TensorType a, TensorType b, String what) throws TypeRuleException {
        if (a.dtype() != b.dtype()) {
            throw err(DiagCode.E0401, "dtypes differ in " + what + ": " + a.dtype().word() + " vs " + b.dtype().word(),
                    "convert one side explicitly, e.g. " + a.dtype().word() + "(x)");
        }
    }

    static Axis requireAxis(TensorType t, String name, String what) throws TypeRuleException {
        Axis a = t.axis(name);
        if (a == null) {
            throw err(DiagCode.E0302, what + " over axis " + name + ", but the tensor has axes " + t.axesText(), null);
        }
        return a;
    }

    // ---- the rules

    private static TensorType iota(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        String axis = ((Attr.AxisRef) a).axis();
        if (d.rank() != 1 || !d.hasAxis(axis) || d.dtype() != DType.I32) {
            throw new IllegalArgumentException("iota over " + axis + " must be declared i32[" + axis + "], got " + d);
        }
        return d;
    }

    private static TensorType random(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Dist dist = ((Attr.Random) a).dist();
        int want = switch (dist) { case UNIFORM, NORMAL -> 2; case BERNOULLI -> 1; };
        if (in.size() != want) {
            throw err(DiagCode.E0601, dist.name().toLowerCase() + " takes " + ncd.diag.Plural.of(want, "parameter") + ", got " + in.size(), null);
        }
        if (!d.dtype().isFloat() && dist != Attr.Dist.BERNOULLI) {
            throw err(DiagCode.E0402, "random numbers are floats; " + d.dtype().word() + " asked", null);
        }
        for (TensorType p : in) {
            if (!d.axisNameSet().containsAll(p.axisNameSet())) {
                throw err(DiagCode.E0301, "random parameter with axes " + p.axesText() + " does not broadcast to " + d.axesText(), null);
            }
            if (!p.dtype().isFloat()) throw err(DiagCode.E0402, "random parameters must be floats", null);
        }
        if (dist == Attr.Dist.BERNOULLI) {
            if (!in.get(0).unit().isNone()) throw err(DiagCode.E0502, "a probability must be dimensionless", null);
            if (d.dtype() != DType.BOOL) throw err(DiagCode.E0402, "bernoulli samples are bool", null);
        } else {
            for (TensorType p : in) sameUnit(p, d, "a random source's parameters");
        }
        return d;
    }

    /** The rule of every unary function, from its {@link UnaryFn#domain()} and {@link UnaryFn#unitRule()}. */
    private static TensorType unary(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Unary u = (Attr.Unary) a;
        TensorType x = in.get(0);
        String name = u.fn().word();
        TypeRuleException wrongDType = switch (u.fn().domain()) {
            case BOOL -> x.dtype() == DType.BOOL ? null : err(DiagCode.E0402, "`" + name + "` needs bool, got " + x.dtype().word(), null);
            case NUMERIC -> notNumeric(x, name);
            case FLOAT -> notFloat(x, name);
        };
        if (wrongDType != null) throw wrongDType;
        Unit unit = switch (u.fn().unitRule()) {
            case KEEP -> x.unit();
            case DROP -> Unit.NONE;
            case DIMENSIONLESS -> {
                if (!x.unit().isNone()) {
                    throw err(DiagCode.E0502, name + " needs a dimensionless argument, got one in " + x.unit(),
                            "divide by a reference quantity first, e.g. " + name + "(v / (1 mV))");
                }
                yield Unit.NONE;
            }
            case SQUARE_ROOT -> {
                Unit r = x.unit().root(2);
                if (r == null) throw err(DiagCode.E0503, name + " of a quantity in " + x.unit() + " has no whole unit", null);
                yield r;
            }
            case POWER -> powerUnit(x.unit(), u.exponent());
        };
        return x.withUnit(unit);
    }

    /** The unit of {@code x ^ p}: whole powers, and half-integer ones of a unit with a square root. */
    private static Unit powerUnit(Unit x, double p) throws TypeRuleException {
        if (x.isNone()) return x;
        if (p != Math.rint(p)) {
            if (p * 2 == Math.rint(p * 2)) {
                Unit r = x.root(2);
                if (r != null) return power(r, p * 2, x, p);
            }
            throw err(DiagCode.E0503, "power " + p + " of a quantity in " + x + " has no whole unit", null);
        }
        return power(x, p, x, p);
    }

    static void numeric(TensorType x, String what) throws TypeRuleException {
        TypeRuleException e = notNumeric(x, what);
        if (e != null) throw e;
    }

    /** The error when {@code x} is bool, else null. */
    static TypeRuleException notNumeric(TensorType x, String what) {
        return x.dtype().isNumeric() ? null : err(DiagCode.E0402, what + " is not defined for bool", "convert with i32(x) or f32(x)");
    }

    /** The error when {@code x} is not a float tensor, else null. */
    static TypeRuleException notFloat(TensorType x, String what) {
        return x.dtype().isFloat() ? null : err(DiagCode.E0402, what + " needs a float tensor, got " + x.dtype().word(), "convert with f32(x)");
    }

    /** {@code x * y} (or {@code x / y}); E0505 when an exponent leaves the int range instead of wrapping. */
    static Unit product(Unit x, Unit y, boolean divide) throws TypeRuleException {
        try {
            return divide ? x.over(y) : x.times(y);
        } catch (ArithmeticException e) {
            throw err(DiagCode.E0505, "the unit of " + x + (divide ? " / " : " * ") + y + " has an exponent out of range", EXPONENT_HINT);
        }
    }

    /** {@code u ^ p} for a whole {@code p} ({@code x ^ shown} as written); E0505 when an exponent leaves the int range. */
    private static Unit power(Unit u, double p, Unit x, double shown) throws TypeRuleException {
        try {
            if (Math.abs(p) > Integer.MAX_VALUE) throw new ArithmeticException();
            return u.pow((int) p);
        } catch (ArithmeticException e) {
            throw err(DiagCode.E0505, "the unit of a quantity in " + x + " to the power " + (shown == Math.rint(shown) && Math.abs(shown) < 1e18 ? String.valueOf((long) shown) : String.valueOf(shown)) + " has an exponent out of range", EXPONENT_HINT);
        }
    }

    private static final String EXPONENT_HINT = "a unit exponent must lie within ±2147483647; divide by a reference quantity first, e.g. (t / (1 s)) ^ 100";

    private static TensorType binary(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        BinaryFn fn = ((Attr.Binary) a).fn();
        TensorType x = in.get(0), y = in.get(1);
        String what = "`" + fn.word() + "`";
        List<Axis> axes = broadcastAxes(x, y);
        if (fn.isLogical()) {
            if (x.dtype() != DType.BOOL || y.dtype() != DType.BOOL) {
                throw err(DiagCode.E0402, what + " needs bool operands, got " + x.dtype().word() + " and " + y.dtype().word(),
                        "compare numbers first, e.g. x > 0");
            }
            return new TensorType(DType.BOOL, axes, Unit.NONE);
        }
        if (fn.isComparison()) {
            sameDType(x, y, what);
            if (x.dtype() == DType.BOOL && fn != BinaryFn.EQ && fn != BinaryFn.NE) {
                throw err(DiagCode.E0402, what + " does not order bools", null);
            }
            sameUnit(x, y, what);
            return new TensorType(DType.BOOL, axes, Unit.NONE);
        }
        sameDType(x, y, what);
        numeric(x, what);
        Unit unit = switch (fn) {
            case ADD, SUB, MAX, MIN, MOD -> {
                sameUnit(x, y, what);
                yield x.unit();
            }
            case MUL -> product(x.unit(), y.unit(), false);
            case DIV -> product(x.unit(), y.unit(), true);
            case ATAN2 -> {
                if (!x.dtype().isFloat()) throw notFloat(x, what);
                sameUnit(x, y, what);
                yield Unit.NONE;
            }
            case POW -> {
                if (!x.unit().isNone() || !y.unit().isNone()) {
                    throw err(DiagCode.E0503, "power with a tensor exponent needs dimensionless operands", "use a constant exponent: x ^ 2");
                }
                yield Unit.NONE;
            }
            case EQ, NE, LT, LE, GT, GE, AND, OR, XOR -> throw new AssertionError(fn + " is typed above");
        };
        return new TensorType(x.dtype(), axes, unit);
    }

    private static TensorType where(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        TensorType c = in.get(0), x = in.get(1), y = in.get(2);
        if (c.dtype() != DType.BOOL) {
            throw err(DiagCode.E0403, "the condition of `where` is " + c.dtype().word() + ", not bool", "compare it, e.g. where(x > 0, a, b)");
        }
        sameDType(x, y, "the branches of `where`");
        sameUnit(x, y, "the branches of `where`");
        List<Axis> xy = broadcastAxes(x, y);
        TensorType v = x.withAxes(xy);
        return v.withAxes(broadcastAxes(c, v));
    }

    private static TensorType expand(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        TensorType x = in.get(0);
        checkSameSizes(x, d);
        if (x.dtype() != d.dtype() || !x.unit().equals(d.unit()) || !d.axisNameSet().containsAll(x.axisNameSet())) {
            throw err(DiagCode.E0301, "cannot expand " + x + " to " + d, null);
        }
        return d;
    }

    private static TensorType cast(Attr.Cast c, TensorType x) {
        return new TensorType(c.to(), x.axes(), c.to() == DType.BOOL ? Unit.NONE : x.unit());
    }

    private static TensorType reduce(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Reduce r = (Attr.Reduce) a;
        TensorType x = in.get(0);
        List<Axis> keep = new ArrayList<>(x.axes());
        long n = 1;
        for (String ax : r.axes()) {
            Axis found = requireAxis(x, ax, r.fn().word());
            keep.remove(found);
            n = found.isSized() ? n * found.size() : -1;
        }
        TypeRuleException wrong = switch (r.fn()) {
            case ANY, ALL -> x.dtype() == DType.BOOL ? null : err(DiagCode.E0402, r.fn().word() + " needs bool, got " + x.dtype().word(), null);
            case SUM, MAX, MIN -> notNumeric(x, r.fn().word());
            case MEAN -> notFloat(x, "mean");
            case PROD -> notNumeric(x, "prod") != null ? notNumeric(x, "prod")
                    : x.unit().isNone() ? null : err(DiagCode.E0503, "prod of a quantity in " + x.unit() + " has a size-dependent unit", null);
            case ARGMAX, ARGMIN -> throw new IllegalArgumentException("not a reduction: " + r.fn() + " (it is an " + Op.ARG_REDUCE + ")");
        };
        if (wrong != null) throw wrong;
        return x.withAxes(keep);
    }

    private static TensorType argReduce(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.ArgReduce r = (Attr.ArgReduce) a;
        TensorType x = in.get(0);
        numeric(x, r.fn().word());
        Axis ax = requireAxis(x, r.axis(), r.fn().word());
        List<Axis> keep = new ArrayList<>(x.axes());
        keep.remove(ax);
        return new TensorType(DType.I32, keep, Unit.NONE);
    }

    private static TensorType contract(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        List<String> k = ((Attr.Contract) a).axes();
        TensorType x = in.get(0), y = in.get(1);
        sameDType(x, y, "a contraction");
        numeric(x, "a contraction");
        checkSameSizes(x, y);
        for (String ax : k) {
            boolean inX = x.hasAxis(ax), inY = y.hasAxis(ax);
            if (!inX || !inY) {
                throw err(DiagCode.E0302, "contraction over " + ax + ", but the " + (!inX ? "left" : "right") + " operand has axes "
                        + (!inX ? x : y).axesText(), "both operands of a @[" + ax + "] b need axis " + ax);
            }
        }
        List<Axis> out = new ArrayList<>();
        for (Axis ax : x.axes()) if (!k.contains(ax.name())) out.add(ax);
        for (Axis ax : y.axes()) if (!k.contains(ax.name()) && !x.hasAxis(ax.name())) out.add(ax);
        return new TensorType(x.dtype(), out, product(x.unit(), y.unit(), false));
    }

    private static TensorType rename(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Map<String, Axis> m = ((Attr.Rename) a).map();
        TensorType x = in.get(0);
        for (String old : m.keySet()) requireAxis(x, old, "rename");
        List<Axis> out = new ArrayList<>();
        for (Axis ax : x.axes()) {
            Axis to = m.get(ax.name());
            if (to == null) {
                out.add(ax);
            } else {
                if (to.isSized() && ax.isSized() && to.size() != ax.size()) {
                    throw err(DiagCode.E0304, "renaming " + ax.name() + " (size " + ax.size() + ") to " + to.name() + " (size " + to.size() + ")",
                            "a rename keeps the data; the new axis must have the same size");
                }
                out.add(to.isSized() ? to : new Axis(to.name(), ax.size()));
            }
        }
        return x.withAxes(out);
    }

    private static TensorType transpose(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        if (!in.get(0).sameUpToOrder(d)) {
            throw new IllegalArgumentException("transpose of " + in.get(0) + " to " + d + " changes more than the order");
        }
        return d;
    }

    private static TensorType split(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Split s = (Attr.Split) a;
        TensorType x = in.get(0);
        Axis ax = requireAxis(x, s.axis(), "split");
        long prod = 1;
        boolean known = ax.isSized();
        for (Axis p : s.parts()) {
            if (!p.isSized()) known = false; else prod *= p.size();
        }
        if (known && prod != ax.size()) {
            throw err(DiagCode.E0304, "split of " + ax.name() + " (size " + ax.size() + ") into " + s.parts() + " (product " + prod + ")",
                    "the sizes of the parts must multiply to the size of the axis");
        }
        List<Axis> out = new ArrayList<>();
        for (Axis b : x.axes()) {
            if (b.name().equals(s.axis())) out.addAll(s.parts()); else out.add(b);
        }
        return x.withAxes(out);
    }

    private static TensorType merge(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Merge m = (Attr.Merge) a;
        TensorType x = in.get(0);
        long prod = 1;
        boolean known = m.into().isSized();
        for (String p : m.parts()) {
            Axis ax = requireAxis(x, p, "merge");
            if (!ax.isSized()) known = false; else prod *= ax.size();
        }
        if (known && prod != m.into().size()) {
            throw err(DiagCode.E0304, "merge of " + m.parts() + " (product " + prod + ") into " + m.into().name() + " (size "
                    + m.into().size() + ")", "the size of the merged axis must be the product of the parts");
        }
        // the merged axis takes the place of the first listed part; the other parts are gone
        List<Axis> out = new ArrayList<>();
        for (Axis b : x.axes()) {
            if (b.name().equals(m.parts().get(0))) out.add(m.into());
            else if (!m.parts().contains(b.name())) out.add(b);
        }
        return x.withAxes(out);
    }

    private static TensorType slice(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Slice s = (Attr.Slice) a;
        TensorType x = in.get(0);
        Axis ax = requireAxis(x, s.axis(), "slice");
        if (s.start() < 0 || s.stop() <= s.start() || (ax.isSized() && s.stop() > ax.size())) {
            throw err(DiagCode.E0309, "slice " + s.start() + ".." + s.stop() + " of " + ax.name()
                    + (ax.isSized() ? " (size " + ax.size() + ")" : ""), "a slice start..stop needs 0 <= start < stop <= size");
        }
        if (s.into().isSized() && s.into().size() != s.stop() - s.start()) {
            throw err(DiagCode.E0304, "slice " + s.start() + ".." + s.stop() + " has " + (s.stop() - s.start()) + " elements, but axis "
                    + s.into().name() + " has size " + s.into().size(), null);
        }
        Axis into = s.into().isSized() ? s.into() : new Axis(s.into().name(), s.stop() - s.start());
        List<Axis> out = new ArrayList<>();
        for (Axis b : x.axes()) out.add(b.name().equals(s.axis()) ? into : b);
        return x.withAxes(out);
    }

    private static TensorType select(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Select s = (Attr.Select) a;
        TensorType x = in.get(0);
        Axis ax = requireAxis(x, s.axis(), "select");
        if (s.index() < 0 || (ax.isSized() && s.index() >= ax.size())) {
            throw err(DiagCode.E0309, "index " + s.index() + " of " + ax.name() + (ax.isSized() ? " (size " + ax.size() + ")" : ""), null);
        }
        List<Axis> out = new ArrayList<>(x.axes());
        out.remove(ax);
        return x.withAxes(out);
    }

    private static TensorType keepAxis(TensorType x, String axis) throws TypeRuleException {
        requireAxis(x, axis, "shift");
        return x;
    }

    private static TensorType window(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Window w = (Attr.Window) a;
        TensorType x = in.get(0);
        List<Axis> out = new ArrayList<>(x.axes());
        for (Attr.WindowDim wd : w.dims()) {
            Axis ax = requireAxis(x, wd.axis(), "window");
            if (wd.offset().isSized() && ax.isSized() && wd.offset().size() > ax.size()) {
                throw err(DiagCode.E0304, "a window of " + wd.offset().size() + " along " + ax.name() + " of size " + ax.size(), null);
            }
            out.add(wd.offset());
        }
        return x.withAxes(out);
    }

    private static TensorType concat(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Concat c = (Attr.Concat) a;
        if (c.parts().size() != in.size()) {
            throw err(DiagCode.E0601, "concat names " + c.parts().size() + " axes for " + in.size() + " inputs", null);
        }
        TensorType first = in.get(0);
        int total = 0;
        boolean known = true;
        Map<String, Axis> rest = new LinkedHashMap<>();
        for (int i = 0; i < in.size(); i++) {
            TensorType t = in.get(i);
            Axis part = requireAxis(t, c.parts().get(i), "concat");
            if (part.isSized()) total += part.size(); else known = false;
            sameDType(first, t, "concat");
            sameUnit(first, t, "concat");
            List<Axis> others = new ArrayList<>(t.axes());
            others.remove(part);
            if (i == 0) {
                for (Axis o : others) rest.put(o.name(), o);
            } else if (!new HashSet<>(others).equals(new HashSet<>(rest.values()))) {
                throw err(DiagCode.E0301, "concat inputs differ in their other axes: " + rest.keySet() + " vs "
                        + others.stream().map(Axis::name).toList(), null);
            }
        }
        if (known && c.into().isSized() && c.into().size() != total) {
            throw err(DiagCode.E0304, "concat gives " + total + " elements, but axis " + c.into().name() + " has size " + c.into().size(), null);
        }
        Axis into = c.into().isSized() || !known ? c.into() : new Axis(c.into().name(), total);
        List<Axis> out = new ArrayList<>();
        for (Axis b : first.axes()) out.add(b.name().equals(c.parts().get(0)) ? into : b);
        return first.withAxes(out);
    }

    private static TensorType repeat(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Repeat r = (Attr.Repeat) a;
        TensorType x = in.get(0);
        Axis ax = requireAxis(x, r.axis(), "repeat");
        if (ax.isSized() && r.into().isSized() && r.into().size() % ax.size() != 0) {
            throw err(DiagCode.E0304, "repeat of " + ax.name() + " (size " + ax.size() + ") into " + r.into().name() + " (size "
                    + r.into().size() + ")", "the new size must be a multiple of the old");
        }
        List<Axis> out = new ArrayList<>();
        for (Axis b : x.axes()) out.add(b.name().equals(r.axis()) ? r.into() : b);
        return x.withAxes(out);
    }

    private static TensorType onehot(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Axis v = ((Attr.OneHot) a).axis();
        TensorType x = in.get(0);
        if (x.dtype() != DType.I32) throw err(DiagCode.E0404, "onehot needs i32 indices, got " + x.dtype().word(), "convert with i32(x)");
        if (x.hasAxis(v.name())) throw err(DiagCode.E0303, "onehot over " + v.name() + ", which the indices already have", null);
        List<Axis> out = new ArrayList<>(x.axes());
        out.add(v);
        return new TensorType(DType.F32, out, Unit.NONE);
    }

    private static TensorType gather(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        String axis = ((Attr.AxisRef) a).axis();
        TensorType table = in.get(0), idx = in.get(1);
        Axis ax = requireAxis(table, axis, "gather");
        if (idx.dtype() != DType.I32) throw err(DiagCode.E0404, "gather needs i32 indices, got " + idx.dtype().word(), null);
        // an axis of the table (other than the gathered one) that the indices also have is a batch axis: each batch
        // element picks from its own row (take-along-axis); the gathered axis itself may name the indices' own axis
        List<Axis> out = new ArrayList<>(idx.axes());
        for (Axis b : table.axes()) {
            if (b == ax) continue;
            if (idx.hasAxis(b.name())) {
                Axis i = idx.axis(b.name());
                if (b.isSized() && i.isSized() && b.size() != i.size()) {
                    throw err(DiagCode.E0304, "gather: batch axis " + b.name() + " has size " + b.size() + " in the table but "
                            + i.size() + " in the indices", "an axis in both the table and the indices is a batch axis; its sizes must agree");
                }
                continue;
            }
            out.add(b);
        }
        return table.withAxes(out);
    }

    private static TensorType argsort(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.ArgSort s = (Attr.ArgSort) a;
        TensorType x = in.get(0);
        numeric(x, "argsort");
        requireAxis(x, s.axis(), "argsort");
        return new TensorType(DType.I32, x.axes(), Unit.NONE);
    }

    /** Reduction functions that {@link Op#REDUCE} accepts (argmax/argmin go through {@link Op#ARG_REDUCE}). */
    public static boolean isPlainReduction(ReduceFn f) {
        return switch (f) {
            case SUM, MEAN, MAX, MIN, PROD, ANY, ALL -> true;
            case ARGMAX, ARGMIN -> false;
        };
    }

    /** Whether a unary function is defined on integers (the rest need floats). */
    public static boolean acceptsInt(UnaryFn f) { return f.domain() == UnaryFn.Domain.NUMERIC; }
}
