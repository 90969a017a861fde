package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.DType;
import org.objectweb.asm.MethodVisitor;

import static ncd.jvm.MethodGen.Kind;
import static org.objectweb.asm.Opcodes.*;

/**
 * The code of one reduction ({@code sum mean max min prod any all}), accumulated element by element in a local, as the
 * interpreter accumulates: {@link #start} before the elements, {@link #add} after pushing each one, {@link #finish} to
 * push the result. Both {@link ClassGen}'s reduction loops and {@link FusedStencil}'s window reductions use it.
 *
 * <p>f32 and f64 values accumulate in double and round once; i32 values in int (sums and products wrap, see
 * docs/semantics.md; max and min are exact); bools (any, all) as 0/1 ints.
 */
final class Reduction {
    private final MethodGen g;
    private final Attr.ReduceFn fn;
    /** Whether the accumulator is an int (i32 or bool elements) rather than a double. */
    private final boolean intAcc;
    private final int acc, v;

    private Reduction(MethodGen g, Attr.ReduceFn fn, boolean intAcc, int acc, int v) {
        this.g = g;
        this.fn = fn;
        this.intAcc = intAcc;
        this.acc = acc;
        this.v = v;
    }

    /** Allocates the accumulator for elements of dtype {@code in} and stores {@code fn}'s identity in it. */
    static Reduction start(MethodGen g, Attr.ReduceFn fn, DType in) {
        boolean intAcc = in == DType.I32 || in == DType.BOOL;
        int acc = g.local(intAcc ? 1 : 2), v = g.local(2);
        double identity = switch (fn) {
            case SUM, MEAN, ANY -> 0;
            case PROD, ALL -> 1;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            case ARGMAX, ARGMIN -> throw notAReduction(fn);
        };
        // in int, the identities of max and min are Integer.MIN_VALUE and MAX_VALUE: (int) of -inf and +inf
        if (intAcc) g.iconst((int) identity); else g.dconst(identity);
        g.mv.visitVarInsn(intAcc ? ISTORE : DSTORE, acc);
        return new Reduction(g, fn, intAcc, acc, v);
    }

    /** Adds the element on the stack, of kind {@code k}, to the accumulator. */
    void add(Kind k) {
        MethodVisitor mv = g.mv;
        if (intAcc) {
            mv.visitVarInsn(ILOAD, acc);
            int insn = switch (fn) {
                case SUM -> IADD;
                case PROD -> IMUL;
                case ANY -> IOR;
                case ALL -> IAND;
                case MAX, MIN -> -1;   // Math.max, Math.min
                case MEAN, ARGMAX, ARGMIN -> throw notAReduction(fn);   // mean is typed for floats only
            };
            if (insn >= 0) mv.visitInsn(insn); else g.math(fn == Attr.ReduceFn.MAX ? "max" : "min", "(II)I");
            mv.visitVarInsn(ISTORE, acc);
            return;
        }
        g.toD(k);
        String helper = switch (fn) {
            case SUM, MEAN, PROD -> null;
            case MAX -> "maxAcc";   // NaN wins, as in the interpreter
            case MIN -> "minAcc";
            case ANY, ALL, ARGMAX, ARGMIN -> throw notAReduction(fn);   // any and all are typed for bools only
        };
        if (helper == null) {
            mv.visitVarInsn(DLOAD, acc);
            mv.visitInsn(fn == Attr.ReduceFn.PROD ? DMUL : DADD);
        } else {
            mv.visitVarInsn(DSTORE, v);
            mv.visitVarInsn(DLOAD, acc);
            mv.visitVarInsn(DLOAD, v);
            g.rt(helper, "(DD)D");
        }
        mv.visitVarInsn(DSTORE, acc);
    }

    /** Pushes the result over {@code count} elements, rounded to dtype {@code out}; returns its kind. */
    Kind finish(DType out, long count) {
        MethodVisitor mv = g.mv;
        if (intAcc) {
            mv.visitVarInsn(ILOAD, acc);
        } else {
            mv.visitVarInsn(DLOAD, acc);
            if (fn == Attr.ReduceFn.MEAN) {
                g.dconst(count);
                mv.visitInsn(DDIV);
            }
            g.toStore(Kind.D, out);
        }
        return MethodGen.kindOf(out);
    }

    /**
     * The {@link VecF} method that reduces a contiguous f32 row for {@code fn} (the mean divides its sum afterwards),
     * or null when there is none.
     */
    static String floatRow(Attr.ReduceFn fn) {
        return switch (fn) {
            case SUM, MEAN -> "sum";
            case MAX -> "max";
            case MIN -> "min";
            case PROD, ANY, ALL -> null;
            case ARGMAX, ARGMIN -> throw notAReduction(fn);
        };
    }

    private static IllegalStateException notAReduction(Attr.ReduceFn fn) {
        return new IllegalStateException("no " + fn.word() + " reduction of these elements");
    }
}
