package ncd.runtime;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.Node;
import ncd.ir.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link Linalg.Plan} of a LINALG node, made from the graph at compile time (and by the interpreter). Apart from
 * {@link Linalg}, which generated code calls at run time: the ahead-of-time runtime must not need the IR's graph
 * classes (AotJar's closure).
 */
public final class LinalgPlans {
    private LinalgPlans() {}

    /** The plan of a LINALG node of circuit {@code circuit} (null: unnamed). */
    public static Linalg.Plan plan(Node node, String circuit) {
        Attr.Linalg l = (Attr.Linalg) node.attr();
        TensorType a = node.input(0).type(), t = node.type();
        TensorType b = node.inputs().size() > 1 ? node.input(1).type() : null;
        String oRowAxis, oColAxis;
        switch (l.fn()) {
            case SOLVE -> { oRowAxis = l.col(); oColAxis = null; }
            case INVERSE, CHOLESKY -> { oRowAxis = l.row(); oColAxis = l.col(); }
            case EIGH_VALUES -> { oRowAxis = l.into().name(); oColAxis = null; }
            case EIGH_VECTORS -> { oRowAxis = l.row(); oColAxis = l.into().name(); }
            default -> { oRowAxis = null; oColAxis = null; }
        }
        List<int[]> probs = new ArrayList<>();
        for (Axis ax : t.axes()) {
            if (ax.name().equals(oRowAxis) || ax.name().equals(oColAxis)) continue;
            probs.add(new int[] {ax.size(), stride(a, ax.name()), b == null ? 0 : stride(b, ax.name()), stride(t, ax.name())});
        }
        int[] sizes = new int[probs.size()], pa = new int[probs.size()], pb = new int[probs.size()], po = new int[probs.size()];
        for (int i = 0; i < probs.size(); i++) {
            sizes[i] = probs.get(i)[0];
            pa[i] = probs.get(i)[1];
            pb[i] = probs.get(i)[2];
            po[i] = probs.get(i)[3];
        }
        String op = l.fn().word() + "[" + l.row() + ", " + l.col() + (l.into() == null ? "" : " -> " + l.into().name()) + "]";
        String what = op + (circuit == null ? "" : " in circuit " + circuit);
        return new Linalg.Plan(l.fn(), a.axis(l.row()).size(), stride(a, l.row()), stride(a, l.col()), b == null ? 0 : stride(b, l.row()),
                oRowAxis == null ? 0 : stride(t, oRowAxis), oColAxis == null ? 0 : stride(t, oColAxis), sizes, pa, pb, po, what);
    }

    /** The row-major stride of {@code axis} in {@code t}; 0 when {@code t} lacks it. */
    public static int stride(TensorType t, String axis) {
        int s = 1;
        for (int d = t.rank() - 1; d >= 0; d--) {
            if (t.axes().get(d).name().equals(axis)) return s;
            s *= t.axes().get(d).size();
        }
        return 0;
    }

}
