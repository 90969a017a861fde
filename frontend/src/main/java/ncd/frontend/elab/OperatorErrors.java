package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.SourceSpan;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.TypeExpr;
import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.TypeRuleException;
import ncd.ir.Unit;

import java.util.ArrayList;
import java.util.List;

/**
 * A binary operator's operands refused by the op's type rule, said the way the user wrote the operation: the operator
 * as written ({@code +}, not {@code add}), the operands by their own text, units by the unit written where the operand
 * is declared and the quantity it measures ("cannot add voltage (mV) and current (nA)"), and hints that rewrite the
 * user's own expression into one that checks.
 */
final class OperatorErrors {
    /** Operand text longer than this is named "the left side" or "the right side" instead. */
    private static final int MAX_SHOWN = 40;

    private final Elaborator el;

    OperatorErrors(Elaborator el) { this.el = el; }

    /**
     * Reports the refusal {@code e} of {@code b}, computed as {@code fn}, on {@code l} and {@code r} (as evaluated,
     * before a number literal is materialized against the other side).
     */
    void report(Expr.Binary b, Attr.BinaryFn fn, Value.Tensor l, Value.Tensor r, SourceSpan span, TypeRuleException e, Env env) {
        String op = b.op().symbol();
        if (e.code() == DiagCode.E0401 && l.type().dtype() != r.type().dtype()) {
            el.diags.error(span, DiagCode.E0401, "`" + op + "` needs operands of one dtype, but " + name(b.left(), "the left side")
                    + " is " + l.type().dtype().word() + " and " + name(b.right(), "the right side") + " is " + r.type().dtype().word(),
                    dtypeHint(b, l.type().dtype(), r.type().dtype(), l, r, env));
            return;
        }
        if (e.code() == DiagCode.E0501 && !l.type().unit().equals(r.type().unit())) {
            String left = quantity(b.left(), l, env), right = quantity(b.right(), r, env);
            String message = switch (b.op()) {
                case ADD -> "cannot add " + left + " and " + right;
                case SUB -> "cannot subtract " + right + " from " + left;
                case MOD -> "cannot take the remainder of " + left + " divided by " + right;
                case EQ, NE, LT, LE, GT, GE -> "cannot compare " + left + " with " + right + " (`" + op + "`)";
                case MUL, DIV, POW, AND, OR -> null;
            };
            if (message != null) {
                el.diags.error(span, DiagCode.E0501, message, unitHint(b, l, r, env));
                return;
            }
        }
        // any other refusal in the rule's words, naming the operator as written (`x ^ 2` is computed as pow_const)
        String message = asWritten(e.getMessage(), fn, op);
        String hint = e.hint() == null ? null : asWritten(e.hint(), fn, op);
        if (e.code() == DiagCode.E0402 && hint != null) hint = conversionHint(b, l, r, hint);
        el.report(span, new TypeRuleException(e.code(), message, hint));
    }

