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
 */
final class Elementwise {
    private Elementwise() {}

    /** Pushes input {@code i}'s element; returns its kind. */
    interface Loader { Kind load(int input); }

    /** Pushes the (long seed, long stream, int index) arguments of a random draw. */
    interface RandomArgs { void push(); }

    static Kind value(MethodGen g, Node n, Loader in, RandomArgs rnd) {
        return switch (n.op()) {
            case UNARY -> unary(g, (Attr.Unary) n.attr(), n.input(0).type().dtype(), in);
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
            case RANDOM -> {
                Attr.Random r = (Attr.Random) n.attr();
                g.toD(in.load(0));
                switch (r.dist()) {
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
                }
                throw new AssertionError(r.dist());
            }
            default -> throw new IllegalArgumentException("not elementwise: " + n);
        };
    }

    private static Kind unary(MethodGen g, Attr.Unary u, DType d, Loader in) {
        Kind k = in.load(0);
        String kd = MethodGen.desc(k);
        switch (u.fn()) {
            case NOT -> {
                g.iconst(1);
                g.mv.visitInsn(IXOR);
                return Kind.I;
            }
            case NEG -> {
                g.mv.visitInsn(switch (k) { case I -> INEG; case F -> FNEG; case D -> DNEG; });
                return k;
            }
            case ABS -> {
                g.math("abs", "(" + kd + ")" + kd);
                return k;
            }
            case SIGN -> {
                if (k == Kind.I) g.mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "signum", "(I)I", false);
                else g.math("signum", "(" + kd + ")" + kd);
                return k;
            }
            case RELU -> {
                g.rt("relu", "(" + kd + ")" + kd);
                return k;
            }
            case POW_CONST -> {
                if (k == Kind.F && u.exponent() == 2.0) {
                    g.mv.visitInsn(DUP);
                    g.mv.visitInsn(FMUL);
                    return Kind.F;
                }
                g.toD(k);
                g.dconst(u.exponent());
                g.math("pow", "(DD)D");
                return Kind.D;
            }
            case SIGMOID -> {
                g.toD(k);
                g.rt("sigmoid", "(D)D");
                return Kind.D;
            }
            case EXP, LOG, SQRT, TANH, SIN, COS, FLOOR, CEIL, ROUND -> {
                g.toD(k);
                String m = switch (u.fn()) {
                    case EXP -> "exp"; case LOG -> "log"; case SQRT -> "sqrt"; case TANH -> "tanh"; case SIN -> "sin";
                    case COS -> "cos"; case FLOOR -> "floor"; case CEIL -> "ceil"; default -> "rint";
                };
                g.math(m, "(D)D");
                return Kind.D;
            }
        }
        throw new AssertionError(u.fn());
    }

    private static Kind binary(MethodGen g, Attr.BinaryFn fn, DType d, Loader in) {
        var mv = g.mv;
        if (fn.isLogical()) {
            in.load(0);
            in.load(1);
            mv.visitInsn(switch (fn) { case AND -> IAND; case OR -> IOR; default -> IXOR; });
            return Kind.I;
        }
        Kind k = MethodGen.kindOf(d);
        String kd = MethodGen.desc(k);
        if (fn.isComparison() && k == Kind.I) {
            intCompare(g, fn, in);
            return Kind.I;
        }
        if (fn.isComparison()) {
            in.load(0);
            in.load(1);
            g.rt(fn.word(), "(" + kd + kd + ")Z");
            return Kind.I;
        }
        switch (fn) {
            case MOD, POW -> {
                if (k == Kind.I) {
                    in.load(0);
                    in.load(1);
                    g.rt(fn == Attr.BinaryFn.MOD ? "imod" : "ipow", "(II)I");
                    return Kind.I;
                }
                g.toD(in.load(0));
                g.toD(in.load(1));
                if (fn == Attr.BinaryFn.MOD) g.rt("fmod", "(DD)D"); else g.math("pow", "(DD)D");
                return Kind.D;
            }
            case MAX, MIN -> {
                in.load(0);
                in.load(1);
                g.math(fn == Attr.BinaryFn.MAX ? "max" : "min", "(" + kd + kd + ")" + kd);
                return k;
            }
            case DIV -> {
                in.load(0);
                in.load(1);
                if (k == Kind.I) g.rt("idiv", "(II)I"); else mv.visitInsn(k == Kind.F ? FDIV : DDIV);
                return k;
            }
            case ADD, SUB, MUL -> {
                in.load(0);
                in.load(1);
                int base = switch (fn) { case ADD -> IADD; case SUB -> ISUB; default -> IMUL; };
                // IADD, LADD, FADD, DADD are consecutive opcodes (likewise SUB and MUL)
                mv.visitInsn(base + switch (k) { case I -> 0; case F -> 2; case D -> 3; });
                return k;
            }
            default -> throw new AssertionError(fn);
        }
    }

    /**
     * An int (or bool) comparison as 0/1 without a branch: a comparison's outcome on real data (a Life board) is
     * unpredictable, and C2 compiles {@code x == y} to a branch when the shared profile of a helper says so.
     * eq: {@code ((v | -v) >>> 31) ^ 1} with {@code v = x ^ y}; lt: the sign of {@code (long) x - y}.
     */
    private static void intCompare(MethodGen g, Attr.BinaryFn fn, Loader in) {
        var mv = g.mv;
        switch (fn) {
            case EQ, NE -> {
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
            }
            case LT, GE, GT, LE -> {
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
            default -> throw new AssertionError(fn);
        }
    }

    private static Kind cast(MethodGen g, DType to, Kind k) {
        var mv = g.mv;
        switch (to) {
            case F32 -> {
                if (k == Kind.D) mv.visitInsn(D2F); else if (k == Kind.I) mv.visitInsn(I2F);
                return Kind.F;
            }
            case F64 -> {
                g.toD(k);
                return Kind.D;
            }
            case I32 -> {
                if (k == Kind.F) mv.visitInsn(F2I); else if (k == Kind.D) mv.visitInsn(D2I);
                return Kind.I;
            }
            case BOOL -> {
                g.rt("nz", "(" + MethodGen.desc(k) + ")Z");
                return Kind.I;
            }
        }
        throw new AssertionError(to);
    }
}
