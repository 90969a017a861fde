package ncd.cuda;

import ncd.ir.Attr;
import ncd.ir.DType;

/**
 * Scalars.reduceStart / reduceStep / reduceEnd as C: floats accumulate in double, i32 sums and products wrap around,
 * max and min keep a NaN and the first of equal extremes, any and all are 0/1.
 */
final class Reductions {
    private Reductions() {}

    /** An accumulator: its C type, starting value, step and end (the end before rounding to the result's dtype). */
    record Acc(Attr.ReduceFn fn, String ctype, String start, boolean integer) {
        String step(String acc, String v) {
            return switch (fn) {
                case SUM, MEAN -> integer ? "ncd_iadd(" + acc + ", " + v + ")" : "(" + acc + " + (double)(" + v + "))";
                case PROD -> integer ? "ncd_imul(" + acc + ", " + v + ")" : "(" + acc + " * (double)(" + v + "))";
                case MAX -> "ncd_rmax(" + acc + ", (double)(" + v + "))";
                case MIN -> "ncd_rmin(" + acc + ", (double)(" + v + "))";
                case ANY -> "((" + acc + ") != 0 || (" + v + ") != 0)";
                case ALL -> "((" + acc + ") != 0 && (" + v + ") != 0)";
                case ARGMAX, ARGMIN -> throw new IllegalArgumentException(fn + " is not a reduction of values");
            };
        }

        String end(String acc, long count) {
            return fn == Attr.ReduceFn.MEAN ? "((double)(" + acc + ") / " + count + ".0)" : acc;
        }
    }

    static Acc acc(Attr.ReduceFn fn, DType input) {
        boolean integer = !input.isFloat();
        return switch (fn) {
            case SUM, MEAN -> integer ? new Acc(fn, "int", "0", true) : new Acc(fn, "double", "0.0", false);
            case PROD -> integer ? new Acc(fn, "int", "1", true) : new Acc(fn, "double", "1.0", false);
            case MAX -> new Acc(fn, "double", "-INFINITY", false);
            case MIN -> new Acc(fn, "double", "INFINITY", false);
            case ANY -> new Acc(fn, "int", "0", true);
            case ALL -> new Acc(fn, "int", "1", true);
            case ARGMAX, ARGMIN -> throw new IllegalArgumentException(fn + " is not a reduction of values");
        };
    }
}
