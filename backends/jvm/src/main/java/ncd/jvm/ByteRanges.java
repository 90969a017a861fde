package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Schedule;

/**
 * Which nodes of a fused group {@link FusedBytes} can compute exactly in byte lanes, and the range of their values:
 * bool and small i32 values only (a stencil's count of bool neighbours, say), every one provably within a byte.
 */
final class ByteRanges {
    private final Fused f;

    ByteRanges(Fused f) { this.f = f; }

    /**
     * The range {@code [lo, hi]} of the values node {@code n} takes, when the vector path can compute it exactly in
     * byte lanes: bool and i32 values only, every i32 intermediate provably within [-128, 127], bool leaves read
     * contiguously. Null otherwise.
     */
    long[] of(Node n) {
        DType dt = n.type().dtype();
        if (dt != DType.BOOL && dt != DType.I32) return null;
        long[] r = ofOp(n);
        if (r == null || r[0] < Byte.MIN_VALUE || r[1] > Byte.MAX_VALUE) return null;
        return r;
    }

    private long[] ofOp(Node n) {
        DType dt = n.type().dtype();
        if (n.op() == Op.CONST) {
            double v = ((Attr.Scalar) n.attr()).value();
            long c = dt == DType.BOOL ? (v != 0 ? 1 : 0) : Rt.toI32(v);
            return new long[] {c, c};
        }
        if (f.isLeaf(n)) {
            int i = f.leaves.indexOf(n);
            return dt == DType.BOOL && f.strides[1 + i][f.rank - 1] == 1 ? new long[] {0, 1} : null;
        }
        Schedule.Stencil st = f.plan.fusion.stencils.get(n);
        if (st != null) {
            if (st.x().type().dtype() != DType.BOOL) return null;
            if (Shapes.stride(st.x().type(), f.t.axes().get(f.rank - 1).name()) != 1) return null;
            for (Node c : st.chain()) {
                if (c.op() != Op.CAST || c.type().dtype() != DType.I32) return null;
            }
            boolean counts = dt == DType.I32 && !st.chain().isEmpty(), bools = dt == DType.BOOL && st.chain().isEmpty();
            return switch (((Attr.Reduce) st.reduce().attr()).fn()) {
                case SUM -> counts ? new long[] {0, FusedBytes.combos(st)} : null;
                case ANY, ALL -> bools ? new long[] {0, 1} : null;
                case MEAN, MAX, MIN, PROD, ARGMAX, ARGMIN -> null;
            };
        }
        Elementwise.ByteLanes l = lanes(n);
        return l == null ? null : new long[] {l.lo(), l.hi()};
    }

    /**
     * The byte-lane form of {@code n}, a node of the group computed from its inputs' lanes (method null: the lanes pass
     * through unchanged), or null when it has none.
     */
    Elementwise.ByteLanes lanes(Node n) {
        DType dt = n.type().dtype();
        return switch (n.op()) {
            case UNARY -> {
                long[] a = of(n.input(0));
                yield a == null ? null : Elementwise.byteLanes(((Attr.Unary) n.attr()).fn(), dt, a);
            }
            case BINARY -> {
                long[] a = of(n.input(0)), b = of(n.input(1));
                yield a == null || b == null ? null : Elementwise.byteLanes(((Attr.Binary) n.attr()).fn(), a, b);
            }
            case CAST -> {
                long[] a = of(n.input(0));
                if (a == null) yield null;
                if (dt != DType.BOOL) yield new Elementwise.ByteLanes(null, a[0], a[1]);
                // Vec.nzs when no lane is -128
                String nz = n.input(0).type().dtype() == DType.BOOL ? null : a[0] > Byte.MIN_VALUE ? "nzs" : "nz";
                yield new Elementwise.ByteLanes(nz, 0, 1);
            }
            case WHERE -> {
                long[] c = of(n.input(0)), a = of(n.input(1)), b = of(n.input(2));
                if (c == null || a == null || b == null) yield null;
                yield new Elementwise.ByteLanes("where", Math.min(a[0], b[0]), Math.max(a[1], b[1]));
            }
            case INPUT, PARAM, CONST, IOTA, RANDOM, STATE_READ, EXPAND, REDUCE, ARG_REDUCE, CONTRACT, RENAME, TRANSPOSE,
                 SPLIT, MERGE, SLICE, SELECT, ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> null;
        };
    }
}
