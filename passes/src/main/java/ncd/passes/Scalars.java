package ncd.passes;

import ncd.ir.Attr;
import ncd.ir.DType;

/**
 * Folding's view of single values: the ops' meaning comes from {@link ncd.ir.Scalars} (shared with the reference
 * interpreter, so a folded constant is bit for bit what the op computes); this adds how a folded value is stored
 * and compared.
 */
final class Scalars {
    private Scalars() {}

    static double round(DType d, double v) { return ncd.ir.Scalars.round(d, v); }

    static double toI32(double x) { return ncd.ir.Scalars.toI32(x); }

    static double unary(Attr.Unary u, double v) { return ncd.ir.Scalars.unary(u, v); }

    /** {@code integer}: the operands are i32 (their dtype, not the result's). */
    static double binary(Attr.BinaryFn fn, boolean integer, double x, double y) { return ncd.ir.Scalars.binary(fn, integer, x, y); }

    static double cast(DType to, double x) { return ncd.ir.Scalars.cast(to, x); }

    /**
     * The value to store in a folded {@code const} of dtype {@code d}: {@code v} (already rounded) written with as few
     * digits as round to the same value, so that `ncdc ir` prints {@code 1.0e-9}, not {@code 9.99999971718069e-10}.
     * A const is rounded to its dtype when it is read, so both mean the same bits.
     */
    static double stored(DType d, double v) {
        if (d == DType.F32 && !Double.isNaN(v) && !Double.isInfinite(v)) return Double.parseDouble(Float.toString((float) v));
        return v;
    }

    /** Whether two stored values are the same bits after rounding (NaN equals NaN, 0 differs from -0). */
    static boolean same(double a, double b) { return Double.compare(a, b) == 0 || (Double.isNaN(a) && Double.isNaN(b)); }
}