    /**
     * The op table's generic "convert with f32(x)" rewritten on the user's expression: each operand whose dtype the
     * rule refuses (bool where numbers are needed, or a non-float where floats are) converted in place,
     * `f32(spike) ^ 2`, once per conversion the rule offers. A power's exponent is a number, never converted.
     */
    private static String conversionHint(Expr.Binary b, Value.Tensor l, Value.Tensor r, String generic) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b(\\w+)\\(x\\)").matcher(generic);
        List<String> words = new ArrayList<>();
        while (m.find()) words.add(m.group(1));
        if (words.isEmpty()) return generic;
        boolean numbersNeeded = words.contains(DType.I32.word());
        java.util.function.Predicate<DType> refused = d -> numbersNeeded ? d == DType.BOOL : !d.isFloat();
        boolean left = refused.test(l.type().dtype());
        boolean right = b.op() != Expr.BinOp.POW && refused.test(r.type().dtype());
        if (!left && !right) return generic;
        List<String> rewritten = new ArrayList<>();
        for (String w : words) {
            String lt = left ? w + "(" + text(b.left()) + ")" : operandText(b.left());
            String rt = right ? w + "(" + text(b.right()) + ")" : operandText(b.right());
            rewritten.add("`" + lt + " " + b.op().symbol() + " " + rt + "`");
        }
        String which = left && right ? "both" : name(left ? b.left() : b.right(), left ? "the left side" : "the right side");
        return "convert " + which + ": " + String.join(" or ", rewritten);
    }

    /** A one-argument call's generic conversion hint, {@code convert with f32(x)}, as the call rewritten: {@code exp(f32(k))}. */
    static String callConversionHint(Expr.Call c, String generic) {
        if (generic == null || c.args().size() != 1) return generic;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b(\\w+)\\(x\\)").matcher(generic);
        List<String> rewritten = new ArrayList<>();
        SourceSpan call = c.span(), arg = c.args().get(0).span();
        String before = new SourceSpan(call.file(), call.start(), arg.start()).text();
        String after = new SourceSpan(call.file(), arg.end(), call.end()).text();
        while (m.find()) {
            rewritten.add("`" + (before + m.group(1) + "(" + arg.text() + ")" + after).replaceAll("\\s+", " ") + "`");
        }
        return rewritten.isEmpty() ? generic : "convert the argument: " + String.join(" or ", rewritten);
    }

    private static String asWritten(String s, Attr.BinaryFn fn, String op) {
        String powConst = Attr.UnaryFn.POW_CONST.word();
        return s.replace("`" + fn.word() + "`", "`" + op + "`").replace("`" + powConst + "`", powConst)
                .replaceAll("\\b" + powConst + "\\b", "`" + op + "`");
    }

    // ---- dtypes

    /** Convert the operand of the narrower dtype to the wider one; a bool in a product may instead select. */
    private String dtypeHint(Expr.Binary b, DType ld, DType rd, Value.Tensor l, Value.Tensor r, Env env) {
        boolean convertLeft = rank(ld) < rank(rd);
        DType to = convertLeft ? rd : ld;
        String left = convertLeft ? to.word() + "(" + text(b.left()) + ")" : operandText(b.left());
        String right = convertLeft ? operandText(b.right()) : to.word() + "(" + text(b.right()) + ")";
        Expr narrow = convertLeft ? b.left() : b.right(), other = convertLeft ? b.right() : b.left();
        String hint = "convert " + name(narrow, convertLeft ? "the left side" : "the right side") + ": `" + left + " " + b.op().symbol() + " " + right + "`";
        if (b.op() == Expr.BinOp.MUL && (convertLeft ? ld : rd) == DType.BOOL) {
            String zero = zero(other, convertLeft ? r : l, env);
            if (zero != null) hint += ", or select with it: `where(" + text(narrow) + ", " + text(other) + ", " + zero + ")`";
        }
        return hint;
    }

    private static int rank(DType d) {
        return switch (d) {
            case BOOL -> 0;
            case I32 -> 1;
            case F32 -> 2;
            case F64 -> 3;
        };
    }

    /** A zero of {@code x}'s unit, as a literal: {@code 0.0}, {@code 0.0 mV}; null when its unit has no name to write. */
    private String zero(Expr x, Value.Tensor t, Env env) {
        Unit u = t.type().unit();
        if (u.isNone()) return "0.0";
        String written = writtenUnit(x, env);
        if (written != null) return "0.0 " + written;
        String coherent = el.units.coherentNames().get(u);
        return coherent == null ? null : "0.0 " + coherent;
    }

    // ---- units

    /** How to make the two sides agree: a plain number takes the other side's unit; else name the rule. */
    private String unitHint(Expr.Binary b, Value.Tensor l, Value.Tensor r, Env env) {
        boolean leftPlain = plainNumber(b.left(), l), rightPlain = plainNumber(b.right(), r);
        if (leftPlain != rightPlain) {
            Expr number = leftPlain ? b.left() : b.right(), other = leftPlain ? b.right() : b.left();
            String unit = writtenUnit(other, env);
            if (unit == null) unit = el.units.coherentNames().get((leftPlain ? r : l).type().unit());
            if (unit != null) {
                String fixed = leftPlain ? text(number) + " " + unit + " " + b.op().symbol() + " " + operandText(other)
                        : operandText(other) + " " + b.op().symbol() + " " + text(number) + " " + unit;
                return "a number without a unit is dimensionless; give it one: `" + fixed + "`";
            }
        }
        return "both sides of `" + b.op().symbol() + "` must have the same dimension (units of one dimension, such as mV and V, mix freely)";
    }

    /** A number literal written without a unit. */
    private static boolean plainNumber(Expr e, Value.Tensor t) {
        return t.weak() && t.type().unit().isNone() && (e instanceof Expr.Num || e instanceof Expr.Unary u && u.operand() instanceof Expr.Num);
    }

    /** "voltage (mV)", "current", "the plain number 2", "a value in kg*m^2": what an operand measures, as written. */
    private String quantity(Expr e, Value.Tensor t, Env env) {
        Unit u = t.type().unit();
        if (u.isNone()) return plainNumber(e, t) ? "the plain number " + text(e) : "a dimensionless value";
        String q = el.units.quantity(u);
        String written = writtenUnit(e, env);
        if (q != null) return written == null ? q : q + " (" + written + ")";
        return "a value in " + (written != null ? written : el.unit(u));
    }

    /**
     * The unit as the user wrote it for this operand: a literal's ({@code 2 nA}), or the one in the type declared for
     * a name (an input, state, parameter, or typed let or const); through negation and untyped lets. Null when none.
     */
    private String writtenUnit(Expr e, Env env) {
        if (e instanceof Expr.Num n) return n.unit() == null ? null : n.unit().text();
        if (e instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG) return writtenUnit(u.operand(), env);
        if (e instanceof Expr.Ref r) {
            Env.Owned o = env.lookup(r.name().text());
            if (o == null) return null;
            TypeExpr t = o.binding().writtenType();
            if (t != null) return t.unit() == null ? null : text(t.unit().span());
            if (o.binding().stmt instanceof ncd.frontend.ast.Stmt.Let let) return writtenUnit(let.value(), o.owner());
        }
        return null;
    }

    // ---- operand text

    /** {@code `spike`} for a short operand, else {@code fallback}. */
    private static String name(Expr e, String fallback) {
        String t = text(e);
        return t.length() <= MAX_SHOWN ? "`" + t + "`" : fallback;
    }

    /** An operand as it stands beside an operator in a rewritten expression: parenthesized unless it is atomic. */
    private static String operandText(Expr e) {
        boolean atomic = !(e instanceof Expr.Binary || e instanceof Expr.Unary || e instanceof Expr.Contract);
        return atomic ? text(e) : "(" + text(e) + ")";
    }

    /** The source text of {@code e}, its whitespace runs as one space (for hints that rewrite the user's expression). */
    static String text(Expr e) { return text(e.span()); }

    /** The source text of a span, its whitespace runs (line breaks among them) as one space. */
    private static String text(SourceSpan s) {
        return s.text().replaceAll("\\s+", " ");
    }
}
