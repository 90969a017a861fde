package ncd.ir;

/**
 * The elementwise meaning of ops on single values, as docs/semantics.md defines it: compute in double, then round
 * to the result's dtype once (f32 rounding, i32 wrap-around, bool 0/1). The reference interpreter and constant
 * folding both use these, so a folded constant is bit for bit what the op computes when it runs.
 */
public final class Scalars {
    private Scalars() {}

    /** What the dtype can hold of {@code v}: f32 rounding, i32 wrap-around (floats truncate and saturate), bool 0/1. */
    public static double round(DType d, double v) {
        return switch (d) {
            case F32 -> (float) v;
            case F64 -> v;
            case I32 -> toI32(v);
            case BOOL -> v != 0 ? 1 : 0;
        };
    }

    public static double toI32(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 4.0e18) return (int) (long) x;
        return (int) x;
    }

    public static double unary(Attr.Unary u, double v) {
        return switch (u.fn()) {
            case NEG -> -v;
            case STOP_GRADIENT -> v;
            case ABS -> Math.abs(v);
            case SIGN -> Math.signum(v);
            case EXP -> Math.exp(v);
            case LOG -> Math.log(v);
            case SQRT -> Math.sqrt(v);
            case TANH -> Math.tanh(v);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-v));
            case RELU -> v > 0 || Double.isNaN(v) ? v : 0;
            case SIN -> Math.sin(v);
            case COS -> Math.cos(v);
            case FLOOR -> Math.floor(v);
            case CEIL -> Math.ceil(v);
            case ROUND -> Math.rint(v);
            case NOT -> v != 0 ? 0 : 1;
            case POW_CONST -> Math.pow(v, u.exponent());
            case SPIKE -> v > 0 ? 1 : 0;
        };
    }

    /** {@code integer}: the operands are i32 (their dtype, not the result's). */
    public static double binary(Attr.BinaryFn fn, boolean integer, double x, double y) {
        return switch (fn) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> integer ? (double) ((int) x * (int) y) : x * y;
            case DIV -> integer ? (y == 0 ? 0 : (double) ((int) x / (int) y)) : x / y;
            case MOD -> integer ? (y == 0 ? 0 : Math.floorMod((int) x, (int) y)) : x - Math.floor(x / y) * y;
            case POW -> Math.pow(x, y);
            case MAX -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.max(x, y);
            case MIN -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.min(x, y);
            case EQ -> x == y ? 1 : 0;
            case NE -> x != y ? 1 : 0;
            case LT -> x < y ? 1 : 0;
            case LE -> x <= y ? 1 : 0;
            case GT -> x > y ? 1 : 0;
            case GE -> x >= y ? 1 : 0;
            case AND -> x != 0 && y != 0 ? 1 : 0;
            case OR -> x != 0 || y != 0 ? 1 : 0;
            case XOR -> (x != 0) != (y != 0) ? 1 : 0;
            case ATAN2 -> Math.atan2(x, y);
        };
    }

    /** What a reduction starts from: its value over no elements. */
    public static double reduceStart(Attr.ReduceFn fn) {
        return switch (fn) {
            case SUM, MEAN, ANY -> 0;
            case PROD, ALL -> 1;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            case ARGMAX, ARGMIN -> throw new IllegalArgumentException(fn + " is an index, not a reduction of values");
        };
    }

    /**
     * {@code acc} with one more element {@code v}, visited in row-major order of the reduced axes. {@code integer}:
     * the elements are i32, whose sums and products wrap around as repeated + and * do; floats accumulate in double.
     * A NaN makes a max or min NaN; otherwise the first of equal extremes stays (max(-0, +0) is -0).
     */
    public static double reduceStep(Attr.ReduceFn fn, boolean integer, double acc, double v) {
        return switch (fn) {
            case SUM, MEAN -> integer ? (double) ((int) acc + (int) v) : acc + v;
            case PROD -> integer ? (double) ((int) acc * (int) v) : acc * v;
            case MAX -> Double.isNaN(acc) || Double.isNaN(v) ? Double.NaN : v > acc ? v : acc;
            case MIN -> Double.isNaN(acc) || Double.isNaN(v) ? Double.NaN : v < acc ? v : acc;
            case ANY -> acc != 0 || v != 0 ? 1 : 0;
            case ALL -> acc != 0 && v != 0 ? 1 : 0;
            case ARGMAX, ARGMIN -> throw new IllegalArgumentException(fn + " is an index, not a reduction of values");
        };
    }

    /** The result of a reduction of {@code count} elements that accumulated {@code acc} (before rounding to the dtype). */
    public static double reduceEnd(Attr.ReduceFn fn, double acc, long count) {
        return switch (fn) {
            case MEAN -> acc / count;
            case SUM, PROD, MAX, MIN, ANY, ALL -> acc;
            case ARGMAX, ARGMIN -> throw new IllegalArgumentException(fn + " is an index, not a reduction of values");
        };
    }

    /**
     * Whether {@code v} takes the place of {@code best}, the extreme so far, in argmax or argmin: the first maximum
     * (minimum) wins, and a NaN counts as the extreme, as in numpy.
     */
    public static boolean argReplaces(Attr.ReduceFn fn, double best, double v) {
        return switch (fn) {
            case ARGMAX -> !Double.isNaN(best) && (Double.isNaN(v) || v > best);
            case ARGMIN -> !Double.isNaN(best) && (Double.isNaN(v) || v < best);
            case SUM, MEAN, PROD, MAX, MIN, ANY, ALL -> throw new IllegalArgumentException(fn + " is not an arg-reduction");
        };
    }

    public static double cast(DType to, double x) {
        return to == DType.BOOL ? (x != 0 ? 1 : 0) : to == DType.I32 ? (int) x : x;
    }
}
