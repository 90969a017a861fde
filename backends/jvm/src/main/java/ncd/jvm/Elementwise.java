package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Node;

import static ncd.jvm.MethodGen.Kind;
import static org.objectweb.asm.Opcodes.*;

/**
 * The value of one element of an elementwise node, pushed on the stack, computed as the interpreter computes it.
 * f32 {@code + - * /}, negation, abs, max and min run in float (the correctly rounded f32 result is what the
 * interpreter's double computation rounds to); transcendental functions, powers and float remainders run in double
 * through {@link Math} and are rounded when stored; i32 arithmetic wraps like Java's int.
 *
 * <p>Also which unary and binary functions have vector-lane forms, f32 ({@link VecF}) and byte ({@link Vec}): what a
 * unary or binary function means is written here and nowhere else in the backend.
 */
final class Elementwise {
    private Elementwise() {}

    /** Pushes input {@code i}'s element; returns its kind. */
    interface Loader { Kind load(int input); }

    /** Pushes the (long seed, long stream, int index) arguments of a random draw. */
    interface RandomArgs { void push(); }

    static Kind value(MethodGen g, Node n, Loader in, RandomArgs rnd) {
        return switch (n.op()) {
            case UNARY -> unary(g, (Attr.Unary) n.attr(), in);
            case BINARY -> binary(g, ((Attr.Binary) n.attr()).fn(), n.input(0).type().dtype(), in);
            case WHERE -> {
                in.load(0);
                Kind k = in.load(1);
                in.load(2);
                String d = MethodGen.desc(k);
                g.rt("where", "(Z" + d + d + ")" + d);
                yield k;
            }
            case CAST -> cast(g, ((Attr.Cast) n.attr()).to(), in.load(0));
            case EXPAND, TRANSPOSE -> in.load(0);
            case RANDOM -> random(g, (Attr.Random) n.attr(), in, rnd);
            case INPUT, PARAM, CONST, IOTA, STATE_READ, REDUCE, ARG_REDUCE, CONTRACT, RENAME, SPLIT, MERGE, SLICE, SELECT,
                 ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> throw new IllegalArgumentException("not elementwise: " + n);
        };
    }

    private static Kind random(MethodGen g, Attr.Random r, Loader in, RandomArgs rnd) {
        g.toD(in.load(0));
        return switch (r.dist()) {
            case UNIFORM, NORMAL -> {
                g.toD(in.load(1));
                rnd.push();
                g.rt(r.dist() == Attr.Dist.UNIFORM ? "uniform" : "normal", "(DDJJI)D");
                yield Kind.D;
            }
            case BERNOULLI -> {
                rnd.push();
                g.rt("bernoulli", "(DJJI)Z");
                yield Kind.I;
            }
        };
    }

