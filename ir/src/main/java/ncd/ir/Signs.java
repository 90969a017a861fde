package ncd.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sign analysis of a graph: for every node, the set of signs its elements may take, as three bits: {@link #NEG}
 * ({@code < 0}), {@link #ZERO} and {@link #POS} ({@code > 0}). A node whose set is within {@link #NONNEG} is proved
 * {@code >= 0} for every input, parameter within its bound, random draw and step; the empty set ({@link #NONE}) is a
 * value never computed. It is sound for the real-number meaning of each op (docs/semantics.md) and ignores NaN, as
 * an interval analysis does: a NaN is no sign.
 *
 * <p>Leaves: a constant has its own sign; a parameter the sign its bound gives ({@code >= 0}: {@link #NONNEG}), else
 * any; an input any (bool: {@code 0 or 1}, as every bool value); a state read the least fixed point of its initial
 * value joined with its next value, computed by iterating the step until no state's set grows (the lattice has
 * height 3, so a few rounds). With {@code assumed} states instead take the set given, which is the induction step of
 * a proof: assume the state's sign at the start of the step, compute its next value's.
 *
 * <p>Each op's rule is exact on signs where it is cheap to be ({@code max(w, 0)} is {@code >= 0} whatever w is; a
 * product's sign is the product of signs; a sum of {@code >= 0} terms is {@code >= 0}) and "any sign" where the sign
 * depends on magnitudes ({@code a - b} of two positives). Switches are exhaustive over {@link Op} and the function
 * enums, so a new op has no sign until it is given one.
 */
public final class Signs {
    private Signs() {}

    public static final int NONE = 0, NEG = 1, ZERO = 2, POS = 4;
    public static final int NONNEG = ZERO | POS, NONPOS = NEG | ZERO, NONZERO = NEG | POS, ANY = NEG | ZERO | POS;

    /** The sign of every node of {@code g}, states at their least fixed point. */
    public static Map<Node, Integer> of(Graph g) { return of(g, Map.of()); }

    /** The sign of every node of {@code g}, the states named in {@code assumed} read with the given sets. */
    public static Map<Node, Integer> of(Graph g, Map<String, Integer> assumed) {
        Map<String, Integer> reads = new HashMap<>(assumed);
        Map<String, State> states = new LinkedHashMap<>();
        for (State s : g.states()) states.put(s.name(), s);
        for (State s : g.states()) reads.putIfAbsent(s.name(), NONE);
        while (true) {
            Map<Node, Integer> signs = new HashMap<>();
            for (Node n : g.nodes()) {
                int[] ins = new int[n.inputs().size()];
                for (int i = 0; i < ins.length; i++) ins[i] = signs.getOrDefault(n.input(i), ANY);
                int s = n.op() == Op.STATE_READ ? reads.getOrDefault(((Attr.Named) n.attr()).name(), ANY) : of(n, ins);
                signs.put(n, n.type().dtype() == DType.BOOL ? s & NONNEG : s);
            }
            boolean grew = false;
            for (State s : states.values()) {
                if (assumed.containsKey(s.name())) continue;
                int was = reads.get(s.name());
                int now = was | signs.getOrDefault(s.init(), ANY) | signs.getOrDefault(s.next(), ANY);
                if (now != was) {
                    reads.put(s.name(), now);
                    grew = true;
                }
            }
            if (!grew) return signs;
        }
    }

    /** The sign of node {@code n} given its inputs' ({@code ins}); a state read is {@link #ANY} here. */
    public static int of(Node n, int[] ins) {
        return switch (n.op()) {
            case INPUT -> ANY;
            case PARAM -> param(((Attr.Param) n.attr()).bound());
            case CONST -> constant(((Attr.Scalar) n.attr()).value());
            case IOTA, ARG_REDUCE, ARGSORT, ONEHOT -> NONNEG;
            case RANDOM -> random((Attr.Random) n.attr(), ins);
            case STATE_READ, FFT -> ANY;
            case UNARY -> unary((Attr.Unary) n.attr(), ins[0]);
            case BINARY -> binary(((Attr.Binary) n.attr()).fn(), ins[0], ins[1]);
            case WHERE -> ins[1] | ins[2];
            // moves: every element is one of the input's (a window or a shift may read its zero fill)
            case EXPAND, RENAME, TRANSPOSE, SPLIT, MERGE, SLICE, SELECT, ROLL, REPEAT -> ins[0];
            case GATHER -> ins[0];
            case SHIFT -> ins[0] | constant(((Attr.Shift) n.attr()).fill());
            case WINDOW -> ((Attr.Window) n.attr()).boundary() == Attr.Boundary.ZERO ? ins[0] | ZERO : ins[0];
            case CONCAT -> join(ins);
            case CAST -> cast(((Attr.Cast) n.attr()).to(), ins[0]);
            case REDUCE -> reduce(((Attr.Reduce) n.attr()).fn(), ins[0]);
            case CONTRACT -> sum(times(ins[0], ins[1]));
            case LINALG -> switch (((Attr.Linalg) n.attr()).fn()) {
                case SPECTRAL_RADIUS, SPECTRAL_NORM -> NONNEG;
                case SOLVE, INVERSE, CHOLESKY, EIGH_VALUES, EIGH_VECTORS -> ANY;
            };
            // a sum over connected presynaptic elements (or none) of the input
            case SYNAPSES -> sum(ins[0] | ZERO);
            // the ring's next value: its old rows, cleared rows, and this step's input (summed per target for synapses)
            case DELAY -> sum(ins[0] | ins[2] | ZERO);
        };
    }

    /** Whether every sign in {@code s} lies in {@code allowed}. */
    public static boolean within(int s, int allowed) { return (s & ~allowed) == 0; }

    /** The sign set as people read it: {@code >= 0}, {@code < 0}, {@code any sign}. */
    public static String text(int s) {
        return switch (s) {
            case NONE -> "no value";
            case NEG -> "< 0";
            case ZERO -> "0";
            case POS -> "> 0";
            case NONNEG -> ">= 0";
            case NONPOS -> "<= 0";
            case NONZERO -> "!= 0";
            default -> "any sign";
        };
    }

    static int constant(double v) {
        if (Double.isNaN(v)) return NONE;
        return v > 0 ? POS : v < 0 ? NEG : ZERO;
    }

    static int param(Attr.Bound b) {
        if (b == null) return ANY;
        if (b.lower()) return b.value() > 0 ? POS : b.value() == 0 ? NONNEG : ANY;
        return b.value() < 0 ? NEG : b.value() == 0 ? NONPOS : ANY;
    }

    private static int random(Attr.Random r, int[] ins) {
        return switch (r.dist()) {
            // uniform in [lo, hi): lo's and hi's signs, and 0 between them when they differ in sign
            case UNIFORM -> ins.length < 2 ? ANY : ins[0] | ins[1] | fill(ins[0] | ins[1]);
            case NORMAL -> ANY;
            case BERNOULLI -> NONNEG;
        };
    }

    /** 0 when a range from a set's lowest to highest sign passes through it. */
    private static int fill(int s) { return (s & NEG) != 0 && (s & POS) != 0 ? ZERO : NONE; }

    static int join(int[] ins) {
        int s = NONE;
        for (int i : ins) s |= i;
        return s;
    }

    static int negate(int s) { return (s & ZERO) | ((s & NEG) != 0 ? POS : NONE) | ((s & POS) != 0 ? NEG : NONE); }

    /** The signs of {@code a * b} (and of {@code a / b} for nonzero b). */
    static int times(int a, int b) {
        int s = NONE;
        for (int x : bits(a)) for (int y : bits(b)) s |= x == ZERO || y == ZERO ? ZERO : x == y ? POS : NEG;
        return s;
    }

    /** The signs of {@code a + b}. */
    static int plus(int a, int b) {
        int s = NONE;
        for (int x : bits(a)) {
            for (int y : bits(b)) {
                if (x == ZERO) s |= y;
                else if (y == ZERO || x == y) s |= x;
                else s |= ANY;
            }
        }
        return s;
    }

    /** The signs of a sum of any number (at least one) of terms of signs {@code s}. */
    static int sum(int s) { return (s & NEG) != 0 && (s & POS) != 0 ? ANY : s; }

    private static int[] bits(int s) {
        List<Integer> out = new ArrayList<>(3);
        for (int b : new int[]{NEG, ZERO, POS}) if ((s & b) != 0) out.add(b);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The signs of {@code max(a, b)} ({@code max} true) or {@code min(a, b)}: signs are ordered as the values are. */
    private static int extreme(boolean max, int a, int b) {
        int s = NONE;
        for (int x : bits(a)) for (int y : bits(b)) s |= max ? Math.max(x, y) : Math.min(x, y);
        return s;
    }

    private static int unary(Attr.Unary u, int x) {
        return switch (u.fn()) {
            case NEG -> negate(x);
            case ABS -> (x & ZERO) | ((x & NONZERO) != 0 ? POS : NONE);
            case SIGN, TANH, STOP_GRADIENT -> x;
            case EXP, SIGMOID -> x == NONE ? NONE : POS;
            case LOG, SIN, COS -> x == NONE ? NONE : ANY;
            case SQRT -> x & NONNEG;  // of a negative number: NaN, no sign
            case RELU -> (x & POS) | ((x & NONPOS) != 0 ? ZERO : NONE);
            // floor(0.5) = 0, floor(-0.5) = -1; ceil the other way round; round either
            case FLOOR -> (x & NONPOS) | ((x & POS) != 0 ? NONNEG : NONE);
            case CEIL -> (x & NONNEG) | ((x & NEG) != 0 ? NONPOS : NONE);
            case ROUND -> (x & ZERO) | ((x & POS) != 0 ? NONNEG : NONE) | ((x & NEG) != 0 ? NONPOS : NONE);
            case NOT -> x == NONE ? NONE : NONNEG;
            case SPIKE -> ((x & POS) != 0 ? POS : NONE) | ((x & NONPOS) != 0 ? ZERO : NONE);
            case POW_CONST -> power(x, u.exponent());
        };
    }

    /** The signs of {@code x ^ p} for a constant p. */
    static int power(int x, double p) {
        if (x == NONE) return NONE;
        if (p == 0) return POS;
        int s = ((x & POS) != 0 ? POS : NONE) | ((x & ZERO) != 0 ? (p > 0 ? ZERO : POS) : NONE);  // 0^-1 = +inf
        if ((x & NEG) == 0) return s;
        if (p != Math.rint(p)) return s;  // a negative base to a fractional power: NaN
        return s | (Math.abs(p % 2) == 1 ? NEG : POS);
    }

    private static int binary(Attr.BinaryFn fn, int a, int b) {
        if (a == NONE || b == NONE) return NONE;
        return switch (fn) {
            case ADD -> plus(a, b);
            case SUB -> plus(a, negate(b));
            case MUL -> times(a, b);
            // x / 0 is +-inf (its sign) or NaN (0 / 0, no sign)
            case DIV -> times(a, b & NONZERO) | ((b & ZERO) != 0 ? a & NONZERO : NONE);
            // a floored remainder is 0 or has the divisor's sign (an integer one by 0 is 0; a float one NaN)
            case MOD -> (b & NONZERO) | ZERO;
            case POW -> within(a, POS) ? POS : ANY;
            case MAX -> extreme(true, a, b);
            case MIN -> extreme(false, a, b);
            case EQ, NE, LT, LE, GT, GE, AND, OR, XOR -> NONNEG;
            case ATAN2 -> ANY;
        };
    }

    private static int cast(DType to, int x) {
        return switch (to) {
            case BOOL -> (x & ZERO) | ((x & NONZERO) != 0 ? POS : NONE);
            // truncation toward zero: 0.5 becomes 0
            case I32 -> x | ((x & NONZERO) != 0 ? ZERO : NONE);
            case F32, F64 -> x;
        };
    }

    private static int reduce(Attr.ReduceFn fn, int x) {
        return switch (fn) {
            case SUM, MEAN -> sum(x);
            case MAX, MIN -> x;
            // a product of negatives may be positive
            case PROD -> x | ((x & NEG) != 0 ? POS : NONE);
            case ANY, ALL, ARGMAX, ARGMIN -> x == NONE ? NONE : NONNEG;
        };
    }
}
