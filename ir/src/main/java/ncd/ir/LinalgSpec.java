package ncd.ir;

import ncd.diag.DiagCode;

import java.util.ArrayList;
import java.util.List;

/** The type rule of {@link Op#LINALG}, beside {@link OpSpecs} (whose table points here). */
final class LinalgSpec {
    private LinalgSpec() {}

    /**
     * LINALG: a float matrix on two different axes of one size (row, col), every other axis a batch axis. solve takes
     * b with the row axis (not the column axis) and gives x with b's axes, the row axis replaced by the column axis,
     * then A's batch axes that b lacks; eigh's values put {@code into} in place of the row axis and drop the column
     * axis; its vectors put {@code into} in place of the column axis; the spectral radius and norm drop both.
     */
    static TensorType type(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Linalg l = (Attr.Linalg) a;
        String what = l.fn().word() + "[" + l.row() + ", " + l.col() + "]";
        TensorType x = in.get(0);
        TypeRuleException nf = OpSpecs.notFloat(x, what);
        if (nf != null) throw nf;
        if (l.row().equals(l.col())) {
            throw OpSpecs.err(DiagCode.E0303, what + " names axis " + l.row() + " twice", "name the matrix's row axis, then its column axis: two different axes");
        }
        Axis r = x.axis(l.row()), c = x.axis(l.col());
        if (r == null || c == null) {
            throw OpSpecs.err(DiagCode.E0302, what + " over axis " + (r == null ? l.row() : l.col()) + ", but the matrix has axes " + x.axesText(),
                    "name the matrix's row axis, then its column axis: two of its axes; the others are batch axes");
        }
        if (r.isSized() && c.isSized() && r.size() != c.size()) {
            throw OpSpecs.err(DiagCode.E0304, what + " needs a square matrix, but axis " + r.name() + " has " + r.size() + " elements and "
                    + c.name() + " has " + c.size(), "the row axis and the column axis must have one size");
        }
        boolean solve = l.fn() == Attr.LinalgFn.SOLVE;
        if (in.size() != (solve ? 2 : 1)) {
            throw new IllegalArgumentException(what + " takes " + (solve ? 2 : 1) + " operands, got " + in.size());
        }
        boolean eigh = l.fn() == Attr.LinalgFn.EIGH_VALUES || l.fn() == Attr.LinalgFn.EIGH_VECTORS;
        if (eigh != (l.into() != null)) throw new IllegalArgumentException(what + ": a new axis is eigh's alone");
        if (eigh && x.hasAxis(l.into().name())) {
            throw OpSpecs.err(DiagCode.E0303, what + ": the eigenvalues' axis " + l.into().name() + " is already an axis of the matrix " + x.axesText(),
                    "name a new axis after `->`");
        }
        List<Axis> out = new ArrayList<>();
        return switch (l.fn()) {
            case INVERSE -> new TensorType(x.dtype(), x.axes(), x.unit().inverse());
            case CHOLESKY -> {
                Unit u = x.unit().root(2);
                if (u == null) throw OpSpecs.err(DiagCode.E0503, what + " of a quantity in " + x.unit() + " has no whole unit (its square root)", null);
                yield new TensorType(x.dtype(), x.axes(), u);
            }
            case EIGH_VALUES -> {
                for (Axis ax : x.axes()) {
                    if (ax == r) out.add(new Axis(l.into().name(), r.size()));
                    else if (ax != c) out.add(ax);
                }
                yield x.withAxes(out);
            }
            case EIGH_VECTORS -> {
                for (Axis ax : x.axes()) out.add(ax == c ? new Axis(l.into().name(), c.size()) : ax);
                yield new TensorType(x.dtype(), out, Unit.NONE);
            }
            case SPECTRAL_RADIUS, SPECTRAL_NORM -> {
                for (Axis ax : x.axes()) if (ax != r && ax != c) out.add(ax);
                yield x.withAxes(out);
            }
            case SOLVE -> {
                TensorType b = in.get(1);
                OpSpecs.sameDType(x, b, what);
                Axis br = b.axis(l.row());
                if (br == null || b.hasAxis(l.col())) {
                    throw OpSpecs.err(DiagCode.E0302, what + "(A, b): b needs the row axis " + l.row() + " and not the column axis " + l.col()
                            + ", but it has axes " + b.axesText(), "x = solve[row, col](A, b) solves sum over col of A[row, col] x[col] = b[row]");
                }
                OpSpecs.checkSameSizes(x, b);
                for (Axis ax : b.axes()) out.add(ax == br ? c : ax);
                for (Axis ax : x.axes()) if (ax != r && ax != c && !b.hasAxis(ax.name())) out.add(ax);
                yield new TensorType(x.dtype(), out, OpSpecs.product(b.unit(), x.unit(), true));
            }
        };
    }
}