    private static Kind unary(MethodGen g, Attr.Unary u, Loader in) {
        Kind k = in.load(0);
        String kd = MethodGen.desc(k);
        return switch (u.fn()) {
            case NOT -> {
                g.iconst(1);
                g.mv.visitInsn(IXOR);
                yield Kind.I;
            }
            case NEG -> {
                g.mv.visitInsn(switch (k) { case I -> INEG; case F -> FNEG; case D -> DNEG; });
                yield k;
            }
            case STOP_GRADIENT -> k;
            case ABS -> {
                g.math("abs", "(" + kd + ")" + kd);
                yield k;
            }
            case SIGN -> {
                if (k == Kind.I) g.mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "signum", "(I)I", false);
                else g.math("signum", "(" + kd + ")" + kd);
                yield k;
            }
            case RELU -> {
                g.rt("relu", "(" + kd + ")" + kd);
                yield k;
            }
            case POW_CONST -> {
                if (k == Kind.F && u.exponent() == 2.0) {
                    g.mv.visitInsn(DUP);
                    g.mv.visitInsn(FMUL);
                    yield Kind.F;
                }
                g.toD(k);
                g.dconst(u.exponent());
                g.math("pow", "(DD)D");
                yield Kind.D;
            }
            case SIGMOID -> {
                g.toD(k);
                g.rt("sigmoid", "(D)D");
                yield Kind.D;
            }
            case SPIKE -> {
                // without a branch: FCMPL/DCMPL give 1 above 0, 0 at ±0, -1 below 0 and for NaN; (r + 1) >> 1 is
                // then 1 only above 0, as the interpreter's v > 0
                if (k == Kind.F) {
                    g.mv.visitInsn(FCONST_0);
                    g.mv.visitInsn(FCMPL);
                } else {
                    g.mv.visitInsn(DCONST_0);
                    g.mv.visitInsn(DCMPL);
                }
                g.iconst(1);
                g.mv.visitInsn(IADD);
                g.iconst(1);
                g.mv.visitInsn(ISHR);
                g.mv.visitInsn(k == Kind.F ? I2F : I2D);
                yield k;
            }
            case EXP -> inDouble(g, k, "exp");
            case LOG -> inDouble(g, k, "log");
            case SQRT -> inDouble(g, k, "sqrt");
            case TANH -> inDouble(g, k, "tanh");
            case SIN -> inDouble(g, k, "sin");
            case COS -> inDouble(g, k, "cos");
            case FLOOR -> inDouble(g, k, "floor");
            case CEIL -> inDouble(g, k, "ceil");
            case ROUND -> inDouble(g, k, "rint");
        };
    }

    /** {@link Math}{@code .name} of the value on the stack, in double. */
    private static Kind inDouble(MethodGen g, Kind k, String name) {
        g.toD(k);
        g.math(name, "(D)D");
        return Kind.D;
    }

    private static Kind binary(MethodGen g, Attr.BinaryFn fn, DType d, Loader in) {
        var mv = g.mv;
        Kind k = MethodGen.kindOf(d);
        String kd = MethodGen.desc(k);
        return switch (fn) {
            case AND, OR, XOR -> {
                in.load(0);
                in.load(1);
                mv.visitInsn(fn == Attr.BinaryFn.AND ? IAND : fn == Attr.BinaryFn.OR ? IOR : IXOR);
                yield Kind.I;
            }
            case EQ, NE, LT, LE, GT, GE -> {
                if (k == Kind.I) {
                    intCompare(g, fn, in);
                } else {
                    in.load(0);
                    in.load(1);
                    g.rt(fn.word(), "(" + kd + kd + ")Z");
                }
                yield Kind.I;
            }
            case ATAN2 -> {
                g.toD(in.load(0));
                g.toD(in.load(1));
                g.math("atan2", "(DD)D");
                yield Kind.D;
            }
            case MOD, POW -> {
                if (k == Kind.I) {
                    in.load(0);
                    in.load(1);
                    g.rt(fn == Attr.BinaryFn.MOD ? "imod" : "ipow", "(II)I");
                    yield Kind.I;
                }
                g.toD(in.load(0));
                g.toD(in.load(1));
                if (fn == Attr.BinaryFn.MOD) g.rt("fmod", "(DD)D"); else g.math("pow", "(DD)D");
                yield Kind.D;
            }
            case MAX, MIN -> {
                in.load(0);
                in.load(1);
                g.math(fn == Attr.BinaryFn.MAX ? "max" : "min", "(" + kd + kd + ")" + kd);
                yield k;
            }
            case DIV -> {
                in.load(0);
                in.load(1);
                if (k == Kind.I) g.rt("idiv", "(II)I"); else mv.visitInsn(k == Kind.F ? FDIV : DDIV);
                yield k;
            }
            case ADD, SUB, MUL -> {
                in.load(0);
                in.load(1);
                int base = fn == Attr.BinaryFn.ADD ? IADD : fn == Attr.BinaryFn.SUB ? ISUB : IMUL;
                // IADD, LADD, FADD, DADD are consecutive opcodes (likewise SUB and MUL)
                mv.visitInsn(base + switch (k) { case I -> 0; case F -> 2; case D -> 3; });
                yield k;
            }
        };
    }

    /**
     * An int (or bool) comparison as 0/1 without a branch: a comparison's outcome on real data (a Life board) is
     * unpredictable, and C2 compiles {@code x == y} to a branch when the shared profile of a helper says so.
     * eq: {@code ((v | -v) >>> 31) ^ 1} with {@code v = x ^ y}; lt: the sign of {@code (long) x - y}.
     */
    private static void intCompare(MethodGen g, Attr.BinaryFn fn, Loader in) {
        var mv = g.mv;
        boolean equality = fn == Attr.BinaryFn.EQ || fn == Attr.BinaryFn.NE;
        if (equality) {
            in.load(0);
            in.load(1);
            mv.visitInsn(IXOR);
            mv.visitInsn(DUP);
            mv.visitInsn(INEG);
            mv.visitInsn(IOR);
            g.iconst(31);
            mv.visitInsn(IUSHR);
            if (fn == Attr.BinaryFn.EQ) {
                g.iconst(1);
                mv.visitInsn(IXOR);
            }
            return;
        }
        in.load(0);
        mv.visitInsn(I2L);
        in.load(1);
        mv.visitInsn(I2L);
        mv.visitInsn(LSUB);                                    // d = x - y, exact in long
        if (fn == Attr.BinaryFn.GT || fn == Attr.BinaryFn.LE) mv.visitInsn(LNEG);
        g.iconst(63);
        mv.visitInsn(LUSHR);                                   // lt: d < 0; gt: -d < 0
        mv.visitInsn(L2I);
        if (fn == Attr.BinaryFn.GE || fn == Attr.BinaryFn.LE) {
            g.iconst(1);
            mv.visitInsn(IXOR);
        }
    }

    private static Kind cast(MethodGen g, DType to, Kind k) {
        var mv = g.mv;
        return switch (to) {
            case F32 -> {
                if (k == Kind.D) mv.visitInsn(D2F); else if (k == Kind.I) mv.visitInsn(I2F);
                yield Kind.F;
            }
            case F64 -> {
                g.toD(k);
                yield Kind.D;
            }
            case I32 -> {
                if (k == Kind.F) mv.visitInsn(F2I); else if (k == Kind.D) mv.visitInsn(D2I);
                yield Kind.I;
            }
            case BOOL -> {
                g.rt("nz", "(" + MethodGen.desc(k) + ")Z");
                yield Kind.I;
            }
        };
    }

    // ------------------------------------------------------------------------------------------------ vector lanes

    /**
     * The {@link VecF} method computing {@code u} on f32 lanes, or null when it has none, or only one within about an
     * ulp and {@code exactMath} asks for the interpreter's results.
     */
    static String floatLanes(Attr.Unary u, boolean exactMath) {
        return switch (u.fn()) {
            case NEG, ABS, RELU, SQRT -> u.fn().word();
            case POW_CONST -> u.exponent() == 2.0 ? "square" : u.exponent() == 3.0 && !exactMath ? "cube" : null;
            case EXP, LOG, TANH, SIN, COS, SIGMOID -> exactMath ? null : u.fn().word();
            case SIGN, FLOOR, CEIL, ROUND, NOT, STOP_GRADIENT, SPIKE -> null;
        };
    }

    /** The {@link VecF} method computing {@code fn} of two f32 lanes, or null when it has none. */
    static String floatLanes(Attr.BinaryFn fn) {
        return switch (fn) {
            case ADD, SUB, MUL, DIV, MAX, MIN -> fn.word();
            case MOD, POW, EQ, NE, LT, LE, GT, GE, AND, OR, XOR, ATAN2 -> null;
        };
    }

    /**
     * The {@link VecF} method computing {@code where(a fn b, t, e)} on f32 lanes for a comparison {@code fn} of two f32
     * values (the ReLU's backward {@code where(x > 0, g, 0)}), or null when {@code fn} is not a comparison.
     */
    static String floatLanesWhere(Attr.BinaryFn fn) {
        return fn.isComparison() ? "where_" + fn.word() : null;
    }

    /** A byte-lane ({@link Vec}) form of a function: the method computing it, and the range {@code [lo, hi]} of its results. */
    record ByteLanes(String method, long lo, long hi) {}

    /**
     * {@code fn} on byte lanes holding (dtype {@code d}) values in {@code a}, exactly; null when it has no such form.
     */
    static ByteLanes byteLanes(Attr.UnaryFn fn, DType d, long[] a) {
        return switch (fn) {
            case NOT -> new ByteLanes("not", 0, 1);
            case NEG -> d == DType.I32 ? new ByteLanes("neg", -a[1], -a[0]) : null;
            case ABS, SIGN, EXP, LOG, SQRT, TANH, SIGMOID, RELU, SIN, COS, FLOOR, CEIL, ROUND, POW_CONST, STOP_GRADIENT, SPIKE -> null;
        };
    }

    /**
     * {@code fn} on byte lanes holding values in {@code a} and {@code b}, exactly (as far as the operands go: the caller
     * checks that the result range fits a byte); null when it has no such form.
     */
    static ByteLanes byteLanes(Attr.BinaryFn fn, long[] a, long[] b) {
        return switch (fn) {
            case ADD -> new ByteLanes("add", a[0] + b[0], a[1] + b[1]);
            case SUB -> new ByteLanes("sub", a[0] - b[1], a[1] - b[0]);
            case MUL -> {
                long p = a[0] * b[0], q = a[0] * b[1], r = a[1] * b[0], u = a[1] * b[1];
                yield new ByteLanes("mul", Math.min(Math.min(p, q), Math.min(r, u)), Math.max(Math.max(p, q), Math.max(r, u)));
            }
            case AND, OR, XOR -> new ByteLanes(fn.word(), 0, 1);
            // when a - b fits a byte and is not -128, the cheaper Vec.eqs / nes
            case EQ, NE -> new ByteLanes(fn.word() + (a[0] - b[1] > Byte.MIN_VALUE && a[1] - b[0] <= Byte.MAX_VALUE ? "s" : ""), 0, 1);
            case LT, LE, GT, GE -> {
                // Vec compares by the sign of the difference: both differences must fit a byte
                long hi = Math.max(a[1] - b[0], b[1] - a[0]), lo = Math.min(a[0] - b[1], b[0] - a[1]);
                yield hi > Byte.MAX_VALUE || lo < Byte.MIN_VALUE ? null : new ByteLanes(fn.word(), 0, 1);
            }
            case DIV, MOD, POW, MAX, MIN, ATAN2 -> null;
        };
    }
}
