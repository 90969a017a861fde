package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.SourceSpan;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.OpArg;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.Complex;
import ncd.ir.DType;
import ncd.ir.Op;
import ncd.ir.OpSpecs;
import ncd.ir.TensorType;
import ncd.ir.TypeRuleException;
import ncd.ir.Unit;

import java.util.ArrayList;
import java.util.List;

/**
 * Complex numbers (docs/language.md, "Complex numbers and Fourier transforms"). A {@code c64} value is an f32 tensor
 * with the pair axis last ({@link Complex}); this class gives it its arithmetic, written with real IR ops:
 * {@code + - * /} with c64 or f32 operands (an f32 operand is promoted: {@code x} is {@code x + 0i}), contraction
 * {@code @} (four real contractions for two complex operands), the builtins {@code complex(re, im)}, {@code c64(x)},
 * {@code re}, {@code im}, {@code conj}, {@code abs} (the modulus), {@code angle} (atan2(im, re)), and the transforms
 * {@code fft[x](z)}, {@code ifft[x](z)}, {@code rfft[x -> k](u)}, {@code irfft[k -> x](Z)} ({@link Op#FFT}).
 * Every other op refuses a complex operand (E0405, {@link #refusal}), so no real op silently computes on the pairs.
 */
final class Complexes {
    private final Elaborator el;
    /** Above 0 while this class emits the real ops that implement complex ones: {@link #refusal} lets them through. */
    int inside;

    Complexes(Elaborator el) { this.el = el; }

    /** The builtin names this class implements. */
    static final List<String> FUNCTIONS = List.of("complex", "c64", "re", "im", "conj", "angle", "atan2");
    static final List<String> TRANSFORMS = List.of("fft", "ifft", "rfft", "irfft");

    // ---- the guard

    /**
     * Why {@code op} cannot take these operands when one is complex, or null when it can: data movement that keeps the
     * pair axis last (rename, transpose, expand, slice, select, roll, shift by 0, concat, repeat, gather, where of two
     * complex branches), sum and mean, negation and the transforms. Arithmetic and contraction reach here only from
     * this class.
     */
    String refusal(Op op, Attr attr, List<TensorType> ins) {
        if (inside > 0 || ins.stream().noneMatch(Complex::is)) return null;
        boolean ok = switch (op) {
            case RENAME, TRANSPOSE, EXPAND, SLICE, SELECT, ROLL, REPEAT, FFT -> true;
            case SHIFT -> ((Attr.Shift) attr).fill() == 0;
            case CONCAT -> ins.stream().allMatch(Complex::is);
            case GATHER -> Complex.is(ins.get(0));
            case WHERE -> Complex.is(ins.get(1)) && Complex.is(ins.get(2));
            case REDUCE -> ((Attr.Reduce) attr).fn() == Attr.ReduceFn.SUM || ((Attr.Reduce) attr).fn() == Attr.ReduceFn.MEAN;
            case UNARY -> ((Attr.Unary) attr).fn() == Attr.UnaryFn.NEG;
            // arithmetic and contraction come from this class; the rest (and any new op) have no complex meaning
            default -> false;
        };
        if (ok) return null;
        String what = switch (op) {
            case UNARY -> ((Attr.Unary) attr).fn().word();
            case REDUCE -> ((Attr.Reduce) attr).fn().word();
            case BINARY -> ((Attr.Binary) attr).fn().word();
            case WHERE -> "where with one complex branch";
            case SHIFT -> "shift with a nonzero fill";
            default -> op.name().toLowerCase(java.util.Locale.ROOT);
        };
        return what + " is not defined for c64";
    }

    /** The hint of {@link #refusal}. */
    static final String HINT = "take a real part first: re(z), im(z), abs(z) or angle(z); or make both operands c64 with c64(x)";

    // ---- arithmetic

