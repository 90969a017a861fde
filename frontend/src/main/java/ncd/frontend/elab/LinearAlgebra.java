package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.frontend.ast.OpArg;
import ncd.frontend.ast.Expr;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.Op;

import java.util.ArrayList;
import java.util.List;

/**
 * The linear-algebra builtins, each one {@link Op#LINALG} (docs/language.md, "Linear algebra"): the first axis named
 * is the matrix's row axis, the second its column axis; every other axis of the matrix is a batch axis.
 * <ul>
 *   <li>{@code solve[i, j](A, b)}: x on j with sum over j of A[i, j] x[j] = b[i] (b has i, not j);</li>
 *   <li>{@code inverse[i, j](A)}, {@code cholesky[i, j](A)}: on A's axes;</li>
 *   <li>{@code eigh[i, j -> k](A)}: (values on k, ascending; vectors on [i, k]);</li>
 *   <li>{@code spectral_radius[i, j](A)}, {@code spectral_norm[i, j](A)}: one value per matrix.</li>
 * </ul>
 */
final class LinearAlgebra {
    private final Elaborator el;

    LinearAlgebra(Elaborator el) { this.el = el; }

    Value apply(Expr.AxisOp a, Env env) {
        String op = a.op().text();
        boolean eigh = op.equals("eigh");
        String example = eigh ? "eigh[i, j -> k](A)" : op.equals("solve") ? "solve[i, j](A, b)" : op + "[i, j](A)";
        List<Axis> axes = new ArrayList<>();
        Axis into = null;
        for (OpArg o : a.opArgs()) {
            if (o instanceof OpArg.Plain p && p.value() instanceof Expr.Ref r && axes.size() < 2 && into == null) {
                Axis ax = el.exprs.logicalAxis(r.name(), env);
                if (ax == null) return Value.ERROR;
                axes.add(ax);
            } else if (eigh && o instanceof OpArg.MapTo m && axes.size() == 1 && into == null) {
                Axis from = el.exprs.logicalAxis(m.from(), env), to = el.exprs.logicalAxis(m.to(), env);
                if (from == null || to == null) return Value.ERROR;
                axes.add(from);
                into = to;
            } else {
                el.diags.error(o.span(), DiagCode.E0604, op + " takes the matrix's row axis, then its column axis"
                        + (eigh ? " -> the eigenvalues' new axis" : ""), "e.g. " + example);
                return Value.ERROR;
            }
        }
        if (axes.size() != 2 || (eigh && into == null)) {
            el.diags.error(a.span(), DiagCode.E0604, op + " needs the matrix's row axis and column axis"
                    + (eigh ? " and a new axis for the eigenvalues" : ""), "e.g. " + example);
            return Value.ERROR;
        }
        int arity = op.equals("solve") ? 2 : 1;
        if (a.args().size() != arity) {
            el.diags.error(a.span(), DiagCode.E0601, op + "[...] takes " + (arity == 2 ? "two tensors (A, b)" : "one tensor") + ", got "
                    + a.args().size(), "e.g. " + example);
            return Value.ERROR;
        }
        List<Value> ins = new ArrayList<>();
        for (Expr e : a.args()) {
            Value.Tensor t = el.exprs.tensor(e, env);
            if (t == null) return Value.ERROR;
            if (t.weak()) {
                el.diags.error(e.span(), DiagCode.E0302, op + "[...] needs a matrix with axes, got a number", "e.g. " + example);
                return Value.ERROR;
            }
            ins.add(t);
        }
        String row = axes.get(0).name(), col = axes.get(1).name();
        if (into != null) {
            Axis r = ((Value.Tensor) ins.get(0)).type().axis(row);
            if (r != null && r.isSized() && into.isSized() && into.size() != r.size()) {
                el.diags.error(a.span(), DiagCode.E0304, "eigh: the eigenvalues' axis " + into.name() + " has " + into.size()
                        + " elements but the matrix's axis " + row + " has " + r.size(), "the new axis must have the matrix's size");
                return Value.ERROR;
            }
        }
        return switch (op) {
            case "solve" -> el.emit(Op.LINALG, new Attr.Linalg(Attr.LinalgFn.SOLVE, row, col, null), ins, null, a.span(), env, 0);
            case "inverse" -> el.emit(Op.LINALG, new Attr.Linalg(Attr.LinalgFn.INVERSE, row, col, null), ins, null, a.span(), env, 0);
            case "cholesky" -> el.emit(Op.LINALG, new Attr.Linalg(Attr.LinalgFn.CHOLESKY, row, col, null), ins, null, a.span(), env, 0);
            case "spectral_radius" -> el.emit(Op.LINALG, new Attr.Linalg(Attr.LinalgFn.SPECTRAL_RADIUS, row, col, null), ins, null, a.span(), env, 0);
            case "spectral_norm" -> el.emit(Op.LINALG, new Attr.Linalg(Attr.LinalgFn.SPECTRAL_NORM, row, col, null), ins, null, a.span(), env, 0);
            case "eigh" -> {
                Value vals = el.emit(Op.LINALG, new Attr.Linalg(Attr.LinalgFn.EIGH_VALUES, row, col, into), ins, null, a.span(), env, 0);
                if (!(vals instanceof Value.Tensor)) yield Value.ERROR;
                Value vecs = el.emit(Op.LINALG, new Attr.Linalg(Attr.LinalgFn.EIGH_VECTORS, row, col, into), ins, null, a.span(), env, 0);
                if (!(vecs instanceof Value.Tensor)) yield Value.ERROR;
                yield new Value.Tuple(List.of(vals, vecs));
            }
            default -> throw new IllegalArgumentException("not a linear-algebra builtin: " + op);
        };
    }
}