    /** {@code l fn r} where one operand is complex (the other c64, f32 or a number). */
    Value binary(Attr.BinaryFn fn, Value.Tensor l, Value.Tensor r, SourceSpan span, Env env) {
        if (fn != Attr.BinaryFn.ADD && fn != Attr.BinaryFn.SUB && fn != Attr.BinaryFn.MUL && fn != Attr.BinaryFn.DIV) {
            el.diags.error(span, DiagCode.E0405, "`" + fn.word() + "` is not defined for c64",
                    "complex numbers have + - * / only; compare or order abs(z), re(z) or im(z)");
            return Value.ERROR;
        }
        Value.Tensor a = real(l, span, env), b = real(r, span, env);
        if (a == null || b == null) return Value.ERROR;
        List<Axis> union;
        try {
            union = OpSpecs.broadcastAxes(parts(a), parts(b));
        } catch (TypeRuleException e) {
            el.report(span, e);
            return Value.ERROR;
        }
        inside++;
        try {
            boolean ca = Complex.is(a.type()), cb = Complex.is(b.type());
            switch (fn) {
                case ADD, SUB -> {
                    Value x = ca ? a : of(a, null, span, env), y = cb ? b : of(b, null, span, env);
                    return emit(Op.BINARY, new Attr.Binary(fn), span, env, to(x, union, span, env), to(y, union, span, env));
                }
                case MUL -> {
                    if (ca && cb) return times(to(a, union, span, env), to(b, union, span, env), span, env);
                    return emit(Op.BINARY, new Attr.Binary(fn), span, env, to(a, union, span, env), to(b, union, span, env));
                }
                default -> {
                    if (!cb) return emit(Op.BINARY, new Attr.Binary(fn), span, env, to(a, union, span, env), to(b, union, span, env));
                    // a / b = a conj(b) / |b|²
                    Value bb = to(b, union, span, env);
                    Value aa = ca ? to(a, union, span, env) : to(of(a, null, span, env), union, span, env);
                    Value num = times(aa, conj(bb, span, env), span, env);
                    Value den = reduceSquares(bb, span, env);
                    return emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.DIV), span, env, num, den);
                }
            }
        } finally {
            inside--;
        }
    }

    /** {@code l @[axes] r} where one operand is complex: the real contractions of the parts. */
    Value contract(Value.Tensor l, Value.Tensor r, List<String> axes, SourceSpan span, Env env) {
        Value.Tensor a = real(l, span, env), b = real(r, span, env);
        if (a == null || b == null) return Value.ERROR;
        inside++;
        try {
            Attr.Contract c = new Attr.Contract(axes);
            if (Complex.is(a.type()) && Complex.is(b.type())) {
                Value ar = part(a, Complex.RE, span, env), ai = part(a, Complex.IM, span, env);
                Value br = part(b, Complex.RE, span, env), bi = part(b, Complex.IM, span, env);
                Value re = emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.SUB), span, env,
                        emit(Op.CONTRACT, c, span, env, ar, br), emit(Op.CONTRACT, c, span, env, ai, bi));
                Value im = emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), span, env,
                        emit(Op.CONTRACT, c, span, env, ar, bi), emit(Op.CONTRACT, c, span, env, ai, br));
                return of(re, im, span, env);
            }
            return pairLast(emit(Op.CONTRACT, c, span, env, a, b), span, env);
        } finally {
            inside--;
        }
    }

    // ---- builtins

    /** {@code complex(re, im)}, {@code c64(x)}, {@code re}, {@code im}, {@code conj}, {@code angle}, {@code atan2}, and {@code abs} of c64. */
    Value function(String name, List<Value.Tensor> xs, SourceSpan span, Env env) {
        if (name.equals("atan2")) {
            Value.Tensor y = xs.get(0), x = xs.get(1);
            if (Complex.is(y.type()) || Complex.is(x.type())) return refuse(span, "atan2");
            return el.exprs.apply(Attr.BinaryFn.ATAN2, y, x, span, env);
        }
        if (name.equals("complex")) {
            Value.Tensor re = real(xs.get(0), span, env), im = real(xs.get(1), span, env);
            if (re == null || im == null) return Value.ERROR;
            if (Complex.is(re.type()) || Complex.is(im.type())) return refuse(span, "complex(re, im) of a c64 part");
            inside++;
            try {
                return of(re, im, span, env);
            } finally {
                inside--;
            }
        }
        Value.Tensor z = real(xs.get(0), span, env);
        if (z == null) return Value.ERROR;
        if (name.equals("c64")) {
            if (Complex.is(z.type())) return z;
            if (z.type().dtype() != DType.F32) {
                el.diags.error(span, DiagCode.E0401, "c64(x) takes f32, got " + z.type().dtype().word(), "convert first: c64(f32(x))");
                return Value.ERROR;
            }
            inside++;
            try {
                return of(z, null, span, env);
            } finally {
                inside--;
            }
        }
        if (!Complex.is(z.type())) {
            el.diags.error(span, DiagCode.E0405, name + " takes a c64 value, got " + z.type(), "make it complex: c64(x), or complex(re, im)");
            return Value.ERROR;
        }
        inside++;
        try {
            return switch (name) {
                case "re" -> part(z, Complex.RE, span, env);
                case "im" -> part(z, Complex.IM, span, env);
                case "conj" -> conj(z, span, env);
                case "abs" -> emit(Op.UNARY, new Attr.Unary(Attr.UnaryFn.SQRT), span, env, reduceSquares(z, span, env));
                case "angle" -> emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ATAN2), span, env,
                        part(z, Complex.IM, span, env), part(z, Complex.RE, span, env));
                default -> throw new IllegalArgumentException("not a complex builtin: " + name);
            };
        } finally {
            inside--;
        }
    }

    /** {@code fft[x](z)}, {@code ifft[x](z)}, {@code rfft[x -> k](u)}, {@code irfft[k -> x](Z)}. */
    Value transform(Expr.AxisOp a, Env env) {
        String op = a.op().text();
        Attr.FftKind kind = Attr.FftKind.valueOf(op.toUpperCase(java.util.Locale.ROOT));
        boolean newAxis = kind == Attr.FftKind.RFFT || kind == Attr.FftKind.IRFFT;
        String example = newAxis ? op + "[" + (kind == Attr.FftKind.RFFT ? "x -> k" : "k -> x") + "](u)" : op + "[x](z)";
        Axis axis = null, into = null;
        if (a.opArgs().size() == 1 && !newAxis && a.opArgs().get(0) instanceof OpArg.Plain p && p.value() instanceof Expr.Ref r) {
            axis = el.exprs.logicalAxis(r.name(), env);
            if (axis == null) return Value.ERROR;
        } else if (a.opArgs().size() == 1 && newAxis && a.opArgs().get(0) instanceof OpArg.MapTo m) {
            axis = el.exprs.logicalAxis(m.from(), env);
            into = el.exprs.logicalAxis(m.to(), env);
            if (axis == null || into == null) return Value.ERROR;
        } else {
            el.diags.error(a.span(), DiagCode.E0604, op + " takes " + (newAxis ? "the transformed axis -> the new axis" : "the axis it transforms"),
                    "e.g. " + example);
            return Value.ERROR;
        }
        Value.Tensor x = el.builtins.oneInput(a, env);
        if (x == null) return Value.ERROR;
        if (kind == Attr.FftKind.RFFT && !into.isSized()) {
            Axis have = x.type().axis(axis.name());
            if (have != null && have.isSized()) into = new Axis(into.name(), have.size() / 2 + 1);
        }
        if (kind == Attr.FftKind.IRFFT && !into.isSized() && el.lowering) {
            el.diags.error(a.span(), DiagCode.E0406, op + ": the samples' axis " + into.name() + " has no size here, and its size is irfft's n",
                    "declare it with the number of samples: axis " + into.name() + " = N");
            return Value.ERROR;
        }
        return el.emit(Op.FFT, new Attr.Fft(kind, axis.name(), into), List.of(x), null, a.span(), env, 0);
    }

    // ---- the real ops that implement them

    /** A weak number as an f32 scalar; E0401 for a real operand that is not f32. */
    private Value.Tensor real(Value.Tensor t, SourceSpan span, Env env) {
        if (t.weak()) return el.materialize(t, DType.F32, span, env) instanceof Value.Tensor m ? m : null;
        if (t.type().dtype() != DType.F32) {
            el.diags.error(span, DiagCode.E0401, "complex arithmetic needs f32 or c64 operands, got " + t.type().dtype().word(),
                    "convert it first: f32(x)");
            return null;
        }
        return t;
    }

    private Value refuse(SourceSpan span, String what) {
        el.diags.error(span, DiagCode.E0405, what + " is not defined for c64", HINT);
        return Value.ERROR;
    }

    private Value emit(Op op, Attr attr, SourceSpan span, Env env, Value... ins) {
        return el.emit(op, attr, List.of(ins), null, span, env, 0);
    }

    /** The real axes of a value (its axes but the pair axis). */
    private static TensorType parts(Value.Tensor t) { return Complex.is(t.type()) ? Complex.part(t.type()) : t.type(); }

    /** {@code x} broadcast to the real axes {@code union} (and the pair axis last, when complex); x when it has them. */
    private Value to(Value x, List<Axis> union, SourceSpan span, Env env) {
        if (!(x instanceof Value.Tensor t)) return Value.ERROR;
        List<Axis> axes = new ArrayList<>(union);
        if (Complex.is(t.type())) axes.add(Complex.PAIR);
        if (t.type().axes().equals(axes)) return t;
        return el.emit(Op.EXPAND, new Attr.None(), List.of(t), t.type().withAxes(axes), span, env, 0);
    }

    /** Real part ({@link Complex#RE}) or imaginary part of {@code z}. */
    private Value part(Value z, int which, SourceSpan span, Env env) {
        return emit(Op.SELECT, new Attr.Select(Complex.AXIS, which), span, env, z);
    }

    /** The complex number with real part {@code re} and imaginary part {@code im} (null: 0): a where over the pair axis. */
    private Value of(Value re, Value im, SourceSpan span, Env env) {
        if (!(re instanceof Value.Tensor r)) return Value.ERROR;
        if (im == null) im = el.emit(Op.CONST, new Attr.Scalar(0), List.of(), new TensorType(DType.F32, List.of(), r.type().unit()), span, env, 0);
        if (!(im instanceof Value.Tensor i)) return Value.ERROR;
        List<Axis> union;
        try {
            union = OpSpecs.broadcastAxes(r.type(), i.type());
        } catch (TypeRuleException e) {
            el.report(span, e);
            return Value.ERROR;
        }
        List<Axis> axes = new ArrayList<>(union);
        axes.add(Complex.PAIR);
        Value re2 = el.emit(Op.EXPAND, new Attr.None(), List.of(r), r.type().withAxes(axes), span, env, 0);
        Value im2 = el.emit(Op.EXPAND, new Attr.None(), List.of(i), i.type().withAxes(axes), span, env, 0);
        return emit(Op.WHERE, new Attr.None(), span, env, isReal(span, env), re2, im2);
    }

    /** bool[c64]: true at the real part. */
    private Value isReal(SourceSpan span, Env env) {
        Value iota = el.emit(Op.IOTA, new Attr.AxisRef(Complex.AXIS), List.of(), new TensorType(DType.I32, List.of(Complex.PAIR), Unit.NONE), span, env, 0);
        Value zero = el.emit(Op.CONST, new Attr.Scalar(0), List.of(), TensorType.scalar(DType.I32), span, env, 0);
        return emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.EQ), span, env, iota, zero);
    }

    /** {@code conj(z)}: z times (1, -1) along the pair axis. */
    private Value conj(Value z, SourceSpan span, Env env) {
        Value one = el.emit(Op.CONST, new Attr.Scalar(1), List.of(), TensorType.scalar(DType.F32), span, env, 0);
        Value minus = el.emit(Op.CONST, new Attr.Scalar(-1), List.of(), TensorType.scalar(DType.F32), span, env, 0);
        Value signs = emit(Op.WHERE, new Attr.None(), span, env, isReal(span, env), one, minus);
        return emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.MUL), span, env, z, signs);
    }

    /** {@code re² + im²}: the squared modulus, a real tensor. */
    private Value reduceSquares(Value z, SourceSpan span, Env env) {
        Value sq = emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.MUL), span, env, z, z);
        return emit(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of(Complex.AXIS)), span, env, sq);
    }

    /** The product of two complex values with the same axes: (ar br - ai bi) + i (ar bi + ai br). */
    private Value times(Value a, Value b, SourceSpan span, Env env) {
        Value ar = part(a, Complex.RE, span, env), ai = part(a, Complex.IM, span, env);
        Value br = part(b, Complex.RE, span, env), bi = part(b, Complex.IM, span, env);
        Attr mul = new Attr.Binary(Attr.BinaryFn.MUL);
        Value re = emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.SUB), span, env, emit(Op.BINARY, mul, span, env, ar, br),
                emit(Op.BINARY, mul, span, env, ai, bi));
        Value im = emit(Op.BINARY, new Attr.Binary(Attr.BinaryFn.ADD), span, env, emit(Op.BINARY, mul, span, env, ar, bi),
                emit(Op.BINARY, mul, span, env, ai, br));
        return of(re, im, span, env);
    }

    /** {@code v} with the pair axis moved last (a contraction keeps one operand's axes before the other's). */
    private Value pairLast(Value v, SourceSpan span, Env env) {
        if (!(v instanceof Value.Tensor t) || !t.type().hasAxis(Complex.AXIS) || Complex.is(t.type())) return v;
        List<Axis> axes = new ArrayList<>();
        for (Axis x : t.type().axes()) if (!x.name().equals(Complex.AXIS)) axes.add(x);
        axes.add(Complex.PAIR);
        return el.emit(Op.TRANSPOSE, new Attr.None(), List.of(t), t.type().withAxes(axes), span, env, 0);
    }
}
